"""公民身份号码 (GB 11643-1999): the vectors of national-rules.md §6, Tongren's old 5222xx codes
(§7), masking, and the batch path agreeing with the per-record one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.idnumber import (
    birth_date,
    check_char,
    is_male,
    mask,
    normalise,
    tongren_district,
    validate,
    validate_batch,
)

TODAY = dt.date(2023, 6, 30)

# §6 test vectors (valid), plus synthetic Tongren numbers built with the §6 check.
VALID = [
    "11010519491231002X",  # the standard's textbook example
    "34052419800101001X",  # from sndnvaps
    "520602199001010015",  # §6, synthetic, current 碧江区 prefix
    "522201198506150020",  # §6, synthetic, old 县级铜仁市 prefix
    "52223019780312001X",  # old 万山特区
    "522229197803120014",  # old 松桃
    "520628197803120018",  # current 松桃
    "520603197803120010",  # current 万山区
]
INVALID = [
    ("340524198001010013", "CHECK_DIGIT"),  # §6: invalid
    ("11010519491231002Y", "CHARSET"),
    ("1101051949123100", "LENGTH"),
    ("11010519491231002X0", "LENGTH"),
    ("", "LENGTH"),
    ("11010519491231A02X", "CHARSET"),
    ("１10105194912310025", "CHARSET"),  # a full-width digit
    ("991105194912310025", "REGION"),  # no province 99
    ("110105194902300025", "BIRTH_DATE"),  # 30 February
    ("110105190002290025", "BIRTH_DATE"),  # 1900 was not a leap year
    ("110105189912310025", "BIRTH_DATE"),  # before 1900
    ("110105202401010025", "BIRTH_DATE"),  # after TODAY
    ("110105199013010025", "BIRTH_DATE"),  # month 13
]


@pytest.mark.parametrize("code", VALID)
def test_valid_vectors(code):
    assert validate(code, today=TODAY) == (True, None)
    assert check_char(code[:17]) == code[17]


@pytest.mark.parametrize(("code", "reason"), INVALID)
def test_invalid_vectors(code, reason):
    assert validate(code, today=TODAY) == (False, reason)


def test_check_character_by_hand():
    # 11010519491231002: digits × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 give
    # 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2; "10X98765432"[2] = "X".
    assert check_char("11010519491231002") == "X"
    # 34052419800101001: 21+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 189; 189 mod 11 = 2 → "X";
    # so the same body ending in 3 is wrong (§6).
    assert check_char("34052419800101001") == "X"


def test_lowercase_x_is_accepted_and_normalised():
    assert validate("11010519491231002x") == (True, None)
    assert normalise(" 11010519491231002x ") == "11010519491231002X"


def test_leap_day_is_a_date():
    body = "11010520000229002"
    assert validate(body + check_char(body), today=TODAY) == (True, None)


@pytest.mark.parametrize(
    ("code", "district"),
    [
        ("520602199001010015", "520602"),
        ("522201198506150020", "520602"),  # 县级铜仁市 → 碧江区
        ("52223019780312001X", "520603"),  # 万山特区 → 万山区
        ("522229197803120014", "520628"),  # 松桃 old → current
        ("520628197803120018", "520628"),
        ("11010519491231002X", None),  # Beijing
    ],
)
def test_old_and_new_tongren_codes_map_to_current_districts(code, district):
    assert validate(code, today=TODAY)[0]
    assert tongren_district(code) == district


def test_every_old_code_maps_to_a_current_one():
    from rules.idnumber import CURRENT_TONGREN, OLD_TONGREN

    assert set(OLD_TONGREN.values()) == CURRENT_TONGREN


def test_mask_keeps_four_and_four():
    assert mask("520602199001010015") == "5206**********0015"
    assert mask("11010519491231002x") == "1101**********002X"
    assert mask("123") == "***"
    assert mask(None) == ""


def test_birth_date_and_sex():
    assert birth_date("522201198506150020") == dt.date(1985, 6, 15)
    assert is_male("520602199001010015")  # sequence 001: odd
    assert not is_male("522201198506150020")  # sequence 002: even


def test_batch_matches_vectors():
    codes = VALID + [c for c, _ in INVALID] + [None, "11010519491231002x"]
    ok, reasons = validate_batch(codes, today=TODAY)
    expected = [validate(c, today=TODAY) for c in codes]
    assert list(ok) == [e[0] for e in expected]
    assert [r or None for r in reasons] == [e[1] for e in expected]
    assert validate_batch([])[0].shape == (0,)


digits = st.text(alphabet="0123456789", min_size=17, max_size=17)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            digits.map(lambda b: b + check_char(b)),  # valid check, maybe a bad date or region
            digits.flatmap(lambda b: st.sampled_from("0123456789Xx").map(lambda c: b + c)),
            st.text(max_size=20),
            st.none(),
        ),
        max_size=30,
    )
)
def test_batch_and_per_record_agree(codes):
    ok, reasons = validate_batch(codes, today=TODAY)
    for code, good, reason in zip(codes, ok, reasons, strict=True):
        assert validate(code, today=TODAY) == (bool(good), reason or None), code
