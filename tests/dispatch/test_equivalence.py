"""The per-record and the vectorised path give identical figures (DESIGN.md: rules/), to the
last bit of every float and with the same ranks and warnings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.dispatch import ActualRecord, TargetRecord, Thresholds, figures, figures_vectorised
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
