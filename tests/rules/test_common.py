"""Parsing and comparison helpers: each scalar function and its polars twin agree."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.common import (
    Spec,
    band,
    div_const_expr,
    meets,
    parse_date,
    parse_flag,
    parse_frame,
    parse_number,
    parse_record,
    tidy,
    tidy_expr,
)


def frame_values(column: str, values: list, spec: Spec):
    frame = pl.DataFrame({column: values}, schema={column: pl.String})
    return parse_frame(frame, spec).collect()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        (" 12.5 ", 12.5),
        ("1,234.5", 1234.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("+3", 3.0),
        ("0", 0.0),
        ("\u300012\u3000", 12.0),  # ideographic spaces around
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_number_values(text, value):
    assert parse_number(text) == value
    assert frame_values("x", [text], Spec(numbers=("x",)))["x"].to_list() == [value]


@pytest.mark.parametrize(
    "text", ["-1", "-0.01", "abc", "１２", "1_000", "nan", "inf", "1e400", "1e16", "0x10", "12%"]
)
def test_unusable_numbers_are_nan_and_marked_bad(text):
    assert math.isnan(parse_number(text))
    parsed = frame_values("x", [text], Spec(numbers=("x",)))
    assert parsed.row(0) == (None, None, True)  # id, x (null), x__bad


def test_signed_numbers_accept_a_minus():
    assert parse_number("-120.5", signed=True) == -120.5
    assert frame_values("x", ["-120.5"], Spec(signed=("x",)))["x"].to_list() == [-120.5]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("是", True),
        ("0", False),
        ("false", False),
        ("否", False),
        ("", False),
        (None, False),
        ("maybe", None),
        ("2", None),
    ],
)
def test_parse_flag(text, flag):
    assert parse_flag(text) is flag
    assert frame_values("f", [text], Spec(flags=("f",)))["f"].to_list() == [flag]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-06-30", dt.date(2023, 6, 30)),
        ("2023/6/3", dt.date(2023, 6, 3)),
        ("2023.06.30", dt.date(2023, 6, 30)),
        ("2023-06-30 00:00:00", dt.date(2023, 6, 30)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2023-02-29", None),
        ("0000-01-01", None),
        ("30/06/2023", None),
        ("", None),
    ],
)
def test_parse_date(text, date):
    assert parse_date(text) == date
    assert frame_values("d", [text], Spec(dates=("d",)))["d"].to_list() == [date]


def test_parse_record_separates_empty_from_unusable():
    parsed = parse_record({"a": "", "b": "x", "c": "3"}, Spec(numbers=("a", "b", "c")))
    assert parsed.num == {"a": None, "b": None, "c": 3.0}
    assert parsed.bad == {"b"}


@pytest.mark.parametrize(
    ("num", "den", "threshold", "ok"),
    [
        (0.7, 7, 0.10, True),  # 0.09999999999999999 in binary
        (5.1, 85, 0.06, True),  # 100 × 5.1 < 6 × 85 in binary
        (9.99, 100, 0.10, False),
        (1, 0, 0.10, False),  # nothing to share
    ],
)
def test_meets_counts_exact_decimal_ties_as_reached(num, den, threshold, ok):
    assert meets(num, den, threshold) is ok


def test_band_picks_the_first_reached():
    bands = ((0.30, 20), (0.10, 4))
    assert [band(n, 100, bands) for n in (30, 29.99, 10, 9.99)] == [20, 4, 4, 0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=20))
def test_tidy_and_constant_division_agree_with_python(values):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    out = frame.select(t=tidy_expr(pl.col("v")), d=div_const_expr(pl.col("v"), 9.0))
    assert out["t"].to_list() == [tidy(v) for v in values]
    assert out["d"].to_list() == [v / 9.0 for v in values]


def test_tidy_drops_float_noise():
    assert tidy(0.05 * 1234.5 - 12.3) == 49.425
    assert tidy(250 - 249.99) == 0.01
