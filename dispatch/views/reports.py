"""Monthly report (一月一报) pages: the list, a report with its history and diff, the form, the
Excel template and its upload, the workflow steps, and the bureau's list of late and missing
reports with the due day. Writes go through dispatch/workflow/reports.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dispatch.models import Actual, ItemStatus, MonthlyReport, ReportStatus
from dispatch.workflow import reports as svc
from dispatch.workflow.common import (
    WorkflowError,
    dispatch_settings_update,
    report_due,
    report_due_day,
    reporting_units_for,
)
from dispatch.workflow.web import (
    XLSX,
    history,
    int_param,
    is_admin_user,
    is_bureau_user,
    page_of,
    run_step,
    today,
)
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404


@require_safe
@login_required
def report_list(request):
    qs = MonthlyReport.objects.for_user(request.user).select_related("unit")
    latest = qs.aggregate(y=Max("year"))["y"]
    year = int_param(request.GET.get("year"), latest or today().year, 2000, 2100)
    month = int_param(request.GET.get("month"), None, 1, 12)
    unit = request.GET.get("unit", "").strip()
    status = request.GET.get("status", "").strip()
    qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    if unit:
        qs = qs.filter(unit__code=unit)
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    units = reporting_units_for(request.user)
    writable = reporting_units_for(request.user, CHANGE)
    now = today()
    return render(
        request,
        "dispatch/reports/list.html",
        {
            "page": page_of(request, qs.order_by("-month", "unit__order", "-revision")),
            "filters": {"year": year, "month": month, "unit": unit, "status": status},
            "units": units,
            "statuses": ReportStatus.choices,
            "months": range(1, 13),
            "writable_units": writable,
            "start": {"year": now.year if now.month > 1 else now.year - 1, "month": (now.month - 2) % 12 + 1},
            "is_bureau": is_bureau_user(request.user),
        },
    )


@require_POST
@login_required
def report_create(request):
    unit = reporting_units_for(request.user, CHANGE).filter(code=request.POST.get("unit", "")).first()
    year = int_param(request.POST.get("year"), None, 2000, 2100)
    month = int_param(request.POST.get("month"), None, 1, 12)
    if unit is None or year is None or month is None:
        messages.error(request, _("Choose your unit, a year and a month."))
        return redirect("report_list")
    held = MonthlyReport.objects.for_user(request.user).filter(unit=unit, year=year, month=month)
    if held.exists():
        latest = held.order_by("-revision").first()
        messages.info(request, _("The report of this month exists already."))
        return redirect("report_detail", pk=latest.pk)
    try:
        report = svc.monthly_report_create(actor=request.user, unit=unit, year=year, month=month)
    except (WorkflowError, PermissionError) as exc:
        messages.error(
            request, _("Not done: {reason}").format(reason=getattr(exc, "message", _("not allowed")))
        )
        return redirect("report_list")
    return redirect("report_edit", pk=report.pk)


def _can_change(request, report) -> bool:
    return MonthlyReport.objects.for_user(request.user, CHANGE).filter(pk=report.pk).exists()


def _figure_rows(report):
    held = {}
    for ind_id, month, value in Actual.objects.filter(
        unit_id=report.unit_id, year=report.year, month__lt=report.month
    ).values_list("indicator_id", "month", "value"):
        if ind_id not in held or month > held[ind_id][0]:
            held[ind_id] = (month, value)
    rows = []
    for fig in report.figures.select_related("indicator").order_by("indicator__order"):
        prev = held.get(fig.indicator_id)
        rows.append(
            {"fig": fig, "previous": prev[1] if prev else None, "previous_month": prev[0] if prev else None}
        )
    return rows


@require_safe
@login_required
def report_detail(request, pk: int):
    report = get_scoped_or_404(MonthlyReport.objects.select_related("unit", "corrects"), request.user, pk=pk)
    can_change = _can_change(request, report)
    bureau = is_bureau_user(request.user)
    revisions = MonthlyReport.objects.for_user(request.user).filter(
        unit_id=report.unit_id, year=report.year, month=report.month
    )
    latest = revisions.aggregate(m=Max("revision"))["m"]
    return render(
        request,
        "dispatch/reports/detail.html",
        {
            "report": report,
            "rows": _figure_rows(report),
            "notes": report.notes.select_related("assignment__item__task").order_by(
                "assignment__item__task__number", "assignment__item__number"
            ),
            "diff": svc.report_diff(report),
            "history": history(report),
            "revisions": revisions.order_by("revision"),
            "can_edit": can_change and report.editable,
            "can_submit": can_change and report.editable,
            "can_decide": bureau and report.status == ReportStatus.SUBMITTED,
            "can_revise": can_change
            and report.status == ReportStatus.ACCEPTED
            and report.revision == latest
            and not revisions.exclude(status=ReportStatus.ACCEPTED).exists(),
        },
    )


def _parse_form(post, report):
    """(figures, notes, errors) from the posted form; a value that is not a number is an error
    on its field."""
    figures, notes, errors = {}, {}, {}
    for fig in report.figures.select_related("indicator"):
        code = fig.indicator.code
        raw = post.get(f"value_{code}", "").strip().replace(",", "")
        note = post.get(f"note_{code}", "")
        value = None
        if raw:
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.setdefault(f"value_{code}", []).append(_("{text!r} is not a number").format(text=raw))
                continue
        figures[code] = svc.FigureInput(value, note)
    for n in report.notes.all():
        notes[n.assignment_id] = svc.NoteInput(
            post.get(f"status_{n.assignment_id}", ""), post.get(f"progress_{n.assignment_id}", "")
        )
    return figures, notes, errors


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request, pk: int):
    report = get_scoped_or_404(MonthlyReport.objects.select_related("unit"), request.user, CHANGE, pk=pk)
    if not report.editable:
        messages.info(request, _("This report is no longer a draft; start a correction to change it."))
        return redirect("report_detail", pk=pk)
    errors: dict[str, list[str]] = {}
    posted = None
    if request.method == "POST":
        figures, notes, errors = _parse_form(request.POST, report)
        posted = request.POST
        if not errors:
            try:
                svc.monthly_report_fill(actor=request.user, report=report, figures=figures, notes=notes)
            except svc.ReportInputError as exc:
                for where, message in exc.errors:
                    errors.setdefault(where, []).append(message)
            except (WorkflowError, PermissionError) as exc:
                messages.error(
                    request, _("Not done: {reason}").format(reason=getattr(exc, "message", _("not allowed")))
                )
                return redirect("report_detail", pk=pk)
        if not errors:
            if request.POST.get("then") == "submit":
                if run_step(
                    request,
                    lambda: svc.monthly_report_submit(actor=request.user, report=report),
                    _("The report was submitted to the bureau."),
                ):
                    return redirect("report_detail", pk=pk)
                return redirect("report_edit", pk=pk)
            messages.success(request, _("The draft was saved."))
            return redirect("report_detail", pk=pk)
        messages.error(request, _("Some entries need correcting; nothing was saved."))
    rows = []
    for row in _figure_rows(report):
        code = row["fig"].indicator.code
        row["value"] = (
            posted.get(f"value_{code}", "")
            if posted is not None
            else (row["fig"].value if row["fig"].value is not None else "")
        )
        row["note"] = posted.get(f"note_{code}", "") if posted is not None else row["fig"].note
        row["errors"] = errors.get(f"value_{code}", []) + errors.get(f"note_{code}", [])
        rows.append(row)
    notes = []
    for n in report.notes.select_related("assignment__item__task").order_by(
        "assignment__item__task__number", "assignment__item__number"
    ):
        aid = n.assignment_id
        notes.append(
            {
                "note": n,
                "status": posted.get(f"status_{aid}", "") if posted is not None else n.status,
                "progress": posted.get(f"progress_{aid}", "") if posted is not None else n.progress,
                "errors": errors.get(f"progress_{aid}", []) + errors.get(f"status_{aid}", []),
            }
        )
    other = [
        m
        for k, ms in errors.items()
        if not k.startswith(("value_", "note_", "progress_", "status_"))
        for m in ms
    ]
    return render(
        request,
        "dispatch/reports/edit.html",
        {
            "report": report,
            "rows": rows,
            "notes": notes,
            "statuses": ItemStatus.choices,
            "other_errors": other,
        },
    )


@require_POST
@login_required
def report_submit(request, pk: int):
    report = get_scoped_or_404(MonthlyReport, request.user, CHANGE, pk=pk)
    try:
        svc.monthly_report_submit(actor=request.user, report=report)
    except svc.ReportInputError as exc:
        messages.error(
            request,
            _("The report cannot be submitted yet: {reasons}").format(
                reasons="；".join(m for _w, m in exc.errors)
            ),
        )
        return redirect("report_edit", pk=pk)
    except (WorkflowError, PermissionError) as exc:
        messages.error(
            request, _("Not done: {reason}").format(reason=getattr(exc, "message", _("not allowed")))
        )
        return redirect("report_detail", pk=pk)
    messages.success(request, _("The report was submitted to the bureau."))
    return redirect("report_detail", pk=pk)


@require_POST
@login_required
def report_return(request, pk: int):
    report = get_scoped_or_404(MonthlyReport, request.user, CHANGE, pk=pk)
    run_step(
        request,
        lambda: svc.monthly_report_return(
            actor=request.user, report=report, reason=request.POST.get("reason", "")
        ),
        _("The report was returned to the unit."),
    )
    return redirect("report_detail", pk=pk)


@require_POST
@login_required
def report_accept(request, pk: int):
    report = get_scoped_or_404(MonthlyReport, request.user, CHANGE, pk=pk)
    run_step(
        request,
        lambda: svc.monthly_report_accept(actor=request.user, report=report),
        _("The report was accepted; its figures are now the unit's figures for the month."),
    )
    return redirect("report_detail", pk=pk)


@require_POST
@login_required
def report_revise(request, pk: int):
    report = get_scoped_or_404(MonthlyReport, request.user, CHANGE, pk=pk)
    try:
        new = svc.monthly_report_revise(
            actor=request.user, report=report, reason=request.POST.get("reason", "")
        )
    except (WorkflowError, PermissionError) as exc:
        messages.error(
            request, _("Not done: {reason}").format(reason=getattr(exc, "message", _("not allowed")))
        )
        return redirect("report_detail", pk=pk)
    messages.success(request, _("A correction was started; change the figures and submit it."))
    return redirect("report_edit", pk=new.pk)


@require_safe
@login_required
def report_template_download(request, pk: int):
    report = get_scoped_or_404(MonthlyReport.objects.select_related("unit"), request.user, pk=pk)
    response = HttpResponse(svc.report_template(report), content_type=XLSX)
    name = f"monthly-report-{report.unit.code}-{report.period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def report_upload(request, pk: int):
    report = get_scoped_or_404(MonthlyReport.objects.select_related("unit"), request.user, CHANGE, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in template to upload."))
        return redirect("report_edit", pk=pk)
    try:
        changed = svc.monthly_report_upload(
            actor=request.user, report=report, data=upload.read(svc.MAX_UPLOAD + 1), filename=upload.name
        )
    except svc.ReportInputError as exc:
        return render(
            request,
            "dispatch/reports/upload_errors.html",
            {"report": report, "errors": exc.errors, "file": upload.name},
        )
    except (WorkflowError, PermissionError) as exc:
        messages.error(
            request, _("Not done: {reason}").format(reason=getattr(exc, "message", _("not allowed")))
        )
        return redirect("report_edit", pk=pk)
    messages.success(request, _("The template was read: {n} entries changed.").format(n=changed))
    return redirect("report_edit", pk=pk)


@require_safe
@login_required
def report_status(request):
    """Late and missing reports of a month, for the bureau (a district sees its own line)."""
    now = today()
    default_year, default_month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    latest = MonthlyReport.objects.for_user(request.user).order_by("-year", "-month").first()
    if latest is not None and (latest.year, latest.month) < (default_year, default_month):
        default_year, default_month = latest.year, latest.month
    year = int_param(request.GET.get("year"), default_year, 2000, 2100)
    month = int_param(request.GET.get("month"), default_month, 1, 12)
    rows = svc.reports_overview(year, month, units=list(reporting_units_for(request.user)), as_of=now)
    counts = {s: sum(1 for r in rows if r.state == s) for s in ("on_time", "late", "missing", "pending")}
    return render(
        request,
        "dispatch/reports/status.html",
        {
            "rows": rows,
            "counts": counts,
            "year": year,
            "month": month,
            "period": f"{year}-{month:02d}",
            "months": range(1, 13),
            "due": report_due(year, month),
            "due_day": report_due_day(year),
            "is_admin": is_admin_user(request.user),
        },
    )


@require_POST
@login_required
def report_settings(request):
    """The bureau admin sets the due day of a year's reports."""
    if not is_admin_user(request.user):
        raise Http404
    year = int_param(request.POST.get("year"), None, 2000, 2100)
    day = int_param(request.POST.get("report_due_day"), 0, 0, 99)
    if year is None:
        raise Http404
    run_step(
        request,
        lambda: dispatch_settings_update(actor=request.user, year=year, report_due_day=day),
        _("The due day was changed."),
    )
    month = int_param(request.POST.get("month"), None, 1, 12)
    return redirect(f"/dispatch/reports/status/?year={year}" + (f"&month={month}" if month else ""))


urlpatterns = [
    path("dispatch/reports/", report_list, name="report_list"),
    path("dispatch/reports/new/", report_create, name="report_create"),
    path("dispatch/reports/status/", report_status, name="report_status"),
    path("dispatch/reports/settings/", report_settings, name="report_settings"),
    path("dispatch/reports/<int:pk>/", report_detail, name="report_detail"),
    path("dispatch/reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("dispatch/reports/<int:pk>/submit/", report_submit, name="report_submit"),
    path("dispatch/reports/<int:pk>/return/", report_return, name="report_return"),
    path("dispatch/reports/<int:pk>/accept/", report_accept, name="report_accept"),
    path("dispatch/reports/<int:pk>/revise/", report_revise, name="report_revise"),
    path("dispatch/reports/<int:pk>/template.xlsx", report_template_download, name="report_template"),
    path("dispatch/reports/<int:pk>/upload/", report_upload, name="report_upload"),
]
