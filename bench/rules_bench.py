"""Benchmark: 科技型中小企业 + 高企 evaluation of N synthetic enterprises (reference/performance.md, job 1),
and USCC validation (job 2).

Paths, timed with repetitions interleaved:
- `frame`: rules.tsme.evaluate_frame + rules.hte.evaluate_frame on typed columns;
- `frame from text`: the same on all-text columns, as `kechuang rules` feeds them (parsing included);
- `plain polars`: a hand-written polars pass over the same columns computing the same scores and
  conditions, without the unknown/missing bookkeeping: the floor a vectorised pass can reach;
- `per record`: rules.tsme.evaluate + rules.hte.evaluate over dicts, timed on a sample and
  extrapolated to N.
The per-record and frame results are compared on the sample before timing.

    .venv/bin/python bench/rules_bench.py [--n 1000000] [--quick] [--repeat 3] [--sample 20000]

No Django: the engines are pure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules import hte, tsme, uscc  # noqa: E402
from rules.hte import HT_DOMAINS  # noqa: E402


def build(n: int, seed: int = 11) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed tsme and hte frames of n enterprises; about 1 % of each figure is missing."""
    rng = np.random.default_rng(seed)

    def money(low, high):
        return np.round(rng.uniform(low, high, n), 2)

    def with_gaps(values, share=0.01):
        series = pl.Series(values)
        return series.scatter(np.flatnonzero(rng.random(n) < share), None)

    employees = rng.integers(1, 700, n).astype(float)
    st_staff = np.floor(employees * rng.uniform(0, 0.5, n))
    revenue = money(0, 30000)
    ids = pl.Series([f"E{i}" for i in range(n)])
    tsme_df = pl.DataFrame(
        {
            "id": ids,
            "employees": with_gaps(employees),
            "st_staff": with_gaps(st_staff),
            "revenue": with_gaps(revenue),
            "total_assets": with_gaps(money(0, 30000)),
            "rd_expense": with_gaps(np.round(revenue * rng.uniform(0, 0.1, n), 2)),
            "total_cost": with_gaps(np.round(revenue * rng.uniform(0.3, 1.0, n), 2)),
            "ip_class1": with_gaps(rng.integers(0, 3, n).astype(float)),
            "ip_class2": with_gaps(rng.integers(0, 8, n).astype(float)),
            **{c: rng.random(n) < 0.05 for c in tsme.FLAG_COLUMNS},
        }
    )
    registered = np.datetime64("2012-01-01") + rng.integers(0, 4000, n).astype("timedelta64[D]")
    grades = np.array(["A", "B", "C", "D", "E", ""])
    revenues = [money(0, 30000) for _ in range(3)]
    hte_df = pl.DataFrame(
        {
            "id": ids,
            "registered": pl.Series(registered).cast(pl.Date),
            "apply_date": pl.Series([dt.date(2023, 6, 30)] * n),
            "ip_class1": with_gaps(rng.integers(0, 3, n).astype(float)),
            "ip_class2": with_gaps(rng.integers(0, 8, n).astype(float)),
            "ht_domain": pl.Series(np.array([*HT_DOMAINS, ""])[rng.integers(0, 9, n)]),
            "employees": with_gaps(employees),
            "st_staff": with_gaps(st_staff),
            **{f"revenue_{y}": with_gaps(revenues[y - 1], 0.05 if y < 3 else 0.01) for y in (1, 2, 3)},
            **{
                f"rd_{y}": with_gaps(np.round(revenues[y - 1] * rng.uniform(0, 0.1, n), 2), 0.01)
                for y in (1, 2, 3)
            },
            "rd_domestic": with_gaps(money(0, 2000)),
            "ht_income": with_gaps(money(0, 20000)),
            "total_income": with_gaps(money(100, 30000)),
            "incident": rng.random(n) < 0.02,
            "tech_grade": pl.Series(grades[rng.integers(0, 6, n)]),
            "support_grade": pl.Series(grades[rng.integers(0, 6, n)]),
            "ip_source": pl.Series(np.array(["self", "acquired", ""])[rng.integers(0, 3, n)]),
            "standard_bonus": pl.Series(np.array(["1", "0", ""])[rng.integers(0, 3, n)]),
            **{f"transfers_{y}": with_gaps(rng.integers(0, 8, n).astype(float), 0.1) for y in (1, 2, 3)},
            "rd_mgmt": with_gaps(rng.integers(0, 21, n).astype(float), 0.1),
            **{f"net_assets_{y}": with_gaps(money(-500, 20000), 0.1) for y in (1, 2, 3)},
        }
    )
    # Early years are "missing early years" for a firm that is young: both figures empty together.
    for y in (1, 2):
        hte_df = hte_df.with_columns(
            pl.when(pl.col(f"revenue_{y}").is_null()).then(None).otherwise(pl.col(f"rd_{y}")).alias(f"rd_{y}")
        )
    return tsme_df, hte_df


def as_text(df: pl.DataFrame) -> pl.DataFrame:
    """All columns as text, as read from a CSV (booleans as 1/0)."""
    return df.select(
        pl.when(pl.col(c)).then(pl.lit("1")).otherwise(pl.lit("0")).alias(c)
        if df.schema[c] == pl.Boolean
        else pl.col(c).cast(pl.String)
        for c in df.columns
    )


# --- the hand-written plain polars pass --------------------------------------------------------


def _bands(ratio: pl.Expr, bands) -> pl.Expr:
    expr = pl.when(ratio >= bands[0][0]).then(bands[0][1])
    for threshold, points in bands[1:]:
        expr = expr.when(ratio >= threshold).then(points)
    return expr.otherwise(0)


def plain_tsme(df: pl.DataFrame) -> pl.DataFrame:
    c = pl.col
    staff = _bands(c("st_staff") / c("employees"), tsme.STAFF_BANDS)
    rd = pl.max_horizontal(
        _bands(c("rd_expense") / c("revenue"), tsme.RD_REVENUE_BANDS),
        _bands(c("rd_expense") / c("total_cost"), tsme.RD_COST_BANDS),
    )
    ip = (
        pl.when(c("ip_class1") >= 1)
        .then(30)
        .when(c("ip_class2") >= 4)
        .then(24)
        .when(c("ip_class2") >= 3)
        .then(18)
        .when(c("ip_class2") >= 2)
        .then(12)
        .when(c("ip_class2") >= 1)
        .then(6)
        .otherwise(0)
    )
    total = staff + rd + ip
    gates = (
        (c("employees") <= 500)
        & (c("revenue") <= 20000)
        & (c("total_assets") <= 20000)
        & ~c("restricted_industry")
        & ~c("incident")
    )
    direct = c("hte_valid") | c("national_award_top3") | c("provincial_rd_institution") | c("led_standard")
    return df.select(
        "id",
        staff.alias("staff_score"),
        rd.alias("rd_score"),
        ip.alias("ip_score"),
        total.alias("total"),
        (gates & (direct | ((total >= 60) & (staff > 0)))).alias("eligible"),
        pl.max_horizontal(60 - total, 0).alias("points_short"),
    )


def _growth(cols) -> pl.Expr:
    x1, x2, x3 = (pl.col(c) for c in cols)
    return pl.when(x1 > 0).then(0.5 * (x2 / x1 + x3 / x2) - 1.0).otherwise(x3 / x2 - 1.0)


def _growth_points(rate: pl.Expr, end: int) -> pl.Expr:
    expr = (
        pl.when(rate >= 0.35).then(9 + end).when(rate >= 0.25).then(7 + end).when(rate >= 0.15).then(5 + end)
    )
    return expr.when(rate >= 0.05).then(3 + end).when(rate > 0).then(1 + end).otherwise(0)


def plain_hte(df: pl.DataFrame) -> pl.DataFrame:
    c = pl.col
    rev = c("revenue_1").fill_null(0) + c("revenue_2").fill_null(0) + c("revenue_3")
    rd = c("rd_1").fill_null(0) + c("rd_2").fill_null(0) + c("rd_3")
    threshold = (
        pl.when(c("revenue_3") <= 5000).then(0.05).when(c("revenue_3") <= 20000).then(0.04).otherwise(0.03)
    )
    grade_lo = {"A": 7, "B": 5, "C": 3, "D": 1, "E": 0}
    grade_hi = {"A": 8, "B": 6, "C": 4, "D": 2, "E": 0}
    quantity_lo = (
        pl.when(c("ip_class1") >= 1)
        .then(7)
        .when(c("ip_class2") >= 5)
        .then(5)
        .when(c("ip_class2") >= 3)
        .then(3)
    )
    quantity_lo = quantity_lo.when(c("ip_class2") >= 1).then(1).otherwise(0)
    transfers = pl.mean_horizontal(c("transfers_1"), c("transfers_2"), c("transfers_3"))
    transfers_lo = (
        pl.when(transfers >= 5).then(25).when(transfers >= 4).then(19).when(transfers >= 3).then(13)
        .when(transfers >= 2).then(7).when(transfers >= 1).then(1).otherwise(0)
    )  # fmt: skip
    net = _growth(("net_assets_1", "net_assets_2", "net_assets_3"))
    sales = _growth(("revenue_1", "revenue_2", "revenue_3"))
    ip_lo = pl.min_horizontal(
        c("tech_grade").replace_strict(grade_lo, default=0)
        + c("support_grade").replace_strict(grade_lo, default=0)
        + quantity_lo
        + (c("ip_source") != "").cast(pl.Int32),
        30,
    )
    ip_hi = pl.min_horizontal(
        c("tech_grade").replace_strict(grade_hi, default=8)
        + c("support_grade").replace_strict(grade_hi, default=8)
        + 16,
        30,
    )
    score_min = (
        ip_lo + transfers_lo + c("rd_mgmt").fill_null(0) + _growth_points(net, 0) + _growth_points(sales, 0)
    )
    score_max = (
        ip_hi
        + transfers_lo
        + 5
        + c("rd_mgmt").fill_null(20)
        + _growth_points(net, 1)
        + _growth_points(sales, 1)
    )
    st_short = (c("employees") - 10.0 * c("st_staff")) / 9.0
    return df.select(
        "id",
        ((c("apply_date") - c("registered")).dt.total_days() >= 365).alias("c1"),
        (c("ip_class1") + c("ip_class2") >= 1).alias("c2"),
        c("ht_domain").is_in(HT_DOMAINS).alias("c3"),
        (c("st_staff") / c("employees") >= 0.10).alias("c4"),
        ((rd / rev >= threshold) & (c("rd_domestic") / rd >= 0.6)).alias("c5"),
        (c("ht_income") / c("total_income") >= 0.6).alias("c6"),
        (score_min >= 71).alias("c7"),
        (~c("incident")).alias("c8"),
        (c("st_staff") / c("employees")).alias("st_ratio"),
        (rd / rev).alias("rd_ratio"),
        threshold.alias("rd_threshold"),
        (c("rd_domestic") / rd).alias("domestic_ratio"),
        (c("ht_income") / c("total_income")).alias("ht_ratio"),
        net.alias("net_asset_growth"),
        sales.alias("sales_growth"),
        score_min.alias("score_min"),
        score_max.alias("score_max"),
        pl.max_horizontal(threshold * rev - rd, 0).alias("rd_gap"),
        pl.max_horizontal(st_short.ceil(), 0).alias("st_gap"),
    )


# --- timing ------------------------------------------------------------------------------------


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def per_record(records_tsme: list[dict], records_hte: list[dict]) -> None:
    for record in records_tsme:
        tsme.evaluate(record)
    for record in records_hte:
        hte.evaluate(record)


def check_sample(tsme_df: pl.DataFrame, hte_df: pl.DataFrame) -> None:
    """Per-record and frame paths must agree on the sample (as tests/rules prove on random input)."""
    for engine, df in ((tsme, tsme_df), (hte, hte_df)):
        frame = engine.evaluate_frame(df).drop("id").to_dicts()
        for got, record in zip(frame, df.to_dicts(), strict=True):
            result = engine.evaluate(record)
            expected = {c: getattr(result, c) for c in engine.OUTPUT_COLUMNS[1:]}
            expected["reasons"] = ";".join(result.reasons)
            if got != expected:
                raise SystemExit(f"paths disagree on {record}:\n{got}\n{expected}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 enterprises")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the per-record path")
    args = parser.parse_args()
    n = 100_000 if args.quick else args.n
    sample = min(args.sample, n)

    t0 = time.perf_counter()
    tsme_df, hte_df = build(n)
    tsme_text, hte_text = as_text(tsme_df), as_text(hte_df)
    records_tsme, records_hte = tsme_df.head(sample).to_dicts(), hte_df.head(sample).to_dicts()
    codes = _codes(n)
    print(
        f"built {n:,} enterprises and codes in {time.perf_counter() - t0:.1f} s; checking the paths agree ..."
    )
    check_sample(tsme_df.head(2000), hte_df.head(2000))
    check_sample(tsme_text.head(2000), hte_text.head(2000))

    jobs = {
        "frame (typed columns)": lambda: (tsme.evaluate_frame(tsme_df), hte.evaluate_frame(hte_df)),
        "frame from text (as the command)": lambda: (
            tsme.evaluate_frame(tsme_text),
            hte.evaluate_frame(hte_text),
        ),
        "plain polars (no missing-data handling)": lambda: (plain_tsme(tsme_df), plain_hte(hte_df)),
        f"per record ({sample:,} rows, extrapolated)": lambda: per_record(records_tsme, records_hte),
        "USCC validate_batch (numpy)": lambda: uscc.validate_batch(codes),
        f"USCC validate per code ({sample:,}, extrapolated)": lambda: [
            uscc.validate(c) for c in codes[:sample]
        ],
    }
    scale = {k: (n / sample if "extrapolated" in k else 1.0) for k in jobs}
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(args.repeat):  # interleaved, so drift on a noisy machine hits every path alike
        for name, job in jobs.items():
            times[name].append(timed(job) * scale[name])

    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["frame (typed columns)"]
    uscc_base = medians["USCC validate_batch (numpy)"]
    print(f"\n{n:,} enterprises, median of {args.repeat} interleaved runs\n")
    print("| path | median | rows/s | × vs frame |")
    print("|---|---:|---:|---:|")
    for name, seconds in medians.items():
        ref = uscc_base if name.startswith("USCC") else base
        print(f"| {name} | {seconds * 1000:,.0f} ms | {n / seconds:,.0f} | {seconds / ref:.1f} |")


def _codes(n: int) -> list[str]:
    """n codes, a quarter of them with a wrong check character."""
    rng = np.random.default_rng(5)
    digits = rng.integers(0, 10, (n, 15)).astype(str)
    bodies = ["91" + "".join(row) for row in digits]
    codes = [body + uscc.check_char(body) for body in bodies]
    for i in range(0, n, 4):
        codes[i] = codes[i][:17] + ("0" if codes[i][17] != "0" else "1")
    return codes


if __name__ == "__main__":
    main()
