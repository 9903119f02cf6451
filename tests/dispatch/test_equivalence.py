"""The per-record and the vectorised path give identical figures (DESIGN.md: rules/), to the
last bit of every float and with the same ranks and warnings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.dispatch import (
    ActualRecord,
    TargetRecord,
    Thresholds,
    figures,
    figures_vectorised,
    resolve_level_rows,
    resolve_levels,
)
from tests.dispatch.test_rules import CITY, IND, LAYOUT

UNITS = [CITY, "D1", "D2", "D3", "D4", "Z1", "Z2", "X9"]  # X9: in no group and not summed
CODES = list(IND)  # ratio codes included: their figures must be ignored by both paths
YEAR = 2023

# A few shared amounts make ties and zeros common; the rest are any 4-decimal amounts.
amounts = st.one_of(
    st.sampled_from([Decimal(0), Decimal(1), Decimal(100), Decimal("0.1"), Decimal("25.1"), Decimal("15.1")]),
    st.integers(min_value=0, max_value=10**10).map(lambda n: Decimal(n).scaleb(-4)),
    st.integers(min_value=0, max_value=500).map(Decimal),
)


@st.composite
def worlds(draw):
    month = draw(st.integers(1, 12))
    months = st.sampled_from(sorted({1, max(month - 1, 1), month, 12, draw(st.integers(1, 12))}))
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(UNITS), st.sampled_from(CODES), st.sampled_from([YEAR - 1, YEAR]), months
            ),
            max_size=80,
            unique=True,
        )
    )
    actuals = [ActualRecord(u, c, y, m, draw(amounts)) for u, c, y, m in keys]
    target_keys = draw(
        st.lists(st.tuples(st.sampled_from(UNITS), st.sampled_from(CODES)), max_size=12, unique=True)
    )
    targets = []
    for u, c in target_keys:
        value = draw(st.none() | amounts)
        growth = draw(st.none() | st.sampled_from([Decimal("0.2"), Decimal("-0.1"), Decimal("0.065")]))
        points = draw(st.none() | st.sampled_from([Decimal("6.47"), Decimal(0)]))
        targets.append(TargetRecord(u, c, YEAR, value, growth, points))
    thresholds = Thresholds(
        negative_growth=draw(st.sampled_from([0.0, -0.05])),
        growth_drop_pp=draw(st.sampled_from([5.0, 0.5, 0.0])),
        bottom_rank_places=draw(st.sampled_from([2, 1, 0])),
        behind_schedule=draw(st.sampled_from([0.1, 0.0, 0.25])),
        at_risk_ratio=draw(st.sampled_from([1.0, 0.9])),
    )
    return actuals, targets, month, thresholds


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_both_paths_agree(world):
    actuals, targets, month, thresholds = world
    args = (actuals, targets, IND, LAYOUT)
    kw = {"year": YEAR, "month": month, "thresholds": thresholds}
    assert figures(*args, **kw) == figures_vectorised(*args, **kw)


def test_both_paths_agree_on_nothing():
    assert figures([], [], IND, LAYOUT, year=YEAR, month=3) == []
    assert figures_vectorised([], [], IND, LAYOUT, year=YEAR, month=3) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_figures_from_levels_resolved_once_are_the_same(world):
    """The dashboard resolves every loaded period once and computes each month's figures from
    those levels (`figures(..., levels=)`): a period's levels depend on its own figures only, so
    resolving more periods gives the same figures, to the last bit, as resolving the months
    needed from the records."""
    actuals, targets, month, thresholds = world
    kw = {"year": YEAR, "month": month, "thresholds": thresholds}
    levels = resolve_levels(actuals, IND, LAYOUT)
    rows = [(a.unit, a.indicator, a.year, a.month, a.value) for a in actuals]
    assert resolve_level_rows(rows, IND, LAYOUT) == levels
    assert figures((), targets, IND, LAYOUT, levels=levels, **kw) == figures(
        actuals, targets, IND, LAYOUT, **kw
    )


def test_levels_of_other_periods_change_no_figure():
    """By hand: D1 and D2 report 10 and 30 in June 2023, 8 and 20 in June 2022; the city is their
    sum, 40 against 28 (yoy 40 / 28 − 1). A figure of March 2021 in the levels changes nothing."""
    actuals = [
        ActualRecord("D1", "HT", 2023, 6, Decimal(10)),
        ActualRecord("D2", "HT", 2023, 6, Decimal(30)),
        ActualRecord("D1", "HT", 2022, 6, Decimal(8)),
        ActualRecord("D2", "HT", 2022, 6, Decimal(20)),
    ]
    levels = resolve_levels([*actuals, ActualRecord("D1", "HT", 2021, 3, Decimal(99))], IND, LAYOUT)
    assert levels[(CITY, "HT", 2023, 6)] == 40.0 and levels[(CITY, "HT", 2021, 3)] == 99.0
    city = next(f for f in figures((), [], IND, LAYOUT, year=YEAR, month=6, levels=levels) if f.unit == CITY)
    assert city.actual == 40.0 and city.yoy == 40 / 28 - 1.0 and city.forecast == 40.0 * 12 / 6
    assert figures((), [], IND, LAYOUT, year=YEAR, month=6, levels=levels) == figures(
        actuals, [], IND, LAYOUT, year=YEAR, month=6
    )
