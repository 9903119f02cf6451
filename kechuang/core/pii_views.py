"""The generic reveal page of a personal field (kechuang.core.pii): POST only, never cached."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kechuang.core.pii import masked, pii_reveal
from kechuang.core.scope import get_scoped_or_404


@never_cache
@require_POST
@login_required
def pii_reveal_view(request, pk: int, *, model: str, field: str):
    """The full value, once, for a user allowed to see it (else 404, as for a foreign or missing
    record); the reveal is audited. htmx swaps the value in place; without it, a small page."""
    obj = get_scoped_or_404(apps.get_model(model), request.user, pk=pk)
    value = pii_reveal(actor=request.user, obj=obj, field=field, request=request)
    context = {
        "value": value,
        "masked": masked(obj, field),
        "label": obj._meta.get_field(field).verbose_name,
        "object": obj,
        "back": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None,
    }
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request, "core/pii_revealed_fragment.html" if fragment else "core/pii_revealed.html", context
    )
