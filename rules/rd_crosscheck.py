"""R&D statistics cross-check (不统、少统、漏统), plan section (六)四是.

For one year, an enterprise's R&D reported to statistics (NBS R&D 经费内部支出) is set beside two
kinds of evidence that it does R&D: the R&D expense it claimed for the tax super-deduction
(研发费用加计扣除) and the R&D subsidies it received. national-rules.md §3: the three definitions
differ and are never expected to reconcile exactly, so the check flags only what a person should
look at:

- ``missing`` (漏统): evidence, and no statistics row for the year at all;
- ``not_reported`` (不统): evidence, and a statistics row whose R&D is zero or empty;
- ``under_reported`` (少统): statistics below ``ratio`` (default 0.5) × the tax claim.

The flags are exclusive, checked in that order. A subsidy is evidence that R&D happened but not a
measure of it, so only the tax claim is compared with the statistics, and the ``gap`` (claim −
statistics) exists only where there is a claim.

Two paths with identical results: `check(record, ratio)` for one enterprise and
`check_frame(df, ratio)` for many. Both compute in whole fen (0.01 万元, the precision the
database keeps) and compare ``statistics × 10000 < ratio_in_basis_points × claim`` in integers,
so a figure exactly at the ratio is never flagged, whatever binary floating point would say.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl

__all__ = [
    "DEFAULT_RATIO",
    "FLAGS",
    "INPUT_COLUMNS",
    "MISSING",
    "NOT_REPORTED",
    "OUTPUT_COLUMNS",
    "UNDER_REPORTED",
    "Finding",
    "RdEvidence",
    "check",
    "check_all",
    "check_frame",
    "findings_from_frame",
    "frame_of",
    "ratio_basis_points",
]

MISSING = "missing"  # 漏统
NOT_REPORTED = "not_reported"  # 不统
UNDER_REPORTED = "under_reported"  # 少统
FLAGS = (NOT_REPORTED, UNDER_REPORTED, MISSING)
DEFAULT_RATIO = Decimal("0.5")
_BP = 10_000  # the ratio is held in basis points, so 0.5 is 5000 and 0.375 is 3750
_CENT = Decimal("0.01")

INPUT_COLUMNS = ("id", "has_stats", "stats", "deduction", "subsidy")
OUTPUT_COLUMNS = ("id", "flag", "gap_cents", "share")


@dataclass(frozen=True)
class RdEvidence:
    """One enterprise's figures for a year, in 万元 (at most 2 decimals).

    has_stats: a statistics row exists for the year; stats: its R&D (None when left empty);
    deduction: the super-deduction claim (None: no claim); subsidy: R&D subsidies received
    (None: none)."""

    id: int | str
    has_stats: bool
    stats: Decimal | int | float | None = None
    deduction: Decimal | int | float | None = None
    subsidy: Decimal | int | float | None = None


@dataclass(frozen=True)
class Finding:
    """flag: one of FLAGS or None; gap: claim − statistics in 万元 where flagged and claimed;
    share: statistics ÷ claim where both exist and the claim is positive."""

    id: int | str
    flag: str | None
    gap: Decimal | None
    share: float | None


def ratio_basis_points(ratio) -> int:
    """The ratio as whole basis points; it must lie in (0, 1] and have at most 4 decimals."""
    try:
        exact = Fraction(Decimal(str(ratio)))
    except (ArithmeticError, ValueError) as exc:
        raise ValueError(f"{ratio!r} is not a number") from exc
    bp = exact * _BP
    if bp.denominator != 1:
        raise ValueError(f"{ratio} has more than 4 decimals")
    if not 0 < bp <= _BP:
        raise ValueError(f"{ratio} is not between 0 (exclusive) and 1")
    return int(bp)


def _cents(value) -> int | None:
    if value is None:
        return None
    amount = Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{value!r} is not an amount")
    return int((amount / _CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check(record: RdEvidence, ratio=DEFAULT_RATIO) -> Finding:
    """The finding for one enterprise."""
    bp = ratio_basis_points(ratio)
    stats = _cents(record.stats) if record.has_stats else None
    claim = _cents(record.deduction) or 0
    subsidy = _cents(record.subsidy) or 0
    evidence = claim > 0 or subsidy > 0
    reported = stats or 0
    if evidence and not record.has_stats:
        flag = MISSING
    elif evidence and reported == 0:
        flag = NOT_REPORTED
    elif reported > 0 and claim > 0 and reported * _BP < bp * claim:
        flag = UNDER_REPORTED
    else:
        flag = None
    gap = Decimal(claim - reported).scaleb(-2) if flag and claim > 0 else None
    share = reported / claim if record.has_stats and claim > 0 else None
    return Finding(record.id, flag, gap, share)


def check_all(records, ratio=DEFAULT_RATIO) -> list[Finding]:
    return [check(r, ratio) for r in records]


def _cents_expr(name: str) -> pl.Expr:
    # Amounts carry at most 2 decimals, so × 100 lands within rounding noise of a whole fen.
    return (pl.col(name).cast(pl.Float64) * 100).round(0).cast(pl.Int64)


def check_frame(df: pl.DataFrame, ratio=DEFAULT_RATIO) -> pl.DataFrame:
    """Every row of `df` (INPUT_COLUMNS; amounts as numbers, null for none) into OUTPUT_COLUMNS,
    row for row identical to `check` (gap in whole fen)."""
    bp = ratio_basis_points(ratio)
    has_stats = pl.col("has_stats").fill_null(False)
    stats = pl.when(has_stats).then(_cents_expr("stats"))
    claim = _cents_expr("deduction").fill_null(0)
    subsidy = _cents_expr("subsidy").fill_null(0)
    frame = df.select(
        pl.col("id"),
        has_stats.alias("_has"),
        stats.fill_null(0).alias("_rep"),
        claim.alias("_claim"),
        subsidy.alias("_sub"),
    )
    rep, cl, has = pl.col("_rep"), pl.col("_claim"), pl.col("_has")
    evidence = (cl > 0) | (pl.col("_sub") > 0)
    flag = (
        pl.when(evidence & ~has)
        .then(pl.lit(MISSING))
        .when(evidence & (rep == 0))
        .then(pl.lit(NOT_REPORTED))
        .when((rep > 0) & (cl > 0) & (rep * _BP < cl * bp))
        .then(pl.lit(UNDER_REPORTED))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    out = frame.with_columns(flag=flag).with_columns(
        gap_cents=pl.when(pl.col("flag").is_not_null() & (cl > 0)).then(cl - rep),
        share=pl.when(has & (cl > 0)).then(rep.cast(pl.Float64) / cl.cast(pl.Float64)),
    )
    return out.select(OUTPUT_COLUMNS)


def findings_from_frame(out: pl.DataFrame) -> list[Finding]:
    return [
        Finding(
            r["id"],
            r["flag"],
            None if r["gap_cents"] is None else Decimal(r["gap_cents"]).scaleb(-2),
            r["share"],
        )
        for r in out.iter_rows(named=True)
    ]


def frame_of(records) -> pl.DataFrame:
    """The records as a frame for `check_frame` (amounts as floats of at most 2 decimals)."""

    def f(v):
        return None if v is None else float(v)

    records = list(records)
    return pl.DataFrame(
        {
            "id": [r.id for r in records],
            "has_stats": [bool(r.has_stats) for r in records],
            "stats": [f(r.stats) for r in records],
            "deduction": [f(r.deduction) for r in records],
            "subsidy": [f(r.subsidy) for r in records],
        },
        schema={
            "id": pl.Int64 if all(isinstance(r.id, int) for r in records) else pl.String,
            "has_stats": pl.Boolean,
            "stats": pl.Float64,
            "deduction": pl.Float64,
            "subsidy": pl.Float64,
        },
    )
