"""Layout in a real browser (issue 10): the grouped main menu works by mouse and keyboard, and the
daily pages are readable at phone width (no page wider than the screen; wide tables scroll in
their own box)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

# Any value of the attribute: `open` is present (as "") or absent. Web-first assertions wait for
# it, since nav.js closes the other groups on the `toggle` event, which fires after the click.
ANY = re.compile(".*")

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_main_menu_groups_open_close_and_lead_to_their_pages(page, users):
    login(page, "staff")
    groups = page.locator("nav.mainnav details.navgroup")
    assert groups.count() >= 4, "the bureau's thirty entries are grouped by module"
    enterprises = groups.filter(has_text="企业").first
    enterprises.locator("summary").click()
    expect(enterprises).to_have_attribute("open", ANY)
    # Opening another group closes the first.
    projects = groups.filter(has_text="项目").first
    projects.locator("summary").click()
    expect(enterprises).not_to_have_attribute("open", ANY)
    page.keyboard.press("Escape")
    expect(projects).not_to_have_attribute("open", ANY)
    # By keyboard: focus the summary, Enter opens it, Tab reaches the first entry, Enter follows it.
    enterprises.locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    target = enterprises.locator(".menu a").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")


@pytest.mark.parametrize(
    "username,path",
    [
        ("bijiang", "/"),
        ("bijiang", "/dispatch/reports/"),
        ("staff", "/dispatch/?year=2023&month=6"),
        ("staff", "/enterprises/"),
    ],
)
def test_pages_fit_a_phone_screen(phone_page, users, season, username, path):
    login(phone_page, username)
    phone_page.goto(phone_page.base + path)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    viewport = phone_page.evaluate("window.innerWidth")
    if path == "/dispatch/reports/":
        shot(phone_page, "phone-monthly-reports")
    assert width <= viewport + 1, f"{path} is {width}px wide on a {viewport}px screen"
