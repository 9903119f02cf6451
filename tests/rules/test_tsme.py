"""科技型中小企业评价 (national-rules.md §1): hand-computed figures, each case through both paths."""

from __future__ import annotations

import polars as pl
import pytest

from rules import tsme
from rules.tsme import TsmeResult, evaluate_frame
from tests.rules.support import both_paths

# 100 staff, 30 S&T (30 % → 20), revenue 1000 and R&D 60 (6 % → 50; 60/900 of cost = 6.7 % → 0),
# no IP (0): total 70, eligible by score.
BASE = {
    "id": "E1",
    "employees": "100",
    "st_staff": "30",
    "revenue": "1000",
    "total_assets": "800",
    "rd_expense": "60",
    "total_cost": "900",
    "ip_class1": "0",
    "ip_class2": "0",
}


def run(**changes) -> TsmeResult:
    """Evaluate BASE with `changes` through both paths (they must agree)."""
    return both_paths(tsme, [{**BASE, **changes}])[0]


def test_base_case_is_eligible_by_score():
    assert run() == TsmeResult(20, 50, 0, 70, True, "score", 0, ())


@pytest.mark.parametrize(
    ("st_staff", "employees", "points"),
    [
        ("30", "100", 20),
        ("29", "100", 16),
        ("25", "100", 16),
        ("24", "100", 12),
        ("20", "100", 12),
        ("15", "100", 8),
        ("14.9", "100", 4),
        ("10", "100", 4),
        ("3", "30", 4),  # exactly 10 %
        ("0.7", "7", 4),  # 0.7 / 7 is 0.09999999999999999 in binary: still the 10 % band
        ("9", "100", 0),
        ("0", "100", 0),
        ("0", "0", 0),  # no staff at all: no share
    ],
)
def test_staff_score_bands_are_lower_inclusive(st_staff, employees, points):
    assert run(st_staff=st_staff, employees=employees).staff_score == points


@pytest.mark.parametrize(
    ("rd_expense", "revenue", "total_cost", "points"),
    [
        ("60", "1000", "900", 50),  # 6 % of revenue
        ("5.1", "85", "900", 50),  # 6 % exactly; 100 × 5.1 < 6 × 85 in binary
        ("59.9", "1000", "900", 40),
        ("50", "1000", "900", 40),
        ("40", "1000", "900", 30),
        ("30", "1000", "900", 20),
        ("20", "1000", "900", 10),
        ("19.99", "1000", "900", 0),
        ("30", "1000", "120", 40),  # 3 % of revenue (20) but 25 % of cost (40): the better band
        ("30", "1000", "100", 50),  # 30 % of cost
        ("15", "1000", "100", 20),  # 1.5 % of revenue (0), 15 % of cost (20)
        ("30", "0", "100", 50),  # no revenue yet: the cost ratio still scores
        ("0", "1000", "900", 0),
    ],
)
def test_rd_score_takes_the_better_of_the_two_ratios(rd_expense, revenue, total_cost, points):
    assert run(rd_expense=rd_expense, revenue=revenue, total_cost=total_cost).rd_score == points


@pytest.mark.parametrize(
    ("ip_class1", "ip_class2", "points"),
    [
        ("1", "0", 30),
        ("2", "7", 30),
        ("0", "4", 24),
        ("0", "9", 24),
        ("0", "3", 18),
        ("0", "2", 12),
        ("0", "1", 6),
        ("0", "0", 0),
    ],
)
def test_ip_score(ip_class1, ip_class2, points):
    assert run(ip_class1=ip_class1, ip_class2=ip_class2).ip_score == points


def test_exactly_60_points_passes():
    # 20 (30 % staff) + 40 (5 % revenue) + 0
    assert run(rd_expense="50") == TsmeResult(20, 40, 0, 60, True, "score", 0, ())


def test_below_60_fails_with_points_short():
    # 16 (25 % staff) + 40 + 0 = 56
    assert run(st_staff="25", rd_expense="50") == TsmeResult(
        16, 40, 0, 56, False, None, 4, ("SCORE_BELOW_60",)
    )


def test_zero_staff_score_fails_even_with_80_points():
    result = run(st_staff="9", ip_class1="1")  # 0 + 50 + 30
    assert result == TsmeResult(0, 50, 30, 80, False, None, 0, ("STAFF_SCORE_ZERO",))


@pytest.mark.parametrize(
    "flag", ["hte_valid", "national_award_top3", "provincial_rd_institution", "led_standard"]
)
def test_direct_routes_qualify_without_the_score_but_list_it(flag):
    result = run(st_staff="9", rd_expense="0", **{flag: "是"})  # 0 + 0 + 0
    assert result == TsmeResult(0, 0, 0, 0, True, "direct", 60, ("SCORE_BELOW_60", "STAFF_SCORE_ZERO"))


def test_direct_route_wins_when_the_score_also_passes():
    assert run(hte_valid="1").route == "direct"


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"employees": "500", "st_staff": "150"}, ()),
        ({"employees": "501", "st_staff": "151"}, ("EMPLOYEES_OVER_500",)),
        ({"revenue": "20000", "rd_expense": "1200"}, ()),
        ({"revenue": "20000.01", "rd_expense": "1200"}, ("REVENUE_OVER_20000",)),
        ({"total_assets": "20000"}, ()),
        ({"total_assets": "20001"}, ("ASSETS_OVER_20000",)),
        ({"restricted_industry": "是"}, ("RESTRICTED_INDUSTRY",)),
        ({"incident": "true"}, ("INCIDENT",)),
    ],
)
def test_size_limits_are_inclusive_and_exclusions_apply(changes, reasons):
    result = run(**changes)
    assert result.reasons == reasons
    assert result.eligible is (not reasons)
    assert result.total == 70


def test_exclusions_block_a_direct_route():
    result = run(hte_valid="1", incident="1")
    assert (result.eligible, result.route, result.reasons) == (False, None, ("INCIDENT",))


def test_every_failing_condition_is_listed_in_contract_order():
    result = run(
        employees="600",
        st_staff="10",  # 1.7 % → 0
        revenue="30000",
        total_assets="25000",
        rd_expense="10",
        restricted_industry="1",
        incident="是",
    )
    assert result.reasons == (
        "EMPLOYEES_OVER_500",
        "REVENUE_OVER_20000",
        "ASSETS_OVER_20000",
        "RESTRICTED_INDUSTRY",
        "INCIDENT",
        "SCORE_BELOW_60",
        "STAFF_SCORE_ZERO",
    )
    assert (result.total, result.points_short, result.eligible) == (0, 60, False)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"st_staff": ""}, TsmeResult(None, 50, 0, None, None, None, None, ("MISSING_st_staff",))),
        ({"revenue": "-5"}, TsmeResult(20, None, 0, None, None, None, None, ("MISSING_revenue",))),
        ({"total_cost": "n/a"}, TsmeResult(20, None, 0, None, None, None, None, ("MISSING_total_cost",))),
        ({"ip_class2": "  "}, TsmeResult(20, 50, None, None, None, None, None, ("MISSING_ip_class2",))),
        ({"total_assets": "nan"}, TsmeResult(20, 50, 0, 70, None, None, 0, ("MISSING_total_assets",))),
        ({"hte_valid": "maybe"}, TsmeResult(20, 50, 0, 70, None, None, 0, ("MISSING_hte_valid",))),
        (
            {"employees": "600", "rd_expense": ""},  # 30 of 600 staff is 5 %: 0 points
            TsmeResult(
                0,
                None,
                0,
                None,
                None,
                None,
                None,
                ("EMPLOYEES_OVER_500", "STAFF_SCORE_ZERO", "MISSING_rd_expense"),
            ),
        ),
    ],
)
def test_missing_or_negative_input_leaves_eligible_empty(changes, expected):
    assert run(**changes) == expected


def test_a_missing_input_is_never_a_silent_zero():
    # A direct route does not make a row with an unreadable figure eligible either.
    result = run(employees=None, hte_valid="1")
    assert (result.eligible, result.staff_score, result.reasons) == (None, None, ("MISSING_employees",))


@pytest.mark.parametrize("text", ["1", "true", "TRUE", "True", "是", "yes", " 是 "])
def test_true_spellings(text):
    assert run(st_staff="0", hte_valid=text).route == "direct"


@pytest.mark.parametrize("text", ["0", "false", "FALSE", "否", "no", ""])
def test_false_spellings(text):
    assert run(st_staff="0", hte_valid=text).eligible is False


@pytest.mark.parametrize(
    ("revenue", "points"),
    [("1,000", 50), (" 1000 ", 50), ("1e3", 50), ("1000.00", 50), ("２０００", None)],
)
def test_number_spellings(revenue, points):
    # Full-width digits are not read as numbers (MISSING_revenue), in both paths alike.
    assert run(revenue=revenue).rd_score == points


def test_typed_frame_matches_text_frame():
    records = [BASE, {**BASE, "id": "E2", "st_staff": "25", "rd_expense": "50"}]
    typed = pl.DataFrame(
        {
            "id": ["E1", "E2"],
            **{c: [float(r[c]) for r in records] for c in BASE if c != "id"},
            "hte_valid": [False, True],
        }
    )
    out = evaluate_frame(typed)
    assert out["total"].to_list() == [70, 56]
    assert out["eligible"].to_list() == [True, True]
    assert out["route"].to_list() == ["score", "direct"]


def test_absent_columns_are_missing_in_the_frame():
    out = evaluate_frame(pl.DataFrame({"id": ["X"], "employees": ["10"]}))
    assert out.row(0, named=True)["reasons"] == ";".join(
        f"MISSING_{c}"
        for c in ("st_staff", "revenue", "total_assets", "rd_expense", "total_cost", "ip_class1", "ip_class2")
    )
    assert out["eligible"].to_list() == [None]
