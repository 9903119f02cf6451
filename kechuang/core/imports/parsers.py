"""Cell parsers for imports. Each takes the cell's text and returns a value or raises
ValueError with a message in plain words; the engine adds the row and column."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from kechuang.messages import Msg, gettext_noop
from rules.uscc import validate as uscc_validate

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


def _below(value, minimum) -> Msg:
    if minimum == 0:
        return Msg(gettext_noop("{value} is negative"), value=value)
    return Msg(gettext_noop("{value} is below {minimum}"), value=value, minimum=minimum)


def text(max_length: int = 200):
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(Msg(gettext_noop("longer than {n} characters"), n=max_length))
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

    return parse


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

    return parse


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

    return parse


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

    return parse


def code_uscc(value: str) -> str:
    code = value.strip().upper()
    ok, reason = uscc_validate(code)
    if not ok:
        raise ValueError(
            Msg(gettext_noop("{value}: {reason}"), value=repr(value), reason=Msg(USCC_REASONS[reason]))
        )
    return code
