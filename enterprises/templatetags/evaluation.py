"""How the outcome of one rule condition reads on a page (rules/hte.py gives pass, fail or unknown)."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def condition(value: str | None) -> str:
    # A context keeps these apart from other apps' "Met" (the first catalogue holding a msgid wins).
    labels = {
        "pass": pgettext("rule condition", "Met"),
        "fail": pgettext("rule condition", "Not met"),
        "unknown": pgettext("rule condition", "To be confirmed"),
    }
    return labels.get(value or "unknown", value)
