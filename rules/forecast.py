"""Forecast (预研预判): the year-end forecast against the target, and how far to trust it.

The forecast itself is CONTRACTS.md's (`rules.dispatch.forecast_of`): made at month M of year Y,
actual(Y, M) × actual(Y−1, 12) / actual(Y−1, M) for a cumulative indicator with a full last year,
else actual(Y, M) × 12 / M; the level itself for stock and ratio indicators.

The backtest replays that forecast on a finished year: for each month M = 1..11 of year Y, the
forecast made at M (from the levels of Y and Y−1 as they are held now) is compared with the
actual December figure of Y. Its error is the absolute percentage error |forecast − actual(Y, 12)|
/ |actual(Y, 12)| (a fraction: 0.05 is 5 %), and the backtest's figure is their mean over the
months that had a forecast (MAPE). Shown beside this year's forecast, it says how far the same
method was off last year for the same unit and indicator.

Decisions:
- A unit × indicator is backtested where it has a December level in Y. Without one there is
  nothing to compare with (no row); a December level of 0 gives no error (MAPE null, 0 months).
- A month without a level gives no forecast and is left out of the mean (`months` says how many
  entered it); with none at all the MAPE is null.
- The mean is a left-to-right sum in month order divided by the count, in both paths (a running
  sum in polars; its sum() and sum_horizontal may add in another order), so the per-record and
  the polars path agree to the last bit (tests/dispatch/test_forecast.py).
- `meets_target`: the forecast reaches the target (≥, compared on `exact_key` like the warnings;
  ≤ for an indicator whose direction is "down"); null without a forecast or a target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules.dispatch import (
    ActualRecord,
    IndicatorDef,
    Layout,
    Thresholds,
    exact_key,
    forecast_expr,
    forecast_of,
    levels_frame,
    resolve_levels,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "MONTHS",
    "Backtest",
    "backtest",
    "backtest_frame",
    "backtest_of_frame",
    "backtest_records",
    "backtest_vectorised",
    "meets_target",
]

MONTHS = tuple(range(1, 12))  # the forecasts made at months 1..11 of the backtested year


@dataclass(frozen=True)
class Backtest:
    unit: str
    indicator: str
    actual: float  # the December level the forecasts are judged against
    mape: float | None  # mean absolute percentage error, a fraction
    months: int  # forecasts that entered the mean
    errors: tuple[float | None, ...]  # the error of the forecast made at each month 1..11


def backtest(
    levels: Mapping[tuple[str, str, int, int], float],
    indicators: Mapping[str, IndicatorDef],
    *,
    year: int,
) -> list[Backtest]:
    """The backtest of `year` from resolved levels {(unit, indicator, year, month): level} (those
    of `rules.dispatch.resolve_levels`, which needs years Y and Y−1); sorted by unit, indicator."""
    out = []
    decembers = sorted(
        (unit, code, v)
        for (unit, code, y, m), v in levels.items()
        if (y, m) == (year, 12) and code in indicators
    )
    for unit, code, december in decembers:
        kind = indicators[code].kind
        ly12 = levels.get((unit, code, year - 1, 12))
        errors: list[float | None] = []
        total, n = 0.0, 0
        for month in MONTHS:
            forecast = forecast_of(
                kind,
                levels.get((unit, code, year, month)),
                levels.get((unit, code, year - 1, month)),
                ly12,
                month,
            )
            if forecast is None or december == 0:
                errors.append(None)
                continue
            error = abs(forecast - december) / abs(december)
            errors.append(error)
            total += error
            n += 1
        out.append(Backtest(unit, code, december, total / n if n else None, n, tuple(errors)))
    return out


def backtest_records(
    actuals: Iterable[ActualRecord],
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    *,
    year: int,
) -> list[Backtest]:
    """`backtest()` from held records (the levels of Y and Y−1 are resolved first)."""
    periods = {(y, m) for y in (year - 1, year) for m in range(1, 13)}
    return backtest(resolve_levels(actuals, indicators, layout, periods), indicators, year=year)


def backtest_frame(
    levels: pl.DataFrame | pl.LazyFrame,
    indicators: Mapping[str, IndicatorDef],
    *,
    year: int,
) -> pl.DataFrame:
    """`backtest()` over a levels frame (unit, indicator, year, month, level), as
    `rules.dispatch.levels_frame` gives it. Columns: unit, indicator, actual, mape, months,
    errors (a list of 11, null where no forecast), sorted by unit and indicator."""
    import polars as pl

    col = pl.col
    kinds = pl.DataFrame(
        {"indicator": list(indicators), "kind": [d.kind for d in indicators.values()]},
        schema={"indicator": pl.String, "kind": pl.String},
    ).lazy()
    keys = ["unit", "indicator"]
    lv = levels.lazy().select(
        col("unit").cast(pl.String),
        col("indicator").cast(pl.String),
        col("year").cast(pl.Int64),
        col("month").cast(pl.Int64),
        col("level").cast(pl.Float64),
    )
    cur = lv.filter(col("year") == year).select(*keys, "month", col("level").alias("cur"))
    last = lv.filter(col("year") == year - 1).select(*keys, "month", col("level").alias("ly"))
    dec = cur.filter(col("month") == 12).select(*keys, col("cur").alias("dec"))
    ly12 = last.filter(col("month") == 12).select(*keys, col("ly").alias("ly12"))
    # Every month 1..11 of every series with a December, its forecast and error.
    months = pl.DataFrame({"month": list(MONTHS)}, schema={"month": pl.Int64}).lazy()
    rows = (
        dec.join(months, how="cross")
        .join(cur, on=[*keys, "month"], how="left")
        .join(last, on=[*keys, "month"], how="left")
        .join(ly12, on=keys, how="left")
        .join(kinds, on="indicator")
    )
    forecast = forecast_expr(col("cur"), col("ly"), col("ly12"), col("kind"), col("month"))
    error = pl.when(forecast.is_not_null() & (col("dec") != 0)).then(
        (forecast - col("dec")).abs() / col("dec").abs()
    )
    return (
        rows.with_columns(error.alias("e"))
        .sort([*keys, "month"])
        .group_by(keys, maintain_order=True)
        .agg(
            col("dec").first().alias("actual"),
            # A running sum in month order is the per-record path's left-to-right addition
            # (sum() may add in another order; float addition is not associative). A month
            # without a forecast adds 0.0, which changes nothing.
            col("e").fill_null(0.0).cum_sum().last().alias("total"),
            col("e").is_not_null().sum().cast(pl.Int64).alias("months"),
            col("e").alias("errors"),
        )
        .select(
            *keys,
            "actual",
            pl.when(col("months") > 0).then(col("total") / col("months").cast(pl.Float64)).alias("mape"),
            "months",
            "errors",
        )
        .collect()
    )


def backtest_of_frame(frame: pl.DataFrame) -> list[Backtest]:
    """The rows of `backtest_frame()` as records."""
    return [
        Backtest(r["unit"], r["indicator"], r["actual"], r["mape"], r["months"], tuple(r["errors"]))
        for r in frame.iter_rows(named=True)
    ]


def backtest_vectorised(
    actuals: Iterable[ActualRecord],
    indicators: Mapping[str, IndicatorDef],
    layout: Layout,
    *,
    year: int,
) -> list[Backtest]:
    """`backtest_records()` through the polars path."""
    from rules.dispatch import actuals_frame

    periods = {(y, m) for y in (year - 1, year) for m in range(1, 13)}
    levels = levels_frame(actuals_frame(actuals), indicators, layout, periods)
    return backtest_of_frame(backtest_frame(levels, indicators, year=year))


def meets_target(
    forecast: float | None,
    target: float | None,
    *,
    direction: str = "up",
    thresholds: Thresholds | None = None,
) -> bool | None:
    """Whether the year-end forecast reaches the target; None without either."""
    if forecast is None or target is None:
        return None
    key = exact_key(forecast - target, (thresholds or Thresholds()).scale)
    return key <= 0 if direction == "down" else key >= 0
