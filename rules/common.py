"""Parsing and comparison shared by the evaluation engines (rules.tsme, rules.hte, rules.hte_score).

Every engine has a per-record path (plain Python over one dict) and a vectorised path (polars
expressions over a frame), and the two must give identical results. So each helper here comes as a
pair, a scalar function and an expression builder, written from the same constants with the same
arithmetic in the same order.

Parsed values follow one convention in both paths:
- an empty cell is ``None`` / null;
- a present value that cannot be used (not a number, negative, NaN, infinite or beyond
  MAX_NUMBER, a bad date or boolean) is NaN for numbers and ``None`` / null for booleans and dates;
- anything else is the value (numbers as float).
The engines decide what an unusable value means: ``MISSING_<column>`` for a required input
(CONTRACTS.md: "never a crash, never a silent zero"), the sub-item's whole range for an optional
input of the innovation score.

Thresholds are fractions as the rules state them (0.10 for 10 %) and are compared as
``num / den >= threshold − TOLERANCE``. Binary floating point cannot hold most decimal figures
exactly, so a firm exactly at a threshold can land a hair either side of it: 0.7 / 7 gives 0.09999999999999999, and cross-multiplying does no better (100 × 5.1 <
6 × 85). National-rules.md §1.2 makes lower bounds inclusive, so a ratio within TOLERANCE (1e-9)
below a threshold counts as reaching it. That is far above rounding noise (about 1e-17 here) and
far below any real difference in figures kept to 0.0001 万元.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

__all__ = [
    "BAD_SUFFIX",
    "FALSE_WORDS",
    "TOLERANCE",
    "TRUE_WORDS",
    "Parsed",
    "Spec",
    "band",
    "band_expr",
    "code_mask_expr",
    "decode_codes",
    "div_const_expr",
    "is_bad",
    "known",
    "meets",
    "meets_expr",
    "one_of_expr",
    "parse_date",
    "parse_frame",
    "parse_record",
    "parse_flag",
    "parse_number",
    "parse_text",
    "tidy",
    "tidy_expr",
    "tri_and",
]

# Characters stripped around a value, the same set in both paths (str.strip and polars
# strip_chars would otherwise disagree on exotic Unicode spaces).
_STRIP = " \t\r\n\u3000\u00a0"
# A plain decimal, optionally with an exponent, as written by people and by python-calamine.
# ASCII digits only: Python's float() accepts full-width digits, polars does not.
_UNSIGNED = r"[+]?(?:[0-9]+[.]?[0-9]*|[.][0-9]+)(?:[eE][+-]?[0-9]+)?"
_SIGNED = r"[+-]?(?:[0-9]+[.]?[0-9]*|[.][0-9]+)(?:[eE][+-]?[0-9]+)?"
_UNSIGNED_RE = re.compile(_UNSIGNED)
_SIGNED_RE = re.compile(_SIGNED)
# YYYY-MM-DD (also / or . as separators, one-digit month/day, a trailing time from a spreadsheet).
# The year starts 1–9: polars would accept year 0, Python's date() would not.
_DATE = r"([1-9][0-9]{3})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T][0-9:.]*)?"
_DATE_RE = re.compile(_DATE)
# CONTRACTS.md: booleans are 1/0, true/false or 是/否 (yes/no and y/n are accepted too).
TRUE_WORDS = ("1", "true", "是", "yes", "y")
FALSE_WORDS = ("0", "false", "否", "no", "n")
BAD = math.nan
TOLERANCE = 1e-9
# Larger magnitudes are no real figure (1e15 万元 is 10^19 yuan; no firm has 1e15 staff) and
# would overflow integer outputs such as st_gap, so they count as unusable.
MAX_NUMBER = 1e15


# --- scalar path -----------------------------------------------------------------------------


def parse_number(value, *, signed: bool = False) -> float | None:
    """A number from a cell: None when empty, NaN when unusable (negative unless `signed`)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip(_STRIP).replace(",", "")  # thousands separators: 1,200 means 1200
        if not text:
            return None
        if not (_SIGNED_RE if signed else _UNSIGNED_RE).fullmatch(text):
            return BAD
        number = float(text)
    else:
        number = float(value)
    if not abs(number) <= MAX_NUMBER or (not signed and number < 0):  # NaN fails the first test
        return BAD
    return number


def known(value) -> bool:
    """True for a usable parsed number (not empty, not NaN)."""
    return value is not None and value == value


def is_bad(value) -> bool:
    """True for a value that was present but unusable."""
    return value is not None and value != value


def parse_flag(value) -> bool | None:
    """A boolean: empty is False (CONTRACTS.md: an empty optional boolean is false); None when unusable."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    text = str(value).strip(_STRIP).lower()
    if not text or text in FALSE_WORDS:
        return False
    if text in TRUE_WORDS:
        return True
    return None


def parse_date(value) -> dt.date | None:
    """A date written YYYY-MM-DD (or a date object); None when empty or unusable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    match = _DATE_RE.fullmatch(str(value).strip(_STRIP))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_text(value) -> str:
    return "" if value is None else str(value).strip(_STRIP)


def meets(num: float, den: float, threshold: float) -> bool:
    """num / den ≥ threshold with den > 0, within TOLERANCE (module docstring)."""
    return den > 0 and num / den >= threshold - TOLERANCE


def band(num: float, den: float, bands: Sequence[tuple[float, int]]) -> int:
    """Points of the first (threshold, points) band that num / den reaches; 0 when none or den is 0."""
    for threshold, points in bands:
        if meets(num, den, threshold):
            return points
    return 0


def tidy(value: float) -> float:
    """Round to 1e-6 (half up) to drop float noise from money figures, the same way as tidy_expr."""
    return math.floor(value * 1e6 + 0.5) / 1e6


def tri_and(*values: bool | None) -> bool | None:
    """Three-valued AND: False when any part fails, None when none fails but one is unknown."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


# --- vectorised path -------------------------------------------------------------------------


def _missing(dtype: pl.DataType) -> pl.Expr:
    return pl.lit(None, dtype=dtype)


# Each parser below returns its column's expressions for successive stages of parse_frame. Staging
# matters for speed: an expression used several times inside a when-chain is evaluated each time,
# so the stripped text is materialised once before it is tested and cast.


def _number_stages(name: str, schema: pl.Schema, *, signed: bool) -> list[pl.Expr]:
    """Float64 with parse_number's convention (null empty, NaN unusable)."""
    if name not in schema or schema[name] == pl.Null:
        return [_missing(pl.Float64).alias(name)]
    col, dtype = pl.col(name), schema[name]
    if dtype == pl.String:
        pattern = f"^{_SIGNED if signed else _UNSIGNED}$"
        stages = [
            col.str.strip_chars(_STRIP).str.replace_all(",", "", literal=True),
            pl.when(col.is_null() | (col == ""))
            .then(None)
            .when(col.str.contains(pattern))
            .then(col.cast(pl.Float64, strict=False))
            .otherwise(BAD),
        ]
    elif dtype.is_numeric() or dtype == pl.Boolean:
        stages = [col.cast(pl.Float64)]
    else:
        stages = [pl.when(col.is_null()).then(None).otherwise(BAD).cast(pl.Float64)]
    unusable = (col.abs() > MAX_NUMBER) | (pl.lit(False) if signed else col < 0)
    stages.append(pl.when(unusable).then(BAD).otherwise(col))
    return [stage.alias(name) for stage in stages]


def _flag_stages(name: str, schema: pl.Schema) -> list[pl.Expr]:
    """Boolean with parse_flag's convention (empty False, null unusable)."""
    if name not in schema or schema[name] == pl.Null:
        return [pl.lit(False).alias(name)]
    col, dtype = pl.col(name), schema[name]
    if dtype == pl.Boolean:
        stages = [col.fill_null(False)]
    elif dtype.is_numeric():
        stages = [pl.when(col.is_null()).then(False).when(col == 1).then(True).when(col == 0).then(False)]
    else:
        stages = [
            col.cast(pl.String).str.strip_chars(_STRIP).str.to_lowercase(),
            pl.when(col.is_null() | one_of_expr(col, ("", *FALSE_WORDS)))
            .then(False)
            .when(one_of_expr(col, TRUE_WORDS))
            .then(True),
        ]
    return [
        stage.cast(pl.Boolean).alias(name) if i == len(stages) - 1 else stage.alias(name)
        for i, stage in enumerate(stages)
    ]


def _date_stages(name: str, schema: pl.Schema) -> list[pl.Expr]:
    """Date with parse_date's convention (null when empty or unusable)."""
    if name not in schema:
        return [_missing(pl.Date).alias(name)]
    col, dtype = pl.col(name), schema[name]
    if dtype == pl.Date:
        return [col]
    if isinstance(dtype, pl.Datetime):
        return [col.dt.date().alias(name)]
    if dtype != pl.String:
        return [_missing(pl.Date).alias(name)]
    canonical = pl.concat_str(
        [col.struct.field("1"), col.struct.field("2"), col.struct.field("3")], separator="-"
    )
    return [
        col.str.strip_chars(_STRIP).str.extract_groups(f"^{_DATE}$").alias(name),
        canonical.str.to_date("%Y-%m-%d", strict=False).alias(name),
    ]


def _text_stages(name: str, schema: pl.Schema) -> list[pl.Expr]:
    if name not in schema or schema[name] == pl.Null:
        return [pl.lit("").alias(name)]
    return [pl.col(name).cast(pl.String).str.strip_chars(_STRIP).fill_null("").alias(name)]


def one_of_expr(value: pl.Expr, options: Iterable[str]) -> pl.Expr:
    """value ∈ options for text, as equalities: polars' is_in hashes every row and is 10× slower
    for the handful of options the rules have."""
    result = pl.lit(False)
    for option in options:
        result = result | (value == option)
    return result


def meets_expr(num: pl.Expr, den: pl.Expr, threshold: float | pl.Expr) -> pl.Expr:
    """meets() over columns; null when either side is null (the scalar callers check first)."""
    return (
        pl.when(num.is_null() | den.is_null())
        .then(None)
        .otherwise((den > 0) & (num / den >= threshold - TOLERANCE))
    )


def band_expr(num: pl.Expr, den: pl.Expr, bands: Sequence[tuple[float, int]]) -> pl.Expr:
    """band() over columns; null when either side is null."""
    expr = pl.when(num.is_null() | den.is_null()).then(None)
    for threshold, points in bands:
        expr = expr.when((den > 0) & (num / den >= threshold - TOLERANCE)).then(points)
    return expr.otherwise(0).cast(pl.Int64)


def div_const_expr(value: pl.Expr, constant: float) -> pl.Expr:
    """value / constant, correctly rounded as Python's `/`. Polars divides by a scalar as a
    multiplication by its reciprocal (3 / 10000 gives 0.00030000000000000003), so the divisor is
    made a column."""
    return value / (value * 0.0 + constant)


def code_mask_expr(conditions: Sequence[pl.Expr]) -> pl.Expr:
    """An Int64 with bit i set where conditions[i] holds (null counts as not), for decode_codes.
    Joining strings row by row costs three times as much as this and the decoding together."""
    if len(conditions) > 62:
        raise ValueError("at most 62 codes fit an Int64 mask")
    return pl.sum_horizontal(
        *(c.fill_null(False).cast(pl.Int64) * (1 << i) for i, c in enumerate(conditions))
    )


def decode_codes(mask: pl.Series, codes: Sequence[str]) -> pl.Series:
    """The ';'-joined codes of each row's set bits, in the order of `codes`. Rows share few
    distinct masks, so each is joined once."""
    if mask.is_empty():
        return mask.cast(pl.String)
    joined = {
        m: ";".join(code for i, code in enumerate(codes) if m >> i & 1) for m in mask.unique().to_list()
    }
    return mask.replace_strict(joined, return_dtype=pl.String)


def tidy_expr(value: pl.Expr) -> pl.Expr:
    return div_const_expr((value * 1e6 + 0.5).floor(), 1e6)


# --- whole records and frames ----------------------------------------------------------------

BAD_SUFFIX = "__bad"


@dataclass(frozen=True)
class Spec:
    """The input columns of an engine by kind; `signed` numbers may be negative (net assets)."""

    numbers: tuple[str, ...] = ()
    signed: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()

    @property
    def all_numbers(self) -> tuple[str, ...]:
        return self.numbers + self.signed

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numbers + self.signed + self.flags + self.dates + self.texts


@dataclass
class Parsed:
    """One record parsed by a Spec. `num` holds None for an empty or unusable number and `bad`
    names the numbers that were present but unusable, as the frame's `<column>__bad` columns do."""

    num: dict[str, float | None]
    bad: set[str]
    flag: dict[str, bool | None] = field(default_factory=dict)
    date: dict[str, dt.date | None] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)


def parse_record(record: Mapping, spec: Spec) -> Parsed:
    raw = {c: parse_number(record.get(c)) for c in spec.numbers}
    raw.update({c: parse_number(record.get(c), signed=True) for c in spec.signed})
    return Parsed(
        num={c: v if known(v) else None for c, v in raw.items()},
        bad={c for c, v in raw.items() if is_bad(v)},
        flag={c: parse_flag(record.get(c)) for c in spec.flags},
        date={c: parse_date(record.get(c)) for c in spec.dates},
        text={c: parse_text(record.get(c)) for c in spec.texts},
    )


def parse_frame(df: pl.DataFrame, spec: Spec) -> pl.LazyFrame:
    """The frame counterpart of parse_record: an `id` column (text, passed through), one column per
    input of `spec` (numbers null when empty or unusable) and a `<number>__bad` column per number."""
    schema = df.schema
    columns = [
        *(_number_stages(c, schema, signed=False) for c in spec.numbers),
        *(_number_stages(c, schema, signed=True) for c in spec.signed),
        *(_flag_stages(c, schema) for c in spec.flags),
        *(_date_stages(c, schema) for c in spec.dates),
        *(_text_stages(c, schema) for c in spec.texts),
    ]
    parsed = df.lazy().select(
        pl.col("id").cast(pl.String) if "id" in schema else pl.lit(None, pl.String).alias("id"),
        *(stages[0] for stages in columns),
    )
    for stage in range(1, max(map(len, columns), default=1)):
        parsed = parsed.with_columns(stages[stage] for stages in columns if len(stages) > stage)
    numbers = spec.all_numbers
    return parsed.with_columns(
        *(pl.col(c).is_nan().fill_null(False).alias(c + BAD_SUFFIX) for c in numbers),
        *(pl.col(c).fill_nan(None) for c in numbers),
    )
