from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from enterprises.models import Enterprise, HtDomain
from kechuang.core.scope import get_scoped_or_404
from org.models import Unit


@require_safe
@login_required
def enterprise_list(request):
    qs = Enterprise.objects.for_user(request.user).select_related("unit")
    unit, domain, q = (
        request.GET.get("unit", ""),
        request.GET.get("ht_domain", ""),
        request.GET.get("q", "").strip(),
    )
    if unit:
        qs = qs.filter(unit__code=unit)
    if domain:
        qs = qs.filter(ht_domain=domain)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc=q.upper()))
    page = Paginator(qs.order_by("unit__order", "name", "id"), 50).get_page(request.GET.get("page"))
    units = Unit.objects.for_user(request.user).filter(
        pk__in=Enterprise.objects.for_user(request.user).values("unit")
    )
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "page": page,
            "units": units,
            "domains": HtDomain.choices,
            "filters": {"unit": unit, "ht_domain": domain, "q": q},
        },
    )


@require_safe
@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_scoped_or_404(Enterprise.objects.select_related("unit"), request.user, pk=pk)
    years = enterprise.years.order_by("year")
    return render(request, "enterprises/enterprise_detail.html", {"enterprise": enterprise, "years": years})


urlpatterns = [
    path("enterprises/", enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise_detail"),
]
