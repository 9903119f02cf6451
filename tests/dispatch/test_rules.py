"""rules/dispatch.py on hand-computed cases (CONTRACTS.md "Dispatch files and figures").

Both paths are run on every case: `per_record` and `vectorised` must agree with the hand figures.
"""

from __future__ import annotations

import pytest

from rules.dispatch import (
    ActualRecord,
    IndicatorDef,
    Layout,
    TargetRecord,
    Thresholds,
    figures,
    figures_vectorised,
)

CITY = "520600"
LAYOUT = Layout.of(CITY, ["D1", "D2", "D3", "D4", "D5"], ["Z1", "Z2"])
IND = {
    "HT": IndicatorDef("HT", "cumulative"),
    "GDP": IndicatorDef("GDP", "cumulative"),
    "RDE": IndicatorDef("RDE", "cumulative"),
    "RDI": IndicatorDef("RDI", "ratio", "RDE", "GDP"),
    "FIRMS": IndicatorDef("FIRMS", "stock"),
    "RDF": IndicatorDef("RDF", "stock"),
    "SHARE": IndicatorDef("SHARE", "ratio", "RDF", "FIRMS"),
}


def act(unit, indicator, period, value):
    year, month = period.split("-")
    return ActualRecord(unit, indicator, int(year), int(month), value)


@pytest.fixture(params=["per_record", "vectorised"])
def run(request):
    engine = figures if request.param == "per_record" else figures_vectorised

    def go(actuals, targets=(), *, year=2023, month=6, thresholds=None):
        rows = engine(actuals, targets, IND, LAYOUT, year=year, month=month, thresholds=thresholds)
        return {(f.unit, f.indicator): f for f in rows}

    return go


def test_ratio_from_parts_at_district_and_city_never_averaged(run):
    rows = [
        act("D1", "RDE", "2023-06", 3),
        act("D1", "GDP", "2023-06", 200),
        act("D1", "RDE", "2022-06", 2),
        act("D1", "GDP", "2022-06", 160),
        act("D2", "RDE", "2023-06", 1),
        act("D2", "GDP", "2023-06", 300),
        act("D2", "RDE", "2022-06", 1),
        act("D2", "GDP", "2022-06", 240),
        # A zone is not part of the city total.
        act("Z1", "RDE", "2023-06", 10),
        act("Z1", "GDP", "2023-06", 10),
    ]
    f = run(rows)
    assert f[("D1", "RDI")].actual == pytest.approx(1.5)  # 3 / 200 × 100
    assert f[("D1", "RDI")].yoy == pytest.approx(0.25)  # 1.5 − 1.25 points
    assert f[("D2", "RDI")].actual == pytest.approx(100 / 300)
    assert f[("D2", "RDI")].yoy == pytest.approx(100 / 300 - 100 / 240)
    # City: Σ RDE / Σ GDP × 100 = 4 / 500 × 100 = 0.8 (the mean of the district ratios is 0.917).
    assert f[(CITY, "RDI")].actual == pytest.approx(0.8)
    assert f[(CITY, "RDI")].yoy == pytest.approx(0.05)  # 0.8 − 3 / 400 × 100
    assert f[(CITY, "RDE")].actual == 4
    assert f[(CITY, "RDE")].yoy == pytest.approx(1 / 3)
    assert f[("Z1", "RDI")].actual == 100
    # Ratio and stock forecasts are the level itself.
    assert f[(CITY, "RDI")].forecast == f[(CITY, "RDI")].actual
    # Ranks of the ratio among districts by points of change: D1 +0.25, D2 −0.083.
    assert (f[("D1", "RDI")].rank, f[("D2", "RDI")].rank) == (1, 2)
    assert f[(CITY, "RDI")].rank is None
    assert "NEGATIVE_GROWTH" in f[("D2", "RDI")].warnings


def test_city_figure_reported_directly_wins_over_the_district_sum(run):
    rows = [
        act("D1", "RDE", "2023-06", 3),
        act("D1", "GDP", "2023-06", 200),
        act("D2", "RDE", "2023-06", 1),
        act("D2", "GDP", "2023-06", 300),
        act(CITY, "RDE", "2023-06", 5),
    ]
    f = run(rows)
    assert f[(CITY, "RDE")].actual == 5  # reported, not 3 + 1
    assert f[(CITY, "GDP")].actual == 500  # not reported: the sum of the districts
    assert f[(CITY, "RDI")].actual == pytest.approx(1.0)  # 5 / 500 × 100


def test_city_sum_takes_the_districts_that_reported(run):
    f = run(
        [act("D1", "HT", "2023-06", 10.25), act("D3", "HT", "2023-06", 0.5), act("Z1", "HT", "2023-06", 99)]
    )
    assert f[(CITY, "HT")].actual == 10.75


def test_ratio_with_a_zero_denominator_has_no_level(run):
    f = run([act("D1", "RDE", "2023-06", 1), act("D1", "GDP", "2023-06", 0)])
    assert ("D1", "RDI") not in f


def test_ties_share_the_better_rank_and_bottom_rank_at_its_threshold(run):
    rows = [
        act("D1", "HT", "2023-06", 120),
        act("D1", "HT", "2022-06", 100),  # +20 %
        act("D2", "HT", "2023-06", 110),
        act("D2", "HT", "2022-06", 100),  # +10 %
        act("D3", "HT", "2023-06", 220),
        act("D3", "HT", "2022-06", 200),  # +10 %, the same growth from other amounts
        act("D4", "HT", "2023-06", 105),
        act("D4", "HT", "2022-06", 100),  # +5 %
        act("D5", "HT", "2023-06", 50),  # no last year: no yoy, no rank
        act("Z1", "HT", "2023-06", 150),
        act("Z1", "HT", "2022-06", 100),
        act("Z2", "HT", "2023-06", 90),
        act("Z2", "HT", "2022-06", 100),
    ]
    f = run(rows)
    assert [f[(u, "HT")].rank for u in ("D1", "D2", "D3", "D4", "D5")] == [1, 2, 2, 4, None]
    # n = 4 ranked districts: BOTTOM_RANK is rank > 2, so rank 2 (at the threshold) is spared.
    assert "BOTTOM_RANK" not in f[("D2", "HT")].warnings
    assert "BOTTOM_RANK" in f[("D4", "HT")].warnings
    assert f[("D5", "HT")].yoy is None and f[("D5", "HT")].warnings == []
    # Zones rank in their own group; the city is not ranked.
    assert (f[("Z1", "HT")].rank, f[("Z2", "HT")].rank) == (1, 2)
    assert f[(CITY, "HT")].rank is None


def test_ratio_ties_are_exact_despite_float_noise(run):
    # 25.1 % − 15.1 % is 10.000000000000002 in floats, 30 % − 20 % is 10.0: both are 10 points.
    assert float(251 * 100) / 1000 - float(151 * 100) / 1000 != 10.0
    rows = [
        act("D1", "RDF", "2023-06", 30),
        act("D1", "FIRMS", "2023-06", 100),
        act("D1", "RDF", "2022-06", 20),
        act("D1", "FIRMS", "2022-06", 100),
        act("D2", "RDF", "2023-06", 251),
        act("D2", "FIRMS", "2023-06", 1000),
        act("D2", "RDF", "2022-06", 151),
        act("D2", "FIRMS", "2022-06", 1000),
        act("D3", "RDF", "2023-06", 5),
        act("D3", "FIRMS", "2023-06", 100),
        act("D3", "RDF", "2022-06", 5),
        act("D3", "FIRMS", "2022-06", 100),
    ]
    f = run(rows)
    assert [f[(u, "SHARE")].rank for u in ("D1", "D2", "D3")] == [1, 1, 3]
    assert f[("D3", "SHARE")].yoy == 0.0
    assert f[("D3", "SHARE")].warnings == ["BOTTOM_RANK"]  # n = 3: rank > 1; no negative growth


def test_missing_last_year(run):
    f = run([act("D1", "HT", "2023-06", 60), act("D1", "HT", "2023-05", 50)])
    d1 = f[("D1", "HT")]
    assert d1.yoy is None and d1.growth_drop is None and d1.rank is None
    assert d1.forecast == 120  # 60 × 12 / 6, no last year to go by
    assert d1.warnings == []


def test_zero_last_year_gives_no_yoy(run):
    f = run([act("D1", "HT", "2023-06", 60), act("D1", "HT", "2022-06", 0)])
    assert f[("D1", "HT")].yoy is None


def test_month_one_has_no_growth_drop(run):
    f = run(
        [act("D1", "HT", "2023-01", 11), act("D1", "HT", "2022-01", 10), act("D1", "HT", "2022-12", 130)],
        month=1,
    )
    d1 = f[("D1", "HT")]
    assert d1.yoy == pytest.approx(0.1)
    assert d1.growth_drop is None
    assert d1.time_progress == pytest.approx(1 / 12)
    assert d1.forecast == pytest.approx(143)  # 11 × 130 / 10


def test_forecast_cumulative_with_full_last_year_vs_stock(run):
    rows = [
        act("D1", "HT", "2023-06", 60),
        act("D1", "HT", "2022-06", 40),
        act("D1", "HT", "2022-12", 100),
        act("D1", "FIRMS", "2023-06", 60),
        act("D1", "FIRMS", "2022-06", 40),
        act("D1", "FIRMS", "2022-12", 100),
        # December of last year but not its June: the straight-line forecast.
        act("D2", "HT", "2023-06", 60),
        act("D2", "HT", "2022-12", 100),
    ]
    f = run(rows)
    assert f[("D1", "HT")].forecast == 150  # 60 × 100 / 40
    assert f[("D1", "FIRMS")].forecast == 60  # a stock: the level itself
    assert f[("D2", "HT")].forecast == 120  # 60 × 12 / 6


def test_growth_drop_in_points_for_fractions_and_ratios(run):
    rows = [
        act("D1", "HT", "2023-05", 113),
        act("D1", "HT", "2022-05", 100),  # +13 %
        act("D1", "HT", "2023-06", 108),
        act("D1", "HT", "2022-06", 100),  # +8 %
        act("D1", "RDF", "2023-05", 30),
        act("D1", "FIRMS", "2023-05", 100),
        act("D1", "RDF", "2022-05", 20),
        act("D1", "FIRMS", "2022-05", 100),  # +10 points
        act("D1", "RDF", "2023-06", 24),
        act("D1", "FIRMS", "2023-06", 100),
        act("D1", "RDF", "2022-06", 20),
        act("D1", "FIRMS", "2022-06", 100),  # +4 points
    ]
    f = run(rows)
    assert f[("D1", "HT")].growth_drop == pytest.approx(5)  # (0.13 − 0.08) × 100
    assert f[("D1", "SHARE")].growth_drop == pytest.approx(6)  # 10 − 4 points, already points


@pytest.mark.parametrize(
    ("june", "warned"),
    [
        # Exactly 5 points: warned, although the float difference is 4.999999999999982.
        (108, True),
        (107.99, True),  # 5.01 points
        (108.01, False),  # 4.99 points
    ],
)
def test_growth_drop_threshold(run, june, warned):
    assert ((113 / 100 - 1.0) - (108 / 100 - 1.0)) * 100.0 < 5  # the noise being guarded against
    rows = [
        act("D1", "HT", "2023-05", 113),
        act("D1", "HT", "2022-05", 100),
        act("D1", "HT", "2023-06", june),
        act("D1", "HT", "2022-06", 100),
    ]
    assert ("GROWTH_DROP" in run(rows)[("D1", "HT")].warnings) is warned


@pytest.mark.parametrize(("now", "warned"), [(100, False), (99.99, True), (100.01, False)])
def test_negative_growth_threshold(run, now, warned):
    rows = [act("D1", "HT", "2023-06", now), act("D1", "HT", "2022-06", 100)]
    assert ("NEGATIVE_GROWTH" in run(rows)[("D1", "HT")].warnings) is warned


@pytest.mark.parametrize(
    ("actual", "warned"),
    [
        (40, True),  # 0.5 − 0.4 = 0.1 exactly (0.09999999999999998 in floats)
        (39.99, True),
        (40.01, False),
    ],
)
def test_behind_schedule_threshold_cumulative_only(run, actual, warned):
    rows = [act("D1", "HT", "2023-06", actual), act("D1", "FIRMS", "2023-06", actual)]
    targets = [TargetRecord("D1", "HT", 2023, value=100), TargetRecord("D1", "FIRMS", 2023, value=100)]
    f = run(rows, targets)
    assert ("BEHIND_SCHEDULE" in f[("D1", "HT")].warnings) is warned
    assert f[("D1", "HT")].completion == pytest.approx(actual / 100)
    assert "BEHIND_SCHEDULE" not in f[("D1", "FIRMS")].warnings  # a stock has no time schedule


@pytest.mark.parametrize(("target", "warned"), [(2.1, False), (2.1001, True), (2.0999, False)])
def test_at_risk_threshold(run, target, warned):
    # Forecast 0.7 × 0.3 / 0.1 = 2.1 exactly (2.0999999999999996 in floats).
    rows = [act("D1", "HT", "2023-06", 0.7), act("D1", "HT", "2022-06", 0.1), act("D1", "HT", "2022-12", 0.3)]
    f = run(rows, [TargetRecord("D1", "HT", 2023, value=target)])
    assert f[("D1", "HT")].forecast == pytest.approx(2.1)
    assert ("AT_RISK" in f[("D1", "HT")].warnings) is warned


def test_target_from_growth_and_points(run):
    rows = [
        act(CITY, "HT", "2022-12", 263.5),
        act(CITY, "HT", "2023-06", 120),
        act("D1", "RDF", "2022-12", 30),
        act("D1", "FIRMS", "2022-12", 200),  # 15 %
    ]
    targets = [
        TargetRecord(CITY, "HT", 2023, growth=0.2),
        TargetRecord("D1", "SHARE", 2023, growth_pp=6.47),
        TargetRecord("D2", "HT", 2023, growth=0.2),  # no December to grow from
        TargetRecord("D3", "HT", 2023, value=316, growth=0.2),  # the value wins
    ]
    f = run(rows, targets)
    assert f[(CITY, "HT")].target == pytest.approx(316.2)  # 263.5 × 1.2
    assert f[(CITY, "HT")].completion == pytest.approx(120 / 316.2)
    assert f[("D1", "SHARE")].target == pytest.approx(21.47)  # 15 + 6.47 points
    assert f[("D1", "SHARE")].actual is None
    assert f[("D2", "HT")].target is None
    assert f[("D3", "HT")].target == 316


def test_a_target_without_actuals_is_a_row_with_no_data(run):
    f = run([], [TargetRecord(CITY, "HT", 2023, value=30)])
    row = f[(CITY, "HT")]
    assert (row.target, row.actual, row.completion, row.yoy, row.forecast) == (30, None, None, None, None)
    assert row.time_progress == 0.5
    assert row.warnings == []


def test_rows_are_units_with_a_target_or_a_current_actual(run):
    f = run([act("D1", "HT", "2022-06", 10), act("D2", "HT", "2023-06", 10)])
    assert set(f) == {("D2", "HT"), (CITY, "HT")}


def test_figures_given_for_a_ratio_indicator_are_ignored(run):
    f = run([act("D1", "RDI", "2023-06", 9), act("D1", "RDE", "2023-06", 1), act("D1", "GDP", "2023-06", 50)])
    assert f[("D1", "RDI")].actual == 2


def test_thresholds_are_configurable(run):
    rows = [act("D1", "HT", "2023-06", 96), act("D1", "HT", "2022-06", 100)]
    assert "NEGATIVE_GROWTH" in run(rows)[("D1", "HT")].warnings
    relaxed = Thresholds.from_mapping({"negative_growth": -0.05})
    assert "NEGATIVE_GROWTH" not in run(rows, thresholds=relaxed)[("D1", "HT")].warnings
    with pytest.raises(ValueError, match="unknown threshold"):
        Thresholds.from_mapping({"growth_dorp_pp": 3})
