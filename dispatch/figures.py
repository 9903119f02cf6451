"""Dispatch figures from the database: load actuals, targets and indicator definitions, and run
the rules of rules/dispatch.py (CONTRACTS.md "Dispatch files and figures").

Figures are computed on the whole data set, because a city total and a rank need every district;
the rows returned to a user are then limited to the units whose figures that user may read
through the one scope mechanism (`for_user` on Actual and Target). The CLI runs unscoped, as the
system.

Registry-counted and -summed indicators (source counted / summed) have no actuals until their
registries feed them (or a figure is imported): their rows show actual null ("no data"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from dispatch.models import Actual
from org.models import Unit, UnitKind
from org.units import CITY_CODE
from plan.models import Indicator, Plan, Target
from rules.dispatch import (
    ACTUALS_SCHEMA,
    TARGETS_SCHEMA,
    ActualRecord,
    IndicatorDef,
    Layout,
    Thresholds,
    figures_frame,
    polars_schema,
    resolve_levels,
)

__all__ = [
    "FIGURE_KEYS",
    "dispatch_figures",
    "dispatch_indicators",
    "dispatch_layout",
    "dispatch_thresholds",
    "levels_at",
]

# CONTRACTS.md: the keys of a status row, in this order.
FIGURE_KEYS = (
    "unit",
    "indicator",
    "target",
    "actual",
    "completion",
    "time_progress",
    "yoy",
    "growth_drop",
    "rank",
    "forecast",
    "warnings",
)


def dispatch_indicators() -> dict[str, IndicatorDef]:
    rows = Indicator.objects.values_list("code", "kind", "numerator__code", "denominator__code")
    return {code: IndicatorDef(code, kind, num, den) for code, kind, num, den in rows}


def dispatch_layout() -> Layout:
    """The city sums its districts; districts rank among themselves, zones in their own group."""
    units = Unit.objects.values_list("code", "kind")
    return Layout.of(
        CITY_CODE,
        [c for c, k in units if k == UnitKind.DISTRICT],
        [c for c, k in units if k == UnitKind.ZONE],
    )


def dispatch_thresholds(year: int) -> Thresholds:
    """The defaults, overridden by `rules.thresholds` of that year's plan where it has one."""
    plan = Plan.objects.filter(year=year).order_by("-updated").first()
    configured = (plan.rules or {}).get("thresholds") if plan is not None else None
    return Thresholds.from_mapping(configured)


def _actuals_frame(years: Iterable[int]) -> pl.DataFrame:
    rows = Actual.objects.filter(year__in=list(years)).values_list(
        "unit__code", "indicator__code", "year", "month", "value"
    )
    units, codes, ys, ms, values = [], [], [], [], []
    for unit, code, y, m, value in rows.iterator(chunk_size=10_000):
        units.append(unit)
        codes.append(code)
        ys.append(y)
        ms.append(m)
        values.append(float(value))
    return pl.DataFrame(
        {"unit": units, "indicator": codes, "year": ys, "month": ms, "value": values},
        schema=polars_schema(ACTUALS_SCHEMA),
    )


def _targets_frame(year: int) -> pl.DataFrame:
    rows = Target.objects.filter(year=year).values_list(
        "unit__code", "indicator__code", "year", "value", "growth", "growth_pp"
    )
    data = [(u, c, y, _float(v), _float(g), _float(p)) for u, c, y, v, g, p in rows]
    return pl.DataFrame(data, schema=polars_schema(TARGETS_SCHEMA), orient="row")


def _float(value):
    return None if value is None else float(value)


def _visible_units(user, years: list[int]) -> set[str]:
    """Units whose figures the user may read: those of the actuals and targets in the user's
    scope, and the city, whose figures are shared with every signed-in user (the `shared`
    clause of Actual's and Target's ScopeSpec)."""
    visible = set(
        Actual.objects.for_user(user).filter(year__in=years).values_list("unit__code", flat=True).distinct()
    )
    visible |= set(
        Target.objects.for_user(user).filter(year__in=years).values_list("unit__code", flat=True).distinct()
    )
    if getattr(user, "is_authenticated", False):
        visible.add(CITY_CODE)
    return visible


def dispatch_figures(
    year: int,
    month: int,
    *,
    fetched_by=None,
    thresholds: Thresholds | None = None,
) -> list[dict]:
    """One dict per unit × indicator with a target for `year` or an actual at (year, month), keys
    FIGURE_KEYS, ordered by unit then indicator as configured. `fetched_by=None` is the system
    (unscoped); a user sees the rows of the units in their scope."""
    frame = figures_frame(
        _actuals_frame([year - 1, year]),
        _targets_frame(year),
        dispatch_indicators(),
        dispatch_layout(),
        year=year,
        month=month,
        thresholds=thresholds or dispatch_thresholds(year),
    )
    unit_order = {c: i for i, c in enumerate(Unit.objects.values_list("code", flat=True))}
    ind_order = {c: i for i, c in enumerate(Indicator.objects.values_list("code", flat=True))}
    rows = frame.to_dicts()
    if fetched_by is not None:
        visible = _visible_units(fetched_by, [year - 1, year])
        rows = [r for r in rows if r["unit"] in visible]
    rows.sort(key=lambda r: (unit_order.get(r["unit"], 1 << 30), ind_order.get(r["indicator"], 1 << 30)))
    return [{k: r[k] for k in FIGURE_KEYS} for r in rows]


def levels_at(keys: Iterable[tuple[str, str, int, int]]) -> dict[tuple[str, str, int, int], float]:
    """The level (reported, city sum or ratio from its parts) of each (unit, indicator, year,
    month) asked for that has one; used to derive a target from a growth."""
    keys = set(keys)
    periods = {(y, m) for _u, _c, y, m in keys}
    if not periods:
        return {}
    rows = Actual.objects.filter(year__in={y for y, _m in periods}, month__in={m for _y, m in periods})
    records = (
        ActualRecord(u, c, y, m, v)
        for u, c, y, m, v in rows.values_list("unit__code", "indicator__code", "year", "month", "value")
    )
    levels = resolve_levels(records, dispatch_indicators(), dispatch_layout(), periods)
    return {k: levels[k] for k in keys if k in levels}
