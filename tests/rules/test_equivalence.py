"""Property: per-record evaluation and the vectorised frame path give identical rows, on random
inputs that include empty, unusable, negative, boundary and typed values."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import hte, tsme
from rules.hte import HT_DOMAINS
from tests.rules.support import as_row, both_paths

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Small integers make exact threshold ties common (3 of 30, 250 of 5000); the rest covers
# decimals, spellings, junk and float edge cases.
number_text = st.one_of(
    st.integers(0, 40).map(str),
    st.sampled_from(
        ["0", "100", "250", "5000", "5000.01", "20000", "20001", "500", "501", "0.7", "5.1", "6.6"]
    ),
    st.decimals(min_value=0, max_value=30000, places=2, allow_nan=False).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "",
            "  ",
            "-1",
            "abc",
            "1,000",
            "１２",
            "1e3",
            ".5",
            "5.",
            "+3",
            "-0",
            "1e400",
            "NaN",
            "1_000",
            "1e15",
            "8.3e19",
        ]
    ),
    st.none(),
    st.text(max_size=4),
)
flag_text = st.one_of(
    st.sampled_from(["", "0", "1", "true", "FALSE", "True", "是", "否", "yes", "n", " 1 ", "maybe", "2"]),
    st.none(),
    st.text(max_size=3),
)
date_text = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(str),
    st.sampled_from(
        ["2022-06-30", "2023-06-30", "2023-02-30", "2023/6/30", "2023-6-30 00:00:00", "0000-01-01", "x"]
    ),
    st.none(),
    st.text(max_size=4),
)
domain_text = st.one_of(
    st.sampled_from([*HT_DOMAINS, "", " 新材料 ", "其他"]), st.none(), st.text(max_size=3)
)
grade_text = st.one_of(
    st.sampled_from(["A", "B", "C", "D", "E", "a", "e", "F", ""]), st.none(), st.text(max_size=2)
)
source_text = st.one_of(
    st.sampled_from(["self", "acquired", "SELF", "自主研发", "受让", ""]), st.none(), st.text(max_size=3)
)
signed_text = st.one_of(number_text, st.integers(-200, 200).map(str))


def tsme_records():
    fields = {"id": st.text(max_size=3)}
    fields.update({c: number_text for c in tsme.NUMBER_COLUMNS})
    fields.update({c: flag_text for c in tsme.FLAG_COLUMNS})
    return st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=12)


def hte_records():
    spec = hte.SPEC
    fields = {"id": st.text(max_size=3)}
    fields.update({c: number_text for c in spec.numbers})
    fields.update({c: signed_text for c in spec.signed})
    fields.update({c: flag_text for c in spec.flags})
    fields.update({c: date_text for c in spec.dates})
    fields.update(
        {
            "ht_domain": domain_text,
            "tech_grade": grade_text,
            "support_grade": grade_text,
            "ip_source": source_text,
            "standard_bonus": flag_text,
        }
    )
    return st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=12)


@SETTINGS
@given(tsme_records())
def test_tsme_paths_agree_on_text(records):
    both_paths(tsme, records)


@SETTINGS
@given(hte_records())
def test_hte_paths_agree_on_text(records):
    both_paths(hte, records)


typed_number = st.one_of(
    st.none(),
    st.integers(0, 40).map(float),
    st.floats(min_value=-10, max_value=30000, allow_nan=False),
    st.sampled_from([math.nan, math.inf, -0.0, 5000.0, 20000.0, 0.7, 5.1]),
)
typed_flag = st.one_of(st.none(), st.booleans())


@SETTINGS
@given(st.data())
def test_tsme_paths_agree_on_typed_values(data):
    n = data.draw(st.integers(1, 8))
    columns = {c: data.draw(st.lists(typed_number, min_size=n, max_size=n)) for c in tsme.NUMBER_COLUMNS}
    columns.update({c: data.draw(st.lists(typed_flag, min_size=n, max_size=n)) for c in tsme.FLAG_COLUMNS})
    frame = pl.DataFrame(
        {"id": [str(i) for i in range(n)], **columns},
        schema={
            "id": pl.String,
            **dict.fromkeys(tsme.NUMBER_COLUMNS, pl.Float64),
            **dict.fromkeys(tsme.FLAG_COLUMNS, pl.Boolean),
        },
    )
    expected = [
        {"id": str(i), **as_row(tsme.evaluate({c: v[i] for c, v in columns.items()}), tsme.OUTPUT_COLUMNS)}
        for i in range(n)
    ]
    assert tsme.evaluate_frame(frame).to_dicts() == expected


@SETTINGS
@given(st.data())
def test_hte_paths_agree_on_typed_values(data):
    n = data.draw(st.integers(1, 8))
    spec = hte.SPEC
    typed_date = st.one_of(st.none(), st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 1, 1)))
    columns = {c: data.draw(st.lists(typed_number, min_size=n, max_size=n)) for c in spec.all_numbers}
    columns.update({c: data.draw(st.lists(typed_flag, min_size=n, max_size=n)) for c in spec.flags})
    columns.update({c: data.draw(st.lists(typed_date, min_size=n, max_size=n)) for c in spec.dates})
    columns.update({c: data.draw(st.lists(grade_text, min_size=n, max_size=n)) for c in spec.texts})
    schema = {
        "id": pl.String,
        **dict.fromkeys(spec.all_numbers, pl.Float64),
        **dict.fromkeys(spec.flags, pl.Boolean),
        **dict.fromkeys(spec.dates, pl.Date),
        **dict.fromkeys(spec.texts, pl.String),
    }
    frame = pl.DataFrame({"id": [str(i) for i in range(n)], **columns}, schema=schema)
    expected = [
        {"id": str(i), **as_row(hte.evaluate({c: v[i] for c, v in columns.items()}), hte.OUTPUT_COLUMNS)}
        for i in range(n)
    ]
    assert hte.evaluate_frame(frame).to_dicts() == expected
