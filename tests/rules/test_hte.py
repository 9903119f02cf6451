"""高新技术企业认定 conditions c1..c8 (national-rules.md §2.1), hand-computed, through both paths."""

from __future__ import annotations

import pytest

from rules import hte
from rules.hte import HteResult
from tests.rules.support import both_paths

# Every condition passes. Σrevenue 13500, ΣR&D 700 (5.19 % ≥ 5 %, latest revenue 5000), domestic
# 600 / 700, high-tech income 3500 / 5200. Innovation score: IP 7+7+7+1+1 = 23 (max 8+8+8+6+2 = 32,
# capped 30); transformations average 6 → 25–30; management 16; net assets ½(1.2 + 1.25) − 1 = 0.225
# → 5–6; sales ½(1.125 + 1.111) − 1 = 0.118 → 3–4. So 72–86.
BASE = {
    "id": "H1",
    "registered": "2020-03-01",
    "apply_date": "2023-06-30",
    "ip_class1": "1",
    "ip_class2": "3",
    "ht_domain": "电子信息",
    "employees": "200",
    "st_staff": "40",
    "revenue_1": "4000",
    "revenue_2": "4500",
    "revenue_3": "5000",
    "rd_1": "200",
    "rd_2": "230",
    "rd_3": "270",
    "rd_domestic": "600",
    "ht_income": "3500",
    "total_income": "5200",
    "incident": "0",
    "tech_grade": "A",
    "support_grade": "A",
    "ip_source": "self",
    "standard_bonus": "1",
    "transfers_1": "5",
    "transfers_2": "6",
    "transfers_3": "7",
    "rd_mgmt": "16",
    "net_assets_1": "1000",
    "net_assets_2": "1200",
    "net_assets_3": "1500",
}
ONE_YEAR = {"revenue_1": "", "revenue_2": "", "rd_1": "", "rd_2": ""}


def run(**changes) -> HteResult:
    return both_paths(hte, [{**BASE, **changes}])[0]


def conditions(result: HteResult) -> str:
    return " ".join(getattr(result, f"c{i}") for i in range(1, 9))


def test_base_case_is_eligible_with_every_figure():
    assert run() == HteResult(
        *["pass"] * 8,
        st_ratio=0.2,
        rd_ratio=700 / 13500,
        rd_threshold=0.05,
        domestic_ratio=600 / 700,
        ht_ratio=3500 / 5200,
        net_asset_growth=0.5 * (1200 / 1000 + 1500 / 1200) - 1,
        sales_growth=0.5 * (4500 / 4000 + 5000 / 4500) - 1,
        score_min=72.0,
        score_max=86.0,
        verdict="eligible",
        rd_gap=0.0,
        st_gap=0,
        reasons=(),
    )


@pytest.mark.parametrize(
    ("registered", "apply_date", "c1"),
    [
        ("2022-06-30", "2023-06-30", "pass"),  # 365 days
        ("2022-07-01", "2023-06-30", "fail"),  # 364 days
        ("2023-03-01", "2024-02-29", "pass"),  # 365 days across a leap day
        ("2023-02-28", "2024-02-27", "fail"),  # 364 days
        ("2022/6/30", "2023-06-30 00:00:00", "pass"),  # other spellings of the same dates
        ("2023-06-30", "2022-06-30", "fail"),
    ],
)
def test_c1_registered_365_days(registered, apply_date, c1):
    assert run(registered=registered, apply_date=apply_date).c1 == c1


@pytest.mark.parametrize(
    ("ip_class1", "ip_class2", "c2"), [("1", "0", "pass"), ("0", "1", "pass"), ("0", "0", "fail")]
)
def test_c2_owns_ip(ip_class1, ip_class2, c2):
    assert run(ip_class1=ip_class1, ip_class2=ip_class2).c2 == c2


def test_without_ip_the_firm_is_ineligible():
    # IP quantity 0 and source 0: score 7+7+0+0+1 = 15 → 64, max 8+8+0+0+2 = 18 → 74: c7 unknown.
    result = run(ip_class1="0", ip_class2="0")
    assert conditions(result) == "pass fail pass pass pass pass unknown pass"
    assert (result.score_min, result.score_max, result.verdict) == (64.0, 74.0, "ineligible")


@pytest.mark.parametrize(
    ("domain", "c3"),
    [
        ("电子信息", "pass"),
        (" 先进制造与自动化 ", "pass"),
        ("资源与环境", "pass"),
        ("", "fail"),
        ("高新技术改造传统产业", "fail"),
    ],
)
def test_c3_domain_is_one_of_the_eight(domain, c3):
    assert run(ht_domain=domain).c3 == c3


@pytest.mark.parametrize(
    ("st_staff", "employees", "c4", "st_ratio", "st_gap"),
    [
        ("20", "200", "pass", 0.1, 0),  # exactly 10 %
        ("0.7", "7", "pass", 0.7 / 7, 0),  # 0.0999… in binary, still 10 %
        ("19", "200", "fail", 0.095, 2),  # 20/201 < 10 %, 21/202 ≥ 10 %
        ("0", "100", "fail", 0.0, 12),  # 12/112 = 10.7 %, 11/111 = 9.9 %
        ("1", "19", "fail", 1 / 19, 1),  # 2/20 = 10 % exactly
        ("0", "0", "fail", None, 1),  # nobody: one S&T employee makes 100 %
    ],
)
def test_c4_st_ratio_and_gap(st_staff, employees, c4, st_ratio, st_gap):
    result = run(st_staff=st_staff, employees=employees)
    assert (result.c4, result.st_ratio, result.st_gap) == (c4, st_ratio, st_gap)


@pytest.mark.parametrize(
    ("revenue_3", "rd_3", "threshold", "c5", "rd_gap"),
    [
        ("5000", "250", 0.05, "pass", 0.0),  # 5 % at 5000, the lower band inclusive
        ("5000", "249.99", 0.05, "fail", 0.01),
        ("5000.01", "200.0004", 0.04, "pass", 0.0),  # just above 5000: 4 %
        ("20000", "800", 0.04, "pass", 0.0),  # 4 % at 20000 inclusive
        ("20000", "799", 0.04, "fail", 1.0),
        ("20001", "600.03", 0.03, "pass", 0.0),  # above 20000: 3 %
        ("20001", "600", 0.03, "fail", 0.03),
        ("1234.5", "12.3", 0.05, "fail", 49.425),  # 61.725 − 12.3, free of float noise
    ],
)
def test_c5_threshold_by_latest_revenue_and_rd_gap(revenue_3, rd_3, threshold, c5, rd_gap):
    # One year only, domestic R&D = all R&D.
    result = run(**ONE_YEAR, revenue_3=revenue_3, rd_3=rd_3, rd_domestic=rd_3)
    assert (result.rd_threshold, result.c5, result.rd_gap) == (threshold, c5, rd_gap)


def test_c5_sums_the_given_years():
    # Year 1 missing: Σrevenue 9500, ΣR&D 500 = 5.26 %; sales growth from the last two years.
    result = run(revenue_1="", rd_1="", rd_domestic="300")
    assert (result.c5, result.rd_ratio, result.domestic_ratio) == ("pass", 500 / 9500, 0.6)
    assert result.sales_growth == 5000 / 4500 - 1
    assert result.reasons == ()


def test_c5_over_three_years_can_fail_where_the_latest_year_passes():
    # Latest year 270 / 5000 = 5.4 %, but the three years 600 / 13500 = 4.44 %: gap 675 − 600 = 75.
    result = run(rd_1="100", rd_2="230", rd_3="270", rd_domestic="600")
    assert (result.c5, result.rd_gap, result.verdict) == ("fail", 75.0, "ineligible")


@pytest.mark.parametrize(("domestic", "c5"), [("420", "pass"), ("419.99", "fail")])
def test_c5_domestic_share_at_60_percent(domestic, c5):
    result = run(rd_domestic=domestic)  # of ΣR&D 700
    assert (result.c5, result.domestic_ratio, result.rd_gap) == (c5, float(domestic) / 700, 0.0)


def test_c5_without_revenue_fails_and_has_no_gap():
    result = run(**ONE_YEAR, revenue_3="0", rd_3="10", rd_domestic="10")
    assert (result.c5, result.rd_ratio, result.rd_gap) == ("fail", None, None)


@pytest.mark.parametrize(
    ("ht_income", "total_income", "c6", "ratio"),
    [("3120", "5200", "pass", 0.6), ("3119", "5200", "fail", 3119 / 5200), ("0", "0", "fail", None)],
)
def test_c6_high_tech_income_share(ht_income, total_income, c6, ratio):
    result = run(ht_income=ht_income, total_income=total_income)
    assert (result.c6, result.ht_ratio) == (c6, ratio)


@pytest.mark.parametrize(
    ("changes", "score", "c7", "verdict"),
    [
        ({"rd_mgmt": "15"}, (71.0, 85.0), "pass", "eligible"),  # exactly 71
        ({"rd_mgmt": "14"}, (70.0, 84.0), "unknown", "likely"),
        ({"rd_mgmt": "14.5"}, (70.5, 84.5), "unknown", "likely"),
        # IP 0+0+7+1+0 = 8 (max 0+0+8+3+0 = 11), no transformations, 10, 5–6, 3–4: at most 31.
        (
            {
                "tech_grade": "E",
                "support_grade": "E",
                "ip_source": "acquired",
                "standard_bonus": "否",
                "transfers_1": "0",
                "transfers_2": "0",
                "transfers_3": "0",
                "rd_mgmt": "10",
            },
            (26.0, 31.0),
            "fail",
            "ineligible",
        ),
    ],
)
def test_c7_innovation_score_at_71(changes, score, c7, verdict):
    result = run(**changes)
    assert ((result.score_min, result.score_max), result.c7, result.verdict) == (score, c7, verdict)


@pytest.mark.parametrize(("incident", "c8"), [("是", "fail"), ("1", "fail"), ("否", "pass"), ("", "pass")])
def test_c8_incident(incident, c8):
    assert run(incident=incident).c8 == c8


@pytest.mark.parametrize(
    ("changes", "unknown", "reasons"),
    [
        ({"employees": ""}, "c4", ("MISSING_employees",)),
        ({"st_staff": "-3"}, "c4", ("MISSING_st_staff",)),
        ({"employees": "8.3e19"}, "c4", ("MISSING_employees",)),  # beyond any real figure
        ({"registered": "2023-02-30"}, "c1", ("MISSING_registered",)),
        ({"apply_date": "soon"}, "c1", ("MISSING_apply_date",)),
        ({"rd_1": ""}, "c5", ("MISSING_rd_1",)),  # year 1 revenue given without its R&D
        ({"revenue_2": "abc"}, "c5", ("MISSING_revenue_2",)),
        ({"rd_domestic": ""}, "c5", ("MISSING_rd_domestic",)),
        ({"total_income": ""}, "c6", ("MISSING_total_income",)),
        ({"incident": "perhaps"}, "c8", ("MISSING_incident",)),
    ],
)
def test_missing_inputs_leave_the_condition_unknown_and_the_verdict_empty(changes, unknown, reasons):
    result = run(**changes)
    assert getattr(result, unknown) == "unknown"
    assert (result.verdict, result.reasons) == (None, reasons)


def test_missing_inputs_do_not_hide_a_known_failure_but_the_verdict_stays_empty():
    result = run(employees="", ht_domain="")
    assert (result.c3, result.c4, result.verdict, result.st_gap) == ("fail", "unknown", None, None)


def test_missing_early_years_are_not_missing_inputs():
    result = run(**ONE_YEAR, rd_domestic="270")
    assert result.reasons == ()
    assert (result.rd_ratio, result.c5) == (270 / 5000, "pass")
    # No earlier revenue: sales growth cannot be measured and scores 0 (72 − 3, 86 − 4).
    assert (result.sales_growth, result.score_min, result.score_max) == (None, 69.0, 82.0)
    assert (result.c7, result.verdict) == ("unknown", "likely")
