"""统一社会信用代码 (GB 32100-2015): the test vectors of national-rules.md §5.4, per code and batched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.uscc import CHARSET, check_char, inner_check_ok, validate, validate_batch

# national-rules.md §5.4: every one passes the outer and the inner check.
VALID = [
    "91350200776049653A",
    "913502000728319549",
    "9135021359498494XQ",
    "91350213678251743X",
    "91350200MA31E12PXF",
    "91440101MA5CJQ4N59",
    "123502001549897397",
    "914403001922038216",
    "91440300708461136T",
]
INVALID = [
    ("91350203M0001QAY9B", "CHECK_DIGIT"),  # §5.4: plausible but a bad check character
    ("91350200776049653B", "CHECK_DIGIT"),
    ("91350200776049653", "LENGTH"),
    ("91350200776049653A0", "LENGTH"),
    ("", "LENGTH"),
    ("91350200776049653a", "CHARSET"),  # lower case is outside the character set
    ("9135020077604965IA", "CHARSET"),  # I is excluded (§5.2)
    ("913502O0776049653A", "CHARSET"),  # letter O in the area code
    ("91350A00776049653A", "CHARSET"),  # positions 3–8 are digits only
    ("９1350200776049653A", "CHARSET"),  # full-width digit
]


@pytest.mark.parametrize("code", VALID)
def test_valid_vectors(code):
    assert validate(code) == (True, None)
    assert check_char(code[:17]) == code[17]
    assert inner_check_ok(code)


@pytest.mark.parametrize(("code", "reason"), INVALID)
def test_invalid_vectors(code, reason):
    assert validate(code) == (False, reason)


def test_check_character_computed_by_hand():
    # §5.2 for 91350200776049653: values 9 1 3 5 0 2 0 0 7 7 6 0 4 9 6 5 3 times the weights give
    # 9+3+27+135+0+52+0+0+140+203+150+0+32+216+60+150+84 = 1261; 1261 mod 31 = 21;
    # (31 − 21) mod 31 = 10, the value of "A".
    assert check_char("91350200776049653") == "A"
    # 91350213678251743: Σ = 1180, mod 31 = 2, (31 − 2) mod 31 = 29, the value of "X".
    assert check_char("91350213678251743") == "X"


def test_batch_matches_vectors():
    codes = VALID + [code for code, _ in INVALID]
    ok, reasons = validate_batch(codes)
    assert ok.tolist() == [True] * len(VALID) + [False] * len(INVALID)
    assert reasons.tolist() == [""] * len(VALID) + [reason for _, reason in INVALID]


def test_batch_of_nothing():
    ok, reasons = validate_batch([])
    assert ok.shape == reasons.shape == (0,)


def _plausible():
    body = st.text(alphabet=CHARSET, min_size=2, max_size=2)
    area = st.text(alphabet="0123456789", min_size=6, max_size=6)
    rest = st.text(alphabet=CHARSET, min_size=9, max_size=9)
    first17 = st.tuples(body, area, rest).map("".join)
    # right check character, or any character
    return st.one_of(
        first17.map(lambda s: s + check_char(s)),
        st.tuples(first17, st.sampled_from(CHARSET + "IOZSVa")).map("".join),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_plausible(), st.text(max_size=20)), max_size=30))
def test_batch_equals_per_code(codes):
    ok, reasons = validate_batch(codes)
    expected = [validate(c) for c in codes]
    assert ok.tolist() == [e[0] for e in expected]
    assert reasons.tolist() == [e[1] or "" for e in expected]
