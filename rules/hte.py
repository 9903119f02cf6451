"""高新技术企业认定 — the eight recognition conditions (国科发火〔2016〕32号 + 工作指引 195号).

Rules: national-rules.md §2; command contract: CONTRACTS.md "kechuang rules hte". Each condition is
`pass`, `fail` or `unknown` (its inputs are missing). `evaluate(record)` works on one enterprise,
`evaluate_frame(df)` on many, with identical results. Money is in 万元.

Where a denominator is zero (no employees, no revenue, no R&D, no income) the ratio is empty and
its condition fails: a share of nothing cannot reach a threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from rules import hte_score
from rules.common import (
    BAD_SUFFIX,
    Spec,
    code_mask_expr,
    decode_codes,
    div_const_expr,
    meets,
    meets_expr,
    one_of_expr,
    parse_frame,
    parse_record,
    tidy,
    tidy_expr,
    tri_and,
)

__all__ = [
    "HT_DOMAINS",
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "SPEC",
    "HteResult",
    "evaluate",
    "evaluate_frame",
]

# §2.4: the eight top-level domains of 国家重点支持的高新技术领域 (2016). enterprises.models.HtDomain
# holds the same names as model choices; this module stays free of Django.
HT_DOMAINS = (
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
)
REQUIRED_NUMBERS = (
    "ip_class1",
    "ip_class2",
    "employees",
    "st_staff",
    "revenue_3",
    "rd_3",
    "rd_domestic",
    "ht_income",
    "total_income",
)
# Years 1 and 2 may be empty (a younger firm, §2.1 condition 5: "actual operating years if fewer
# than 3"); once either figure of a year is given, both are needed.
EARLY_YEARS = (("revenue_1", "rd_1"), ("revenue_2", "rd_2"))
REVENUE_COLUMNS = ("revenue_1", "revenue_2", "revenue_3")
RD_COLUMNS = ("rd_1", "rd_2", "rd_3")
SPEC = Spec(
    numbers=(*REQUIRED_NUMBERS, "revenue_1", "revenue_2", "rd_1", "rd_2", *hte_score.SPEC.numbers),
    signed=hte_score.SPEC.signed,
    flags=("incident",),
    dates=("registered", "apply_date"),
    texts=("ht_domain", *hte_score.SPEC.texts),
)
# CONTRACTS.md input order, which is also the order of the MISSING_<column> reasons.
MISSING_ORDER = (
    "registered",
    "apply_date",
    "ip_class1",
    "ip_class2",
    "employees",
    "st_staff",
    *REVENUE_COLUMNS,
    *RD_COLUMNS,
    "rd_domestic",
    "ht_income",
    "total_income",
    "incident",
)
INPUT_COLUMNS = ("id", *MISSING_ORDER[:6], "ht_domain", *MISSING_ORDER[6:], *hte_score.SPEC.columns)
REQUIRED_COLUMNS = ("id", "registered", "apply_date", "ht_domain", *REQUIRED_NUMBERS)
CONDITIONS = ("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8")
# CONTRACTS.md output columns, plus `reasons` (the MISSING_<column> codes; CONTRACTS.md: "a row it
# cannot evaluate … gets its reason in `reasons`"), added at the end.
OUTPUT_COLUMNS = (
    "id",
    *CONDITIONS,
    "st_ratio",
    "rd_ratio",
    "rd_threshold",
    "domestic_ratio",
    "ht_ratio",
    "net_asset_growth",
    "sales_growth",
    "score_min",
    "score_max",
    "verdict",
    "rd_gap",
    "st_gap",
    "reasons",
)

# §2.1 condition 1: registered at least one year; CONTRACTS.md fixes it at 365 days.
MIN_DAYS_REGISTERED = 365
# §2.1 condition 4: 科技人员 ≥ 10 % of 职工总数.
ST_MIN = 0.10
# §2.1 condition 5: threshold by the latest year's revenue, 5000 and 20000 万元 inclusive in the
# lower band (upper limit, threshold); above 20000 it is 3 %. Domestic R&D ≥ 60 % of all R&D.
RD_BANDS = ((5000, 0.05), (20000, 0.04))
RD_ABOVE = 0.03
DOMESTIC_MIN = 0.60
# §2.1 condition 6: 高新技术产品(服务)收入 ≥ 60 % of total income.
HT_INCOME_MIN = 0.60
# The least positive rd_gap (万元); tidy() must not round a failing gap down to 0.
MIN_GAP = 1e-6

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(frozen=True)
class HteResult:
    """One enterprise's evaluation in CONTRACTS.md's output columns (without `id`)."""

    c1: str
    c2: str
    c3: str
    c4: str
    c5: str
    c6: str
    c7: str
    c8: str
    st_ratio: float | None
    rd_ratio: float | None
    rd_threshold: float | None
    domestic_ratio: float | None
    ht_ratio: float | None
    net_asset_growth: float | None
    sales_growth: float | None
    score_min: float
    score_max: float
    verdict: str | None  # "eligible", "likely", "ineligible"; None when inputs are missing
    rd_gap: float | None
    st_gap: int | None
    reasons: tuple[str, ...]


def _status(value: bool | None) -> str:
    return UNKNOWN if value is None else PASS if value else FAIL


def _rd_threshold(latest_revenue: float) -> float:
    return next((threshold for limit, threshold in RD_BANDS if latest_revenue <= limit), RD_ABOVE)


def _st_gap(st: float, employees: float) -> int:
    """The fewest extra S&T staff n, each also an extra employee, with (st+n)/(emp+n) ≥ 10 %:
    n ≥ (emp − 10·st) / 9, at least 1, and one more should rounding still miss the bar."""
    n = max(1, math.ceil((employees - 10.0 * st) / 9.0))
    return n if meets(st + n, employees + n, ST_MIN) else n + 1


def _innovation_status(score: hte_score.InnovationScore) -> bool | None:
    """§2.1 condition 7: passes when even the lowest score reaches 71, fails when even the highest
    misses it, else unknown (the experts' choice within the ranges decides)."""
    if score.score_min >= hte_score.PASS_SCORE:
        return True
    if score.score_max < hte_score.PASS_SCORE:
        return False
    return None


def evaluate(record: dict) -> HteResult:
    """Evaluate one enterprise given as a dict of column -> text (or number, date, None)."""
    p = parse_record(record, SPEC)
    num = p.num
    missing = {c for c in REQUIRED_NUMBERS if num[c] is None}
    missing |= {c for c in ("registered", "apply_date") if p.date[c] is None}
    for pair in EARLY_YEARS:
        if any(num[c] is not None or c in p.bad for c in pair):
            missing |= {c for c in pair if num[c] is None}
    if p.flag["incident"] is None:
        missing.add("incident")

    # §2.1 conditions 1–3: registered a year, owns IP, in one of the eight domains.
    registered, applied = p.date["registered"], p.date["apply_date"]
    c1 = (
        None
        if "registered" in missing or "apply_date" in missing
        else ((applied - registered).days >= MIN_DAYS_REGISTERED)
    )
    c2 = None if {"ip_class1", "ip_class2"} & missing else num["ip_class1"] + num["ip_class2"] >= 1
    c3 = p.text["ht_domain"] in HT_DOMAINS

    # §2.1 condition 4.
    st, employees = num["st_staff"], num["employees"]
    c4 = None if st is None or employees is None else meets(st, employees, ST_MIN)
    st_ratio = st / employees if c4 is not None and employees > 0 else None
    st_gap = None if c4 is None else 0 if c4 else _st_gap(st, employees)

    # §2.1 condition 5: R&D over the given years against revenue over the same years, and the
    # domestic share; three-valued so that a known failure shows even beside an unknown part.
    rd_known = not missing & {*REVENUE_COLUMNS, *RD_COLUMNS}
    rd_threshold = rd_ratio = domestic_ratio = rd_gap = None
    part1 = part2 = None
    if rd_known:
        r1, r2 = (0.0 if num[c] is None else num[c] for c in REVENUE_COLUMNS[:2])
        d1, d2 = (0.0 if num[c] is None else num[c] for c in RD_COLUMNS[:2])
        revenue_sum = (r1 + r2) + num["revenue_3"]
        rd_sum = (d1 + d2) + num["rd_3"]
        rd_threshold = _rd_threshold(num["revenue_3"])
        rd_ratio = rd_sum / revenue_sum if revenue_sum > 0 else None
        part1 = meets(rd_sum, revenue_sum, rd_threshold)
        if part1:
            rd_gap = 0.0
        elif revenue_sum > 0:  # with no revenue no amount of R&D makes a ratio
            rd_gap = max(tidy(rd_threshold * revenue_sum - rd_sum), MIN_GAP)
        domestic = num["rd_domestic"]
        if domestic is not None:
            domestic_ratio = domestic / rd_sum if rd_sum > 0 else None
            part2 = meets(domestic, rd_sum, DOMESTIC_MIN)
    c5 = tri_and(part1, part2)

    # §2.1 condition 6.
    ht, total_income = num["ht_income"], num["total_income"]
    c6 = None if ht is None or total_income is None else meets(ht, total_income, HT_INCOME_MIN)
    ht_ratio = ht / total_income if c6 is not None and total_income > 0 else None

    score = hte_score.innovation_score(p)
    c7 = _innovation_status(score)
    # §2.1 condition 8. An empty cell is no incident: CONTRACTS.md makes an empty boolean false.
    c8 = None if p.flag["incident"] is None else not p.flag["incident"]

    conditions = (c1, c2, c3, c4, c5, c6, c7, c8)
    if missing:
        verdict = None
    elif False in conditions:
        verdict = "ineligible"
    else:
        verdict = "likely" if c7 is None else "eligible"
    return HteResult(
        *(_status(c) for c in conditions),
        st_ratio=st_ratio,
        rd_ratio=rd_ratio,
        rd_threshold=rd_threshold,
        domestic_ratio=domestic_ratio,
        ht_ratio=ht_ratio,
        net_asset_growth=score.net_asset_growth,
        sales_growth=score.sales_growth,
        score_min=score.score_min,
        score_max=score.score_max,
        verdict=verdict,
        rd_gap=rd_gap,
        st_gap=st_gap,
        reasons=tuple(f"MISSING_{c}" for c in MISSING_ORDER if c in missing),
    )


def _status_expr(value: pl.Expr) -> pl.Expr:
    return pl.when(value).then(pl.lit(PASS)).when(~value).then(pl.lit(FAIL)).otherwise(pl.lit(UNKNOWN))


def evaluate_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Evaluate every row of `df` (columns as in INPUT_COLUMNS, text or typed; absent ones are
    empty) into a frame of OUTPUT_COLUMNS, row for row identical to `evaluate`."""
    col = pl.col
    missing = {c: col(c).is_null() for c in MISSING_ORDER}
    for pair in EARLY_YEARS:
        given = pl.any_horizontal(*(col(c).is_not_null() | col(c + BAD_SUFFIX) for c in pair))
        for c in pair:
            missing[c] = given & col(c).is_null()

    st, employees = col("st_staff"), col("employees")
    ht, total_income = col("ht_income"), col("total_income")
    revenue_3 = col("revenue_3")
    rd_known = ~pl.any_horizontal(*(missing[c] for c in (*REVENUE_COLUMNS, *RD_COLUMNS)))
    rd_threshold = pl.when(rd_known).then(
        pl.when(revenue_3 <= RD_BANDS[0][0])
        .then(RD_BANDS[0][1])
        .when(revenue_3 <= RD_BANDS[1][0])
        .then(RD_BANDS[1][1])
        .otherwise(RD_ABOVE)
    )
    stage1 = parse_frame(df, SPEC).with_columns(
        any_missing=pl.any_horizontal(*missing.values()),
        reasons=code_mask_expr(list(missing.values())),
        rd_threshold=rd_threshold,
        revenue_sum=pl.when(rd_known).then(
            (col("revenue_1").fill_null(0.0) + col("revenue_2").fill_null(0.0)) + revenue_3
        ),
        rd_sum=pl.when(rd_known).then(
            (col("rd_1").fill_null(0.0) + col("rd_2").fill_null(0.0)) + col("rd_3")
        ),
        c1=(col("apply_date") - col("registered")).dt.total_days() >= MIN_DAYS_REGISTERED,
        c2=col("ip_class1") + col("ip_class2") >= 1,
        c3=one_of_expr(col("ht_domain"), HT_DOMAINS),
        c4=meets_expr(st, employees, ST_MIN),
        c6=meets_expr(ht, total_income, HT_INCOME_MIN),
        c8=~col("incident"),
        st_ratio=pl.when(employees > 0).then(st / employees),
        ht_ratio=pl.when(total_income > 0).then(ht / total_income),
    )
    for stage in hte_score.score_stages():
        stage1 = stage1.with_columns(**stage)

    revenue_sum, rd_sum, threshold = col("revenue_sum"), col("rd_sum"), col("rd_threshold")
    part1 = meets_expr(rd_sum, revenue_sum, threshold)
    gap = threshold * revenue_sum - rd_sum
    need = pl.max_horizontal(div_const_expr(employees - 10.0 * st, 9.0).ceil(), 1.0)
    stage2 = stage1.with_columns(
        c5=part1 & meets_expr(col("rd_domestic"), rd_sum, DOMESTIC_MIN),
        c7=pl.when(col("score_min") >= hte_score.PASS_SCORE)
        .then(True)
        .when(col("score_max") < hte_score.PASS_SCORE)
        .then(False),
        rd_ratio=pl.when(revenue_sum > 0).then(rd_sum / revenue_sum),
        domestic_ratio=pl.when(rd_sum > 0).then(col("rd_domestic") / rd_sum),
        rd_gap=pl.when(part1)
        .then(0.0)
        .when(~part1 & (revenue_sum > 0))
        .then(pl.max_horizontal(tidy_expr(gap), MIN_GAP)),
        st_gap=pl.when(col("c4"))
        .then(0)
        .when(~col("c4"))
        .then(pl.when(meets_expr(st + need, employees + need, ST_MIN)).then(need).otherwise(need + 1.0))
        .cast(pl.Int64),
    )
    conditions = [col(c) for c in CONDITIONS]
    verdict = (
        pl.when(col("any_missing"))
        .then(None)
        .when(pl.any_horizontal(*((~c).fill_null(False) for c in conditions)))
        .then(pl.lit("ineligible"))
        .when(col("c7").is_null())
        .then(pl.lit("likely"))
        .otherwise(pl.lit("eligible"))
    )
    out = (
        stage2.with_columns(verdict=verdict)
        .select(
            "id",
            *(_status_expr(col(c)).alias(c) for c in CONDITIONS),
            *OUTPUT_COLUMNS[1 + len(CONDITIONS) :],
        )
        .collect()
    )
    return out.with_columns(reasons=decode_codes(out["reasons"], [f"MISSING_{c}" for c in MISSING_ORDER]))
