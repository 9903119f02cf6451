"""Scope-walk entries for the dispatch workflow (monthly reports, warnings and escalation, key-task
follow-up, assessment; see tests/walk/core.py). The foreign objects belong to 万山区 (520603)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dispatch.models import (
    Actual,
    AssessmentScore,
    DispatchMeeting,
    DispatchWarning,
    Escalation,
    FollowUpOrder,
    ItemAssignment,
    ItemUpdate,
    MonthlyReport,
    ReportFigure,
    ReportNote,
)
from dispatch.workflow.assessment import assessment_compute
from dispatch.workflow.followup import order_issue
from dispatch.workflow.reports import (
    FigureInput,
    monthly_report_create,
    monthly_report_fill,
    monthly_report_submit,
)
from dispatch.workflow.warnings import escalation_create, meeting_convene
from plan.models import Indicator

AT = timezone.make_aware(dt.datetime(2023, 7, 4, 10))


def foreign(world) -> dict:
    staff, wanshan = world["users"]["staff"], world["units"]["520603"]
    report = monthly_report_create(actor=staff, unit=wanshan, year=2023, month=6)
    codes = report.figures.values_list("indicator__code", flat=True)
    monthly_report_fill(actor=staff, report=report, figures={c: FigureInput(Decimal(10)) for c in codes})
    monthly_report_submit(actor=staff, report=report, at=AT)
    assignment = ItemAssignment.objects.get(unit=wanshan, item__task__number=2, item__number=4)
    warning = DispatchWarning.objects.create(
        unit=wanshan,
        indicator=Indicator.objects.get(code="HT_OUTPUT"),
        year=2023,
        month=6,
        codes=["NEGATIVE_GROWTH"],
        level="red",
        action="DISPATCH_MEETING",
        figures={"yoy": -0.05},
    )
    order = order_issue(
        actor=staff,
        unit=wanshan,
        year=2023,
        subject="万山区督办事项",
        body="报告整改情况",
        due=dt.date(2023, 7, 20),
        assignment=assignment,
        at=AT,
    )
    meeting = meeting_convene(
        actor=staff,
        year=2023,
        held_on=dt.date(2023, 7, 10),
        title="万山区调度会",
        chair="分管副市长",
        units=[wanshan],
    )
    escalation = escalation_create(
        actor=staff,
        kind="bulletin",
        unit=wanshan,
        year=2023,
        subject="万山区未按时报送",
        body="6月报表逾期",
        sent_on=dt.date(2023, 7, 15),
    )
    run = assessment_compute(actor=staff, year=2023, as_of_month=6, as_of=dt.date(2023, 7, 10))
    return {
        "foreign_report": report,
        "foreign_assignment": assignment,
        "foreign_warning": warning,
        "foreign_order": order,
        "foreign_meeting": meeting,
        "foreign_escalation": escalation,
        "assessment_run": run,
        "foreign_score": AssessmentScore.objects.get(assessment=run, unit=wanshan),
    }


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    **{
        name: _pk("foreign_report")
        for name in (
            "report_detail",
            "report_edit",
            "report_submit",
            "report_return",
            "report_accept",
            "report_revise",
            "report_template",
            "report_upload",
        )
    },
    **{
        name: _pk("foreign_assignment")
        for name in ("followup_item", "followup_item_edit", "followup_item_update")
    },
    **{
        name: _pk("foreign_order")
        for name in ("followup_order", "order_acknowledge", "order_answer", "order_close")
    },
    **{name: _pk("foreign_warning") for name in ("warning_detail", "warning_resolve")},
    **{name: _pk("foreign_meeting") for name in ("meeting_detail", "meeting_minutes")},
    "escalation_detail": _pk("foreign_escalation"),
    "assessment_score": _pk("foreign_score"),
    **{
        f"api:dispatch_report_{name}": (lambda w: {"report_id": w["foreign_report"].pk})
        for name in ("detail", "fill", "submit", "return", "accept", "revise")
    },
    **{
        f"api:dispatch_warning_{name}": (lambda w: {"warning_id": w["foreign_warning"].pk})
        for name in ("detail", "resolve")
    },
    **{
        f"api:dispatch_order_{name}": (lambda w: {"order_id": w["foreign_order"].pk})
        for name in ("detail", "acknowledge", "answer", "close")
    },
}

REFERENCE_URLS = {
    "assessment_run": "an assessment run (year, date, settings) is read by every signed-in user; its scores "
    "on the page are scoped by unit",
}


def rows(world):
    wanshan = world["units"]["520603"]
    return [
        MonthlyReport.objects.filter(unit=wanshan),
        ReportFigure.objects.filter(report__unit=wanshan),
        ReportNote.objects.filter(report__unit=wanshan),
        Actual.objects.filter(unit=wanshan),
        ItemAssignment.objects.filter(unit=wanshan),
        ItemUpdate.objects.filter(assignment__unit=wanshan),
        FollowUpOrder.objects.filter(unit=wanshan),
        DispatchWarning.objects.filter(unit=wanshan),
        DispatchMeeting.objects.filter(pk=world["foreign_meeting"].pk),
        Escalation.objects.filter(unit=wanshan),
        AssessmentScore.objects.filter(unit=wanshan),
    ]
