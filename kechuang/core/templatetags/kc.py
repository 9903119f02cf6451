"""Number formatting for pages: plain decimals without trailing zeros, fractions as percents."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


@register.filter
def num(value) -> str:
    """316.0000 -> 316, 8.6200 -> 8.62; None -> —."""
    if value is None or value == "":
        return "—"
    try:
        return _plain(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def pct(value) -> str:
    """A fraction as a percentage to at most two decimals: 0.065 -> 6.5%; a float's noise goes
    (-0.09999999999999998 -> -10%)."""
    if value is None or value == "":
        return "—"
    try:
        return _plain((Decimal(str(value)) * 100).quantize(Decimal("0.01"))) + "%"
    except InvalidOperation:
        return str(value)
