from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_safe

from enterprises.models import Enterprise
from org.models import Unit


@require_safe
@login_required
def unit_list(request):
    counts = dict(
        Enterprise.objects.for_user(request.user)
        .values_list("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    units = list(Unit.objects.for_user(request.user).select_related("parent"))
    for unit in units:
        unit.enterprise_count = counts.get(unit.pk)
    return render(request, "org/unit_list.html", {"units": units})
