"""Dispatch figures: target, completion, time progress, yoy, growth drop, rank, forecast, warnings.

Definitions are those of CONTRACTS.md "Dispatch files and figures". Pure Python, no Django: the
caller passes plain records. Two paths give identical results (tests/dispatch/test_equivalence.py):

- `figures()`, per record, plain Python;
- `figures_frame()`, vectorised, polars (the batch path; `figures_vectorised()` wraps it for
  records).

Exactness (reference/performance.md "Ties"):
- Values are held as integers of 10^-8 until a level is needed: reported values carry 4 decimals
  (dispatch.Actual.value) and registry sums 8 (a contract value of 123.4567万元 is 0.01234567亿元),
  so the city's sum of its districts is exact in any summation order, and both paths see the
  same level to the last bit. Int64 bounds a level or a sum at about 9.2×10^10; imports refuse
  values of MAX_VALUE (10^9) or more, and a larger value here is a ValueError, never a wrap.
- Every derived figure is then the same short sequence of IEEE operations in both paths, so the
  floats agree exactly. A float carries noise (0.5 − 0.4 = 0.09999999999999998), so comparisons
  (ranks and warning thresholds) use `exact_key(x)` = x rounded to `Thresholds.decimals` decimal
  places, computed identically in both paths: two districts at the same growth share a rank, and
  a figure exactly at a threshold trips it. Reported figures themselves are not rounded.

Decisions where the contract is silent (also in the report of the change that added this file):
- City figure of a reported indicator: the figure reported for the city (520600) wins; without
  it, the sum of the districts that reported for that month (zones never count), per month.
- Ratio indicators are recomputed from their parts at every level (city ratio = Σnum / Σden ×
  100), never averaged and never taken from a reported ratio; a zero denominator gives no level.
- Ranks are computed within a rank group: the 10 districts are one group, the zones another
  (the plan ranks them beside the districts, in their own group: plan rules `reward.groups`).
  The city is in no group and has no rank. `BOTTOM_RANK` uses n of the unit's own group.
- yoy is null where last year's figure is missing or zero, ratio indicators included (the
  contract's sentence covers both forms).
- "Full last year" for the cumulative forecast: actual(Y−1, 12) and actual(Y−1, M) are present
  and actual(Y−1, M) is not zero (`forecast_of`, shared with the backtest of rules/forecast.py).
- A target given only as a growth is actual(Y−1, 12) × (1 + growth) (a points growth for ratio
  indicators: level(Y−1, 12) + points), as import-targets derives it; a zero target gives no
  completion.
- Rows: every unit × indicator with a target for Y or a level at (Y, M).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # polars is imported lazily: the per-record path does not need it
    import polars as pl

__all__ = [
    "ACTUALS_SCHEMA",
    "TARGETS_SCHEMA",
    "CUMULATIVE",
    "RATIO",
    "STOCK",
    "WARNINGS",
    "ActualRecord",
    "Figure",
    "IndicatorDef",
    "Layout",
    "TargetRecord",
    "Thresholds",
    "MAX_VALUE",
    "VALUE_SCALE",
    "exact_key",
    "figures",
    "forecast_expr",
    "forecast_of",
    "levels_frame",
    "figures_frame",
    "figures_vectorised",
    "polars_schema",
    "frame_to_figures",
    "resolve_level_rows",
    "resolve_levels",
]

CUMULATIVE, STOCK, RATIO = "cumulative", "stock", "ratio"
WARNINGS = ("NEGATIVE_GROWTH", "GROWTH_DROP", "BOTTOM_RANK", "BEHIND_SCHEDULE", "AT_RISK")
# Levels are summed as exact integers of 10^-8 (Actual.value has 4 decimals, registry sums 8).
VALUE_SCALE = 100_000_000
_FSCALE = float(VALUE_SCALE)
# Values at or above this are refused by the imports; held as 10^-8 in an Int64, a sum of 90 of
# them still fits.
MAX_VALUE = 10**9

Number = int | float | Decimal


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    kind: str  # cumulative | stock | ratio
    numerator: str | None = None  # ratio indicators: the parts, both non-ratio indicators
    denominator: str | None = None


@dataclass(frozen=True)
class ActualRecord:
    """A figure as held: year-to-date for cumulative indicators, month-end level for stock ones.
    At most one record per (unit, indicator, year, month)."""

    unit: str
    indicator: str
    year: int
    month: int
    value: Number


@dataclass(frozen=True)
class TargetRecord:
    unit: str
    indicator: str
    year: int
    value: Number | None = None
    growth: Number | None = None  # fraction: 0.2 = +20 %
    growth_pp: Number | None = None  # percentage points, ratio indicators


@dataclass(frozen=True)
class Layout:
    """Who sums into the city, and who is ranked with whom."""

    city: str
    districts: frozenset[str]
    groups: Mapping[str, str] = field(default_factory=dict)  # unit -> rank group; absent: no rank

    @classmethod
    def of(cls, city: str, districts: Iterable[str], zones: Iterable[str] = ()) -> Layout:
        districts = frozenset(districts)
        groups = {u: "district" for u in districts} | {u: "zone" for u in zones}
        return cls(city=city, districts=districts, groups=groups)


@dataclass(frozen=True)
class Thresholds:
    """Warning thresholds, CONTRACTS.md defaults; the app may configure each."""

    negative_growth: float = 0.0  # NEGATIVE_GROWTH: yoy < this (fraction, points for ratios)
    growth_drop_pp: float = 5.0  # GROWTH_DROP: growth_drop >= this many percentage points
    bottom_rank_places: int = 2  # BOTTOM_RANK: rank > n - this
    behind_schedule: float = 0.10  # BEHIND_SCHEDULE: time_progress - completion >= this
    at_risk_ratio: float = 1.0  # AT_RISK: forecast < target × this
    decimals: int = 9  # comparisons are exact to this many decimal places

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Thresholds:
        """Defaults overridden by the known keys of `data` (unknown keys are a ValueError)."""
        data = dict(data or {})
        names = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown threshold(s): {', '.join(unknown)}")
        kw = {k: (int(v) if k in ("bottom_rank_places", "decimals") else float(v)) for k, v in data.items()}
        return cls(**kw)

    @property
    def scale(self) -> float:
        return 10.0**self.decimals


@dataclass
class Figure:
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

    def as_dict(self) -> dict[str, Any]:
        # Shallow, not dataclasses.asdict: asdict deep-copies every value, which was a quarter
        # of the dispatch dashboard's figure computation (bench/pagecases.py). The fields are
        # numbers, strings and a list of strings; the list is copied.
        return {
            "unit": self.unit,
            "indicator": self.indicator,
            "target": self.target,
            "actual": self.actual,
            "completion": self.completion,
            "time_progress": self.time_progress,
            "yoy": self.yoy,
            "growth_drop": self.growth_drop,
            "rank": self.rank,
            "forecast": self.forecast,
            "warnings": list(self.warnings),
        }


def exact_key(x: float, scale: float) -> int:
    """x rounded half up to 1/scale, as an integer: the comparison key shared by both paths
    (the polars path computes ((x * scale) + 0.5).floor() with the same IEEE operations)."""
    return math.floor(x * scale + 0.5)


def _out_of_range(value: float) -> ValueError:
    return ValueError(f"value {value} is out of range (at most {MAX_VALUE:,} in absolute terms)")


def _scaled(value: Number) -> int:
    # Through float, exactly as the vectorised path: (value * 10^8 + 0.5).floor().
    f = float(value)
    if not abs(f) < MAX_VALUE:
        raise _out_of_range(f)
    return math.floor(f * _FSCALE + 0.5)


def forecast_of(
    kind: str, cur: float | None, ly: float | None, ly12: float | None, month: int
) -> float | None:
    """The year-end forecast made at `month` (CONTRACTS.md): actual(Y, M) × actual(Y−1, 12) /
    actual(Y−1, M) for a cumulative indicator with a full last year, else actual(Y, M) × 12 / M;
    the level itself for stock and ratio indicators; None without actual(Y, M)."""
    if cur is None:
        return None
    if kind != CUMULATIVE:
        return cur
    if ly12 is not None and ly is not None and ly != 0:
        return cur * ly12 / ly
    return cur * 12.0 / month


def _f(value: Number | None) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------
# Per-record path
# ---------------------------------------------------------------------------------------------


def resolve_levels(
    actuals: Iterable[ActualRecord],
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    periods: set[tuple[int, int]] | None = None,
) -> dict[tuple[str, str, int, int], float]:
    """The level of every unit × indicator × (year, month): reported figures, the city's figure
    (reported, else the sum of the districts that reported), and ratios from their parts.
    Figures given for ratio indicators and for unknown indicators are ignored."""
    rows = ((a.unit, a.indicator, a.year, a.month, a.value) for a in actuals)
    return resolve_level_rows(rows, indicators, layout, periods)


def resolve_level_rows(
    rows: Iterable[tuple[str, str, int, int, Number]],
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    periods: set[tuple[int, int]] | None = None,
) -> dict[tuple[str, str, int, int], float]:
    """`resolve_levels` over plain (unit, indicator, year, month, value) tuples, such as the
    columns of a frame zipped: building an ActualRecord per row cost more than resolving it.

    A period's levels depend on that period's figures alone (the city sums and the ratios are
    per month), so resolving more periods than needed changes none of them: one resolution of
    every loaded period serves any `figures()` of those periods (its `levels` argument)."""
    wanted = {c for c, d in indicators.items() if d.kind != RATIO}
    held: dict[tuple[str, str, int, int], int] = {}
    for unit, code, year, month, value in rows:
        if code not in wanted:
            continue
        if periods is not None and (year, month) not in periods:
            continue
        # `_scaled`, inline: a call per record was a fifth of the resolution's time.
        f = float(value)
        if not abs(f) < MAX_VALUE:
            raise _out_of_range(f)
        held[(unit, code, year, month)] = math.floor(f * _FSCALE + 0.5)
    sums: dict[tuple[str, int, int], int] = defaultdict(int)
    districts = layout.districts
    for (unit, code, year, month), v in held.items():
        if unit in districts:
            sums[(code, year, month)] += v
    for (code, year, month), v in sums.items():
        held.setdefault((layout.city, code, year, month), v)

    levels = {key: float(v) / _FSCALE for key, v in held.items()}
    # Ratios: one pass over the held figures for all ratio indicators, not one per indicator.
    by_numerator: dict[str, list[IndicatorDef]] = defaultdict(list)
    for ind in indicators.values():
        if ind.kind == RATIO:
            by_numerator[ind.numerator].append(ind)
    if by_numerator:
        for (unit, code, year, month), num in held.items():
            ratios = by_numerator.get(code)
            if ratios is None:
                continue
            for ind in ratios:
                den = held.get((unit, ind.denominator, year, month))
                if den is None or den == 0:
                    continue
                # Both parts are in 10^-8: the scales cancel.
                levels[(unit, ind.code, year, month)] = float(num) * 100.0 / float(den)
    return levels


def _needed_periods(year: int, month: int) -> set[tuple[int, int]]:
    periods = {(year, month), (year - 1, month), (year - 1, 12)}
    if month > 1:
        periods |= {(year, month - 1), (year - 1, month - 1)}
    return periods


def _yoy(kind: str, cur: float | None, last: float | None) -> float | None:
    if cur is None or last is None or last == 0:
        return None
    return cur - last if kind == RATIO else cur / last - 1.0


def figures(
    actuals: Iterable[ActualRecord],
    targets: Iterable[TargetRecord],
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    *,
    year: int,
    month: int,
    thresholds: Thresholds | None = None,
    levels: Mapping[tuple[str, str, int, int], float] | None = None,
) -> list[Figure]:
    """The figures of (year, month), sorted by unit and indicator code.

    `levels`: the caller's `resolve_levels()` of these actuals over any periods that include
    (year, month), (year, month − 1) and the same and December of year − 1 (`resolve_level_rows`:
    more periods change no level), so that figures of several months share one resolution;
    `actuals` is then not read. The figures are those computed from `actuals` to the last bit."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month}")
    th = thresholds or Thresholds()
    scale = th.scale
    if levels is None:
        levels = resolve_levels(actuals, indicators, layout, _needed_periods(year, month))
    target_of = {(t.unit, t.indicator): t for t in targets if t.year == year and t.indicator in indicators}
    keys = set(target_of) | {(u, c) for (u, c, y, m) in levels if y == year and m == month}
    tp = month / 12

    figs: dict[tuple[str, str], Figure] = {}
    for unit, code in keys:
        kind = indicators[code].kind
        cur = levels.get((unit, code, year, month))
        ly = levels.get((unit, code, year - 1, month))
        ly12 = levels.get((unit, code, year - 1, 12))
        t = target_of.get((unit, code))
        target = None
        if t is not None:
            if t.value is not None:
                target = float(t.value)
            elif t.growth is not None and ly12 is not None:
                target = ly12 * (1.0 + float(t.growth))
            elif t.growth_pp is not None and ly12 is not None:
                target = ly12 + float(t.growth_pp)
        completion = cur / target if cur is not None and target is not None and target != 0 else None
        yoy = _yoy(kind, cur, ly)
        growth_drop = None
        if month > 1:
            yoy_prev = _yoy(
                kind, levels.get((unit, code, year, month - 1)), levels.get((unit, code, year - 1, month - 1))
            )
            if yoy_prev is not None and yoy is not None:
                growth_drop = yoy_prev - yoy if kind == RATIO else (yoy_prev - yoy) * 100.0
        forecast = forecast_of(kind, cur, ly, ly12, month)
        figs[(unit, code)] = Figure(
            unit, code, target, cur, completion, tp, yoy, growth_drop, None, forecast, []
        )

    # Ranks within each group, on exact keys: equal values share the better rank.
    ranked: dict[tuple[str, str], list[tuple[int, Figure]]] = defaultdict(list)
    for fig in figs.values():
        group = layout.groups.get(fig.unit)
        if group is not None and fig.yoy is not None:
            ranked[(fig.indicator, group)].append((exact_key(fig.yoy, scale), fig))
    size: dict[int, int] = {}
    for members in ranked.values():
        keys_sorted = sorted((k for k, _ in members), reverse=True)
        first = {}
        for position, k in enumerate(keys_sorted, start=1):
            first.setdefault(k, position)
        for k, fig in members:
            fig.rank = first[k]
            size[id(fig)] = len(members)

    neg_key = exact_key(th.negative_growth, scale)
    drop_key = exact_key(th.growth_drop_pp, scale)
    behind_key = exact_key(th.behind_schedule, scale)
    for fig in figs.values():
        w = fig.warnings
        if fig.yoy is not None and exact_key(fig.yoy, scale) < neg_key:
            w.append("NEGATIVE_GROWTH")
        if fig.growth_drop is not None and exact_key(fig.growth_drop, scale) >= drop_key:
            w.append("GROWTH_DROP")
        if fig.rank is not None and fig.rank > size[id(fig)] - th.bottom_rank_places:
            w.append("BOTTOM_RANK")
        if (
            indicators[fig.indicator].kind == CUMULATIVE
            and fig.completion is not None
            and exact_key(tp - fig.completion, scale) >= behind_key
        ):
            w.append("BEHIND_SCHEDULE")
        if (
            fig.forecast is not None
            and fig.target is not None
            and exact_key(fig.forecast - fig.target * th.at_risk_ratio, scale) < 0
        ):
            w.append("AT_RISK")
    return [figs[k] for k in sorted(figs)]


# ---------------------------------------------------------------------------------------------
# Vectorised path (polars)
# ---------------------------------------------------------------------------------------------

ACTUALS_SCHEMA = {"unit": "str", "indicator": "str", "year": "int", "month": "int", "value": "float"}
TARGETS_SCHEMA = {
    "unit": "str",
    "indicator": "str",
    "year": "int",
    "value": "float",
    "growth": "float",
    "growth_pp": "float",
}


def polars_schema(spec: Mapping[str, str]) -> dict:
    """Polars dtypes for ACTUALS_SCHEMA or TARGETS_SCHEMA."""
    import polars as pl

    types = {"str": pl.String, "int": pl.Int64, "float": pl.Float64}
    return {name: types[t] for name, t in spec.items()}


def actuals_frame(actuals: Iterable[ActualRecord]) -> pl.DataFrame:
    import polars as pl

    rows = [(a.unit, a.indicator, a.year, a.month, float(a.value)) for a in actuals]
    return pl.DataFrame(rows, schema=polars_schema(ACTUALS_SCHEMA), orient="row")


def targets_frame(targets: Iterable[TargetRecord]) -> pl.DataFrame:
    import polars as pl

    rows = [(t.unit, t.indicator, t.year, _f(t.value), _f(t.growth), _f(t.growth_pp)) for t in targets]
    return pl.DataFrame(rows, schema=polars_schema(TARGETS_SCHEMA), orient="row")


def _div_const(expr: pl.Expr, constant: float) -> pl.Expr:
    """expr / constant, correctly rounded as in Python. Polars divides by a scalar as a
    multiplication by its reciprocal (121 / 10000 would be 0.012100000000000001), so the
    divisor is made a real column of the same length."""
    return expr / (expr * 0.0 + constant)


def _key_expr(expr: pl.Expr, scale: float) -> pl.Expr:
    return ((expr * scale) + 0.5).floor()


def _kinds_frame(indicators: Mapping[str, IndicatorDef]) -> pl.LazyFrame:
    import polars as pl

    defs = list(indicators.values())
    return pl.DataFrame(
        {"indicator": [d.code for d in defs], "kind": [d.kind for d in defs]},
        schema={"indicator": pl.String, "kind": pl.String},
    ).lazy()


def _levels_lazy(
    actuals: pl.DataFrame | pl.LazyFrame,
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    periods: set[tuple[int, int]] | None,
) -> pl.LazyFrame:
    """`resolve_levels` over a frame: (unit, indicator, year, month, level)."""
    import polars as pl

    col = pl.col
    reported = [code for code, d in indicators.items() if d.kind != RATIO]
    raw = actuals.lazy().select(
        col("unit").cast(pl.String),
        col("indicator").cast(pl.String),
        col("year").cast(pl.Int64),
        col("month").cast(pl.Int64),
        col("value").cast(pl.Float64),
    )
    if periods is not None:
        raw = raw.filter(
            pl.any_horizontal([(col("year") == y) & (col("month") == m) for y, m in sorted(periods)])
        )
    raw = raw.filter(col("indicator").is_in(reported)).collect()
    if raw.height:
        # As `_scaled` does per record: a value out of range is an error, never an Int64 wrap.
        largest = raw.select(col("value").abs().max()).item()
        if not largest < MAX_VALUE:
            raise _out_of_range(largest)
    held = raw.lazy().select(
        "unit",
        "indicator",
        "year",
        "month",
        ((col("value") * _FSCALE) + 0.5).floor().cast(pl.Int64).alias("v"),
    )
    # The city: its own figure, else the sum of the districts that reported (one pass; joins cost
    # more than the arithmetic at a city's size).
    period_keys = ["indicator", "year", "month"]
    in_district = col("unit").is_in(sorted(layout.districts))
    city = (
        held.group_by(period_keys)
        .agg(
            col("v").filter(col("unit") == layout.city).first().alias("own"),
            col("v").filter(in_district).sum().alias("sum"),
            in_district.any().alias("any"),
        )
        .filter(col("own").is_null() & col("any"))
        .select(pl.lit(layout.city, dtype=pl.String).alias("unit"), *period_keys, col("sum").alias("v"))
    )
    held = pl.concat([held, city], how="vertical")

    # Ratios from their parts, per unit and month, in one pass over the parts' rows.
    level_keys = ["unit", "indicator", "year", "month"]
    levels = [held.select(*level_keys, _div_const(col("v").cast(pl.Float64), _FSCALE).alias("level"))]
    ratio_defs = [d for d in indicators.values() if d.kind == RATIO]
    if ratio_defs:
        parts = sorted({p for d in ratio_defs for p in (d.numerator, d.denominator)})
        wide = (
            held.filter(col("indicator").is_in(parts))
            .group_by(["unit", "year", "month"])
            .agg(col("v").filter(col("indicator") == p).first().alias(f"p:{p}") for p in parts)
        )
        for d in ratio_defs:
            n, den = col(f"p:{d.numerator}"), col(f"p:{d.denominator}")
            levels.append(
                wide.filter(n.is_not_null() & den.is_not_null() & (den != 0)).select(
                    "unit",
                    pl.lit(d.code, dtype=pl.String).alias("indicator"),
                    "year",
                    "month",
                    (n.cast(pl.Float64) * 100.0 / den.cast(pl.Float64)).alias("level"),
                )
            )
    return pl.concat(levels, how="vertical")


def levels_frame(
    actuals: pl.DataFrame | pl.LazyFrame,
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    periods: set[tuple[int, int]] | None = None,
) -> pl.DataFrame:
    """`resolve_levels()` over a frame of actuals: one row (unit, indicator, year, month, level)
    per level, the same floats to the last bit; `periods` limits the (year, month)s resolved."""
    return _levels_lazy(actuals, indicators, layout, periods).collect()


def forecast_expr(cur: pl.Expr, ly: pl.Expr, ly12: pl.Expr, kind: pl.Expr, month: pl.Expr | int) -> pl.Expr:
    """`forecast_of` as a polars expression; `month` a column or a constant."""
    import polars as pl

    by_month = (
        _div_const(cur * 12.0, float(month))
        if isinstance(month, int)
        else (cur * 12.0) / month.cast(pl.Float64)
    )
    return (
        pl.when(cur.is_null())
        .then(None)
        .when(kind != CUMULATIVE)
        .then(cur)
        .when(ly12.is_not_null() & ly.is_not_null() & (ly != 0))
        .then(cur * ly12 / ly)
        .otherwise(by_month)
    )


def figures_frame(
    actuals: pl.DataFrame | pl.LazyFrame,
    targets: pl.DataFrame | pl.LazyFrame,
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    *,
    year: int,
    month: int,
    thresholds: Thresholds | None = None,
) -> pl.DataFrame:
    """`figures()` over frames: actuals (unit, indicator, year, month, value: f64) and targets
    (unit, indicator, year, value, growth, growth_pp: f64, nullable). Returns one row per figure
    with the columns of `Figure`, sorted by unit and indicator."""
    import polars as pl

    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month}")
    th = thresholds or Thresholds()
    scale = th.scale
    col = pl.col
    kinds = _kinds_frame(indicators)
    levels = _levels_lazy(actuals, indicators, layout, _needed_periods(year, month))

    def at(y: int, m: int, name: str) -> pl.Expr:
        return col("level").filter((col("year") == y) & (col("month") == m)).first().alias(name)

    wide_cols = [at(year, month, "cur"), at(year - 1, month, "ly"), at(year - 1, 12, "ly12")]
    if month > 1:
        wide_cols += [at(year, month - 1, "prev"), at(year - 1, month - 1, "lyp")]
    wide = levels.group_by(["unit", "indicator"]).agg(wide_cols)
    if month == 1:
        wide = wide.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("prev"), pl.lit(None, dtype=pl.Float64).alias("lyp")
        )

    tg = (
        targets.lazy()
        .filter(col("year") == year)
        .select(
            col("unit").cast(pl.String),
            col("indicator").cast(pl.String),
            col("value").cast(pl.Float64).alias("t_value"),
            col("growth").cast(pl.Float64),
            col("growth_pp").cast(pl.Float64),
            pl.lit(True).alias("has_target"),
        )
        .join(kinds.select("indicator"), on="indicator", how="semi")
    )
    groups = pl.DataFrame(
        {"unit": list(layout.groups), "group": list(layout.groups.values())},
        schema={"unit": pl.String, "group": pl.String},
    ).lazy()

    cur, ly, ly12 = col("cur"), col("ly"), col("ly12")
    is_ratio = col("kind") == RATIO

    def yoy_of(c: pl.Expr, last: pl.Expr) -> pl.Expr:
        return pl.when(c.is_not_null() & last.is_not_null() & (last != 0)).then(
            pl.when(is_ratio).then(c - last).otherwise(c / last - 1.0)
        )

    tp = month / 12
    rows = (
        wide.join(tg, on=["unit", "indicator"], how="full", coalesce=True)
        .filter(col("has_target").fill_null(False) | cur.is_not_null())
        .join(kinds, on="indicator")
        .join(groups, on="unit", how="left")
        .with_columns(
            pl.when(col("t_value").is_not_null())
            .then(col("t_value"))
            .when(col("growth").is_not_null() & ly12.is_not_null())
            .then(ly12 * (1.0 + col("growth")))
            .when(col("growth_pp").is_not_null() & ly12.is_not_null())
            .then(ly12 + col("growth_pp"))
            .alias("target"),
            yoy_of(cur, ly).alias("yoy"),
            yoy_of(col("prev"), col("lyp")).alias("yoy_prev"),
            forecast_expr(cur, ly, ly12, col("kind"), month).alias("forecast"),
        )
        .with_columns(
            pl.when(col("target").is_not_null() & (col("target") != 0))
            .then(cur / col("target"))
            .alias("completion"),
            (
                pl.when(is_ratio)
                .then(col("yoy_prev") - col("yoy"))
                .otherwise((col("yoy_prev") - col("yoy")) * 100.0)
                if month > 1
                else pl.lit(None, dtype=pl.Float64)
            ).alias("growth_drop"),
            _key_expr(col("yoy"), scale).alias("yoy_key"),
        )
        .with_columns(
            pl.when(col("group").is_not_null() & col("yoy_key").is_not_null())
            .then(col("yoy_key").rank("min", descending=True).over(["indicator", "group"]).cast(pl.Int64))
            .alias("rank"),
            col("yoy_key").count().over(["indicator", "group"]).cast(pl.Int64).alias("ranked"),
        )
    )
    conditions = [
        col("yoy_key") < float(exact_key(th.negative_growth, scale)),
        _key_expr(col("growth_drop"), scale) >= float(exact_key(th.growth_drop_pp, scale)),
        col("rank") > col("ranked") - th.bottom_rank_places,
        (col("kind") == CUMULATIVE)
        & (_key_expr(pl.lit(tp) - col("completion"), scale) >= float(exact_key(th.behind_schedule, scale))),
        _key_expr(col("forecast") - col("target") * th.at_risk_ratio, scale) < 0.0,
    ]
    # Warnings as a 5-bit mask, then one join with the 32 possible lists: building a list per row
    # with concat_list is several times slower. A null condition (a null input) raises nothing.
    mask = pl.sum_horizontal(
        [c.fill_null(False).cast(pl.Int32) * (1 << bit) for bit, c in enumerate(conditions)]
    ).alias("mask")
    lists = pl.DataFrame(
        {
            "mask": list(range(1 << len(WARNINGS))),
            "warnings": [
                [w for bit, w in enumerate(WARNINGS) if m >> bit & 1] for m in range(1 << len(WARNINGS))
            ],
        },
        schema={"mask": pl.Int32, "warnings": pl.List(pl.String)},
    ).lazy()
    return (
        rows.with_columns(mask)
        .join(lists, on="mask", how="left")
        .select(
            "unit",
            "indicator",
            "target",
            col("cur").alias("actual"),
            "completion",
            pl.lit(tp, dtype=pl.Float64).alias("time_progress"),
            "yoy",
            "growth_drop",
            "rank",
            "forecast",
            "warnings",
        )
        .sort(["unit", "indicator"])
        .collect()
    )


def frame_to_figures(frame: pl.DataFrame) -> list[Figure]:
    return [Figure(**row) for row in frame.iter_rows(named=True)]


def figures_vectorised(
    actuals: Iterable[ActualRecord],
    targets: Iterable[TargetRecord],
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    *,
    year: int,
    month: int,
    thresholds: Thresholds | None = None,
) -> list[Figure]:
    """`figures()` through the polars path, for records."""
    frame = figures_frame(
        actuals_frame(actuals),
        targets_frame(targets),
        indicators,
        layout,
        year=year,
        month=month,
        thresholds=thresholds,
    )
    return frame_to_figures(frame)
