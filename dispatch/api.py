"""`/api/v1/dispatch/…`: monthly reports, warnings and follow-up orders, in the caller's scope.

Lists are `{"items": [...], "count": N}`. An object outside the caller's scope is a 404 on every
method, checked before the body is read (every body field has a default, so a foreign id
answers exactly as a missing one whatever is sent). Steps are the services of
dispatch/workflow/: a step that cannot be taken now is a 422 with the reason (and the field),
a step that is not the caller's to take a 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from dispatch.models import DispatchWarning, FollowUpOrder, MonthlyReport, ReportStatus
from dispatch.workflow import followup as followup_svc
from dispatch.workflow import reports as report_svc
from dispatch.workflow import warnings as warning_svc
from dispatch.workflow.common import WorkflowError, reporting_units_for
from kechuang.core.api import ListPagination, ValidationProblemOut, year_query
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404

PREFIX = "/dispatch"
router = Router(tags=["dispatch"])


class StepProblemOut(Schema):
    # a step refused (the reason), or django-ninja's own 422 for a body that does not fit
    detail: str | list[ValidationProblemOut]
    field: str | None = None
    errors: list[list[str]] = []


def _refused(exc: Exception):
    if isinstance(exc, PermissionError):
        return Status(403, {"detail": "this step is not yours to take"})
    assert isinstance(exc, WorkflowError)
    return Status(
        422,
        {"detail": exc.message, "field": exc.field, "errors": [[str(w), str(m)] for w, m in exc.errors]},
    )


# ---------------------------------------------------------------------------------------------
# Monthly reports
# ---------------------------------------------------------------------------------------------


class FigureOut(Schema):
    indicator: str
    value: Decimal | None
    note: str

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code


class NoteOut(Schema):
    assignment: int
    item: str
    status: str
    progress: str

    @staticmethod
    def resolve_assignment(obj) -> int:
        return obj.assignment_id

    @staticmethod
    def resolve_item(obj) -> str:
        return report_svc.item_key(obj.assignment)


class ReportOut(Schema):
    id: int
    unit: str
    year: int
    month: int
    revision: int
    status: str
    due: dt.date
    first_submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    late: bool

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_late(obj) -> bool:
        return obj.revision == 1 and obj.first_submitted_at is not None and obj.late


class ReportDetailOut(ReportOut):
    corrects: int | None
    reason: str
    return_reason: str
    figures: list[FigureOut]
    notes: list[NoteOut]

    @staticmethod
    def resolve_corrects(obj) -> int | None:
        return obj.corrects_id

    @staticmethod
    def resolve_figures(obj):
        return list(obj.figures.select_related("indicator").order_by("indicator__order"))

    @staticmethod
    def resolve_notes(obj):
        return list(obj.notes.select_related("assignment__item__task"))


class ReportCreateIn(Schema):
    unit: str = ""
    year: int = 0
    month: int = 0


class FigureIn(Schema):
    value: Decimal | None = None
    note: str = ""


class NoteIn(Schema):
    status: str = ""
    progress: str = ""


class FillIn(Schema):
    figures: dict[str, FigureIn] = {}
    notes: dict[int, NoteIn] = {}


class ReasonIn(Schema):
    reason: str = ""


def _report(request, report_id: int, action="view"):
    qs = MonthlyReport.objects.select_related("unit")
    return get_scoped_or_404(qs, request.user, action, pk=report_id)


@router.get("/reports", response=list[ReportOut], url_name="dispatch_report_list")
@paginate(ListPagination)
def report_list(
    request,
    year: int | None = None,
    month: int | None = None,
    unit: str | None = None,
    status: str | None = None,
):
    qs = (
        MonthlyReport.objects.for_user(request.user)
        .select_related("unit")
        .order_by("-year", "-month", "unit__order", "revision")
    )
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    if unit:
        qs = qs.filter(unit__code=unit)
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    return qs


@router.post(
    "/reports",
    response={201: ReportDetailOut, 403: StepProblemOut, 422: StepProblemOut},
    url_name="dispatch_report_create",
)
def report_create(request, payload: ReportCreateIn):
    unit = reporting_units_for(request.user, CHANGE).filter(code=payload.unit).first()
    if unit is None:
        return Status(422, {"detail": "unknown unit, or not yours", "field": "unit"})
    try:
        report = report_svc.monthly_report_create(
            actor=request.user, unit=unit, year=payload.year, month=payload.month
        )
    except (WorkflowError, PermissionError) as exc:
        return _refused(exc)
    return Status(201, report)


@router.get("/reports/{int:report_id}", response=ReportDetailOut, url_name="dispatch_report_detail")
def report_detail(request, report_id: int):
    return _report(request, report_id)


@router.post(
    "/reports/{int:report_id}/figures",
    response={200: ReportDetailOut, 403: StepProblemOut, 422: StepProblemOut},
    url_name="dispatch_report_fill",
)
def report_fill(request, report_id: int, payload: FillIn):
    report = _report(request, report_id, CHANGE)
    try:
        report_svc.monthly_report_fill(
            actor=request.user,
            report=report,
            figures={k: report_svc.FigureInput(v.value, v.note) for k, v in payload.figures.items()},
            notes={k: report_svc.NoteInput(v.status, v.progress) for k, v in payload.notes.items()},
        )
    except (WorkflowError, PermissionError) as exc:
        return _refused(exc)
    report.refresh_from_db()
    return report


def _step(request, report_id: int, step, **kwargs):
    report = _report(request, report_id, CHANGE)
    try:
        result = step(actor=request.user, report=report, **kwargs)
    except (WorkflowError, PermissionError) as exc:
        return _refused(exc)
    result.refresh_from_db()
    return result


STEP_RESPONSES = {200: ReportDetailOut, 403: StepProblemOut, 422: StepProblemOut}


@router.post("/reports/{int:report_id}/submit", response=STEP_RESPONSES, url_name="dispatch_report_submit")
def report_submit(request, report_id: int):
    return _step(request, report_id, report_svc.monthly_report_submit)


@router.post("/reports/{int:report_id}/return", response=STEP_RESPONSES, url_name="dispatch_report_return")
def report_return(request, report_id: int, payload: ReasonIn | None = None):
    return _step(
        request, report_id, report_svc.monthly_report_return, reason=(payload.reason if payload else "")
    )


@router.post("/reports/{int:report_id}/accept", response=STEP_RESPONSES, url_name="dispatch_report_accept")
def report_accept(request, report_id: int):
    return _step(request, report_id, report_svc.monthly_report_accept)


@router.post("/reports/{int:report_id}/revise", response=STEP_RESPONSES, url_name="dispatch_report_revise")
def report_revise(request, report_id: int, payload: ReasonIn | None = None):
    return _step(
        request, report_id, report_svc.monthly_report_revise, reason=(payload.reason if payload else "")
    )


# ---------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------


class WarningOut(Schema):
    id: int
    unit: str
    indicator: str
    year: int
    month: int
    codes: list[str]
    level: str
    action: str
    status: str
    figures: dict
    meeting: int | None
    note: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_meeting(obj) -> int | None:
        return obj.meeting_id


class NoteOnlyIn(Schema):
    note: str = ""


@router.get("/warnings", response=list[WarningOut], url_name="dispatch_warning_list")
@paginate(ListPagination)
def warning_list(
    request,
    year: int | None = None,
    month: int | None = None,
    unit: str | None = None,
    level: str | None = None,
    status: str | None = None,
):
    qs = (
        DispatchWarning.objects.for_user(request.user)
        .select_related("unit", "indicator")
        .order_by("-year", "-month", "unit__order", "indicator__order")
    )
    for field, value in (
        ("year", year),
        ("month", month),
        ("unit__code", unit),
        ("level", level),
        ("status", status),
    ):
        if value:
            qs = qs.filter(**{field: value})
    return qs


@router.get("/warnings/{int:warning_id}", response=WarningOut, url_name="dispatch_warning_detail")
def warning_detail(request, warning_id: int):
    return get_scoped_or_404(
        DispatchWarning.objects.select_related("unit", "indicator"), request.user, pk=warning_id
    )


@router.post(
    "/warnings/{int:warning_id}/resolve",
    response={200: WarningOut, 403: StepProblemOut, 422: StepProblemOut},
    url_name="dispatch_warning_resolve",
)
def warning_resolve(request, warning_id: int, payload: NoteOnlyIn | None = None):
    warning = get_scoped_or_404(
        DispatchWarning.objects.select_related("unit", "indicator"), request.user, CHANGE, pk=warning_id
    )
    try:
        warning = warning_svc.warning_resolve(
            actor=request.user, warning=warning, note=payload.note if payload else ""
        )
    except (WorkflowError, PermissionError) as exc:
        return _refused(exc)
    return warning


# ---------------------------------------------------------------------------------------------
# Follow-up orders
# ---------------------------------------------------------------------------------------------


class OrderOut(Schema):
    id: int
    number: str
    unit: str
    year: int
    subject: str
    body: str
    source: str
    status: str
    due: dt.date
    warning: int | None
    assignment: int | None
    issued_at: dt.datetime
    acknowledged_at: dt.datetime | None
    answer: str
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_warning(obj) -> int | None:
        return obj.warning_id

    @staticmethod
    def resolve_assignment(obj) -> int | None:
        return obj.assignment_id


class AnswerIn(Schema):
    answer: str = ""


ORDER_RESPONSES = {200: OrderOut, 403: StepProblemOut, 422: StepProblemOut}


@router.get("/orders", response=list[OrderOut], url_name="dispatch_order_list")
@paginate(ListPagination)
def order_list(request, year: int | None = year_query(), unit: str | None = None, status: str | None = None):
    qs = FollowUpOrder.objects.for_user(request.user).select_related("unit").order_by("-issued_at", "-id")
    for field, value in (("year", year), ("unit__code", unit), ("status", status)):
        if value:
            qs = qs.filter(**{field: value})
    return qs


def _order(request, order_id: int, action="view"):
    return get_scoped_or_404(FollowUpOrder.objects.select_related("unit"), request.user, action, pk=order_id)


@router.get("/orders/{int:order_id}", response=OrderOut, url_name="dispatch_order_detail")
def order_detail(request, order_id: int):
    return _order(request, order_id)


def _order_step(request, order_id: int, step, **kwargs):
    order = _order(request, order_id, CHANGE)
    try:
        return step(actor=request.user, order=order, **kwargs)
    except (WorkflowError, PermissionError) as exc:
        return _refused(exc)


@router.post(
    "/orders/{int:order_id}/acknowledge", response=ORDER_RESPONSES, url_name="dispatch_order_acknowledge"
)
def order_acknowledge(request, order_id: int):
    return _order_step(request, order_id, followup_svc.order_acknowledge)


@router.post("/orders/{int:order_id}/answer", response=ORDER_RESPONSES, url_name="dispatch_order_answer")
def order_answer(request, order_id: int, payload: AnswerIn | None = None):
    return _order_step(request, order_id, followup_svc.order_answer, answer=payload.answer if payload else "")


@router.post("/orders/{int:order_id}/close", response=ORDER_RESPONSES, url_name="dispatch_order_close")
def order_close(request, order_id: int, payload: NoteOnlyIn | None = None):
    return _order_step(request, order_id, followup_svc.order_close, note=payload.note if payload else "")


# ---------------------------------------------------------------------------------------------
# Figures (the dashboard's side: dispatch/figures.py) — status per year and month, filtered by
# unit and indicator; a unit's monthly trend. Rows of the units the caller may read.
# ---------------------------------------------------------------------------------------------

from django.http import Http404  # noqa: E402
from ninja.errors import HttpError  # noqa: E402

from dispatch.figures import figure_data, figures_for, units_for_user  # noqa: E402


class FigureRowOut(Schema):
    unit: str
    indicator: str
    target: float | None
    actual: float | None
    completion: float | None
    time_progress: float
    yoy: float | None
    growth_drop: float | None
    rank: int | None
    forecast: float | None
    warnings: list[str]
    meets_target: bool | None
    backtest_mape: float | None
    backtest_months: int
    source: str | None


def _period(year: int, month: int | None = None) -> None:
    if not 2000 <= year <= 2100:
        raise HttpError(422, "year must be 2000–2100")
    if month is not None and not 1 <= month <= 12:
        raise HttpError(422, "month must be 1–12")


@router.get("/figures", response=list[FigureRowOut], url_name="dispatch_figures")
@paginate(ListPagination)
def figures_list(request, year: int, month: int, unit: str | None = None, indicator: str | None = None):
    """CONTRACTS.md's status rows of (year, month) (`kechuang dispatch status`), with the
    forecast's verdict and its backtest on last year; `unit` and `indicator` filter by code."""
    _period(year, month)
    return figures_for(fetched_by=request.user, year=year, month=month, unit=unit, indicator=indicator)


class TrendOut(Schema):
    unit: str
    indicator: str
    year: int
    this_year: list[float | None]
    last_year: list[float | None]


@router.get("/figures/trend", response=TrendOut, url_name="dispatch_figures_trend")
def figures_trend(request, year: int, unit: str, indicator: str):
    """The monthly levels (year to date for cumulative indicators) of one unit and indicator,
    this year and last; null where there is no figure. A unit outside the caller's scope is a 404."""
    _period(year)
    if not units_for_user(request.user).filter(code=unit).exists():
        raise Http404
    data = figure_data(year)
    if indicator not in data.info:
        raise Http404
    series = data.trends([unit]).get((unit, indicator), {})
    empty = [None] * 12
    return {
        "unit": unit,
        "indicator": indicator,
        "year": year,
        "this_year": series.get(year, empty),
        "last_year": series.get(year - 1, empty),
    }
