"""Dispatch figures from the database: load actuals, registry counts, targets and indicator
definitions, and run the rules of rules/dispatch.py and rules/forecast.py (CONTRACTS.md
"Dispatch files and figures").

Figures are computed on the whole data set, because a city total and a rank need every district;
the rows returned to a user are then limited to the units whose figures that user may read
(`units_for_user`, the rule of Actual's and Target's ScopeSpec). The CLI runs unscoped, as the
system.

Where the actuals come from (decisions, also in the report of the change that added this):
- Reported indicators: dispatch.Actual (monthly reports and imports).
- Counted and summed indicators with a registry counter (kechuang/core/indicators.py): the
  registry's records, year to date. A registry that has any record dated in a year gives that
  year a figure for every district and zone, 0 where the unit has none, for each month that has
  begun; the city's figure is the count (or sum) of the records held by the city unit itself
  and by the ten districts (CONTRACTS.md: city totals sum the 10 districts only). A zone's
  records give the zone its own figure and rank, never the city's total (`defines_city`).
- A registry with no record in a year gives that year no figure ("no data", never 0), and an
  indicator without a counter keeps its imported or reported figures.
- Precedence (history imported for a counted indicator, e.g. the years before the registry):
  for each indicator and month, one source. The registry is the source where it holds records
  dated up to the end of that month, and where no imported figure exists for that month;
  otherwise the imported figures are (the months before the registry was in use). The two are
  never added together, so nothing is counted twice.
- A month that has not begun (after today) has no registry figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from dispatch.models import Actual
from kechuang.core.indicators import Counter, counters
from kechuang.core.roles import VIEW
from kechuang.core.scope import scope_of
from org.models import Unit, UnitKind
from org.units import CITY_CODE, DISTRICT_CODES
from plan.models import Indicator, Plan, Target
from rules.dispatch import (
    ACTUALS_SCHEMA,
    TARGETS_SCHEMA,
    IndicatorDef,
    Layout,
    TargetRecord,
    Thresholds,
    figures_frame,
    levels_frame,
    polars_schema,
    resolve_level_rows,
)
from rules.dispatch import figures as per_record_figures
from rules.forecast import backtest, backtest_frame, meets_target

__all__ = [
    "FIGURE_KEYS",
    "FigureData",
    "IndicatorInfo",
    "UnitInfo",
    "dispatch_figures",
    "dispatch_indicators",
    "dispatch_layout",
    "dispatch_thresholds",
    "city_rows",
    "defines_city",
    "figure_data",
    "figures_for",
    "record_parts",
    "levels_at",
    "registry_figures",
    "units_for_user",
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
REGISTRY, IMPORTED = "registry", "imported"
# Actual rows (years loaded, registry figures included) from which the vectorised path is used.
VECTORISE_FROM = 50_000


def dispatch_indicators() -> dict[str, IndicatorDef]:
    rows = Indicator.objects.values_list("code", "kind", "numerator__code", "denominator__code")
    return {code: IndicatorDef(code, kind, num, den) for code, kind, num, den in rows}


def dispatch_layout() -> Layout:
    """The city sums its districts; districts rank among themselves, zones in their own group."""
    units = Unit.objects.values_list("code", "kind")
    return _layout(list(units))


def _layout(units: list[tuple[str, str]]) -> Layout:
    return Layout.of(
        CITY_CODE,
        [c for c, k in units if k == UnitKind.DISTRICT],
        [c for c, k in units if k == UnitKind.ZONE],
    )


def dispatch_thresholds(year: int) -> Thresholds:
    """The defaults, overridden by `rules.thresholds` of that year's plan where it has one, then
    by the thresholds the bureau admin set for the year (dispatch.DispatchSettings)."""
    from dispatch.models import DispatchSettings

    plan = Plan.objects.filter(year=year).order_by("-updated").first()
    configured = dict((plan.rules or {}).get("thresholds") or {}) if plan is not None else {}
    configured.update(
        DispatchSettings.objects.filter(year=year).values_list("thresholds", flat=True).first() or {}
    )
    return Thresholds.from_mapping(configured)


def units_for_user(user) -> QuerySet[Unit]:
    """The units whose figures the user may read: the rule of Actual's and Target's ScopeSpec
    (a unit's own rows, and the city's, shared with every signed-in user) applied to the units
    themselves, so a unit without a single row yet is still its district's own. The bureau and
    the leader read every unit; anonymous visitors none."""
    scope = scope_of(user)
    if not scope.authenticated:
        return Unit.objects.none()
    if scope.sees_all(VIEW):
        return Unit.objects.all()
    return Unit.objects.filter(Q(pk__in=scope.unit_ids) | Q(kind=UnitKind.CITY))


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    measure: str
    kind: str
    source: str
    decimals: int
    reference: bool
    direction: str
    counted: bool  # a registry counter feeds it


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    kind: str


@dataclass
class FigureData:
    """Everything the figures of `year` need, loaded once: actuals (registry counts merged in)
    for `years`, targets of `year`, definitions, layout and thresholds."""

    year: int
    years: tuple[int, ...]
    actuals: pl.DataFrame
    targets: pl.DataFrame
    indicators: dict[str, IndicatorDef]
    info: dict[str, IndicatorInfo]  # in the plan's order
    units: dict[str, UnitInfo]  # in the configured order
    layout: Layout
    thresholds: Thresholds
    # (indicator, year, month) of counted indicators -> REGISTRY or IMPORTED: where the figure
    # of that month comes from.
    sources: dict[tuple[str, int, int], str] = field(default_factory=dict)
    latest: int | None = None
    # The polars path for a large data set, the per-record path below VECTORISE_FROM rows: at a
    # city's size polars' fixed cost per operation outweighs the work (bench/dispatch_bench.py).
    # Both give the same figures to the last bit (tests/dispatch/).
    vectorised: bool = False
    _target_records: list[TargetRecord] | None = None
    _levels: dict | pl.DataFrame | None = None

    def _rows(self) -> Iterable[tuple]:
        """The actuals as (unit, indicator, year, month, value) tuples: the columns zipped, which
        is several times cheaper than iter_rows."""
        return zip(*(self.actuals.get_column(name).to_list() for name in ACTUALS_SCHEMA), strict=True)

    def figures(self, month: int) -> list[dict]:
        """The CONTRACTS.md rows of (year, month), keys FIGURE_KEYS, in unit then indicator order."""
        args = (self.indicators, self.layout)
        kw = {"year": self.year, "month": month, "thresholds": self.thresholds}
        if self.vectorised:
            rows = figures_frame(self.actuals, self.targets, *args, **kw).to_dicts()
        else:
            if self._target_records is None:
                self._target_records = [TargetRecord(*row) for row in self.targets.iter_rows()]
            # One resolution of every loaded period serves each month asked, the backtest and
            # the trends (rules.dispatch.figures, `levels`); the same figures to the last bit.
            figs = per_record_figures((), self._target_records, *args, **kw, levels=self.levels())
            rows = [f.as_dict() for f in figs]
        unit_order = {c: i for i, c in enumerate(self.units)}
        ind_order = {c: i for i, c in enumerate(self.info)}
        rows.sort(key=lambda r: (unit_order.get(r["unit"], 1 << 30), ind_order.get(r["indicator"], 1 << 30)))
        return [{k: r[k] for k in FIGURE_KEYS} for r in rows]

    def levels(self) -> dict | pl.DataFrame:
        """Every level of the loaded years (reported or counted figures, city sums and ratios
        from their parts): {(unit, indicator, year, month): level} on the per-record path, a
        frame (unit, indicator, year, month, level) on the vectorised one."""
        if self._levels is None:
            if self.vectorised:
                self._levels = levels_frame(self.actuals, self.indicators, self.layout)
            else:
                self._levels = resolve_level_rows(self._rows(), self.indicators, self.layout)
        return self._levels

    def backtests(self) -> dict[tuple[str, str], tuple[float | None, int]]:
        """(unit, indicator) -> (MAPE of last year's forecasts, months that entered it), the
        backtest of rules/forecast.py on the previous year; needs year − 2 loaded."""
        if self.year - 2 not in self.years:
            raise ValueError("the backtest needs two earlier years loaded (years_back=2)")
        if self.vectorised:
            rows = backtest_frame(self.levels(), self.indicators, year=self.year - 1).iter_rows(named=True)
            return {(r["unit"], r["indicator"]): (r["mape"], r["months"]) for r in rows}
        return {
            (b.unit, b.indicator): (b.mape, b.months)
            for b in backtest(self.levels(), self.indicators, year=self.year - 1)
        }

    def trends(self, units: Iterable[str]) -> dict[tuple[str, str], dict[int, list[float | None]]]:
        """(unit, indicator) -> {year: the 12 monthly levels, None where there is none} for this
        year and the last, for the units asked."""
        wanted = set(units)
        years = (self.year - 1, self.year)
        levels = self.levels()
        if isinstance(levels, dict):
            found = ((u, c, y, m, v) for (u, c, y, m), v in levels.items() if u in wanted and y in years)
        else:
            found = levels.filter(
                pl.col("unit").is_in(sorted(wanted)) & pl.col("year").is_in(years)
            ).iter_rows()
        out: dict[tuple[str, str], dict[int, list[float | None]]] = {}
        for unit, code, year, month, level in found:
            series = out.setdefault((unit, code), {y: [None] * 12 for y in years})
            series[year][month - 1] = level
        return out

    def latest_month(self) -> int | None:
        """The last month of `year` with a reported or imported figure, else the last by which a
        registry held a record that year; None without either."""
        return self.latest


def figure_data(
    year: int, *, years_back: int = 1, thresholds: Thresholds | None = None, today=None
) -> FigureData:
    """Load the figures of `year` with `years_back` earlier years of actuals (1 for the status;
    2 for the forecast backtest, which replays last year against the year before). A fixed
    number of queries, whatever the number of units, indicators or records."""
    years = tuple(range(year - years_back, year + 1))
    indicator_rows = list(
        Indicator.objects.values_list(
            "code",
            "name",
            "measure",
            "kind",
            "source",
            "decimals",
            "reference",
            "direction",
            "numerator__code",
            "denominator__code",
        )
    )
    unit_rows = list(Unit.objects.values_list("code", "name", "kind"))
    layout = _layout([(c, k) for c, _n, k in unit_rows])
    feeds = counters()
    indicators = {r[0]: IndicatorDef(r[0], r[3], r[8], r[9]) for r in indicator_rows}
    info = {
        r[0]: IndicatorInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[0] in feeds)
        for r in indicator_rows
    }
    held = _held_actuals(years)
    counted = [code for code in feeds if code in indicators]
    registry = registry_figures(years, layout, codes=counted, today=today)
    actuals, sources = _merge(held, registry, counted)
    this_year = held.filter(pl.col("year") == year)
    if this_year.height:
        latest = this_year.select(pl.col("month").max()).item()
    else:
        latest = max((m for _c, y, m in registry.in_use if y == year), default=None)
    return FigureData(
        year=year,
        years=years,
        actuals=actuals,
        targets=_targets_frame(year),
        indicators=indicators,
        info=info,
        units={c: UnitInfo(c, n, k) for c, n, k in unit_rows},
        layout=layout,
        thresholds=thresholds or dispatch_thresholds(year),
        sources=sources,
        latest=latest,
        vectorised=actuals.height >= VECTORISE_FROM,
    )


def _held_actuals(years: Iterable[int]) -> pl.DataFrame:
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


@dataclass
class RegistryFigures:
    """Year-to-date registry figures: `rows` (unit, indicator, year, month, value) for every
    district, zone and the city at each `covered` (indicator, year, month); `in_use`, those
    by which the registry held at least one record."""

    rows: list[tuple[str, str, int, int, float]]
    covered: set[tuple[str, int, int]]
    in_use: set[tuple[str, int, int]]


def defines_city(counter) -> bool:
    """Whether a counter gives the city's figure itself (projects' CityCounter and UnionCounter
    override `monthly`). For a plain Counter the city's figure is its own records (those held by
    the city unit) plus the ten districts' — CONTRACTS.md: city totals sum the 10 districts only —
    as those counters do."""
    return type(counter).monthly is not Counter.monthly


def city_rows(counter, year: int, month: int):
    """The records behind the city's figure of a counter (see `defines_city`)."""
    if defines_city(counter):
        return counter.rows(year, month, CITY_CODE)
    return counter.rows(year, month).filter(**{f"{counter.unit}__in": [CITY_CODE, *DISTRICT_CODES]})


def record_parts(counter, year: int, month: int, unit_code: str) -> list[tuple[Counter, QuerySet]]:
    """The records behind a counted figure of (unit, year, 1..month), per registry: one
    (counter, rows) for a plain counter, one per part for a counter made of several (projects'
    UnionCounter). Unscoped: callers scope with `for_user`."""
    out = []
    for part in getattr(counter, "parts", None) or (counter,):
        rows = city_rows(part, year, month) if unit_code == CITY_CODE else part.rows(year, month, unit_code)
        out.append((part, rows))
    return out


def registry_figures(
    years: Iterable[int], layout: Layout, *, codes: Iterable[str] | None = None, today=None
) -> RegistryFigures:
    """The registry counters' figures for `years` (`Counter.monthly`, as `registry_actuals`
    reads them), completed as the module's docstring says: a covered year gives every district,
    zone and the city a figure for each month that has begun. `codes` limits the counters."""
    years = sorted(set(years))
    today = today or timezone.localdate()
    feeds = counters()
    wanted = {c: feeds[c] for c in (feeds if codes is None else codes) if c in feeds}
    members = sorted(layout.groups)  # districts and zones
    rows: list[tuple[str, str, int, int, float]] = []
    covered: set[tuple[str, int, int]] = set()
    in_use: set[tuple[str, int, int]] = set()
    listed = [*members, layout.city]
    zero = Decimal(0)
    for code, counter in wanted.items():
        own_city = defines_city(counter)
        by_year = {y: counter.monthly(y) for y in years} if own_city else _plain_monthly(counter, years)
        for y in years:
            monthly = by_year.get(y)
            if not monthly:
                continue  # no record that year: no data
            last = 12 if y < today.year else (today.month if y == today.year else 0)
            # The units with a record that year, once per year rather than once per month; the
            # city sums those of them that are districts (an absent district adds 0).
            present = {u for u, _m in monthly}
            summed = [u for u in present if u in layout.districts]
            for m in range(1, last + 1):
                values = {unit: monthly.get((unit, m), zero) for unit in present}
                if not own_city:
                    # Exact in Decimal, as before; only the total is converted to a float.
                    values[layout.city] = values.get(layout.city, zero) + sum(
                        (values[u] for u in summed), zero
                    )
                covered.add((code, y, m))
                if any(v > 0 for v in values.values()):
                    in_use.add((code, y, m))
                floats = {unit: float(v) for unit, v in values.items()}
                rows.extend((unit, code, y, m, floats.get(unit, 0.0)) for unit in listed)
    return RegistryFigures(rows, covered, in_use)


def _plain_monthly(counter: Counter, years: list[int]) -> dict[int, dict[tuple[str, int], Decimal]]:
    """`Counter.monthly(y)` for each year of `years` in one query (a plain counter's own rule:
    year to date, per unit that has a record that year)."""
    start, end = dt.date(years[0], 1, 1), dt.date(years[-1] + 1, 1, 1)
    qs = (
        counter.queryset()
        .filter(**{f"{counter.date}__gte": start, f"{counter.date}__lt": end})
        .annotate(_kc_y=ExtractYear(counter.date), _kc_m=ExtractMonth(counter.date))
        .values(counter.unit, "_kc_y", "_kc_m")
        .annotate(_kc_v=Sum(counter.amount) if counter.amount else Count("pk"))
        .order_by()
    )
    increments: dict[int, dict[str, dict[int, Decimal]]] = {}
    for r in qs:
        months = increments.setdefault(r["_kc_y"], {}).setdefault(r[counter.unit], {})
        months[r["_kc_m"]] = months.get(r["_kc_m"], Decimal(0)) + Decimal(r["_kc_v"] or 0)
    out: dict[int, dict[tuple[str, int], Decimal]] = {}
    for y, units in increments.items():
        year_out = out.setdefault(y, {})
        for unit, months in units.items():
            running = Decimal(0)
            for m in range(1, 13):
                running += months.get(m, Decimal(0))
                year_out[(unit, m)] = running * counter.scale
    return out


def _merge(
    held: pl.DataFrame, registry: RegistryFigures, counted: list[str]
) -> tuple[pl.DataFrame, dict[tuple[str, int, int], str]]:
    """Held actuals and registry figures, one source per (indicator, year, month) of a counted
    indicator (module docstring, "Precedence")."""
    imported = set(
        held.filter(pl.col("indicator").is_in(counted))
        .select("indicator", "year", "month")
        .unique()
        .iter_rows()
    )
    sources: dict[tuple[str, int, int], str] = {}
    for key in registry.covered:
        sources[key] = REGISTRY if key in registry.in_use or key not in imported else IMPORTED
    for key in imported:
        sources.setdefault(key, IMPORTED)
    by_registry = [k for k, s in sources.items() if s == REGISTRY]
    if not by_registry:
        return held, sources
    keys = pl.DataFrame(
        by_registry, schema={"indicator": pl.String, "year": pl.Int64, "month": pl.Int64}, orient="row"
    )
    registry_rows = pl.DataFrame(registry.rows, schema=polars_schema(ACTUALS_SCHEMA), orient="row").join(
        keys, on=["indicator", "year", "month"], how="semi"
    )
    kept = held.join(keys, on=["indicator", "year", "month"], how="anti")
    return pl.concat([kept, registry_rows], how="vertical"), sources


def _targets_frame(year: int) -> pl.DataFrame:
    rows = Target.objects.filter(year=year).values_list(
        "unit__code", "indicator__code", "year", "value", "growth", "growth_pp"
    )
    data = [(u, c, y, _float(v), _float(g), _float(p)) for u, c, y, v, g, p in rows]
    return pl.DataFrame(data, schema=polars_schema(TARGETS_SCHEMA), orient="row")


def _float(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


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
    rows = figure_data(year, thresholds=thresholds).figures(month)
    if fetched_by is not None:
        visible = set(units_for_user(fetched_by).values_list("code", flat=True))
        rows = [r for r in rows if r["unit"] in visible]
    return rows


def figures_for(
    *,
    fetched_by,
    year: int,
    month: int,
    unit: str | None = None,
    indicator: str | None = None,
) -> list[dict]:
    """The status rows of (year, month) the user may read (FIGURE_KEYS), optionally for one unit
    and/or indicator, each with the forecast's verdict and backtest: `meets_target`,
    `backtest_mape` (a fraction) and `backtest_months`, and where a counted figure comes from
    (`source`: registry, imported, or null for reported indicators)."""
    data = figure_data(year, years_back=2)
    visible = set(units_for_user(fetched_by).values_list("code", flat=True))
    backtests = data.backtests()
    out = []
    for row in data.figures(month):
        if (
            row["unit"] not in visible
            or unit not in (None, row["unit"])
            or indicator not in (None, row["indicator"])
        ):
            continue
        info = data.info[row["indicator"]]
        mape, months = backtests.get((row["unit"], row["indicator"]), (None, 0))
        out.append(
            {
                **row,
                "meets_target": meets_target(
                    row["forecast"], row["target"], direction=info.direction, thresholds=data.thresholds
                ),
                "backtest_mape": mape,
                "backtest_months": months,
                "source": data.sources.get((info.code, year, month)) if info.counted else None,
            }
        )
    return out


def levels_at(keys: Iterable[tuple[str, str, int, int]]) -> dict[tuple[str, str, int, int], float]:
    """The level (reported or counted, city sum or ratio from its parts) of each (unit,
    indicator, year, month) asked for that has one; used to derive a target from a growth."""
    keys = set(keys)
    periods = {(y, m) for _u, _c, y, m in keys}
    if not periods:
        return {}
    years = sorted({y for y, _m in periods})
    data = figure_data(years[-1], years_back=years[-1] - years[0], thresholds=Thresholds())
    levels = resolve_level_rows(data._rows(), data.indicators, data.layout, periods)
    return {k: levels[k] for k in keys if k in levels}
