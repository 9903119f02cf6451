"""`{% pii obj "field" %}`: a personal field masked, with the audited reveal button for a user
who may see the full value (kechuang.core.pii)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from kechuang.core.pii import masked, may_reveal, reveal_url_name

register = template.Library()


@register.inclusion_tag("core/pii_field.html", takes_context=True)
def pii(context, obj, field: str) -> dict:
    request = context.get("request")
    value = getattr(obj, field)
    user = getattr(request, "user", None)
    url = None
    if value and user is not None and user.is_authenticated and may_reveal(user, obj):
        url = reverse(reveal_url_name(type(obj), field), kwargs={"pk": obj.pk})
    return {
        "masked": masked(obj, field) if value else "—",
        "url": url,
        "dom_id": f"pii-{field}-{obj.pk}",
        "csrf_token": context.get("csrf_token"),
    }
