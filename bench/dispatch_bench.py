"""Benchmark: dispatch figures at national and at city scale (reference/performance.md, job 5).

National: 3,000 districts (plus the city) × 40 indicators × 24 months: the vectorised path of
rules/dispatch.py (polars) against a plain SQLite computation of the same figures with window
functions (RANK / COUNT OVER for ranks), both from data already in memory; then the forecast
backtest of rules/forecast.py (MAPE of the forecast made at each month), vectorised against the
per-record path.

City: 12 districts (plus the city) × 40 indicators × 24 months, the size dispatch/figures.py
meets: the per-record path, the vectorised one and SQLite. At this size polars' fixed cost per
operation outweighs the work, which is why dispatch/figures.py takes the per-record path below
VECTORISE_FROM actual rows (both paths give the same figures to the last bit).

Repetitions are interleaved; medians and ratios are printed, with a check that the paths agree.

    .venv/bin/python bench/dispatch_bench.py [--units 3000] [--repeat 5] [--python]

No Django: this exercises the rules only, as the report and the status command do after loading.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.dispatch import (  # noqa: E402
    CUMULATIVE,
    RATIO,
    STOCK,
    ActualRecord,
    IndicatorDef,
    Layout,
    TargetRecord,
    Thresholds,
    figures,
    figures_frame,
    frame_to_figures,
    levels_frame,
    resolve_levels,
)
from rules.forecast import backtest, backtest_frame, backtest_of_frame  # noqa: E402

CITY = "C0"
YEAR, MONTH = 2023, 6


def build(n_units: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    units = [f"U{i:04d}" for i in range(n_units)]
    indicators = {f"I{i:02d}": IndicatorDef(f"I{i:02d}", CUMULATIVE) for i in range(1, 35)}
    indicators |= {f"S{i:02d}": IndicatorDef(f"S{i:02d}", STOCK) for i in range(1, 5)}
    indicators["R01"] = IndicatorDef("R01", RATIO, "I01", "I02")
    indicators["R02"] = IndicatorDef("R02", RATIO, "S02", "S01")
    reported = [c for c, d in indicators.items() if d.kind != RATIO]
    n_series = n_units * len(reported)

    # Values in 1/10,000 (4 decimals, as held): cumulative series grow month by month.
    base = rng.integers(10_000, 50_000_000, size=n_series)
    growth = rng.normal(1.08, 0.12, size=n_series)
    months = np.arange(1, 13)
    season = months / 12.0
    values = []
    for year_factor in (np.ones(n_series), growth):
        annual = base * year_factor
        values.append(np.rint(annual[:, None] * (season[None, :] * rng.uniform(0.97, 1.03, (n_series, 12)))))
    cube = np.concatenate(values, axis=1).astype(np.int64)  # series × 24 months
    cube = np.maximum.accumulate(np.maximum(cube, 0), axis=1)  # keep cumulative figures monotone per year
    is_stock = np.repeat([indicators[c].kind == STOCK for c in reported], n_units)
    stock_level = rng.integers(100, 5_000, size=(n_series, 1)) * 10_000
    cube = np.where(
        is_stock[:, None], stock_level + rng.integers(-50, 50, size=(n_series, 24)) * 10_000, cube
    )

    unit_col = np.tile(np.array(units), len(reported))
    code_col = np.repeat(np.array(reported), n_units)
    actuals = pl.DataFrame(
        {
            "unit": np.repeat(unit_col, 24),
            "indicator": np.repeat(code_col, 24),
            "year": np.tile(np.repeat([YEAR - 1, YEAR], 12), n_series),
            "month": np.tile(np.concatenate([months, months]), n_series),
            "value": cube.reshape(-1) / 10_000.0,
        }
    ).with_columns(pl.col("year").cast(pl.Int64), pl.col("month").cast(pl.Int64))

    t_units = np.repeat(np.array(units + [CITY]), len(indicators))
    t_codes = np.tile(np.array(list(indicators)), n_units + 1)
    kind = rng.integers(0, 3, size=len(t_units))  # a value, a growth, or nothing for the row
    targets = pl.DataFrame(
        {
            "unit": t_units,
            "indicator": t_codes,
            "year": np.full(len(t_units), YEAR),
            "value": np.where(kind == 0, rng.integers(1, 10_000_000, len(t_units)) / 100.0, np.nan),
            "growth": np.where(kind == 1, 0.065, np.nan),
            "growth_pp": np.full(len(t_units), np.nan),
        }
    ).with_columns(pl.col(["value", "growth", "growth_pp"]).fill_nan(None), pl.col("year").cast(pl.Int64))
    targets = targets.filter(pl.col("value").is_not_null() | pl.col("growth").is_not_null())
    layout = Layout.of(CITY, units)
    return actuals, targets, indicators, layout


SQL = """
WITH
held AS (
    SELECT unit, indicator, year, month, v FROM actuals
    WHERE (year = :y AND month IN (:m, :pm)) OR (year = :ly AND month IN (:m, :pm, 12))
),
sums AS (
    SELECT :city AS unit, h.indicator, h.year, h.month, SUM(h.v) AS v
    FROM held h JOIN units u ON u.code = h.unit AND u.kind = 'district'
    GROUP BY h.indicator, h.year, h.month
),
city_direct AS (SELECT indicator, year, month FROM held WHERE unit = :city),
resolved AS (
    SELECT * FROM held
    UNION ALL
    SELECT s.* FROM sums s
    LEFT JOIN city_direct c ON c.indicator = s.indicator AND c.year = s.year AND c.month = s.month
    WHERE c.indicator IS NULL
),
parts AS (
    SELECT p.unit, r.code AS indicator, p.year, p.month,
        MAX(CASE WHEN p.indicator = r.numerator THEN p.v END) AS n,
        MAX(CASE WHEN p.indicator = r.denominator THEN p.v END) AS d
    FROM resolved p JOIN ratios r ON p.indicator IN (r.numerator, r.denominator)
    GROUP BY p.unit, r.code, p.year, p.month
),
levels AS (
    SELECT unit, indicator, year, month, v / 10000.0 AS level FROM resolved
    UNION ALL
    SELECT unit, indicator, year, month, CAST(n * 100 AS REAL) / d FROM parts WHERE n IS NOT NULL AND d <> 0
),
wide AS (
    SELECT unit, indicator,
        MAX(CASE WHEN year = :y AND month = :m THEN level END) AS cur,
        MAX(CASE WHEN year = :y AND month = :pm THEN level END) AS prev,
        MAX(CASE WHEN year = :ly AND month = :m THEN level END) AS ly,
        MAX(CASE WHEN year = :ly AND month = :pm THEN level END) AS lyp,
        MAX(CASE WHEN year = :ly AND month = 12 THEN level END) AS ly12
    FROM levels GROUP BY unit, indicator
),
keys AS (
    SELECT unit, indicator FROM wide
    UNION
    SELECT unit, indicator FROM targets WHERE year = :y
),
joined AS (
    SELECT k.unit, k.indicator, w.cur, w.prev, w.ly, w.lyp, w.ly12,
        t.value AS t_value, t.growth, t.growth_pp, t.unit IS NOT NULL AS has_target
    FROM keys k
    LEFT JOIN wide w ON w.unit = k.unit AND w.indicator = k.indicator
    LEFT JOIN targets t ON t.year = :y AND t.unit = k.unit AND t.indicator = k.indicator
),
base AS (
    SELECT j.*, i.kind, u.grp,
        CASE WHEN t_value IS NOT NULL THEN t_value
             WHEN growth IS NOT NULL AND ly12 IS NOT NULL THEN ly12 * (1.0 + growth)
             WHEN growth_pp IS NOT NULL AND ly12 IS NOT NULL THEN ly12 + growth_pp END AS target,
        CASE WHEN cur IS NULL OR ly IS NULL OR ly = 0 THEN NULL
             WHEN i.kind = 'ratio' THEN cur - ly ELSE cur / ly - 1.0 END AS yoy,
        CASE WHEN prev IS NULL OR lyp IS NULL OR lyp = 0 THEN NULL
             WHEN i.kind = 'ratio' THEN prev - lyp ELSE prev / lyp - 1.0 END AS yoy_prev,
        CASE WHEN cur IS NULL THEN NULL
             WHEN i.kind = 'cumulative' AND ly12 IS NOT NULL AND ly IS NOT NULL AND ly <> 0
                 THEN cur * ly12 / ly
             WHEN i.kind = 'cumulative' THEN cur * 12.0 / :m
             ELSE cur END AS forecast
    FROM joined j JOIN indicators i ON i.code = j.indicator LEFT JOIN units u ON u.code = j.unit
    WHERE has_target OR cur IS NOT NULL
),
figs AS (
    SELECT *,
        CASE WHEN target IS NOT NULL AND target <> 0 THEN cur / target END AS completion,
        CASE WHEN :m > 1 THEN
            CASE WHEN kind = 'ratio' THEN yoy_prev - yoy ELSE (yoy_prev - yoy) * 100.0 END
        END AS growth_drop,
        CASE WHEN grp IS NOT NULL AND yoy IS NOT NULL THEN
            RANK() OVER (PARTITION BY indicator, grp, yoy IS NULL ORDER BY round(yoy, 9) DESC)
        END AS rank,
        COUNT(yoy) OVER (PARTITION BY indicator, grp) AS ranked
    FROM base
)
SELECT unit, indicator, target, cur AS actual, completion, :tp AS time_progress, yoy, growth_drop, rank,
    forecast,
    rtrim(
        CASE WHEN round(yoy, 9) < :neg THEN 'NEGATIVE_GROWTH,' ELSE '' END ||
        CASE WHEN round(growth_drop, 9) >= :drop THEN 'GROWTH_DROP,' ELSE '' END ||
        CASE WHEN rank > ranked - :places THEN 'BOTTOM_RANK,' ELSE '' END ||
        CASE WHEN kind = 'cumulative' AND round(:tp - completion, 9) >= :behind
             THEN 'BEHIND_SCHEDULE,' ELSE '' END ||
        CASE WHEN round(forecast - target * :risk, 9) < 0 THEN 'AT_RISK,' ELSE '' END, ',') AS warnings
FROM figs
"""


def load_sqlite(actuals: pl.DataFrame, targets: pl.DataFrame, indicators, layout) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.executescript(
        """
        CREATE TABLE actuals (unit TEXT, indicator TEXT, year INT, month INT, v INT);
        CREATE INDEX actuals_period ON actuals (year, month);
        CREATE TABLE targets (unit TEXT, indicator TEXT, year INT, value REAL, growth REAL, growth_pp REAL);
        CREATE UNIQUE INDEX targets_key ON targets (year, unit, indicator);
        CREATE TABLE units (code TEXT PRIMARY KEY, kind TEXT, grp TEXT);
        CREATE TABLE indicators (code TEXT PRIMARY KEY, kind TEXT);
        CREATE TABLE ratios (code TEXT, numerator TEXT, denominator TEXT);
        """
    )
    scaled = actuals.select(
        "unit", "indicator", "year", "month", ((pl.col("value") * 10_000.0) + 0.5).floor().cast(pl.Int64)
    )
    con.executemany("INSERT INTO actuals VALUES (?, ?, ?, ?, ?)", scaled.iter_rows())
    con.executemany("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?)", targets.iter_rows())
    con.executemany(
        "INSERT INTO units VALUES (?, ?, ?)",
        [(CITY, "city", None)] + [(u, "district", layout.groups.get(u)) for u in sorted(layout.districts)],
    )
    con.executemany("INSERT INTO indicators VALUES (?, ?)", [(c, d.kind) for c, d in indicators.items()])
    con.executemany(
        "INSERT INTO ratios VALUES (?, ?, ?)",
        [(c, d.numerator, d.denominator) for c, d in indicators.items() if d.kind == RATIO],
    )
    con.commit()
    return con


def run_sql(con: sqlite3.Connection, th: Thresholds) -> list[tuple]:
    params = {
        "y": YEAR,
        "ly": YEAR - 1,
        "m": MONTH,
        "pm": MONTH - 1,
        "city": CITY,
        "tp": MONTH / 12,
        "neg": th.negative_growth,
        "drop": th.growth_drop_pp,
        "places": th.bottom_rank_places,
        "behind": th.behind_schedule,
        "risk": th.at_risk_ratio,
    }
    return con.execute(SQL, params).fetchall()


def compare(frame: pl.DataFrame, sql_rows: list[tuple]) -> str:
    """Both paths should give the same rows and figures (floats to 1e-9 relative: SQLite's
    arithmetic is not pinned to the polars operation order)."""
    polars_rows = {(r["unit"], r["indicator"]): r for r in frame.iter_rows(named=True)}
    names = ["target", "actual", "completion", "time_progress", "yoy", "growth_drop", "rank", "forecast"]
    differ = 0
    for row in sql_rows:
        p = polars_rows.get((row[0], row[1]))
        if p is None:
            differ += 1
            continue
        for name, value in zip(names, row[2:10], strict=True):
            mine = p[name]
            if (mine is None) != (value is None) or (
                mine is not None and not math.isclose(mine, value, rel_tol=1e-9, abs_tol=1e-12)
            ):
                differ += 1
                break
        else:
            if ",".join(p["warnings"]) != (row[10] or ""):
                differ += 1
    missing = len(polars_rows) - len(sql_rows)
    return f"{len(sql_rows):,} rows compared, {differ} differ, row count difference {missing}"


def interleaved(cases: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each case, the cases run in turn `repeat` times (after one warm-up)."""
    results = {name: fn() for name, fn in cases.items()}  # warm-up, not timed
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    interleaved.results = results
    return {name: statistics.median(ts) for name, ts in times.items()}


def city(repeat: int, th: Thresholds) -> None:
    actuals, targets, indicators, layout = build(12)
    con = load_sqlite(actuals, targets, indicators, layout)
    records = [ActualRecord(*r) for r in actuals.iter_rows()]
    target_records = [TargetRecord(*r) for r in targets.iter_rows()]
    kw = {"year": YEAR, "month": MONTH, "thresholds": th}
    medians = interleaved(
        {
            "per-record Python": lambda: figures(records, target_records, indicators, layout, **kw),
            "polars (vectorised)": lambda: frame_to_figures(
                figures_frame(actuals, targets, indicators, layout, **kw)
            ),
            "SQLite window SQL": lambda: run_sql(con, th),
        },
        repeat,
    )
    results = interleaved.results
    print(
        f"\ncity: 12 districts + city × {len(indicators)} indicators × 24 months = {actuals.height:,} actuals"
    )
    for name, median in medians.items():
        print(f"  {name:24s} median {median * 1000:8.2f} ms")
    base = medians["per-record Python"]
    print(
        f"  ratios to per-record: polars {medians['polars (vectorised)'] / base:.1f}×, "
        f"SQL {medians['SQLite window SQL'] / base:.1f}×"
    )
    same = results["per-record Python"] == results["polars (vectorised)"]
    print(f"  per-record and polars figures identical: {same}")


def national_backtest(actuals, indicators, layout, repeat: int) -> None:
    """The backtest of YEAR (forecasts made at months 1..11 against December, YEAR − 1 as last
    year) over levels already resolved, as dispatch/figures.py holds them."""
    levels = levels_frame(actuals, indicators, layout)
    level_dict = {(u, c, y, m): v for u, c, y, m, v in levels.iter_rows()}
    medians = interleaved(
        {
            "polars (vectorised)": lambda: backtest_frame(levels, indicators, year=YEAR),
            "per-record Python": lambda: backtest(level_dict, indicators, year=YEAR),
        },
        repeat,
    )
    results = interleaved.results
    frame = results["polars (vectorised)"]
    print(f"\nbacktest (MAPE of 11 forecasts per unit × indicator): {frame.height:,} series")
    for name, median in medians.items():
        print(f"  {name:24s} median {median * 1000:9.1f} ms")
    print(
        f"  ratio per-record / polars: {medians['per-record Python'] / medians['polars (vectorised)']:.1f}×"
    )
    print(f"  identical: {backtest_of_frame(frame) == results['per-record Python']}")
    t0 = time.perf_counter()
    level_check = resolve_levels((ActualRecord(*r) for r in actuals.iter_rows()), indicators, layout)
    elapsed = time.perf_counter() - t0
    print(
        f"  levels per record {elapsed * 1000:.0f} ms once; equal to the frame's: {level_check == level_dict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python", action="store_true", help="also time the per-record path once")
    args = parser.parse_args()

    started = time.perf_counter()
    actuals, targets, indicators, layout = build(args.units)
    print(
        f"data: {args.units:,} districts + city × {len(indicators)} indicators × 24 months = "
        f"{actuals.height:,} actuals, {targets.height:,} targets (built in {time.perf_counter() - started:.1f} s)"
    )
    con = load_sqlite(actuals, targets, indicators, layout)
    th = Thresholds()

    def vectorised():
        return figures_frame(actuals, targets, indicators, layout, year=YEAR, month=MONTH, thresholds=th)

    times: dict[str, list[float]] = {"polars (vectorised)": [], "SQLite window SQL": []}
    frame = vectorised()  # warm-up (thread pool, caches), not timed
    sql_rows = None
    for _ in range(args.repeat):  # interleaved, so both see the same machine noise
        t0 = time.perf_counter()
        frame = vectorised()
        times["polars (vectorised)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sql_rows = run_sql(con, th)
        times["SQLite window SQL"].append(time.perf_counter() - t0)

    medians = {k: statistics.median(v) for k, v in times.items()}
    for name, median in medians.items():
        print(
            f"{name:24s} median {median * 1000:9.1f} ms  (runs: {', '.join(f'{t:.3f}' for t in times[name])} s)"
        )
    ratio = medians["SQLite window SQL"] / medians["polars (vectorised)"]
    print(f"ratio SQL / polars: {ratio:.1f}×   ({frame.height:,} figures)")
    print("agreement:", compare(frame, sql_rows))

    national_backtest(actuals, indicators, layout, args.repeat)
    city(max(args.repeat, 9), th)

    if args.python:
        records = [ActualRecord(*r) for r in actuals.iter_rows()]
        target_records = [TargetRecord(*r) for r in targets.iter_rows()]
        t0 = time.perf_counter()
        rows = figures(records, target_records, indicators, layout, year=YEAR, month=MONTH, thresholds=th)
        elapsed = time.perf_counter() - t0
        print(f"{'per-record Python':24s} once   {elapsed * 1000:9.1f} ms  ({len(rows):,} figures)")


if __name__ == "__main__":
    main()
