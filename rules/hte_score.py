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

from rules.common import BAD_SUFFIX, FALSE_WORDS, TOLERANCE, TRUE_WORDS, Parsed, Spec, one_of_expr

__all__ = ["PASS_SCORE", "SPEC", "InnovationScore", "growth", "innovation_score", "score_stages"]

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
    return min(IP_CAP, sum(lo for lo, _ in parts)), min(IP_CAP, sum(hi for _, hi in parts))


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
# with_columns stages: intermediates (growth rates, IP presence, average transformations), then
# each sub-item's (low, high), then the capped IP part, then the sums. Staging keeps every intermediate computed once;
# inside a when-chain a repeated expression would be evaluated again for each branch.


def _ranges(name: str, cases, default: tuple[float, float]) -> dict[str, pl.Expr]:
    """`_<name>_lo` and `_<name>_hi`: the range of the first true case, else `default`."""
    low = high = None
    for cond, (lo, hi) in cases:
        low = pl.when(cond).then(lo) if low is None else low.when(cond).then(lo)
        high = pl.when(cond).then(hi) if high is None else high.when(cond).then(hi)
    return {
        f"_{name}_lo": low.otherwise(default[0]).cast(pl.Float64),
        f"_{name}_hi": high.otherwise(default[1]).cast(pl.Float64),
    }


def _growth_intermediates(name: str, columns: tuple[str, str, str]) -> dict[str, pl.Expr]:
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
    return {f"_{name}_unknown": unknown, f"_{name}_nil": nil, f"_{name}_rate": rate}


def _growth_ranges(name: str) -> dict[str, pl.Expr]:
    rate = pl.col(f"_{name}_rate")
    cases = [(pl.col(f"_{name}_unknown"), GROWTH_UNKNOWN), (pl.col(f"_{name}_nil"), NONE)]
    cases += [(rate >= threshold - TOLERANCE, (lo, hi)) for threshold, lo, hi in GROWTH_BANDS]
    cases += [(rate > TOLERANCE, GROWTH_POSITIVE)]
    return _ranges(name, cases, NONE)


def _grade_ranges(column: str) -> dict[str, pl.Expr]:
    names: dict[tuple[int, int], list[str]] = {}
    for name, points in _GRADES.items():
        names.setdefault(points, []).append(name)
    return _ranges(
        column, [(one_of_expr(pl.col(column), n), points) for points, n in names.items()], GRADE_UNKNOWN
    )


def _ip_ranges() -> dict[str, pl.Expr]:
    class1, class2 = pl.col("ip_class1"), pl.col("ip_class2")
    has_ip, source, bonus = pl.col("_has_ip"), pl.col("_source"), pl.col("_bonus")
    source_names = {
        canonical: [n for n, c in _IP_SOURCES.items() if c == canonical] for canonical in IP_SOURCE_POINTS
    }
    quantity = [(has_ip.is_null(), IP_QUANTITY_UNKNOWN), (class1 >= 1, IP_CLASS1_RANGE)]
    quantity += [(class2 >= count, (lo, hi)) for count, lo, hi in IP_CLASS2_BANDS]
    source_range = _ranges(
        "source",
        [(one_of_expr(source, source_names[name]), points) for name, points in IP_SOURCE_POINTS.items()],
        IP_SOURCE_ANY,
    )
    # unknown IP counts: maybe none, so 0 at the low end; no IP: 0
    source_range["_source_lo"] = pl.when(has_ip).then(source_range["_source_lo"]).otherwise(0.0)
    source_range["_source_hi"] = (
        pl.when(has_ip.is_null() | has_ip).then(source_range["_source_hi"]).otherwise(0.0)
    )
    bonus_cases = [(one_of_expr(bonus, TRUE_WORDS), BONUS_RANGE), (one_of_expr(bonus, FALSE_WORDS), NONE)]
    return {
        **_grade_ranges("tech_grade"),
        **_grade_ranges("support_grade"),
        **_ranges("quantity", quantity, NONE),
        **source_range,
        **_ranges("bonus", bonus_cases, BONUS_UNKNOWN),
    }


def score_stages() -> list[dict[str, pl.Expr]]:
    """with_columns stages over a frame parsed with SPEC plus ip_class1/2 and revenue_1..3
    (rules.common.parse_frame). The last stage gives score_min, score_max, sales_growth and
    net_asset_growth, equal to innovation_score per row; temporaries start with `_`."""
    transfers = [pl.col(c) for c in TRANSFER_COLUMNS]
    count = pl.sum_horizontal(*(v.is_not_null().cast(pl.Int64) for v in transfers))
    intermediates = {
        **_growth_intermediates("net", NET_ASSET_COLUMNS),
        **_growth_intermediates("sales", REVENUE_COLUMNS),
        "_has_ip": pl.col("ip_class1") + pl.col("ip_class2") >= 1,  # null when a count is unknown
        "_source": pl.col("ip_source").str.to_lowercase(),
        "_bonus": pl.col("standard_bonus").str.to_lowercase(),
        "_transfers_unknown": pl.any_horizontal(*(pl.col(c + BAD_SUFFIX) for c in TRANSFER_COLUMNS))
        | (count == 0),
        "_transfers_average": (
            (transfers[0].fill_null(0.0) + transfers[1].fill_null(0.0)) + transfers[2].fill_null(0.0)
        )
        / count,
    }
    average = pl.col("_transfers_average")
    transfer_cases = [(pl.col("_transfers_unknown"), TRANSFER_UNKNOWN)]
    transfer_cases += [(average >= avg - TOLERANCE, (lo, hi)) for avg, lo, hi in TRANSFER_BANDS]
    mgmt = pl.col("rd_mgmt")
    mgmt_given = mgmt.is_not_null() & (mgmt <= RD_MGMT_MAX)
    ranges = {
        **_ip_ranges(),
        **_ranges("transfers", transfer_cases, NONE),
        **_growth_ranges("net"),
        **_growth_ranges("sales"),
        "_mgmt_lo": pl.when(mgmt_given).then(mgmt).otherwise(0.0),
        "_mgmt_hi": pl.when(mgmt_given).then(mgmt).otherwise(float(RD_MGMT_MAX)),
    }
    ip_items = ("tech_grade", "support_grade", "quantity", "source", "bonus")
    ip_parts = {  # whole numbers, so the order of the sum does not matter
        f"_ip_{end}": pl.min_horizontal(
            pl.sum_horizontal(*(pl.col(f"_{item}_{end}") for item in ip_items)), IP_CAP
        )
        for end in ("lo", "hi")
    }
    totals = {  # the summation order of innovation_score
        f"score_{label}": pl.col(f"_ip_{end}")
        + pl.col(f"_transfers_{end}")
        + pl.col(f"_mgmt_{end}")
        + pl.col(f"_net_{end}")
        + pl.col(f"_sales_{end}")
        for label, end in (("min", "lo"), ("max", "hi"))
    }
    return [
        intermediates,
        ranges,
        ip_parts,
        {**totals, "sales_growth": pl.col("_sales_rate"), "net_asset_growth": pl.col("_net_rate")},
    ]
