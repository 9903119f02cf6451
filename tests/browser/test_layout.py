"""Layout in a real browser (issue 10): the grouped main menu works by mouse and keyboard, and the
daily pages are readable at phone width (no page wider than the screen; wide tables scroll in
their own box)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_main_menu_groups_open_close_and_lead_to_their_pages(page, users):
    login(page, "staff")
    groups = page.locator("nav.mainnav details.navgroup")
    assert groups.count() >= 4, "the bureau's thirty entries are grouped by module"
    enterprises = groups.filter(has_text="企业").first
    enterprises.locator("summary").click()
    assert enterprises.get_attribute("open") is not None
    # Opening another group closes the first.
    projects = groups.filter(has_text="项目").first
    projects.locator("summary").click()
    assert enterprises.get_attribute("open") is None
    page.keyboard.press("Escape")
    assert projects.get_attribute("open") is None
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
