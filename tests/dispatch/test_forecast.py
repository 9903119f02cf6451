"""rules/forecast.py: the backtest of the year-end forecast (mean absolute percentage error of
the forecast made at each month against the December figure), on hand-computed cases, through
both paths; and `meets_target`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.dispatch import ActualRecord, figures
from rules.forecast import backtest_records, backtest_vectorised, meets_target
from tests.dispatch.test_rules import CITY, IND, LAYOUT, act

YEAR = 2022


@pytest.fixture(params=["per_record", "vectorised"])
def run(request):
    engine = backtest_records if request.param == "per_record" else backtest_vectorised

    def go(actuals, year=YEAR):
        return {(b.unit, b.indicator): b for b in engine(actuals, IND, LAYOUT, year=year)}

    return go


def test_cumulative_with_a_full_last_year(run):
    rows = [
        act("D1", "HT", "2021-01", 8),
        act("D1", "HT", "2021-06", 60),
        act("D1", "HT", "2021-11", 120),
        act("D1", "HT", "2021-12", 140),
        act("D1", "HT", "2022-01", 10),
        act("D1", "HT", "2022-06", 80),
        act("D1", "HT", "2022-11", 150),
        act("D1", "HT", "2022-12", 160),
    ]
    b = run(rows)[("D1", "HT")]
    # Made in January: 10 × 140 / 8 = 175, off by 15 / 160; June: 80 × 140 / 60 = 186.67, off by
    # 1/6; November: 150 × 140 / 120 = 175, off by 15 / 160. Mean (3/16 + 1/6) / 3 = 17/144.
    assert b.actual == 160
    assert b.months == 3
    assert b.errors[0] == pytest.approx(15 / 160)
    assert b.errors[5] == pytest.approx(1 / 6)
    assert b.errors[10] == pytest.approx(15 / 160)
    assert [e is None for e in b.errors] == [m not in (1, 6, 11) for m in range(1, 12)]
    assert b.mape == pytest.approx(17 / 144)


def test_cumulative_without_last_year_runs_the_year_at_its_pace(run):
    rows = [act("D2", "HT", "2022-03", 30), act("D2", "HT", "2022-09", 100), act("D2", "HT", "2022-12", 130)]
    b = run(rows)[("D2", "HT")]
    # March: 30 × 12 / 3 = 120, off by 10/130; September: 100 × 12 / 9 = 133.33, off by 1/39.
    assert b.errors[2] == pytest.approx(10 / 130)
    assert b.errors[8] == pytest.approx(1 / 39)
    assert b.mape == pytest.approx(2 / 39)


def test_last_year_without_the_month_falls_back_to_the_pace(run):
    rows = [act("D3", "HT", "2021-12", 90), act("D3", "HT", "2022-04", 40), act("D3", "HT", "2022-12", 100)]
    b = run(rows)[("D3", "HT")]
    assert b.errors[3] == pytest.approx(0.2)  # 40 × 12 / 4 = 120 against 100
    assert (b.mape, b.months) == (pytest.approx(0.2), 1)


def test_stock_and_ratio_forecasts_are_the_level(run):
    rows = [
        act("D1", "FIRMS", "2022-01", 100),
        act("D1", "FIRMS", "2022-06", 110),
        act("D1", "FIRMS", "2022-12", 120),
        act("D1", "RDE", "2022-06", 1),
        act("D1", "GDP", "2022-06", 100),
        act("D1", "RDE", "2022-12", 3),
        act("D1", "GDP", "2022-12", 200),
    ]
    f = run(rows)
    # 100 and 110 against 120: (1/6 + 1/12) / 2 = 1/8.
    assert f[("D1", "FIRMS")].mape == pytest.approx(1 / 8)
    # R&D intensity 1 % in June against 1.5 % in December: off by a third.
    assert f[("D1", "RDI")].actual == pytest.approx(1.5)
    assert f[("D1", "RDI")].mape == pytest.approx(1 / 3)
    # The city's figures are its districts' sums (only D1 here).
    assert f[(CITY, "FIRMS")].mape == pytest.approx(1 / 8)


def test_city_backtest_uses_the_district_sums(run):
    rows = [
        act("D1", "HT", "2022-06", 40),
        act("D2", "HT", "2022-06", 20),
        act("D1", "HT", "2022-12", 100),
        act("D2", "HT", "2022-12", 50),
    ]
    # City: 60 in June → 120 by the pace, against 150: off by 0.2. D1: 80 vs 100, D2: 40 vs 50.
    f = run(rows)
    assert f[(CITY, "HT")].mape == pytest.approx(0.2)
    assert f[("D1", "HT")].mape == pytest.approx(0.2)


def test_no_december_no_row_and_a_zero_december_no_error(run):
    rows = [
        act("D1", "HT", "2022-06", 10),  # no December: nothing to judge against
        act("D2", "HT", "2022-06", 0),
        act("D2", "HT", "2022-12", 0),
        act("D4", "HT", "2022-12", 7),  # December only: no forecast was made
    ]
    f = run(rows)
    assert ("D1", "HT") not in f
    assert (f[("D2", "HT")].mape, f[("D2", "HT")].months) == (None, 0)
    assert (f[("D4", "HT")].mape, f[("D4", "HT")].months) == (None, 0)
    assert f[("D4", "HT")].errors == (None,) * 11


def test_a_perfect_forecast_has_no_error(run):
    rows = [act("D1", "HT", f"2021-{m:02d}", 10 * m) for m in range(1, 13)]
    rows += [act("D1", "HT", f"2022-{m:02d}", 12 * m) for m in range(1, 13)]
    b = run(rows)[("D1", "HT")]
    # Every month's pace matches last year's: 12m × 120 / 10m = 144 = December.
    assert (b.mape, b.months) == (0, 11)


def test_each_error_is_that_of_the_forecast_the_figures_show():
    rows = [act("D1", "HT", f"2021-{m:02d}", 7 * m + m * m) for m in range(1, 13)]
    rows += [act("D1", "HT", f"2022-{m:02d}", 9 * m + (m % 4)) for m in range(1, 13)]
    (b,) = (x for x in backtest_records(rows, IND, LAYOUT, year=YEAR) if x.unit == "D1")
    for month in range(1, 12):
        fig = next(f for f in figures(rows, [], IND, LAYOUT, year=YEAR, month=month) if f.unit == "D1")
        assert b.errors[month - 1] == abs(fig.forecast - b.actual) / b.actual


@pytest.mark.parametrize(
    ("forecast", "target", "direction", "meets"),
    [
        (30.0, 30.0, "up", True),
        (0.1 + 0.2, 0.3, "up", True),  # float noise is not a miss
        (29.99, 30.0, "up", False),
        (None, 30.0, "up", None),
        (31.0, None, "up", None),
        (29.0, 30.0, "down", True),
        (31.0, 30.0, "down", False),
    ],
)
def test_meets_target(forecast, target, direction, meets):
    assert meets_target(forecast, target, direction=direction) is meets


UNITS = [CITY, "D1", "D2", "D3", "Z1"]
amounts = st.one_of(
    st.sampled_from([Decimal(0), Decimal(1), Decimal(100), Decimal("0.1")]),
    st.integers(min_value=0, max_value=10**10).map(lambda n: Decimal(n).scaleb(-4)),
)


@st.composite
def worlds(draw):
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(UNITS),
                st.sampled_from(list(IND)),
                st.sampled_from([YEAR - 1, YEAR]),
                st.integers(1, 12),
            ),
            max_size=150,
            unique=True,
        )
    )
    return [ActualRecord(u, c, y, m, draw(amounts)) for u, c, y, m in keys]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_both_paths_agree(actuals):
    """To the last bit, the mean of up to 11 errors included (the order of the additions)."""
    assert backtest_records(actuals, IND, LAYOUT, year=YEAR) == backtest_vectorised(
        actuals, IND, LAYOUT, year=YEAR
    )


def test_both_paths_add_the_errors_in_month_order():
    # Eleven errors whose float sum depends on the order of the additions (polars' sum_horizontal
    # gives another last bit for these).
    values = [30, 97, 215, 389, 400, 444, 500, 623, 668, 808, 856, 915]
    rows = [act("D1", "HT", f"2022-{m:02d}", v) for m, v in enumerate(values, start=1)]
    per_record = backtest_records(rows, IND, LAYOUT, year=YEAR)
    assert per_record == backtest_vectorised(rows, IND, LAYOUT, year=YEAR)
    errors = per_record[0].errors
    total = 0.0
    for e in errors:
        total += e
    assert per_record[0].mape == total / 11


def test_both_paths_agree_on_nothing():
    assert backtest_records([], IND, LAYOUT, year=YEAR) == []
    assert backtest_vectorised([], IND, LAYOUT, year=YEAR) == []
