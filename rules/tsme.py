"""科技型中小企业评价 — the tech-SME evaluation (国科发政〔2017〕115号 + 国科火字〔2022〕67号).

Rules: national-rules.md §1; command contract: CONTRACTS.md "kechuang rules tsme". Two paths with
identical results: `evaluate(record)` for one enterprise and `evaluate_frame(df)` for many.
Money is in 万元 (2 亿元 = 20000 万元).

A ratio with a zero denominator scores 0: no employees gives no S&T share, and a firm without
revenue yet is scored on its R&D-to-cost ratio alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from rules.common import Spec, band, band_expr, code_mask_expr, decode_codes, parse_frame, parse_record

__all__ = [
    "FLAG_COLUMNS",
    "INPUT_COLUMNS",
    "NUMBER_COLUMNS",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "TsmeResult",
    "evaluate",
    "evaluate_frame",
]

NUMBER_COLUMNS = (
    "employees",
    "st_staff",
    "revenue",
    "total_assets",
    "rd_expense",
    "total_cost",
    "ip_class1",
    "ip_class2",
)
FLAG_COLUMNS = (
    "restricted_industry",
    "incident",
    "hte_valid",
    "national_award_top3",
    "provincial_rd_institution",
    "led_standard",
)
INPUT_COLUMNS = ("id", *NUMBER_COLUMNS, *FLAG_COLUMNS)
REQUIRED_COLUMNS = ("id", *NUMBER_COLUMNS)
SPEC = Spec(numbers=NUMBER_COLUMNS, flags=FLAG_COLUMNS)
OUTPUT_COLUMNS = (
    "id",
    "staff_score",
    "rd_score",
    "ip_score",
    "total",
    "eligible",
    "route",
    "points_short",
    "reasons",
)

# §1.1 condition 2: ≤ 500 staff, ≤ 2 亿元 revenue, ≤ 2 亿元 assets, all inclusive.
MAX_EMPLOYEES = 500
MAX_REVENUE = 20000
MAX_ASSETS = 20000
# §1.1 condition 5: total ≥ 60 and a non-zero S&T-staff score.
PASS_TOTAL = 60
# §1.2 (1) 科技人员 ÷ 职工总数, (threshold, points); lower bound inclusive.
STAFF_BANDS = ((0.30, 20), (0.25, 16), (0.20, 12), (0.15, 8), (0.10, 4))
# §1.2 (2)(a) 研发费用 ÷ 销售收入 and (b) 研发费用 ÷ 成本费用支出总额.
RD_REVENUE_BANDS = ((0.06, 50), (0.05, 40), (0.04, 30), (0.03, 20), (0.02, 10))
RD_COST_BANDS = ((0.30, 50), (0.25, 40), (0.20, 30), (0.15, 20), (0.10, 10))
# §1.2 (3): any 类Ⅰ IP scores 30, else by the count of 类Ⅱ IP (count, points).
IP_CLASS1_POINTS = 30
IP_CLASS2_BANDS = ((4, 24), (3, 18), (2, 12), (1, 6))
# §1.3 direct routes: a valid 高企 certificate, a national award in the top 3, a provincial or
# higher R&D institution, a led standard.
DIRECT_FLAGS = ("hte_valid", "national_award_top3", "provincial_rd_institution", "led_standard")

# Reason codes in CONTRACTS.md order; MISSING_<column> follow in input-column order.
_SIZE_REASONS = (
    ("employees", MAX_EMPLOYEES, "EMPLOYEES_OVER_500"),
    ("revenue", MAX_REVENUE, "REVENUE_OVER_20000"),
    ("total_assets", MAX_ASSETS, "ASSETS_OVER_20000"),
)
_EXCLUSION_REASONS = (("restricted_industry", "RESTRICTED_INDUSTRY"), ("incident", "INCIDENT"))


@dataclass(frozen=True)
class TsmeResult:
    """One enterprise's evaluation; None marks a figure that its missing inputs leave unknown."""

    staff_score: int | None
    rd_score: int | None
    ip_score: int | None
    total: int | None
    eligible: bool | None
    route: str | None  # "direct", "score" or None when not eligible
    points_short: int | None
    reasons: tuple[str, ...]


def _ip_score(class1: float, class2: float) -> int:
    if class1 >= 1:
        return IP_CLASS1_POINTS
    for count, points in IP_CLASS2_BANDS:
        if class2 >= count:
            return points
    return 0


def evaluate(record: dict) -> TsmeResult:
    """Evaluate one enterprise given as a dict of column -> text (or number, bool, None)."""
    parsed = parse_record(record, SPEC)
    num, flags = parsed.num, parsed.flag
    # Any empty, unusable or negative required number, or an unreadable flag, makes the row
    # unevaluable (CONTRACTS.md); an empty flag is simply false.
    missing = [c for c in NUMBER_COLUMNS if num[c] is None] + [c for c in FLAG_COLUMNS if flags[c] is None]

    def score(*columns, rule):
        values = [num[c] for c in columns]
        return None if any(v is None for v in values) else rule(*values)

    staff = score("st_staff", "employees", rule=lambda st, emp: band(st, emp, STAFF_BANDS))
    # §1.2 (2): the firm picks one ratio; a rational applicant picks the better band.
    rd = score(
        "rd_expense",
        "revenue",
        "total_cost",
        rule=lambda r, rev, cost: max(band(r, rev, RD_REVENUE_BANDS), band(r, cost, RD_COST_BANDS)),
    )
    ip = score("ip_class1", "ip_class2", rule=_ip_score)
    total = None if None in (staff, rd, ip) else staff + rd + ip

    reasons = [code for c, limit, code in _SIZE_REASONS if num[c] is not None and num[c] > limit]
    reasons += [code for c, code in _EXCLUSION_REASONS if flags[c]]
    gates_hold = not reasons
    # The score conditions are listed even when a direct route makes the firm eligible.
    if total is not None and total < PASS_TOTAL:
        reasons.append("SCORE_BELOW_60")
    if staff == 0:
        reasons.append("STAFF_SCORE_ZERO")
    reasons += [f"MISSING_{c}" for c in missing]

    direct = any(flags[c] for c in DIRECT_FLAGS)
    by_score = total is not None and total >= PASS_TOTAL and staff > 0
    if missing:
        eligible, route = None, None
    elif gates_hold and (direct or by_score):
        # §1.3 needs no scoring, so a firm that qualifies both ways is reported on the direct route.
        eligible, route = True, "direct" if direct else "score"
    else:
        eligible, route = False, None
    points_short = None if total is None else max(0, PASS_TOTAL - total)
    return TsmeResult(staff, rd, ip, total, eligible, route, points_short, tuple(reasons))


def evaluate_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Evaluate every row of `df` (columns as in INPUT_COLUMNS, text or typed; absent ones are
    empty) into a frame of OUTPUT_COLUMNS, row for row identical to `evaluate`."""
    parsed = parse_frame(df, SPEC)
    n = {c: pl.col(c) for c in (*NUMBER_COLUMNS, *FLAG_COLUMNS)}
    missing = {c: n[c].is_null() for c in (*NUMBER_COLUMNS, *FLAG_COLUMNS)}

    ip_score = (
        pl.when(n["ip_class1"].is_null() | n["ip_class2"].is_null())
        .then(None)
        .when(n["ip_class1"] >= 1)
        .then(IP_CLASS1_POINTS)
    )
    for count, points in IP_CLASS2_BANDS:
        ip_score = ip_score.when(n["ip_class2"] >= count).then(points)
    rd_score = pl.max_horizontal(
        band_expr(n["rd_expense"], n["revenue"], RD_REVENUE_BANDS),
        band_expr(n["rd_expense"], n["total_cost"], RD_COST_BANDS),
    )
    rd_known = ~(missing["rd_expense"] | missing["revenue"] | missing["total_cost"])
    scored = parsed.with_columns(
        staff_score=band_expr(n["st_staff"], n["employees"], STAFF_BANDS),
        rd_score=pl.when(rd_known).then(rd_score),
        ip_score=ip_score.otherwise(0).cast(pl.Int64),
        any_missing=pl.any_horizontal(*missing.values()),
        direct=pl.any_horizontal(*(n[c].fill_null(False) for c in DIRECT_FLAGS)),
    ).with_columns(total=pl.col("staff_score") + pl.col("rd_score") + pl.col("ip_score"))

    total, staff = pl.col("total"), pl.col("staff_score")
    gate_fails = [((n[c] > limit).fill_null(False), code) for c, limit, code in _SIZE_REASONS]
    gate_fails += [(n[c].fill_null(False), code) for c, code in _EXCLUSION_REASONS]
    gates_hold = ~pl.any_horizontal(*(fail for fail, _ in gate_fails))
    by_score = ((total >= PASS_TOTAL) & (staff > 0)).fill_null(False)
    eligible = pl.when(pl.col("any_missing")).then(None).otherwise(gates_hold & (pl.col("direct") | by_score))
    reasons = [
        *gate_fails,
        (total < PASS_TOTAL, "SCORE_BELOW_60"),
        (staff == 0, "STAFF_SCORE_ZERO"),
        *((m, f"MISSING_{c}") for c, m in missing.items()),
    ]
    out = (
        scored.with_columns(eligible=eligible)
        .select(
            "id",
            "staff_score",
            "rd_score",
            "ip_score",
            "total",
            "eligible",
            route=pl.when(pl.col("eligible"))
            .then(pl.when(pl.col("direct")).then(pl.lit("direct")).otherwise(pl.lit("score")))
            .otherwise(pl.lit(None, pl.String)),
            points_short=pl.when(total.is_not_null()).then(pl.max_horizontal(PASS_TOTAL - total, 0)),
            reasons=code_mask_expr([condition for condition, _ in reasons]),
        )
        .collect()
    )
    return out.with_columns(reasons=decode_codes(out["reasons"], [code for _, code in reasons]))
