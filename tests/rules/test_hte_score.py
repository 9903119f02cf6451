"""The 高企 innovation score ranges (工作指引, national-rules.md §2.2), through both paths.

Each case starts from a record whose every sub-item is pinned to a single value except the one
under test, so score_min and score_max show that sub-item's range directly.
"""

from __future__ import annotations

import pytest

from rules import hte
from tests.rules.support import both_paths

# Pinned: tech E (0), support E (0), no IP (quantity 0, source 0), bonus no (0), no transformations
# (0), management 0, growth with one year of figures (0 and 0). So the score is 0–0.
PINNED = {
    "id": "S",
    "registered": "2020-01-01",
    "apply_date": "2023-06-30",
    "ip_class1": "0",
    "ip_class2": "0",
    "ht_domain": "新材料",
    "employees": "100",
    "st_staff": "20",
    "revenue_3": "1000",
    "rd_3": "100",
    "rd_domestic": "100",
    "ht_income": "700",
    "total_income": "1000",
    "incident": "否",
    "tech_grade": "E",
    "support_grade": "E",
    "ip_source": "",
    "standard_bonus": "0",
    "transfers_1": "0",
    "rd_mgmt": "0",
    "net_assets_3": "100",
}


def run(**changes) -> hte.HteResult:
    return both_paths(hte, [{**PINNED, **changes}])[0]


def score(**changes) -> tuple[float, float]:
    result = run(**changes)
    return result.score_min, result.score_max


def test_pinned_record_scores_zero():
    assert score() == (0.0, 0.0)


@pytest.mark.parametrize(
    ("grade", "points"),
    [("A", (7, 8)), ("b", (5, 6)), ("C", (3, 4)), ("D", (1, 2)), ("E", (0, 0)), ("", (0, 8)), ("F", (0, 8))],
)
def test_grades(grade, points):
    assert score(tech_grade=grade) == points
    assert score(support_grade=grade) == points


@pytest.mark.parametrize(
    ("ip_class1", "ip_class2", "points"),
    # quantity + source (1–6 for IP with its source not given)
    [
        ("1", "0", (7 + 1, 8 + 6)),
        ("0", "5", (5 + 1, 6 + 6)),
        ("0", "4", (3 + 1, 4 + 6)),
        ("0", "3", (3 + 1, 4 + 6)),
        ("0", "2", (1 + 1, 2 + 6)),
        ("0", "1", (1 + 1, 2 + 6)),
        ("0", "0", (0, 0)),
    ],
)
def test_ip_quantity(ip_class1, ip_class2, points):
    assert score(ip_class1=ip_class1, ip_class2=ip_class2) == points


@pytest.mark.parametrize(
    ("source", "points"),
    [
        ("self", (7 + 1, 8 + 6)),
        ("acquired", (7 + 1, 8 + 3)),
        ("自主研发", (7 + 1, 8 + 6)),
        ("受让", (7 + 1, 8 + 3)),
    ],
)
def test_ip_source(source, points):
    assert score(ip_class1="1", ip_source=source) == points


def test_ip_source_is_zero_without_ip_whatever_is_written():
    assert score(ip_source="self") == (0, 0)


def test_unknown_ip_counts_widen_quantity_and_source():
    result = run(ip_class1="", ip_source="self")
    # quantity 0–8, source 0–6 (maybe no IP at all)
    assert (result.score_min, result.score_max, result.c2, result.verdict) == (0, 14, "unknown", None)


@pytest.mark.parametrize(
    ("bonus", "points"), [("1", (1, 2)), ("是", (1, 2)), ("0", (0, 0)), ("", (0, 2)), ("x", (0, 2))]
)
def test_standard_bonus(bonus, points):
    assert score(standard_bonus=bonus) == points


def test_ip_part_is_capped_at_30():
    # 8 + 8 + 8 + 6 + 2 = 32 at most → 30; 7 + 7 + 7 + 1 + 1 = 23 at least.
    changes = {
        "tech_grade": "A",
        "support_grade": "A",
        "ip_class1": "2",
        "ip_source": "self",
        "standard_bonus": "1",
    }
    assert score(**changes) == (23, 30)


@pytest.mark.parametrize(
    ("transfers", "points"),
    [
        (("5", "5", "5"), (25, 30)),
        (("5", "5", "4"), (19, 24)),  # average 4.67
        (("4", "4", "4"), (19, 24)),
        (("3", "3", "3"), (13, 18)),
        (("2", "2", "2"), (7, 12)),
        (("1", "1", "1"), (1, 6)),
        (("0", "1", "2"), (1, 6)),  # average 1 exactly
        (("0", "0", "2"), (0, 0)),  # average 0.67
        (("", "", "9"), (25, 30)),  # one given year: its own figure
        (("", "", ""), (0, 30)),  # not given: the whole range
        (("1", "x", "1"), (0, 30)),  # unusable: the whole range
    ],
)
def test_transformations_by_yearly_average(transfers, points):
    changes = dict(zip(("transfers_1", "transfers_2", "transfers_3"), transfers, strict=True))
    assert score(**changes) == points


@pytest.mark.parametrize(
    ("rd_mgmt", "points"),
    [("0", (0, 0)), ("12.5", (12.5, 12.5)), ("20", (20, 20)), ("", (0, 20)), ("21", (0, 20))],
)
def test_rd_management_as_given(rd_mgmt, points):
    assert score(rd_mgmt=rd_mgmt) == points


@pytest.mark.parametrize(
    ("net_assets", "rate", "points"),
    [
        (("100", "135", "182.25"), 0.5 * (135 / 100 + 182.25 / 135) - 1, (9, 10)),  # 35 % exactly
        (("100", "125", "156.25"), 0.5 * (125 / 100 + 156.25 / 125) - 1, (7, 8)),  # 25 %
        (("100", "115", "132.25"), 0.5 * (115 / 100 + 132.25 / 115) - 1, (5, 6)),  # 15 %
        (("100", "105", "110.25"), 0.5 * (105 / 100 + 110.25 / 105) - 1, (3, 4)),  # 5 %
        (("100", "101", "102"), 0.5 * (101 / 100 + 102 / 101) - 1, (1, 2)),
        (("100", "100", "100"), 0.0, (0, 0)),
        (("100", "90", "80"), 0.5 * (90 / 100 + 80 / 90) - 1, (0, 0)),
        (("", "100", "150"), 0.5, (9, 10)),  # year 1 missing: X3/X2 − 1
        (("0", "100", "130"), 130 / 100 - 1, (7, 8)),  # year 1 zero: X3/X2 − 1
        (("-50", "100", "130"), 130 / 100 - 1, (7, 8)),  # negative year 1: likewise
        (("100", "0", "130"), None, (0, 0)),  # year 2 zero scores 0
        (("100", "-10", "130"), None, (0, 0)),
        (("100", "120", "-30"), 0.5 * (120 / 100 + -30 / 120) - 1, (0, 0)),
        (("", "", "100"), None, (0, 0)),  # one year of figures
        (("", "", ""), None, (0, 10)),  # not given: the whole range
        (("100", "abc", "130"), None, (0, 10)),  # unusable: the whole range
    ],
)
def test_net_asset_growth(net_assets, rate, points):
    changes = dict(zip(("net_assets_1", "net_assets_2", "net_assets_3"), net_assets, strict=True))
    result = run(**changes)
    assert (result.net_asset_growth, (result.score_min, result.score_max)) == (rate, points)


def test_sales_growth_uses_revenues_and_leaves_required_year_3_missing_as_range():
    result = run(revenue_1="800", rd_1="80", revenue_2="900", rd_2="90")
    # ½(900/800 + 1000/900) − 1 = 0.118 → 3–4
    assert result.sales_growth == 0.5 * (900 / 800 + 1000 / 900) - 1
    assert (result.score_min, result.score_max) == (3, 4)
    missing = run(revenue_3="")
    assert (missing.sales_growth, missing.score_min, missing.score_max) == (None, 0, 10)
    assert missing.reasons == ("MISSING_revenue_3",)
