"""Cell parsers for imports. Each takes the cell's text and returns a value or raises
ValueError with a message in plain words; the engine adds the row and column.

Most parsers also carry a column-wise fast path, `parse.batch(cells)`, over a whole column as
the table holds it (text from a CSV, calamine's values from a .xlsx). It returns
`(values, retry)`: the parsed value of every cell it could take whole, and the positions it
leaves to the engine, which parses those one by one from their text with `parse` itself. A
batch path takes a cell only when it gives exactly what `parse(cell_text(cell))` gives; empty,
odd or wrong cells are always retried, so every message comes from the one scalar parser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from itertools import compress, repeat

import numpy as np

from kechuang.messages import Msg, gettext_noop
from rules.uscc import validate as uscc_validate
from rules.uscc import validate_batch as uscc_validate_batch

__all__ = ["boolean", "code_uscc", "date", "decimal", "integer", "one_of", "period", "text"]

_TRUE = {"1", "true", "是", "yes", "y"}
_FALSE = {"0", "false", "否", "no", "n", ""}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
USCC_REASONS = {
    "LENGTH": gettext_noop("a unified social credit code has 18 characters"),
    "CHARSET": gettext_noop(
        "the code has characters a unified social credit code cannot have (I, O, Z, S, V or symbols)"
    ),
    "CHECK_DIGIT": gettext_noop("the check character is wrong (GB 32100)"),
}


Batch = Callable[[Sequence], tuple[list, list[int]]]
# Floats below this are exact integers and print without an exponent, so str(int(x)) and
# repr(x) are what cell_text makes of them.
_EXACT = 1e15


def _with_batch(parse, batch: Batch):
    parse.batch = batch
    return parse


def batch_cells(cells: Sequence, accept: Callable[[list], tuple[list, list[bool]]], kinds: tuple[type, ...]):
    """Run `accept` over the cells of the given types (exactly: no bool for int); the others and
    those `accept` marks False are retried."""
    n = len(cells)
    types = set(map(type, cells))
    if types <= set(kinds):
        index = None
        taken = list(cells)
    else:
        wanted = set(kinds)
        index = [i for i, t in enumerate(map(type, cells)) if t in wanted]
        taken = [cells[i] for i in index]
    if not taken:
        return [None] * n, list(range(n))
    values, ok = accept(taken)
    if index is None:
        if all(ok):
            return values, []
        return values, [i for i, good in enumerate(ok) if not good]
    out = [None] * n
    retry_mask = [True] * n
    for i, value, good in zip(index, values, ok, strict=True):
        if good:
            out[i] = value
            retry_mask[i] = False
    return out, list(compress(range(n), retry_mask))


def _number_array(cells: list) -> np.ndarray:
    return np.fromiter(cells, dtype=np.float64, count=len(cells))


def _numbers_as_text(values: list) -> list[str]:
    """cell_text of int and float cells below _EXACT: str(int(x)) for whole numbers, else repr(x)."""
    return [str(int(v)) if type(v) is int or v.is_integer() else repr(v) for v in values]


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _below(value, minimum) -> Msg:
    if minimum == 0:
        return Msg(gettext_noop("{value} is negative"), value=value)
    return Msg(gettext_noop("{value} is below {minimum}"), value=value, minimum=minimum)


def text(max_length: int = 200):
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(Msg(gettext_noop("longer than {n} characters"), n=max_length))
        return value

    def accept(cells: list) -> tuple[list, list[bool]]:
        values = list(map(str.strip, cells))
        if all(values) and max(map(len, values)) <= max_length:
            return values, [True] * len(values)
        return values, [0 < len(v) <= max_length for v in values]

    return _with_batch(parse, lambda cells: batch_cells(cells, accept, (str,)))


def phone():
    """A phone number as kechuang.core.pii.PHONE_PATTERN allows it (7 to 20 digits, +, -,
    brackets, spaces)."""
    import re

    from kechuang.core.pii import PHONE_PATTERN

    pattern = re.compile(PHONE_PATTERN)

    def parse(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(Msg(gettext_noop("{value} is not a phone number"), value=repr(value)))
        return value

    return parse


def decimal(*, minimum: Decimal | None = Decimal(0), places: int = 4):
    def parse(value: str) -> Decimal:
        cleaned = value.replace(",", "").replace("，", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(Msg(gettext_noop("{value} is not a number"), value=repr(value))) from exc
        if not number.is_finite():
            raise ValueError(Msg(gettext_noop("{value} is not a number"), value=repr(value)))
        if minimum is not None and number < minimum:
            raise ValueError(_below(value, minimum))
        return round(number, places)

    step = Decimal(1).scaleb(-places)  # round(d, places) is d.quantize(step), context rounding

    def finish(texts: list[str]) -> tuple[list, list[bool]]:
        # Decimal() and round() mapped over the column run in C. A cell that is not a number, not
        # finite, below the minimum or too long for round() at the context's precision is left to
        # the scalar parser, which names it.
        try:
            numbers = list(map(Decimal, texts))
        except InvalidOperation:
            numbers = list(map(_decimal_or_none, texts))
        ok = [
            d is not None and d.is_finite() and d.adjusted() <= 20 and (minimum is None or d >= minimum)
            for d in numbers
        ]
        if all(ok):
            return list(map(Decimal.quantize, numbers, repeat(step))), ok
        return [round(d, places) if good else None for d, good in zip(numbers, ok, strict=True)], ok

    def accept_numbers(cells: list) -> tuple[list, list[bool]]:
        array = _number_array(cells)
        small = np.abs(array) < _EXACT  # NaN and infinities fail too
        if not small.all():
            values, ok = accept_numbers([c if s else 0.0 for c, s in zip(cells, small, strict=True)])
            return values, [good and bool(s) for good, s in zip(ok, small, strict=True)]
        if minimum == 0 and not np.signbit(array).any() and set(map(type, cells)) == {float}:
            # The usual column: floats, no sign bit (-0.0 would keep its sign through repr, not
            # through cell_text's str(int(x))). Decimal(repr(x)) rounds to the same value as
            # Decimal(str(int(x))) for a whole x, and repr's shortest round-trip digits are never
            # below 0 when x is not, so only Decimal() and round() are left, mapped in C.
            numbers = map(Decimal, map(repr, cells))
            return list(map(Decimal.quantize, numbers, repeat(step))), [True] * len(cells)
        return finish(_numbers_as_text(cells))

    def accept_text(cells: list) -> tuple[list, list[bool]]:
        texts = [c.strip().replace(",", "").replace("，", "") for c in cells]
        values, ok = finish(texts)
        return values, [good and bool(t) for good, t in zip(ok, texts, strict=True)]

    def batch(cells: Sequence) -> tuple[list, list[int]]:
        if set(map(type, cells)) <= {str}:
            return batch_cells(cells, accept_text, (str,))
        return batch_cells(cells, accept_numbers, (float, int))

    return _with_batch(parse, batch)


def integer(*, minimum: int | None = 0, maximum: int | None = None):
    def parse(value: str) -> int:
        cleaned = value.replace(",", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(Msg(gettext_noop("{value} is not a whole number"), value=repr(value))) from exc
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(Msg(gettext_noop("{value} is not a whole number"), value=repr(value)))
        number = int(number)
        if minimum is not None and number < minimum:
            raise ValueError(_below(value, minimum))
        if maximum is not None and number > maximum:
            raise ValueError(Msg(gettext_noop("{value} is above {maximum}"), value=value, maximum=maximum))
        return number

    low = -_EXACT if minimum is None else max(-_EXACT, minimum)
    high = _EXACT if maximum is None else min(_EXACT, maximum)

    def accept_numbers(cells: list) -> tuple[list, list[bool]]:
        array = _number_array(cells)
        ok = (array == np.floor(array)) & (array >= low) & (array <= high)  # NaN fails every test
        whole = np.where(ok, array, 0).astype(np.int64).tolist()
        return whole, ok.tolist()

    def accept_text(cells: list) -> tuple[list, list[bool]]:
        values, ok = [], []
        for cell in cells:
            text = cell.strip()
            # Plain digits only: int() of them is what Decimal gives; anything else is retried.
            good = text.isascii() and text.isdigit() and len(text) < 16
            number = int(text) if good else 0
            values.append(number)
            ok.append(good and low <= number <= high)
        return values, ok

    def batch(cells: Sequence) -> tuple[list, list[int]]:
        if set(map(type, cells)) <= {str}:
            return batch_cells(cells, accept_text, (str,))
        return batch_cells(cells, accept_numbers, (float, int))

    return _with_batch(parse, batch)


def date(*, not_future: bool = True):
    def parse(value: str) -> dt.date:
        text = value.split(" ")[0]
        day = None
        if len(text) == 10 and text[4] == "-":  # YYYY-MM-DD, as .xlsx dates arrive: no strptime
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                day = None
        for fmt in () if day else _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            raise ValueError(Msg(gettext_noop("{value} is not a date (use YYYY-MM-DD)"), value=repr(value)))
        if not_future and day > dt.date.today():
            raise ValueError(Msg(gettext_noop("{value} is in the future"), value=value))
        return day

    def accept(cells: list) -> tuple[list, list[bool]]:
        # A date cell's text is its ISO date, a datetime's starts with it: parse() gives the date.
        days = [c.date() if type(c) is dt.datetime else c for c in cells]
        if not not_future:
            return days, [True] * len(days)
        today = dt.date.today()
        return days, [d <= today for d in days]

    def accept_text(cells: list) -> tuple[list, list[bool]]:
        days, ok = [], []
        for cell in cells:
            head = cell.strip().split(" ")[0]
            day = None
            if len(head) == 10 and head[4] == "-":
                try:
                    day = dt.date.fromisoformat(head)
                except ValueError:
                    day = None
            days.append(day)
            ok.append(day is not None)
        if not_future:
            today = dt.date.today()
            ok = [good and d <= today for good, d in zip(ok, days, strict=True)]
        return days, ok

    def batch(cells: Sequence) -> tuple[list, list[int]]:
        if set(map(type, cells)) <= {str}:
            return batch_cells(cells, accept_text, (str,))
        return batch_cells(cells, accept, (dt.date, dt.datetime))

    return _with_batch(parse, batch)


def period(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if not match:
        raise ValueError(Msg(gettext_noop("{value} is not a period YYYY-MM"), value=repr(value)))
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(Msg(gettext_noop("month {month} is out of range 1–12"), month=month))
    return year, month


def boolean(value: str) -> bool:
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(
        Msg(gettext_noop("{value} is not yes/no (use 1/0, true/false or 是/否)"), value=repr(value))
    )


def one_of(choices, *, labels: dict[str, str] | None = None):
    allowed = {str(c): str(c) for c in choices}
    allowed.update(labels or {})

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(
                Msg(
                    gettext_noop("{value} is not one of: {choices}"),
                    value=repr(value),
                    choices=", ".join(sorted(set(allowed))),
                )
            )
        return allowed[value]

    def accept(cells: list) -> tuple[list, list[bool]]:
        texts = [c.strip() for c in cells]
        values = [allowed.get(t) if t else None for t in texts]
        return values, [v is not None for v in values]

    return _with_batch(parse, lambda cells: batch_cells(cells, accept, (str,)))


def code_uscc(value: str) -> str:
    code = value.strip().upper()
    ok, reason = uscc_validate(code)
    if not ok:
        raise ValueError(
            Msg(gettext_noop("{value}: {reason}"), value=repr(value), reason=Msg(USCC_REASONS[reason]))
        )
    return code


def _uscc_accept(cells: list) -> tuple[list, list[bool]]:
    codes = [c.strip().upper() for c in cells]
    ok, _ = uscc_validate_batch(codes)  # the same answers as validate, code for code
    return codes, [bool(good and code) for good, code in zip(ok.tolist(), codes, strict=True)]


code_uscc.batch = lambda cells: batch_cells(cells, _uscc_accept, (str,))
