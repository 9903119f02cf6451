"""How the outcome of one rule condition reads on a page (rules/hte.py gives pass, fail or unknown)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def condition(value: str | None) -> str:
    labels = {"pass": _("Met"), "fail": _("Not met"), "unknown": _("To be confirmed")}
    return labels.get(value or "unknown", value)
