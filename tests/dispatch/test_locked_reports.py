"""An accepted monthly report cannot change on any path (security.md item 5): the services, the
pages, the API, the upload, the model, the queryset's bulk paths and, on PostgreSQL, raw SQL."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from dispatch.models import LockedReportError, MonthlyReport, ReportFigure, ReportNote, ReportStatus
from dispatch.workflow.reports import monthly_report_create
from tests.dispatch.test_reports import VALUES, accepted, client_for, full

pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@pytest.fixture
def report(users, units):
    return monthly_report_create(actor=users["district"], unit=units["520602"], year=2023, month=6)


def digest(report: MonthlyReport) -> str:
    """Every stored value of the report, its figures and notes."""
    rows = {
        "report": list(MonthlyReport.objects.filter(pk=report.pk).values()),
        "figures": list(ReportFigure.objects.filter(report=report).order_by("pk").values()),
        "notes": list(ReportNote.objects.filter(report=report).order_by("pk").values()),
    }
    return json.dumps(rows, default=str, sort_keys=True)


def test_bulk_paths_refuse_an_accepted_report(users, report):
    accepted(users, report)
    before = digest(report)
    with pytest.raises(LockedReportError):
        MonthlyReport.objects.filter(pk=report.pk).update(return_reason="sneaky")
    with pytest.raises(LockedReportError):
        MonthlyReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(LockedReportError):
        ReportFigure.objects.filter(report=report).update(value=Decimal(1))
    with pytest.raises(LockedReportError):
        ReportFigure.objects.filter(report=report).delete()
    fig = ReportFigure.objects.filter(report=report).first()
    fig.value = Decimal(2)
    with pytest.raises(LockedReportError):
        ReportFigure.objects.bulk_update([fig], ["value"])
    # nothing is added to it or moved into it either
    with pytest.raises(LockedReportError):
        ReportFigure.objects.bulk_create([ReportFigure(report=report, indicator=fig.indicator, value=1)])
    draft = monthly_report_create(actor=users["district"], unit=report.unit, year=2023, month=7)
    with pytest.raises(LockedReportError):
        ReportFigure.objects.filter(report=draft).update(report=report)
    # a set mixing open and accepted reports is refused whole
    with pytest.raises(LockedReportError):
        MonthlyReport.objects.filter(unit=report.unit).update(reason="x")
    assert digest(report) == before


def test_bulk_paths_still_work_on_an_open_report(users, report):
    assert ReportFigure.objects.filter(report=report).update(value=Decimal(3)) == len(VALUES)
    assert MonthlyReport.objects.filter(pk=report.pk).update(reason="draft note") == 1
    assert MonthlyReport.objects.get(pk=report.pk).reason == "draft note"


def test_pages_and_api_refuse_an_accepted_report(users, report):
    accepted(users, report)
    before = digest(report)
    district = client_for(users["district"])
    form = {f"value_{c}": "1" for c in VALUES}
    district.post(f"/dispatch/reports/{report.pk}/edit/", form)
    district.post(f"/dispatch/reports/{report.pk}/submit/")
    client_for(users["staff"]).post(f"/dispatch/reports/{report.pk}/return/", {"reason": "x"})
    r = district.post(
        f"/api/v1/dispatch/reports/{report.pk}/figures",
        data=json.dumps({"figures": {"HT_OUTPUT": {"value": "1"}}}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert digest(report) == before
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


@pg_only
def test_raw_sql_cannot_change_an_accepted_report(users, report):
    accepted(users, report)
    before = digest(report)
    statements = [
        ("UPDATE dispatch_monthlyreport SET return_reason = 'x' WHERE id = %s", [report.pk]),
        ("UPDATE dispatch_monthlyreport SET status = 'draft' WHERE id = %s", [report.pk]),
        ("DELETE FROM dispatch_monthlyreport WHERE id = %s", [report.pk]),
        ("UPDATE dispatch_reportfigure SET value = 1 WHERE report_id = %s", [report.pk]),
        ("DELETE FROM dispatch_reportfigure WHERE report_id = %s", [report.pk]),
        ("DELETE FROM dispatch_reportnote WHERE report_id = %s", [report.pk]),
    ]
    for sql, params in statements:
        with (
            pytest.raises(DatabaseError, match="accepted report"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    fig = ReportFigure.objects.filter(report=report).first()
    with (
        pytest.raises(DatabaseError, match="accepted report"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO dispatch_reportfigure (created, updated, report_id, indicator_id, value, note)"
            " VALUES (now(), now(), %s, %s, 1, '')",
            [report.pk, fig.indicator_id],
        )
    assert digest(report) == before


@pg_only
def test_raw_sql_still_changes_an_open_report_and_deleting_an_account_is_let_through(users, report):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dispatch_reportfigure SET value = 7 WHERE report_id = %s", [report.pk])
    assert set(ReportFigure.objects.filter(report=report).values_list("value", flat=True)) == {Decimal(7)}
    accepted(users, report, by="district")
    staff = users["staff"]
    staff.delete()  # the accepted report's accepted_by becomes NULL: the one change allowed
    report.refresh_from_db()
    assert report.accepted_by_id is None and report.status == ReportStatus.ACCEPTED
    assert ReportFigure.objects.filter(report=report).count() == len(VALUES)


def test_services_leave_no_partial_write_when_refused(users, report):
    """The refusal happens before anything is written: a fill on an accepted report changes no
    figure even when the first figures would have been valid."""
    from dispatch.workflow.common import WorkflowError
    from dispatch.workflow.reports import monthly_report_fill

    accepted(users, report)
    before = digest(report)
    with pytest.raises(WorkflowError):
        monthly_report_fill(actor=users["district"], report=report, figures=full())
    assert digest(report) == before
