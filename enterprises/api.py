from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from enterprises.models import Enterprise
from kechuang.core.api import ListPagination
from kechuang.core.scope import get_scoped_or_404

PREFIX = "/enterprises"
router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    unit: str
    industry: str
    ht_domain: str
    founded: str | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_founded(obj) -> str | None:
        return obj.founded.isoformat() if obj.founded else None


class YearOut(Schema):
    year: int
    employees: int | None
    st_staff: int | None
    revenue: Decimal | None
    total_assets: Decimal | None
    rd_expense: Decimal | None
    total_cost: Decimal | None
    ip_class1: int | None
    ip_class2: int | None


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    years: list[YearOut]

    @staticmethod
    def resolve_years(obj):
        return list(obj.years.all())


@router.get("", response=list[EnterpriseOut], url_name="enterprise_list")
@paginate(ListPagination)
def enterprise_list(request, unit: str | None = None, ht_domain: str | None = None, q: str | None = None):
    qs = Enterprise.objects.for_user(request.user).select_related("unit").order_by("id")
    if unit:
        qs = qs.filter(unit__code=unit)
    if ht_domain:
        qs = qs.filter(ht_domain=ht_domain)
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(uscc=q.upper())
    return qs


@router.get("/{int:enterprise_id}", response=EnterpriseDetailOut, url_name="enterprise_detail")
def enterprise_detail(request, enterprise_id: int):
    qs = Enterprise.objects.select_related("unit").prefetch_related("years")
    return get_scoped_or_404(qs, request.user, pk=enterprise_id)
