"""高企 innovation-capability score as a [min, max] range (工作指引, national-rules.md §2.2).

Most sub-items are ranges the experts choose within (e.g. 7–8 points), so a self-assessment can
only bound the score: `score_min` sums the lower ends, `score_max` the upper ends, and a missing
or unusable optional input counts as its sub-item's whole range (CONTRACTS.md, rules hte).
`innovation_score` works on one parsed record, `score_exprs` on a parsed frame; both take the
enterprise's IP counts and revenues parsed by rules.hte alongside the optional inputs in SPEC.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from rules.common import BAD_SUFFIX, FALSE_WORDS, TOLERANCE, TRUE_WORDS, Parsed, Spec

__all__ = ["PASS_SCORE", "SPEC", "InnovationScore", "growth", "innovation_score", "score_exprs"]

TRANSFER_COLUMNS = ("transfers_1", "transfers_2", "transfers_3")
NET_ASSET_COLUMNS = ("net_assets_1", "net_assets_2", "net_assets_3")
REVENUE_COLUMNS = ("revenue_1", "revenue_2", "revenue_3")
# Net assets (资产总额 − 负债总额) can be negative, so they are signed inputs.
SPEC = Spec(
    numbers=(*TRANSFER_COLUMNS, "rd_mgmt"),
    signed=NET_ASSET_COLUMNS,
    texts=("tech_grade", "support_grade", "ip_source", "standard_bonus"),
)

# §2.1 condition 7: "70分以上(不含70分)", i.e. at least 71.
PASS_SCORE = 71
# §2.2 (A) 技术的先进程度 and 核心支持作用, grades A–E.
GRADE_POINTS = {"A": (7, 8), "B": (5, 6), "C": (3, 4), "D": (1, 2), "E": (0, 0)}
GRADE_UNKNOWN = (0, 8)
_GRADES = {**GRADE_POINTS, **{grade.lower(): points for grade, points in GRADE_POINTS.items()}}
# §2.2 (A) 知识产权数量: any 类Ⅰ 7–8, else by the count of 类Ⅱ (count, low, high).
IP_CLASS1_RANGE = (7, 8)
IP_CLASS2_BANDS = ((5, 5, 6), (3, 3, 4), (1, 1, 2))
IP_QUANTITY_UNKNOWN = (0, 8)
# §2.2 (A) 知识产权获得方式: has self-developed IP 1–6, only acquired 1–3; 0 without IP.
IP_SOURCE_POINTS = {"self": (1, 6), "acquired": (1, 3)}
IP_SOURCE_ANY = (1, 6)  # source not given: either way of obtaining it
_IP_SOURCES = {
    "self": "self",
    "自主研发": "self",
    "自主": "self",
    "acquired": "acquired",
    "受让": "acquired",
    "受赠": "acquired",
    "并购": "acquired",
}
# §2.2 (A) bonus for helping draft a standard 1–2; the IP part is capped at 30.
BONUS_RANGE = (1, 2)
BONUS_UNKNOWN = (0, 2)
IP_CAP = 30
# §2.2 (B) average transformations per year (avg, low, high); below 1 scores 0.
TRANSFER_BANDS = ((5, 25, 30), (4, 19, 24), (3, 13, 18), (2, 7, 12), (1, 1, 6))
TRANSFER_UNKNOWN = (0, 30)
# §2.2 (C) R&D organisation and management, scored 0–20 and taken as given.
RD_MGMT_MAX = 20
# §2.2 (D) each growth rate (threshold, low, high); > 0 scores 1–2, ≤ 0 scores 0 (point ranges M).
GROWTH_BANDS = ((0.35, 9, 10), (0.25, 7, 8), (0.15, 5, 6), (0.05, 3, 4))
GROWTH_POSITIVE = (1, 2)
GROWTH_UNKNOWN = (0, 10)
NONE = (0, 0)


@dataclass(frozen=True)
class InnovationScore:
    score_min: float
    score_max: float
    sales_growth: float | None
    net_asset_growth: float | None


# --- per record --------------------------------------------------------------------------------


def growth(p: Parsed, columns: tuple[str, str, str]) -> tuple[float | None, int, int]:
    """(rate, low, high) for X1..X3 by the 工作指引 formula ½ × (X2/X1 + X3/X2) − 1.

    §2.2 (D): with year 1 missing or 0 (a firm under three years old) the last two years give
    X3/X2 − 1; with year 2 missing or not positive the sub-item scores 0; an unusable input or a
    missing latest year leaves the whole range. Bands allow rules.common.TOLERANCE, so a rate
    exactly at 35 % reaches its band and float noise around 0 is not growth."""
    x1, x2, x3 = (p.num[c] for c in columns)
    if any(c in p.bad for c in columns) or x3 is None:
        return None, *GROWTH_UNKNOWN
    if x2 is None or x2 <= 0:
        return None, *NONE
    rate = x3 / x2 - 1.0 if x1 is None or x1 <= 0 else 0.5 * (x2 / x1 + x3 / x2) - 1.0
    for threshold, low, high in GROWTH_BANDS:
        if rate >= threshold - TOLERANCE:
            return rate, low, high
    return (rate, *GROWTH_POSITIVE) if rate > TOLERANCE else (rate, *NONE)


def _ip_range(p: Parsed) -> tuple[int, int]:
    class1, class2 = p.num["ip_class1"], p.num["ip_class2"]
    has_ip = None if class1 is None or class2 is None else class1 + class2 >= 1
    if has_ip is None:
        quantity = IP_QUANTITY_UNKNOWN
    elif class1 >= 1:
        quantity = IP_CLASS1_RANGE
    else:
        quantity = next(((lo, hi) for count, lo, hi in IP_CLASS2_BANDS if class2 >= count), NONE)
    if has_ip is False:
        source = NONE
    else:
        lo, hi = IP_SOURCE_POINTS.get(_IP_SOURCES.get(p.text["ip_source"].lower()), IP_SOURCE_ANY)
        source = (lo if has_ip else 0, hi)  # unknown IP counts: maybe none, so 0 at the low end
    bonus_text = p.text["standard_bonus"].lower()
    bonus = BONUS_RANGE if bonus_text in TRUE_WORDS else NONE if bonus_text in FALSE_WORDS else BONUS_UNKNOWN
    parts = (
        _GRADES.get(p.text["tech_grade"], GRADE_UNKNOWN),
        _GRADES.get(p.text["support_grade"], GRADE_UNKNOWN),
        quantity,
        source,
        bonus,
    )
    low = parts[0][0] + parts[1][0] + parts[2][0] + parts[3][0] + parts[4][0]
    high = parts[0][1] + parts[1][1] + parts[2][1] + parts[3][1] + parts[4][1]
    return min(IP_CAP, low), min(IP_CAP, high)


def _transfer_range(p: Parsed) -> tuple[int, int]:
    values = [p.num[c] for c in TRANSFER_COLUMNS]
    count = sum(v is not None for v in values)
    if any(c in p.bad for c in TRANSFER_COLUMNS) or count == 0:
        return TRANSFER_UNKNOWN
    v1, v2, v3 = (0.0 if v is None else v for v in values)
    average = ((v1 + v2) + v3) / count  # the same order as the frame path
    return next(((lo, hi) for avg, lo, hi in TRANSFER_BANDS if average >= avg - TOLERANCE), NONE)


def _rd_mgmt_range(p: Parsed) -> tuple[float, float]:
    value = p.num["rd_mgmt"]
    return (value, value) if value is not None and value <= RD_MGMT_MAX else (0, RD_MGMT_MAX)


def innovation_score(p: Parsed) -> InnovationScore:
    """The score range of one record parsed with SPEC plus ip_class1/2 and revenue_1..3."""
    net_rate, net_lo, net_hi = growth(p, NET_ASSET_COLUMNS)
    sales_rate, sales_lo, sales_hi = growth(p, REVENUE_COLUMNS)
    ip, transfers, mgmt = _ip_range(p), _transfer_range(p), _rd_mgmt_range(p)
    # One summation order in both paths: rd_mgmt may be fractional.
    low = float(ip[0]) + transfers[0] + mgmt[0] + net_lo + sales_lo
    high = float(ip[1]) + transfers[1] + mgmt[1] + net_hi + sales_hi
    return InnovationScore(low, high, sales_rate, net_rate)


# --- vectorised --------------------------------------------------------------------------------


def _ranges(cases: list[tuple[pl.Expr, tuple[float, float]]], default: tuple[float, float]):
    """Two when-chains (low, high) choosing the range of the first true case."""
    low = high = None
    for cond, (lo, hi) in cases:
        low = pl.when(cond).then(lo) if low is None else low.when(cond).then(lo)
        high = pl.when(cond).then(hi) if high is None else high.when(cond).then(hi)
    return low.otherwise(default[0]).cast(pl.Float64), high.otherwise(default[1]).cast(pl.Float64)


def _growth_exprs(columns: tuple[str, str, str]):
    x1, x2, x3 = (pl.col(c) for c in columns)
    unknown = pl.any_horizontal(*(pl.col(c + BAD_SUFFIX) for c in columns)) | x3.is_null()
    nil = x2.is_null() | (x2 <= 0)
    two_years = x1.is_null() | (x1 <= 0)
    rate = (
        pl.when(unknown | nil)
        .then(None)
        .when(two_years)
        .then(x3 / x2 - 1.0)
        .otherwise(0.5 * (x2 / x1 + x3 / x2) - 1.0)
    )
    cases = [(unknown, GROWTH_UNKNOWN), (nil, NONE)]
    cases += [(rate >= threshold - TOLERANCE, (lo, hi)) for threshold, lo, hi in GROWTH_BANDS]
    cases += [(rate > TOLERANCE, GROWTH_POSITIVE)]
    return (rate, *_ranges(cases, NONE))


def _ip_exprs():
    class1, class2 = pl.col("ip_class1"), pl.col("ip_class2")
    has_ip = class1 + class2 >= 1  # null when either count is unknown
    quantity = [(has_ip.is_null(), IP_QUANTITY_UNKNOWN), (class1 >= 1, IP_CLASS1_RANGE)]
    quantity += [(class2 >= count, (lo, hi)) for count, lo, hi in IP_CLASS2_BANDS]
    source_name = pl.col("ip_source").str.to_lowercase().replace_strict(_IP_SOURCES, default=None)
    source_lo, source_hi = _ranges(
        [(source_name == name, points) for name, points in IP_SOURCE_POINTS.items()], IP_SOURCE_ANY
    )
    bonus_text = pl.col("standard_bonus").str.to_lowercase()
    bonus = [(bonus_text.is_in(TRUE_WORDS), BONUS_RANGE), (bonus_text.is_in(FALSE_WORDS), NONE)]
    parts = [
        _grade_exprs("tech_grade"),
        _grade_exprs("support_grade"),
        _ranges(quantity, NONE),
        (
            pl.when(has_ip.is_null()).then(0.0).when(has_ip).then(source_lo).otherwise(0.0),
            pl.when(has_ip.is_null() | has_ip).then(source_hi).otherwise(0.0),
        ),
        _ranges(bonus, BONUS_UNKNOWN),
    ]
    low = parts[0][0] + parts[1][0] + parts[2][0] + parts[3][0] + parts[4][0]
    high = parts[0][1] + parts[1][1] + parts[2][1] + parts[3][1] + parts[4][1]
    return pl.min_horizontal(low, IP_CAP), pl.min_horizontal(high, IP_CAP)


def _grade_exprs(column: str):
    grade = pl.col(column)
    return _ranges(
        [(grade.is_in(list(names)), points) for points, names in _grade_names().items()], GRADE_UNKNOWN
    )


def _grade_names() -> dict[tuple[int, int], tuple[str, ...]]:
    names: dict[tuple[int, int], tuple[str, ...]] = {}
    for name, points in _GRADES.items():
        names[points] = (*names.get(points, ()), name)
    return names


def _transfer_exprs():
    values = [pl.col(c) for c in TRANSFER_COLUMNS]
    count = pl.sum_horizontal(*(v.is_not_null().cast(pl.Int64) for v in values))
    average = ((values[0].fill_null(0.0) + values[1].fill_null(0.0)) + values[2].fill_null(0.0)) / count
    unknown = pl.any_horizontal(*(pl.col(c + BAD_SUFFIX) for c in TRANSFER_COLUMNS)) | (count == 0)
    cases = [(unknown, TRANSFER_UNKNOWN)]
    cases += [(average >= avg - TOLERANCE, (lo, hi)) for avg, lo, hi in TRANSFER_BANDS]
    return _ranges(cases, NONE)


def score_exprs() -> dict[str, pl.Expr]:
    """score_min, score_max, sales_growth and net_asset_growth over a frame parsed with SPEC plus
    ip_class1/2 and revenue_1..3 (rules.common.parse_frame), equal to innovation_score per row."""
    net_rate, net_lo, net_hi = _growth_exprs(NET_ASSET_COLUMNS)
    sales_rate, sales_lo, sales_hi = _growth_exprs(REVENUE_COLUMNS)
    ip_lo, ip_hi = _ip_exprs()
    transfers_lo, transfers_hi = _transfer_exprs()
    mgmt = pl.col("rd_mgmt")
    mgmt_given = mgmt.is_not_null() & (mgmt <= RD_MGMT_MAX)
    mgmt_lo = pl.when(mgmt_given).then(mgmt).otherwise(0.0)
    mgmt_hi = pl.when(mgmt_given).then(mgmt).otherwise(float(RD_MGMT_MAX))
    return {
        "score_min": ip_lo.cast(pl.Float64) + transfers_lo + mgmt_lo + net_lo + sales_lo,
        "score_max": ip_hi.cast(pl.Float64) + transfers_hi + mgmt_hi + net_hi + sales_hi,
        "sales_growth": sales_rate,
        "net_asset_growth": net_rate,
    }
