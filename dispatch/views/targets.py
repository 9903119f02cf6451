"""Targets page (plan section 二): each indicator's city target against the sum of its
districts' targets, with a warning where they do not add up; one indicator's targets per unit,
which the bureau sets here or imports (`kechuang dispatch import-targets`, the web import page).
Writes go through dispatch/workflow/targets.py."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from dispatch.workflow import targets as svc
from dispatch.workflow.common import WorkflowError
from dispatch.workflow.web import int_param, is_bureau_user, today
from kechuang.core.roles import VIEW
from kechuang.core.scope import scope_of
from org.models import Unit, UnitKind
from plan.models import Indicator, IndicatorKind, Target

STATE_LABELS = {
    svc.ADDS_UP: gettext_lazy("Adds up"),
    svc.DIFFERS: gettext_lazy("Does not add up"),
    svc.PARTIAL: gettext_lazy("Not every district has a target"),
    svc.NO_CITY: gettext_lazy("No city target"),
    svc.RATIO: gettext_lazy("Ratio: not additive"),
    svc.CITY_ONLY: gettext_lazy("City target only"),
}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _row(unit: Unit, target: Target | None) -> dict:
    return {
        "unit": unit,
        "target": target,
        "value_text": _plain(target and target.value),
        "growth_pp_text": _plain(target and target.growth_pp),
        "growth_text": _plain(target.growth * 100) if target and target.growth is not None else "",
    }


def _readers_only(user) -> None:
    if not scope_of(user).sees_all(VIEW):
        raise Http404


@require_safe
@login_required
def target_list(request):
    _readers_only(request.user)
    latest = Target.objects.aggregate(y=Max("year"))["y"]
    year = int_param(request.GET.get("year"), latest or today().year, 2000, 2100)
    checks = svc.target_check(year)
    names = dict(Indicator.objects.values_list("code", "name"))
    code = request.GET.get("indicator", "").strip()
    indicator = Indicator.objects.filter(code=code).first() if code else None
    rows = []
    if indicator is not None:
        held = {
            t.unit_id: t for t in Target.objects.filter(year=year, indicator=indicator).select_related("unit")
        }
        units = Unit.objects.filter(kind__in=(UnitKind.CITY, UnitKind.DISTRICT, UnitKind.ZONE)).order_by(
            "order", "code"
        )
        rows = [_row(u, held.get(u.pk)) for u in units]
    return render(
        request,
        "dispatch/targets.html",
        {
            "year": year,
            "checks": [
                {
                    "check": c,
                    "name": names.get(c.indicator, c.indicator),
                    "label": STATE_LABELS[c.state],
                    "city": _round(c.city),
                    "districts": _round(c.districts),
                    "difference": _round(c.difference),
                }
                for c in checks
            ],
            "warned": sum(c.warned for c in checks),
            "indicator": indicator,
            "indicators": Indicator.objects.filter(reference=False).order_by("order"),
            "ratio": indicator is not None and indicator.kind == IndicatorKind.RATIO,
            "rows": rows,
            "is_bureau": is_bureau_user(request.user),
        },
    )


@require_POST
@login_required
def target_set(request):
    if not is_bureau_user(request.user):
        raise Http404
    year = int_param(request.POST.get("year"), None, 2000, 2100)
    unit = Unit.objects.filter(code=request.POST.get("unit", "")).first()
    indicator = Indicator.objects.filter(code=request.POST.get("indicator", "")).first()
    if year is None or unit is None or indicator is None:
        raise Http404
    growth = request.POST.get("growth_pct", "").strip()
    try:
        if growth:
            try:
                growth = Decimal(growth) / 100
            except ArithmeticError as exc:
                raise WorkflowError(_("Not a number."), field="growth") from exc
        svc.target_set(
            actor=request.user,
            year=year,
            unit=unit,
            indicator=indicator,
            value=request.POST.get("value", "").strip(),
            growth=growth,
            growth_pp=request.POST.get("growth_pp", "").strip(),
        )
    except WorkflowError as exc:
        messages.error(request, _("Not done: {reason}").format(reason=exc.message))
    else:
        messages.success(request, _("The target of {unit} was saved.").format(unit=unit.name))
    return redirect(f"/dispatch/targets/?year={year}&indicator={indicator.code}")


urlpatterns = [
    path("dispatch/targets/", target_list, name="target_list"),
    path("dispatch/targets/set/", target_set, name="target_set"),
]
