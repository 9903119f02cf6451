"""The bureau's answer to a warning in a real browser (issue 10): refresh June's warnings, open
江口县's negative-growth warning, convene a dispatch meeting on it and issue a follow-up order."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bureau_convenes_a_meeting_on_a_warning_and_issues_a_follow_up_order(page, users, season):
    from dispatch.models import DispatchWarning

    login(page, "staff")
    page.goto(page.base + "/dispatch/warnings/?year=2023&month=6")
    refresh = page.locator("main form[action$='/dispatch/warnings/refresh/']")
    refresh.locator("input[name=year]").fill("2023")
    refresh.locator("select[name=month]").select_option("6")
    refresh.locator("button").click()
    page.wait_for_load_state("networkidle")

    # 江口县's output fell from 10 to 9 (−10%): a negative-growth warning on HT_OUTPUT.
    warning = DispatchWarning.objects.get(
        unit__code="520621", indicator__code="HT_OUTPUT", year=2023, month=6
    )
    page.goto(page.base + "/dispatch/warnings/?year=2023&month=6&unit=520621")
    row = page.locator("main table tbody tr", has_text="高新技术产业产值")
    assert "-10%" in row.inner_text(), row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url(f"**/dispatch/warnings/{warning.pk}/")
    shot(page, "warning")

    page.click("main a[href*='/dispatch/meetings/new/']")
    page.fill("input[name=held_on]", "2023-07-10")
    page.fill("input[name=chair]", "分管副市长")
    page.click("main form button.primary, main form button[type=submit]")
    page.wait_for_url("**/dispatch/meetings/*/")
    warning.refresh_from_db()
    assert warning.status == "dispatched" and warning.meeting is not None
    assert "分管副市长" in page.locator("main").inner_text()

    page.goto(f"{page.base}/dispatch/warnings/{warning.pk}/")
    page.click("main a[href*='/dispatch/orders/new/']")
    due = dt.date.today() + dt.timedelta(days=14)  # an answer date lies ahead
    page.fill("input[name=due]", due.isoformat())
    body = page.locator("textarea[name=body]")
    body.fill("请江口县说明高新技术产业产值同比下降原因，并报送整改措施。")
    page.click("main form button.primary, main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/dispatch/orders/new/" not in page.url, page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    assert "江口县" in text and "整改措施" in text
    shot(page, "follow-up-order")
