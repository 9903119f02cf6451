"""The monthly report (一月一报) in a real browser (issue 10): the district officer fills the Excel
template, meets the error its upload reports, fixes it and submits; the bureau returns the report
with a reason and accepts the corrected one; the report is then locked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)

# Year-to-date figures of June 2023 for 碧江区 (the reported indicators of the plan).
JUNE = {
    "HT_OUTPUT": 120.5,
    "RD_EXPENDITURE": 0.8,
    "GDP": 150,
    "SANSHANG_FIRMS": 310,
    "RD_ACTIVE_FIRMS": 62,
    "STS_REVENUE": 4.2,
    "STS_WAGES": 1.1,
}


@pytest.fixture
def may_held(users, units):
    """May's year-to-date high-tech output is held at 130 (imported)."""
    from dispatch.models import Actual
    from plan.models import Indicator

    return Actual.objects.create(
        unit=units["520602"],
        indicator=Indicator.objects.get(code="HT_OUTPUT"),
        year=2023,
        month=5,
        value=130,
        origin="import",
    )


def _filled(raw: bytes, values: dict) -> bytes:
    wb = load_workbook(io.BytesIO(raw))
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        if row[2].value in values:
            row[7].value = values[row[2].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files("#upload-file", str(path))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_district_fills_the_template_fixes_the_error_and_the_bureau_returns_then_accepts(
    browser, live_server, page, users, may_held, tmp_path
):
    from dispatch.models import Actual, MonthlyReport

    # --- the district officer -----------------------------------------------------------------
    login(page, "bijiang")
    page.goto(page.base + "/dispatch/reports/")
    start = page.locator("main form[action$='/dispatch/reports/new/']")
    start.locator("input[name=year]").fill("2023")
    start.locator("select[name=month]").select_option("6")
    start.locator("button[type=submit]").click()
    page.wait_for_url("**/edit/")
    report = MonthlyReport.objects.get(unit__code="520602", year=2023, month=6)

    with page.expect_download() as download:
        page.click("main a[href$='template.xlsx']")
    template = download.value
    assert template.suggested_filename == "monthly-report-520602-2023-06.xlsx"
    raw = Path(template.path()).read_bytes()

    # 120.5 is below May's 130 with no reason given: the upload is refused, naming the cell.
    _upload(page, tmp_path, "june.xlsx", _filled(raw, JUNE))
    errors = page.locator("ul.errors").inner_text()
    assert "130" in errors and "2023-05" in errors, errors
    shot(page, "monthly-report-upload-error")
    assert not report.figures.filter(value__isnull=False).exists(), "a refused file writes nothing"

    page.click("main a.button")  # back to the report
    _upload(page, tmp_path, "june-fixed.xlsx", _filled(raw, {**JUNE, "HT_OUTPUT": 135.5}))
    assert "135.5" in page.locator("#value_HT_OUTPUT").input_value()
    page.goto(f"{page.base}/dispatch/reports/{report.pk}/")
    shot(page, "monthly-report")
    page.click("main form[action$='/submit/'] button")
    page.wait_for_load_state("networkidle")
    assert "已报送" in page.locator("main dl.facts").inner_text()
    # Submitted: no form to fill any more.
    assert page.locator("main a[href$='/edit/']").count() == 0

    # --- the bureau: return with a reason -----------------------------------------------------
    staff_context = browser.new_context(locale="zh-CN")
    staff = staff_context.new_page()
    staff.base = live_server.url
    login(staff, "staff")
    staff.goto(f"{staff.base}/dispatch/reports/{report.pk}/")
    staff.fill("#reason-return", "高新技术产业产值较上月增幅异常，请核实后重报。")
    staff.click("main form[action$='/return/'] button")
    staff.wait_for_load_state("networkidle")
    assert "已退回" in staff.locator("main dl.facts").inner_text()

    # --- the district corrects and resubmits ----------------------------------------------------
    page.goto(f"{page.base}/dispatch/reports/{report.pk}/edit/")
    assert "请核实后重报" in page.locator("main p.error").inner_text()
    page.fill("#value_HT_OUTPUT", "131")
    page.click("main form[novalidate] button[name=then][value=submit]")
    page.wait_for_load_state("networkidle")

    # --- the bureau accepts; the figures become the unit's June figures -------------------------
    staff.goto(f"{staff.base}/dispatch/reports/{report.pk}/")
    staff.click("main form[action$='/accept/'] button")
    staff.wait_for_load_state("networkidle")
    assert "已审核" in staff.locator("main dl.facts").inner_text()
    june = Actual.objects.get(unit__code="520602", indicator__code="HT_OUTPUT", year=2023, month=6)
    assert float(june.value) == 131
    staff_context.close()

    # Locked: the district sees no edit link, and the edit page sends it back to the report.
    page.goto(f"{page.base}/dispatch/reports/{report.pk}/edit/")
    assert page.url.endswith(f"/dispatch/reports/{report.pk}/")
    assert page.locator("main a[href$='/edit/']").count() == 0
    assert page.locator("main form[action$='/revise/']").count() == 1, "a correction is the only way"
