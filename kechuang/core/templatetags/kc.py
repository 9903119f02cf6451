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
    """A fraction as a percentage: 0.065 -> 6.5%."""
    if value is None or value == "":
        return "—"
    try:
        return _plain(Decimal(str(value)) * 100) + "%"
    except InvalidOperation:
        return str(value)
