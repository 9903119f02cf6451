"""Targets and their decomposition (plan section 二): the bureau sets a unit's target for an
indicator and year (absolute and/or growth), and the check that the districts' targets add up
to the city's.

Decisions:
- A target entered here replaces the one held for the same unit, indicator and year (as an
  imported one does, CONTRACTS.md) and is marked "entered"; emptying every field removes it.
- The check compares, per indicator, the city's target with the sum of the ten districts'
  targets, each resolved as the figures resolve it (an absolute target, or last December's level
  × (1 + growth)). Zones are not summed (CONTRACTS.md: city totals sum the 10 districts only).
  Ratio indicators are not additive and are not compared; an indicator no district has a target
  for is the city's alone (not decomposed) and raises no warning. Sums agree when they differ by less
  than half a unit of the 4th decimal (the precision targets are held to).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.figures import figure_data
from dispatch.workflow.common import WorkflowError, ensure_bureau
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope
from org.models import Unit
from org.units import CITY_CODE, DISTRICT_CODES
from plan.models import Indicator, IndicatorKind, Target, TargetOrigin
from rules.dispatch import MAX_VALUE

__all__ = ["TOLERANCE", "TargetCheck", "target_check", "target_set"]

TOLERANCE = 0.00005
ADDS_UP, DIFFERS, PARTIAL, NO_CITY, RATIO = "adds_up", "differs", "partial", "no_city", "ratio"
CITY_ONLY = "city_only"


@dataclass(frozen=True)
class TargetCheck:
    """One indicator's city target against its districts' targets."""

    indicator: str
    city: float | None
    districts: float | None  # the sum of the districts' resolved targets
    count: int  # districts with a target
    total: int  # districts
    state: str  # adds_up | differs | partial | no_city | city_only | ratio

    @property
    def difference(self) -> float | None:
        if self.city is None or self.districts is None:
            return None
        return self.districts - self.city

    @property
    def warned(self) -> bool:
        return self.state in (DIFFERS, PARTIAL)


def target_check(year: int) -> list[TargetCheck]:
    """Per indicator with a target in `year` (the city's or a district's), in the plan's order."""
    data = figure_data(year)
    resolved: dict[tuple[str, str], float] = {}
    for row in data.figures(12):
        if row["target"] is not None:
            resolved[(row["unit"], row["indicator"])] = row["target"]
    held = set(Target.objects.filter(year=year).values_list("indicator__code", flat=True).distinct())
    districts = sorted(DISTRICT_CODES)
    out = []
    for code, info in data.info.items():
        if code not in held:
            continue
        city = resolved.get((CITY_CODE, code))
        parts = [resolved[(u, code)] for u in districts if (u, code) in resolved]
        total = sum(parts) if parts else None
        if info.kind == IndicatorKind.RATIO:
            state, total = RATIO, None
        elif not parts:
            state = CITY_ONLY
        elif city is None:
            state = NO_CITY
        elif len(parts) < len(districts):
            state = PARTIAL
        else:
            state = ADDS_UP if abs(total - city) < TOLERANCE else DIFFERS
        out.append(TargetCheck(code, city, total, len(parts), len(districts), state))
    return out


def _decimal(value, field: str, *, places: str, lo: Decimal | None, hi: Decimal) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise WorkflowError(_("Not a number."), field=field) from exc
    if not number.is_finite():
        raise WorkflowError(_("Not a number."), field=field)
    if lo is not None and number <= lo:
        raise WorkflowError(_("The value is too small."), field=field)
    if abs(number) >= hi:
        raise WorkflowError(_("The value is too large."), field=field)
    return number.quantize(Decimal(places))


@transaction.atomic
def target_set(
    *,
    actor,
    year: int,
    unit: Unit,
    indicator: Indicator,
    value=None,
    growth=None,
    growth_pp=None,
) -> Target | None:
    """The bureau sets (or, with every field empty, removes) a unit's target for an indicator and
    year. `growth` is a fraction (0.2 = +20 %), `growth_pp` percentage points (ratio indicators)."""
    ensure_bureau(actor)
    if not 2000 <= int(year) <= 2100:
        raise WorkflowError(_("The year must be between 2000 and 2100."), field="year")
    value = _decimal(value, "value", places="0.0001", lo=None, hi=Decimal(MAX_VALUE))
    if value is not None and value < 0:
        raise WorkflowError(_("A target cannot be negative."), field="value")
    growth = _decimal(growth, "growth", places="0.000001", lo=Decimal(-1), hi=Decimal(10**4))
    growth_pp = _decimal(growth_pp, "growth_pp", places="0.0001", lo=None, hi=Decimal(10**6))
    if indicator.kind == IndicatorKind.RATIO and growth is not None:
        raise WorkflowError(_("A ratio indicator's growth is given in percentage points."), field="growth")
    if indicator.kind != IndicatorKind.RATIO and growth_pp is not None:
        raise WorkflowError(_("Only a ratio indicator takes a growth in points."), field="growth_pp")
    held = Target.objects.select_for_update().filter(year=year, unit=unit, indicator=indicator).first()
    before = None if held is None else _state(held)
    if value is None and growth is None and growth_pp is None:
        if held is None:
            return None
        held.delete()
        _event(actor, unit, indicator, year, before, None)
        return None
    target = held or Target(year=year, unit=unit, indicator=indicator)
    target.value, target.growth, target.growth_pp = value, growth, growth_pp
    target.value_max, target.text, target.origin = None, "", TargetOrigin.MANUAL
    target.save()
    if actor is not None:
        ensure_in_scope(target, actor)
    _event(actor, unit, indicator, year, before, _state(target))
    return target


def _state(target: Target) -> dict:
    return {
        k: None if getattr(target, k) is None else str(getattr(target, k))
        for k in ("value", "growth", "growth_pp")
    } | {"origin": target.origin}


def _event(actor, unit: Unit, indicator: Indicator, year: int, before, after) -> None:
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        unit=unit,
        message="target set" if after is not None else "target removed",
        data={"year": year, "unit": unit.code, "indicator": indicator.code, "before": before, "after": after},
    )
