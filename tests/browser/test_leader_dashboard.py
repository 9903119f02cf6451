"""The city leader's dashboard in a real browser (issue 10): the headline figures and the league
table, a district's trend chart drawn by the locally served ECharts, and the records behind a
figure counted from a registry."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_leader_reads_the_league_a_trend_and_the_records_behind_a_counted_figure(page, users, season):
    login(page, "leader")
    page.goto(page.base + "/dispatch/?year=2023&month=6&indicator=HT_OUTPUT")
    league = page.locator("table.kc-league")
    names = league.locator("tbody tr td:nth-child(2)").all_inner_texts()
    # Year-on-year growth of high-tech output to June: 碧江 +30%, 万山 +10%, 江口 −10%.
    assert names[:3] == ["碧江区", "万山区", "江口县"], names
    jiangkou = league.locator("tbody tr", has_text="江口县")
    assert "warn-" in (jiangkou.get_attribute("class") or ""), "negative growth is coloured"
    assert "-10.0%" in jiangkou.inner_text() or "−10.0%" in jiangkou.inner_text()
    shot(page, "dashboard")

    league.locator("a", has_text="碧江区").click()
    page.wait_for_url("**/dispatch/units/520602/**")
    chart = page.locator("[data-chart=trend]")
    chart.locator("canvas").first.wait_for()  # ECharts drew it: the script loaded from the app
    page.click("#trend details summary")
    table = page.locator("#trend details table").inner_text()
    assert "130" in table and "100" in table, table  # June 2023 beside June 2022
    shot(page, "dashboard-district")

    page.goto(page.base + "/dispatch/units/520602/?year=2023&month=6")
    page.locator("table.kc-figures a[href*='/records/HTE_APPLIED/']").click()
    page.wait_for_url("**/records/HTE_APPLIED/**")
    assert "碧江测试企业" in page.locator("main").inner_text()
