"""Warnings and escalation pages: the warnings persisted from the figures with their level,
prescribed action and lifecycle; dispatch meetings (调度会); special reports (专题报告) and
bulletins (通报) with the units proposed for a bulletin; the thresholds (bureau admin). Writes go
through dispatch/workflow/warnings.py."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dispatch.figures import dispatch_thresholds
from dispatch.models import (
    DispatchMeeting,
    DispatchWarning,
    Escalation,
    EscalationKind,
    FollowUpOrder,
    WarningAction,
    WarningCode,
    WarningLevel,
    WarningStatus,
)
from dispatch.workflow import warnings as svc
from dispatch.workflow.common import (
    WorkflowError,
    dispatch_settings_update,
    reporting_units,
    reporting_units_for,
)
from dispatch.workflow.forms import (
    EscalationForm,
    MeetingForm,
    MinutesForm,
    ResolveForm,
    ThresholdsForm,
    add_workflow_error,
    run_form_step,
)
from dispatch.workflow.web import history, int_param, is_admin_user, is_bureau_user, page_of, run_step, today
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404


def _latest_period(qs):
    row = qs.order_by("-year", "-month").values_list("year", "month").first()
    return row or (today().year, None)


@require_safe
@login_required
def warning_list(request):
    qs = DispatchWarning.objects.for_user(request.user).select_related("unit", "indicator", "meeting")
    latest_year, latest_month = _latest_period(qs)
    year = int_param(request.GET.get("year"), latest_year, 2000, 2100)
    month_given = "month" in request.GET
    month = int_param(request.GET.get("month"), None if month_given else latest_month, 1, 12)
    filters = {k: request.GET.get(k, "").strip() for k in ("unit", "level", "status", "code", "action")}
    qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    if filters["unit"]:
        qs = qs.filter(unit__code=filters["unit"])
    if filters["level"] in WarningLevel.values:
        qs = qs.filter(level=filters["level"])
    if filters["status"] in WarningStatus.values:
        qs = qs.filter(status=filters["status"])
    if filters["action"] in WarningAction.values:
        qs = qs.filter(action=filters["action"])
    if filters["code"] in WarningCode.values:
        qs = qs.filter(codes__icontains=f'"{filters["code"]}"')
    counts = {lvl: qs.filter(level=lvl).count() for lvl in WarningLevel.values}
    return render(
        request,
        "dispatch/warnings/list.html",
        {
            "page": page_of(request, qs.order_by("-month", "unit__order", "indicator__order")),
            "year": year,
            "month": month,
            "months": range(1, 13),
            "filters": filters,
            "units": reporting_units_for(request.user),
            "levels": WarningLevel.choices,
            "statuses": WarningStatus.choices,
            "codes": WarningCode.choices,
            "actions": WarningAction.choices,
            "counts": counts,
            "is_bureau": is_bureau_user(request.user),
            "refresh_month": month or latest_month or max(today().month - 1, 1),
        },
    )


@require_POST
@login_required
def warnings_refresh(request):
    if not is_bureau_user(request.user):
        raise Http404
    year = int_param(request.POST.get("year"), None, 2000, 2100)
    month = int_param(request.POST.get("month"), None, 1, 12)
    if year is None or month is None:
        messages.error(request, _("Choose a year and a month."))
        return redirect("warning_list")
    result: list = []
    if run_step(
        request,
        lambda: result.append(svc.warnings_refresh(actor=request.user, year=year, month=month)),
        _("The warnings of {period} were refreshed from the figures.").format(period=f"{year}-{month:02d}"),
    ):
        r = result[0]
        messages.info(
            request,
            _(
                "{created} new, {updated} changed, {cleared} cleared; {orders} follow-up orders opened."
            ).format(created=r.created, updated=r.updated, cleared=r.cleared, orders=len(r.orders)),
        )
    return redirect(f"/dispatch/warnings/?year={year}&month={month}")


def _warning_page(request, warning, *, resolve_form=None, status=200):
    same = (
        DispatchWarning.objects.for_user(request.user)
        .filter(unit_id=warning.unit_id, indicator_id=warning.indicator_id, year=warning.year)
        .order_by("month")
    )
    return render(
        request,
        "dispatch/warnings/detail.html",
        {
            "w": warning,
            "series": same,
            "orders": FollowUpOrder.objects.for_user(request.user).filter(warning=warning),
            "history": history(warning),
            "is_bureau": is_bureau_user(request.user),
            "live": warning.status in svc.LIVE,
            "resolve_form": resolve_form or ResolveForm(),
        },
        status=status,
    )


def _warning(request, pk, action="view"):
    qs = DispatchWarning.objects.select_related("unit", "indicator", "meeting", "escalation", "resolved_by")
    return get_scoped_or_404(qs, request.user, action, pk=pk)


@require_safe
@login_required
def warning_detail(request, pk: int):
    return _warning_page(request, _warning(request, pk))


@require_POST
@login_required
def warning_resolve(request, pk: int):
    warning = _warning(request, pk, CHANGE)
    form = ResolveForm(request.POST)
    if run_form_step(
        request,
        form,
        lambda d: svc.warning_resolve(actor=request.user, warning=warning, note=d["note"]),
        refused=_("Only the bureau resolves a warning."),
        success=_("The warning was resolved."),
    ):
        return redirect("warning_detail", pk=pk)
    return _warning_page(request, warning, resolve_form=form)


# ---------------------------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------------------------


def _pct(x: float) -> Decimal:
    return (Decimal(repr(x)) * 100).quantize(Decimal("0.01")).normalize()


@require_http_methods(["GET", "POST"])
@login_required
def warning_thresholds(request):
    """The thresholds of a year: everyone reads them; the bureau admin changes them."""
    year = int_param(request.GET.get("year") or request.POST.get("year"), today().year, 2000, 2100)
    admin = is_admin_user(request.user)
    current = dispatch_thresholds(year)
    initial = {
        "negative_growth_pct": _pct(current.negative_growth),
        "growth_drop_pp": Decimal(repr(current.growth_drop_pp)).normalize(),
        "bottom_rank_places": current.bottom_rank_places,
        "behind_schedule_pct": _pct(current.behind_schedule),
        "at_risk_pct": _pct(current.at_risk_ratio),
    }
    form = ThresholdsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not admin:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            values = {
                "negative_growth": float(d["negative_growth_pct"] / 100),
                "growth_drop_pp": float(d["growth_drop_pp"]),
                "bottom_rank_places": d["bottom_rank_places"],
                "behind_schedule": float(d["behind_schedule_pct"] / 100),
                "at_risk_ratio": float(d["at_risk_pct"] / 100),
            }
            try:
                dispatch_settings_update(actor=request.user, year=year, thresholds=values)
            except WorkflowError as exc:
                add_workflow_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The thresholds of {year} were changed; refresh the warnings to apply them.").format(
                        year=year
                    ),
                )
                return redirect(f"/dispatch/warnings/thresholds/?year={year}")
    if not admin:
        for f in form.fields.values():
            f.disabled = True
    return render(
        request, "dispatch/warnings/thresholds.html", {"form": form, "year": year, "is_admin": admin}
    )


# ---------------------------------------------------------------------------------------------
# Dispatch meetings
# ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def meeting_list(request):
    qs = DispatchMeeting.objects.for_user(request.user).prefetch_related("units")
    latest = qs.aggregate(y=Max("year"))["y"]
    year = int_param(request.GET.get("year"), latest or today().year, 2000, 2100)
    return render(
        request,
        "dispatch/warnings/meetings.html",
        {
            "page": page_of(request, qs.filter(year=year)),
            "year": year,
            "is_bureau": is_bureau_user(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request):
    if not is_bureau_user(request.user):
        raise Http404
    live = DispatchWarning.objects.for_user(request.user, CHANGE).filter(status__in=svc.LIVE)
    chosen = [int_param(x, 0, 1, 10**12) for x in request.GET.getlist("warnings")]
    picked = list(live.filter(pk__in=chosen).select_related("unit"))
    year = picked[0].year if picked else (live.aggregate(y=Max("year"))["y"] or today().year)
    warnings_qs = live.filter(year=year).select_related("unit", "indicator").order_by("-month", "unit__order")
    initial = {
        "held_on": today(),
        "warnings": [w.pk for w in picked],
        "units": sorted({w.unit_id for w in picked}),
        "title": _("Dispatch meeting on the indicators of {year}").format(year=year),
    }
    form = MeetingForm(request.POST or None, initial=initial, units=reporting_units(), warnings=warnings_qs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = svc.meeting_convene(
                actor=request.user,
                year=d["held_on"].year if not d["warnings"] else d["warnings"][0].year,
                held_on=d["held_on"],
                title=d["title"],
                chair=d["chair"],
                units=d["units"],
                warnings=d["warnings"],
                minutes=d["minutes"],
                decisions=d["decisions"],
                held=d["held"],
            )
        except WorkflowError as exc:
            add_workflow_error(form, exc)
        else:
            messages.success(request, _("The dispatch meeting was recorded; its warnings are dispatched."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "dispatch/warnings/meeting_form.html", {"form": form})


def _meeting_page(request, meeting, *, form=None, status=200):
    form = form or MinutesForm(
        initial={
            "held_on": meeting.held_on,
            "held": True,
            "minutes": meeting.minutes,
            "decisions": meeting.decisions,
        }
    )
    return render(
        request,
        "dispatch/warnings/meeting.html",
        {
            "m": meeting,
            "units": meeting.units.all(),
            "warnings": DispatchWarning.objects.for_user(request.user)
            .filter(meeting=meeting)
            .select_related("unit", "indicator"),
            "history": history(meeting),
            "is_bureau": is_bureau_user(request.user),
            "form": form,
        },
        status=status,
    )


@require_safe
@login_required
def meeting_detail(request, pk: int):
    return _meeting_page(request, get_scoped_or_404(DispatchMeeting, request.user, pk=pk))


@require_POST
@login_required
def meeting_minutes(request, pk: int):
    meeting = get_scoped_or_404(DispatchMeeting, request.user, CHANGE, pk=pk)
    form = MinutesForm(request.POST)
    if run_form_step(
        request,
        form,
        lambda d: svc.meeting_record(
            actor=request.user,
            meeting=meeting,
            minutes=d["minutes"],
            decisions=d["decisions"],
            held=d["held"],
            held_on=d["held_on"],
        ),
        refused=_("Only the bureau records a meeting."),
        success=_("The minutes were saved."),
    ):
        return redirect("meeting_detail", pk=pk)
    return _meeting_page(request, meeting, form=form)


# ---------------------------------------------------------------------------------------------
# Special reports and bulletins
# ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def escalation_list(request):
    qs = Escalation.objects.for_user(request.user).select_related("unit")
    latest = qs.aggregate(y=Max("year"))["y"]
    year = int_param(request.GET.get("year"), latest or today().year, 2000, 2100)
    kind = request.GET.get("kind", "")
    qs = qs.filter(year=year)
    if kind in EscalationKind.values:
        qs = qs.filter(kind=kind)
    bureau = is_bureau_user(request.user)
    return render(
        request,
        "dispatch/warnings/escalations.html",
        {
            "page": page_of(request, qs),
            "year": year,
            "kind": kind,
            "kinds": EscalationKind.choices,
            "is_bureau": bureau,
            "proposals": svc.bulletin_proposals(year, units=list(reporting_units_for(request.user)))
            if bureau
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def escalation_create(request):
    if not is_bureau_user(request.user):
        raise Http404
    warning_ids = [
        int_param(x, 0, 1, 10**12)
        for x in (request.GET.getlist("warning") or request.POST.getlist("warning"))
    ]
    warnings = list(
        DispatchWarning.objects.for_user(request.user, CHANGE)
        .filter(pk__in=warning_ids, status__in=svc.LIVE)
        .select_related("unit", "indicator", "meeting")
    )
    kind = request.GET.get("kind") or EscalationKind.SPECIAL_REPORT
    initial = {
        "kind": kind if kind in EscalationKind.values else EscalationKind.SPECIAL_REPORT,
        "sent_on": today(),
    }
    unit_code = request.GET.get("unit", "")
    if warnings:
        w = warnings[0]
        initial["unit"] = w.unit
        initial["subject"] = _("On {unit}'s {indicator}").format(unit=w.unit.name, indicator=w.indicator.name)
        lines = [
            f"{x.period} {x.indicator.name}：{'、'.join(str(c) for c in x.code_labels)}"
            + (f"（{_('dispatched at')} {x.meeting}）" if x.meeting else "")
            for x in warnings
        ]
        initial["body"] = "\n".join(lines)
    elif unit_code:
        unit = reporting_units().filter(code=unit_code).first()
        if unit is not None:
            initial["unit"] = unit
            reasons = next(
                (p["reasons"] for p in svc.bulletin_proposals(today().year, units=[unit])), []
            ) or next((p["reasons"] for p in svc.bulletin_proposals(today().year - 1, units=[unit])), [])
            initial["body"] = "\n".join(reasons)
    form = EscalationForm(request.POST or None, initial=initial, units=reporting_units())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            esc = svc.escalation_create(
                actor=request.user,
                kind=d["kind"],
                unit=d["unit"],
                year=warnings[0].year if warnings else d["sent_on"].year,
                subject=d["subject"],
                body=d["body"],
                recipient=d["recipient"],
                sent_on=d["sent_on"],
                warnings=warnings,
            )
        except WorkflowError as exc:
            add_workflow_error(form, exc)
        else:
            messages.success(request, _("Recorded: {what}.").format(what=esc.get_kind_display()))
            return redirect("escalation_detail", pk=esc.pk)
    return render(request, "dispatch/warnings/escalation_form.html", {"form": form, "warnings": warnings})


@require_safe
@login_required
def escalation_detail(request, pk: int):
    esc = get_scoped_or_404(Escalation.objects.select_related("unit", "created_by"), request.user, pk=pk)
    return render(
        request,
        "dispatch/warnings/escalation.html",
        {
            "e": esc,
            "warnings": DispatchWarning.objects.for_user(request.user)
            .filter(escalation=esc)
            .select_related("indicator"),
            "history": history(esc),
        },
    )


urlpatterns = [
    path("dispatch/warnings/", warning_list, name="warning_list"),
    path("dispatch/warnings/refresh/", warnings_refresh, name="warnings_refresh"),
    path("dispatch/warnings/thresholds/", warning_thresholds, name="warning_thresholds"),
    path("dispatch/warnings/<int:pk>/", warning_detail, name="warning_detail"),
    path("dispatch/warnings/<int:pk>/resolve/", warning_resolve, name="warning_resolve"),
    path("dispatch/meetings/", meeting_list, name="meeting_list"),
    path("dispatch/meetings/new/", meeting_create, name="meeting_create"),
    path("dispatch/meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("dispatch/meetings/<int:pk>/minutes/", meeting_minutes, name="meeting_minutes"),
    path("dispatch/escalations/", escalation_list, name="escalation_list"),
    path("dispatch/escalations/new/", escalation_create, name="escalation_create"),
    path("dispatch/escalations/<int:pk>/", escalation_detail, name="escalation_detail"),
]
