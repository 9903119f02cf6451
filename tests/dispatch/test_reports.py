"""The monthly report (一月一报): draft → submitted → returned → accepted, the lock on accepted
reports, corrections as revisions with a diff, late and missing reports, the Excel template and
its validated upload, and the district's scope on the pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from dispatch.models import (
    Actual,
    ActualOrigin,
    ItemAssignment,
    ItemUpdate,
    LockedReportError,
    MonthlyReport,
    ReportFigure,
    ReportStatus,
)
from dispatch.workflow.common import WorkflowError, dispatch_settings_update, report_due
from dispatch.workflow.reports import (
    FigureInput,
    NoteInput,
    ReportInputError,
    item_key,
    month_is_complete,
    monthly_report_accept,
    monthly_report_create,
    monthly_report_fill,
    monthly_report_return,
    monthly_report_revise,
    monthly_report_submit,
    monthly_report_upload,
    report_diff,
    report_template,
    reported_indicators,
    reports_overview,
)
from kechuang.core.models import Event, EventAction
from plan.models import Indicator

REPORTED = [
    "HT_OUTPUT",
    "RD_EXPENDITURE",
    "GDP",
    "SANSHANG_FIRMS",
    "RD_ACTIVE_FIRMS",
    "STS_REVENUE",
    "STS_WAGES",
]
VALUES = {
    "HT_OUTPUT": "120.5",
    "RD_EXPENDITURE": "0.8",
    "GDP": "150",
    "SANSHANG_FIRMS": "310",
    "RD_ACTIVE_FIRMS": "62",
    "STS_REVENUE": "4.2",
    "STS_WAGES": "1.1",
}


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


def full(values=VALUES, **notes) -> dict[str, FigureInput]:
    return {code: FigureInput(Decimal(v), notes.get(code, "")) for code, v in values.items()}


@pytest.fixture
def bijiang(units):
    return units["520602"]


@pytest.fixture
def report(users, bijiang):
    return monthly_report_create(actor=users["district"], unit=bijiang, year=2023, month=6)


def accepted(users, report, values=VALUES, when="2023-07-03", by="district"):
    monthly_report_fill(actor=users[by], report=report, figures=full(values))
    monthly_report_submit(actor=users[by], report=report, at=at(when))
    return monthly_report_accept(actor=users["staff"], report=report, at=at(when))


def test_reported_indicators_are_the_reported_non_ratio_ones(plan):
    assert [i.code for i in reported_indicators()] == REPORTED


def test_a_new_report_is_a_draft_with_every_indicator_and_the_units_items(report, bijiang):
    # given the plan's co-owners: (二)四是, (六)四是 and (八)四是 name the districts
    assert report.status == ReportStatus.DRAFT and report.revision == 1
    assert report.due == dt.date(2023, 7, 5)
    assert [f.indicator.code for f in report.figures.order_by("indicator__order")] == REPORTED
    assert sorted(item_key(n.assignment) for n in report.notes.all()) == ["2.4", "6.4", "8.4"]
    assert all(n.assignment.unit == bijiang for n in report.notes.all())
    # the ledger was created for the whole plan: the bureau for every item, districts and zones
    assert ItemAssignment.objects.filter(unit__code="520600").count() == 33
    assert ItemAssignment.objects.filter(unit__code="520602-GX").count() == 3


def test_one_report_per_unit_and_month_and_only_districts_and_zones(users, report, units):
    with pytest.raises(WorkflowError):
        monthly_report_create(actor=users["district"], unit=report.unit, year=2023, month=6)
    with pytest.raises(WorkflowError):
        monthly_report_create(actor=users["staff"], unit=units["520600"], year=2023, month=6)
    with pytest.raises(WorkflowError):  # a month that has not begun
        monthly_report_create(
            actor=users["staff"], unit=report.unit, year=timezone.localdate().year + 1, month=1
        )
    with pytest.raises(PermissionError):  # another district's report
        monthly_report_create(actor=users["district"], unit=units["520603"], year=2023, month=6)
    with pytest.raises(PermissionError):  # the leader writes nothing
        monthly_report_create(actor=users["leader"], unit=units["520603"], year=2023, month=6)


def test_full_path_accept_writes_actuals_and_updates_in_the_same_step(users, report):
    # given a draft filled with every figure and a note on an item
    note = report.notes.get(assignment__item__task__number=2)
    monthly_report_fill(
        actor=users["district"],
        report=report,
        figures=full(),
        notes={note.assignment_id: NoteInput("in_progress", "走访企业12家，新增入库3家")},
    )
    # when it is submitted on time and accepted
    monthly_report_submit(actor=users["district"], report=report, at=at("2023-07-04"))
    monthly_report_accept(actor=users["staff"], report=report, at=at("2023-07-06"))
    # then the figures are the unit's actuals, origin report
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and not report.late
    got = {
        a.indicator.code: a.value
        for a in Actual.objects.filter(unit=report.unit, year=2023, month=6, origin=ActualOrigin.REPORT)
    }
    assert got == {k: Decimal(v) for k, v in VALUES.items()}
    # and the note is a dated update of the item, which takes its status
    update = ItemUpdate.objects.get(report=report)
    assert update.on == dt.date(2023, 7, 6) and update.text == "走访企业12家，新增入库3家"
    assert update.author == users["district"]
    assert ItemAssignment.objects.get(pk=note.assignment_id).status == "in_progress"
    # and every step is a workflow event
    messages = list(
        Event.objects.filter(action=EventAction.WORKFLOW, object_id=str(report.pk)).values_list(
            "message", flat=True
        )
    )
    assert {
        "monthly report started",
        "monthly report saved",
        "monthly report submitted",
        "monthly report accepted",
    } <= set(messages)


def test_accepting_replaces_an_imported_figure(users, report):
    ind = Indicator.objects.get(code="HT_OUTPUT")
    Actual.objects.create(
        unit=report.unit, indicator=ind, year=2023, month=6, value=100, origin=ActualOrigin.IMPORT
    )
    accepted(users, report)
    a = Actual.objects.get(unit=report.unit, indicator=ind, year=2023, month=6)
    assert (a.value, a.origin) == (Decimal("120.5"), ActualOrigin.REPORT)


def test_an_accepted_report_is_locked(users, report):
    accepted(users, report)
    report.refresh_from_db()
    with pytest.raises(WorkflowError):
        monthly_report_fill(actor=users["district"], report=report, figures=full())
    with pytest.raises(WorkflowError):
        monthly_report_submit(actor=users["district"], report=report)
    with pytest.raises(WorkflowError):
        monthly_report_return(actor=users["staff"], report=report, reason="x")
    # below the services too: the model refuses any change or deletion
    report.return_reason = "sneaky"
    with pytest.raises(LockedReportError):
        report.save()
    with pytest.raises(LockedReportError):
        report.delete()
    fig = ReportFigure.objects.filter(report=report).first()
    fig.value = Decimal(1)
    with pytest.raises(LockedReportError):
        fig.save()
    with pytest.raises(LockedReportError):
        fig.delete()


def test_return_then_resubmit_then_accept(users, report):
    monthly_report_fill(actor=users["district"], report=report, figures=full())
    monthly_report_submit(actor=users["district"], report=report, at=at("2023-07-05"))
    with pytest.raises(WorkflowError) as exc:
        monthly_report_return(actor=users["staff"], report=report, reason="  ")
    assert exc.value.field == "reason"
    monthly_report_return(
        actor=users["staff"], report=report, reason="研发投入与统计快报不一致", at=at("2023-07-06")
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "研发投入与统计快报不一致"
    with pytest.raises(WorkflowError):  # a returned report is not accepted before it is sent again
        monthly_report_accept(actor=users["staff"], report=report)
    monthly_report_fill(
        actor=users["district"], report=report, figures={"RD_EXPENDITURE": FigureInput(Decimal("0.85"))}
    )
    monthly_report_submit(actor=users["district"], report=report, at=at("2023-07-08"))
    monthly_report_accept(actor=users["staff"], report=report)
    report.refresh_from_db()
    # lateness is judged on the first submission: on the due day, so on time
    assert report.first_submitted_at == at("2023-07-05") and not report.late
    assert Actual.objects.get(unit=report.unit, indicator__code="RD_EXPENDITURE", month=6).value == Decimal(
        "0.85"
    )


def test_only_the_bureau_returns_and_accepts(users, report):
    monthly_report_fill(actor=users["district"], report=report, figures=full())
    monthly_report_submit(actor=users["district"], report=report)
    for step in (monthly_report_accept, monthly_report_return):
        kwargs = {"reason": "x"} if step is monthly_report_return else {}
        for role in ("district", "leader"):
            with pytest.raises(PermissionError):
                step(actor=users[role], report=report, **kwargs)


def test_submit_needs_every_figure(users, report):
    monthly_report_fill(
        actor=users["district"], report=report, figures={"HT_OUTPUT": FigureInput(Decimal(1))}
    )
    with pytest.raises(ReportInputError) as exc:
        monthly_report_submit(actor=users["district"], report=report)
    fields = {f for f, _m in exc.value.errors}
    assert fields == {f"value_{c}" for c in REPORTED if c != "HT_OUTPUT"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_falling_cumulative_figure_needs_a_reason(users, report):
    # given May's year-to-date output held at 130
    Actual.objects.create(
        unit=report.unit,
        indicator=Indicator.objects.get(code="HT_OUTPUT"),
        year=2023,
        month=5,
        value=130,
        origin="import",
    )
    # when June is given as 120.5 without a note, it is refused and nothing is written
    with pytest.raises(ReportInputError) as exc:
        monthly_report_fill(actor=users["district"], report=report, figures=full())
    assert [f for f, _m in exc.value.errors] == ["value_HT_OUTPUT"]
    assert "2023-05" in exc.value.errors[0][1] and "130" in exc.value.errors[0][1]
    assert not ReportFigure.objects.filter(report=report, value__isnull=False).exists()
    # a stock indicator may fall: SANSHANG_FIRMS below May's is fine
    Actual.objects.create(
        unit=report.unit,
        indicator=Indicator.objects.get(code="SANSHANG_FIRMS"),
        year=2023,
        month=5,
        value=400,
        origin="import",
    )
    # when the note gives the reason, it is accepted
    monthly_report_fill(
        actor=users["district"], report=report, figures=full(HT_OUTPUT="统计口径调整，剔除退库企业")
    )
    assert ReportFigure.objects.get(report=report, indicator__code="HT_OUTPUT").value == Decimal("120.5")


def test_negative_values_are_refused(users, report):
    with pytest.raises(ReportInputError) as exc:
        monthly_report_fill(actor=users["district"], report=report, figures={"GDP": FigureInput(Decimal(-1))})
    assert exc.value.errors[0][0] == "value_GDP"


def test_correction_is_a_new_revision_with_a_reason_and_a_diff(users, report):
    accepted(users, report)
    report.refresh_from_db()
    with pytest.raises(WorkflowError) as exc:
        monthly_report_revise(actor=users["district"], report=report, reason="")
    assert exc.value.field == "reason"
    # when the district corrects the accepted report
    rev = monthly_report_revise(actor=users["district"], report=report, reason="统计局反馈数据修正")
    assert (rev.revision, rev.status, rev.corrects_id) == (2, ReportStatus.DRAFT, report.pk)
    with pytest.raises(WorkflowError):  # one open correction at a time
        monthly_report_revise(actor=users["district"], report=report, reason="again")
    monthly_report_fill(
        actor=users["district"], report=rev, figures={"HT_OUTPUT": FigureInput(Decimal("125"), "统计局核定")}
    )
    # then the diff shows the changed figure against the accepted one
    diff = {row["label"]: row for row in report_diff(rev) if row["kind"] == "figure"}
    assert diff["高新技术产业产值"]["old"] == Decimal("120.5") and diff["高新技术产业产值"]["new"] == Decimal(
        "125"
    )
    assert diff["高新技术产业产值"]["delta"] == Decimal("4.5") and diff["高新技术产业产值"]["changed"]
    assert not diff["地区生产总值"]["changed"]
    # and the actual changes only once the correction is accepted
    ht = Actual.objects.get(unit=report.unit, indicator__code="HT_OUTPUT", month=6)
    assert ht.value == Decimal("120.5")
    monthly_report_submit(actor=users["district"], report=rev, at=at("2023-08-20"))
    monthly_report_accept(actor=users["staff"], report=rev)
    ht.refresh_from_db()
    assert ht.value == Decimal("125")
    # the accepted revision 1 is untouched
    assert ReportFigure.objects.get(report=report, indicator__code="HT_OUTPUT").value == Decimal("120.5")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    # a correction is never late, and revision 1 stays on time
    assert [t.state for t in reports_overview(2023, 6, units=[report.unit], as_of=dt.date(2023, 9, 1))] == [
        "on_time"
    ]
    # only the latest accepted revision is corrected
    with pytest.raises(WorkflowError):
        monthly_report_revise(actor=users["district"], report=report, reason="old one")


def test_late_and_missing_reports(users, units, report):
    # given 碧江 submitted on 7-09 (due 7-05), 万山 on time, 江口 only a draft, the rest nothing
    monthly_report_fill(actor=users["district"], report=report, figures=full())
    monthly_report_submit(actor=users["district"], report=report, at=at("2023-07-09"))
    wanshan = monthly_report_create(actor=users["staff"], unit=units["520603"], year=2023, month=6)
    monthly_report_fill(actor=users["staff"], report=wanshan, figures=full())
    monthly_report_submit(actor=users["staff"], report=wanshan, at=at("2023-07-05"))
    monthly_report_create(actor=users["staff"], unit=units["520621"], year=2023, month=6)
    # then on 7-10 the list says who is late and who is missing
    rows = {t.unit.code: t for t in reports_overview(2023, 6, as_of=dt.date(2023, 7, 10))}
    assert len(rows) == 12  # 10 districts and 2 zones
    assert (rows["520602"].state, rows["520602"].days_late) == ("late", 4)
    assert rows["520603"].state == "on_time"
    assert (rows["520621"].state, rows["520621"].days_late) == ("missing", 5)
    assert rows["520628"].state == "missing" and rows["520628"].report is None
    # before the due day nothing is missing yet
    assert {t.state for t in reports_overview(2023, 6, as_of=dt.date(2023, 7, 5))} == {
        "pending",
        "on_time",
        "late",
    }


def test_due_day_is_configurable(users, bijiang):
    assert report_due(2023, 12) == dt.date(2024, 1, 5)
    with pytest.raises(PermissionError):
        dispatch_settings_update(actor=users["staff"], year=2023, report_due_day=10)
    with pytest.raises(WorkflowError):
        dispatch_settings_update(actor=users["admin"], year=2023, report_due_day=31)
    dispatch_settings_update(actor=users["admin"], year=2023, report_due_day=10)
    assert report_due(2023, 3) == dt.date(2023, 4, 10)
    r = monthly_report_create(actor=users["district"], unit=bijiang, year=2023, month=3)
    assert r.due == dt.date(2023, 4, 10)
    assert Event.objects.filter(message="dispatch settings changed").count() == 1


def test_month_complete_when_every_unit_is_accepted(users, units):
    for code in [u for u in units if units[u].kind in ("district", "zone")]:
        assert not month_is_complete(2023, 2)
        r = monthly_report_create(actor=users["staff"], unit=units[code], year=2023, month=2)
        accepted(users, r, when="2023-03-02", by="staff")
    assert month_is_complete(2023, 2)


# ---------------------------------------------------------------------------------------------
# Excel template and upload
# ---------------------------------------------------------------------------------------------


def _book(raw: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(raw))


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill_template(report, values=VALUES, notes=None, edit=None) -> bytes:
    wb = _book(report_template(report))
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        code = row[2].value
        if code in values:
            row[7].value = values[code]
    ws2 = wb.worksheets[1]
    for row in ws2.iter_rows(min_row=2):
        if notes and row[2].value in notes:
            row[4].value, row[5].value = notes[row[2].value]
    if edit:
        edit(wb)
    return _save(wb)


def test_template_lists_the_indicators_and_items_with_last_months_figure(users, report):
    Actual.objects.create(
        unit=report.unit,
        indicator=Indicator.objects.get(code="GDP"),
        year=2023,
        month=5,
        value=140,
        origin="import",
    )
    wb = _book(report_template(report))
    figures, items = wb.worksheets
    rows = list(figures.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == REPORTED
    assert all(r[0] == "520602" and r[1] == "2023-06" for r in rows)
    gdp = next(r for r in rows if r[2] == "GDP")
    assert gdp[6] == 140 and gdp[7] is None
    assert [r[2] for r in items.iter_rows(min_row=2, values_only=True)] == ["2.4", "6.4", "8.4"]


def test_upload_of_a_filled_template(users, report):
    raw = _fill_template(report, notes={"2.4": ("进行中", "新增培育库企业5家")})
    changed = monthly_report_upload(actor=users["district"], report=report, data=raw, filename="t.xlsx")
    assert changed == 8
    got = {f.indicator.code: f.value for f in report.figures.all()}
    assert got == {k: Decimal(v) for k, v in VALUES.items()}
    note = report.notes.get(assignment__item__task__number=2)
    assert (note.status, note.progress) == ("in_progress", "新增培育库企业5家")
    # the uploaded draft submits as it is
    monthly_report_submit(actor=users["district"], report=report)


def test_upload_with_bad_cells_names_sheet_row_and_column_and_writes_nothing(users, report):
    Actual.objects.create(
        unit=report.unit,
        indicator=Indicator.objects.get(code="STS_REVENUE"),
        year=2023,
        month=5,
        value=9,
        origin="import",
    )

    def spoil(wb):
        ws = wb.worksheets[0]
        ws["A3"] = "520603"  # row 3: another unit
        ws["H4"] = "十二"  # row 4: not a number
        ws.append(["520602", "2023-06", "NO_SUCH", "", "", "", "", "1", ""])  # row 9: unknown code
        ws2 = wb.worksheets[1]
        ws2["C3"] = "9.9"  # row 3: not an item of this report
        ws2["E4"] = "差不多"  # row 4: not a status

    raw = _fill_template(report, edit=spoil)  # STS_REVENUE 4.2 < May's 9: row 7, no note
    with translation.override("en"), pytest.raises(ReportInputError) as exc:
        monthly_report_upload(actor=users["district"], report=report, data=raw)
    where = [w for w, _m in exc.value.errors]
    sheet1, sheet2 = _book(raw).sheetnames
    assert any(w.endswith(("row 3, column 单位代码", "row 3, column Unit code")) for w in where), where
    assert len(where) == 6, exc.value.errors
    text = " | ".join(f"{w}: {m}" for w, m in exc.value.errors)
    for fragment in (f"{sheet1}", "row 3", "row 4", "row 7", "row 9", f"{sheet2}"):
        assert fragment in text
    assert "'十二'" in text and "'NO_SUCH'" in text and "'9.9'" in text and "'差不多'" in text
    # nothing was written
    assert not report.figures.filter(value__isnull=False).exists()
    assert not report.notes.exclude(progress="").exists()


def test_upload_accepts_a_falling_figure_with_a_reason_in_the_note_column(users, report):
    Actual.objects.create(
        unit=report.unit,
        indicator=Indicator.objects.get(code="STS_REVENUE"),
        year=2023,
        month=5,
        value=9,
        origin="import",
    )

    def reason(wb):
        ws = wb.worksheets[0]
        for row in ws.iter_rows(min_row=2):
            if row[2].value == "STS_REVENUE":
                row[8].value = "企业迁出，累计数调减"

    monthly_report_upload(actor=users["district"], report=report, data=_fill_template(report, edit=reason))
    assert report.figures.get(indicator__code="STS_REVENUE").note == "企业迁出，累计数调减"


def test_upload_refuses_another_months_template_and_non_xlsx(users, report, bijiang):
    other = monthly_report_create(actor=users["district"], unit=bijiang, year=2023, month=5)
    with pytest.raises(ReportInputError) as exc:
        monthly_report_upload(actor=users["district"], report=report, data=_fill_template(other))
    assert all("2023-06" in m for _w, m in exc.value.errors)
    with pytest.raises(WorkflowError):
        monthly_report_upload(actor=users["district"], report=report, data=b"unit,period\n520602,2023-06\n")


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def wanshan_report(users, units):
    return monthly_report_create(actor=users["staff"], unit=units["520603"], year=2023, month=6)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_district_sees_only_its_own_reports(users, report, wanshan_report):
    c = client_for(users["district"])
    page = c.get("/dispatch/reports/?year=2023&month=6").content.decode()
    assert f"/dispatch/reports/{report.pk}/" in page
    assert f"/dispatch/reports/{wanshan_report.pk}/" not in page
    for path in (
        f"/dispatch/reports/{wanshan_report.pk}/",
        f"/dispatch/reports/{wanshan_report.pk}/edit/",
        f"/dispatch/reports/{wanshan_report.pk}/template.xlsx",
    ):
        assert c.get(path).status_code == 404, path
    for action in ("edit", "submit", "return", "accept", "revise", "upload"):
        assert c.post(f"/dispatch/reports/{wanshan_report.pk}/{action}/").status_code == 404, action
    assert c.get(f"/api/v1/dispatch/reports/{wanshan_report.pk}").status_code == 404
    items = c.get("/api/v1/dispatch/reports").json()["items"]
    assert {i["unit"] for i in items} == {"520602"}


def test_the_report_pages_work_through_the_whole_path(users, report):
    district, staff = client_for(users["district"]), client_for(users["staff"])
    form = {f"value_{c}": v for c, v in VALUES.items()}
    form["value_HT_OUTPUT"] = "abc"
    # a bad value is shown next to its field, nothing saved
    r = district.post(f"/dispatch/reports/{report.pk}/edit/", form)
    assert r.status_code == 200
    assert 'id="err-value_HT_OUTPUT"' in r.content.decode()
    assert not report.figures.filter(value__isnull=False).exists()
    form["value_HT_OUTPUT"] = "120.5"
    r = district.post(f"/dispatch/reports/{report.pk}/edit/", form)
    assert r.status_code == 302
    assert district.post(f"/dispatch/reports/{report.pk}/submit/").status_code == 302
    assert (
        district.post(f"/dispatch/reports/{report.pk}/accept/").status_code == 302
    )  # refused, with a message
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert staff.post(f"/dispatch/reports/{report.pk}/accept/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    page = district.get(f"/dispatch/reports/{report.pk}/").content.decode()
    assert "120.5" in page
    r = district.post(f"/dispatch/reports/{report.pk}/revise/", {"reason": "修正"})
    new = MonthlyReport.objects.get(corrects=report)
    assert r.status_code == 302 and r["Location"].endswith(f"/dispatch/reports/{new.pk}/edit/")
    r = district.get(f"/dispatch/reports/{report.pk}/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert staff.get("/dispatch/reports/status/?year=2023&month=6").status_code == 200


def test_upload_page_with_a_named_file(users, report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(users["district"])
    raw = _fill_template(report, values={**VALUES, "GDP": "n/a"})
    r = c.post(f"/dispatch/reports/{report.pk}/upload/", {"file": SimpleUploadedFile("t.xlsx", raw)})
    assert r.status_code == 200
    body = r.content.decode()
    assert "第 4 行" in body and "&#x27;n/a&#x27;" in body  # the GDP cell, named in the page's language
    raw = _fill_template(report)
    r = c.post(f"/dispatch/reports/{report.pk}/upload/", {"file": SimpleUploadedFile("t.xlsx", raw)})
    assert r.status_code == 302
    assert report.figures.filter(value__isnull=False).count() == 7
