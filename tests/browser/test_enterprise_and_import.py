"""Journeys of the enterprise user, the bureau admin's import and the language switch (issue 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _figures(enterprise, year: int, **values):
    from enterprises.models import EnterpriseYear

    return EnterpriseYear.objects.create(enterprise=enterprise, year=year, **values)


def test_an_enterprise_edits_its_file_evaluates_itself_and_reads_its_gap(page, users, enterprises):
    firm = enterprises["bijiang"]
    firm.founded = dt.date(2015, 3, 1)
    firm.ht_domain = "电子信息"
    firm.save()
    eval_year = dt.date.today().year
    # 5 S&T staff of 100 employees: 5%, below the HTE rule's 10% (national-rules.md, HTE condition 4).
    _figures(
        firm,
        eval_year - 1,
        employees=100,
        st_staff=5,
        revenue=8000,
        total_income=8000,
        rd_expense=400,
        rd_domestic=400,
        ht_income=6000,
        ip_class1=1,
        ip_class2=3,
    )
    login(page, "ent-bijiang")
    page.goto(f"{page.base}/enterprises/{firm.pk}/edit/")
    page.fill("#id_file-contact_phone", "12ab")
    page.click("main form.form-grid button.primary")
    # The form comes back with the error next to the field, in Chinese.
    error = page.locator(".errorlist").first
    assert "7" in error.inner_text() and "20" in error.inner_text()
    page.fill("#id_file-contact_phone", "0856-5222333")
    page.click("main form.form-grid button.primary")
    assert page.url.endswith(f"/enterprises/{firm.pk}/")
    assert "已提交" in page.content() or "确认" in page.locator(".messages").inner_text()

    page.click("#evaluation ~ form button[type=submit]")
    page.wait_for_url(f"**/enterprises/{firm.pk}/#evaluation")
    cards = page.locator(".cards .card")
    assert cards.count() >= 1
    hte = cards.first.inner_text()
    assert "5.0%" in hte or "5%" in hte, hte
    assert "不符合" in hte and "pass" not in hte, "conditions read in Chinese"
    timeline = page.locator("ol.timeline").inner_text()
    assert "修改了" in timeline and "成立日期" in timeline, timeline
    assert "tsme_registrations" not in timeline, "no raw field names in the timeline"
    gaps = page.locator("ul.gaps").first.inner_text()
    assert gaps.strip(), "the evaluation names what is missing"
    shot(page, "enterprise-file-evaluation")


def _workbook(path, rows):
    wb = Workbook()
    ws = wb.active
    # The headers of the template the import page offers; the figures are those of 2025.
    ws.append(
        ["统一社会信用代码", "企业名称", "所属单位", "年度", "职工总数", "科技人员数", "销售收入"]
        + ["资产总额", "研发费用", "成本费用总额", "I类知识产权", "II类知识产权"]
    )
    for row in rows:
        ws.append([*row, 2025, 120, 20, 3000, 5000, 200, 2500, 1, 4])
    wb.save(path)
    return path


def test_the_admin_imports_a_list_a_bad_file_changes_nothing(page, users, tmp_path):
    from enterprises.models import Enterprise

    before = Enterprise.objects.count()
    login(page, "admin")
    page.goto(page.base + "/imports/")
    page.select_option("#id_kind", "enterprises")
    # Row 3 has a code whose check character is wrong (GB 32100-2015).
    bad = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["91520602MA6DNXY1X4", "铜仁甲科技有限公司", "碧江区"],
            ["91350200776049653B", "铜仁乙公司", "碧江区"],
        ],
    )
    page.set_input_files("#id_file", str(bad))
    page.click("form.stack button[type=submit]")
    alert = page.locator("#job-panel .error")
    alert.wait_for()
    errors = page.locator("ul.errors").inner_text()
    assert "3" in errors and "统一社会信用代码" in errors, errors
    shot(page, "import-errors")
    assert Enterprise.objects.count() == before

    page.goto(page.base + "/imports/")
    page.select_option("#id_kind", "enterprises")
    good = _workbook(tmp_path / "good.xlsx", [["91520602MA6DNXY1X4", "铜仁甲科技有限公司", "碧江区"]])
    page.set_input_files("#id_file", str(good))
    page.click("form.stack button[type=submit]")
    page.locator("#job-panel").wait_for()
    assert page.locator("#job-panel .ok").count(), page.locator("#job-panel").inner_text()
    assert "铜仁甲科技有限公司" in page.locator("#job-panel table").inner_text()
    assert Enterprise.objects.count() == before, "the check writes nothing"
    page.click("#job-panel form button[type=submit]")
    page.locator("#job-panel .ok").wait_for()
    assert "1" in page.locator("#job-panel .ok").inner_text()
    assert Enterprise.objects.filter(uscc="91520602MA6DNXY1X4", unit__code="520602").exists()


def test_switching_the_language_to_english_and_back(page, users):
    login(page, "staff")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(page.base + "/")
    switch = page.locator("form[action$='/i18n/setlang/']")
    switch.locator("select, button").first.wait_for()
    _choose(page, switch, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    _choose(page, page.locator("form[action$='/i18n/setlang/']"), "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def _choose(page, form, language: str) -> None:
    select = form.locator("select[name=language]")
    if select.count():
        select.select_option(language)
        if form.locator("button").count():
            form.locator("button").first.click()
    else:
        form.locator(f"button[value='{language}']").click()
    page.wait_for_load_state("networkidle")
