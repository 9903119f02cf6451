"""rules/rd_crosscheck.py: hand-computed findings, the ratio at its boundary, and the property that
the per-record and the polars paths agree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.rd_crosscheck import (
    MISSING,
    NOT_REPORTED,
    UNDER_REPORTED,
    Finding,
    RdEvidence,
    check,
    check_all,
    check_frame,
    findings_from_frame,
    frame_of,
    ratio_basis_points,
)

D = Decimal


def both(records, ratio="0.5"):
    per_record = check_all(records, ratio)
    vectorised = findings_from_frame(check_frame(frame_of(records), ratio))
    assert per_record == vectorised
    return per_record


def test_hand_computed_cases():
    records = [
        # 1: claims 200, reports 80 → 80 < 0.5 × 200 = 100: 少统, gap 120, share 0.4
        RdEvidence(1, True, D("80"), D("200")),
        # 2: claims 200, reports exactly 100 = 0.5 × 200: not flagged (strictly below only)
        RdEvidence(2, True, D("100"), D("200")),
        # 3: claims 150.50, statistics row with R&D 0: 不统, gap 150.50
        RdEvidence(3, True, D("0"), D("150.50")),
        # 4: only an R&D subsidy of 30, statistics row with R&D left empty: 不统, no claim so no gap
        RdEvidence(4, True, None, None, D("30")),
        # 5: claims 60 and got a subsidy, but no statistics row for the year: 漏统, gap 60
        RdEvidence(5, False, None, D("60"), D("10")),
        # 6: subsidy only, no statistics row: 漏统 without a gap
        RdEvidence(6, False, None, None, D("5")),
        # 7: reports 300 against a claim of 200: consistent, share 1.5
        RdEvidence(7, True, D("300"), D("200")),
        # 8: no evidence at all, no statistics row: nothing to say
        RdEvidence(8, False),
        # 9: subsidy of 20 and statistics of 1: a subsidy is not a measure, not flagged
        RdEvidence(9, True, D("1"), None, D("20")),
        # 10: a claim of 0 is no evidence
        RdEvidence(10, True, D("0"), D("0"), D("0")),
        # 11: 0.01 short of half the claim: 99.99 < 100 → 少统, gap 100.01
        RdEvidence(11, True, D("99.99"), D("200")),
    ]
    got = both(records)
    assert got == [
        Finding(1, UNDER_REPORTED, D("120.00"), 0.4),
        Finding(2, None, None, 0.5),
        Finding(3, NOT_REPORTED, D("150.50"), 0.0),
        Finding(4, NOT_REPORTED, None, None),
        Finding(5, MISSING, D("60.00"), None),
        Finding(6, MISSING, None, None),
        Finding(7, None, None, 1.5),
        Finding(8, None, None, None),
        Finding(9, None, None, None),
        Finding(10, None, None, None),
        Finding(11, UNDER_REPORTED, D("100.01"), 0.49995),
    ]


def test_the_ratio_is_configurable_and_exact():
    record = RdEvidence(1, True, D("0.3"), D("3"))
    # 0.1 × 3 is 0.30000000000000004 in binary floating point; in fen it is exactly 0.3: no flag.
    assert both([record], D("0.1"))[0].flag is None
    assert both([record], D("0.1001"))[0].flag == UNDER_REPORTED
    # a stricter ratio flags more: 80 of 100 is fine at 0.5, short at 0.8001
    assert both([RdEvidence(2, True, 80, 100)], D("0.8"))[0].flag is None
    assert both([RdEvidence(2, True, 80, 100)], D("0.8001"))[0].flag == UNDER_REPORTED
    assert both([RdEvidence(2, True, 80, 100)], 1)[0].flag == UNDER_REPORTED


@pytest.mark.parametrize("bad", ["0", "-0.5", "1.2", "0.12345", "abc", "nan"])
def test_a_bad_ratio_is_refused(bad):
    with pytest.raises(ValueError):
        ratio_basis_points(bad)
    with pytest.raises(ValueError):
        check(RdEvidence(1, True, 1, 2), bad)


def test_ratio_in_basis_points():
    assert ratio_basis_points("0.5") == 5000
    assert ratio_basis_points(D("0.375")) == 3750
    assert ratio_basis_points(1) == 10_000


def test_empty_input():
    assert both([]) == []


amounts = st.one_of(
    st.none(),
    st.sampled_from([D(0), D("0.01"), D(1), D(50), D(100), D(200), D("99.99"), D("100.01")]),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
)
evidence = st.builds(
    RdEvidence,
    id=st.integers(0, 10**6),
    has_stats=st.booleans(),
    stats=amounts,
    deduction=amounts,
    subsidy=amounts,
)
ratios = st.one_of(
    st.sampled_from([D("0.5"), D("0.1"), D("1"), D("0.6"), D("0.0001")]),
    st.integers(1, 10_000).map(lambda n: D(n).scaleb(-4)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(evidence, max_size=40), ratios)
def test_both_paths_agree(records, ratio):
    both(records, ratio)
