"""Platforms API: innovation platforms, cooperation agreements with their projects, investment
attracted and the high-tech-zone application checklist, each in the caller's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from kechuang.core.api import ListPagination, year_query
from kechuang.core.scope import get_scoped_or_404
from platforms.models import CooperationAgreement, Investment, Platform, ZoneChecklistItem

PREFIX = "/platforms"
router = Router(tags=["platforms"])


def _code(unit) -> str | None:
    return unit.code if unit is not None else None


class PlatformOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    unit: str
    host: str
    host_enterprise: int | None
    status: str
    approved_on: dt.date | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_host_enterprise(obj) -> int | None:
        return obj.host_enterprise_id


class EvaluationOut(Schema):
    year: int
    result: str
    evaluated_on: dt.date | None
    note: str


class PlatformDetailOut(PlatformOut):
    field: str
    partners: list[str]
    approval_document: str
    description: str
    evaluations: list[EvaluationOut]

    @staticmethod
    def resolve_partners(obj) -> list[str]:
        return obj.partner_list

    @staticmethod
    def resolve_evaluations(obj):
        return list(obj.evaluations.all())


class PlatformAgreementOut(Schema):
    id: int
    title: str
    partner: str
    partner_kind: str
    programme: str
    unit: str
    signed_on: dt.date
    expires_on: dt.date | None
    status: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class CooperationProjectOut(Schema):
    id: int
    title: str
    enterprise: int | None
    undertaker: str
    started_on: dt.date | None
    funding: Decimal | None
    status: str

    @staticmethod
    def resolve_enterprise(obj) -> int | None:
        return obj.enterprise_id

    @staticmethod
    def resolve_undertaker(obj) -> str:
        return obj.enterprise.name if obj.enterprise_id else obj.undertaker


class PlatformAgreementDetailOut(PlatformAgreementOut):
    content: str
    projects: list[CooperationProjectOut]

    @staticmethod
    def resolve_projects(obj):
        return list(obj.projects.all())


class InvestmentOut(Schema):
    id: int
    project: str
    amount: Decimal
    received_on: dt.date
    unit: str
    investor: str
    enterprise: int | None
    chain: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_enterprise(obj) -> int | None:
        return obj.enterprise_id


class InvestmentDetailOut(InvestmentOut):
    note: str


class ChecklistItemOut(Schema):
    id: int
    order: int
    category: str
    title: str
    owner: str
    unit: str | None
    deadline: dt.date | None
    status: str
    done_on: dt.date | None

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return _code(obj.unit)


class ChecklistItemDetailOut(ChecklistItemOut):
    progress: str


@router.get("", response=list[PlatformOut], url_name="platforms_platform_list")
@paginate(ListPagination)
def platform_list(
    request,
    unit: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    year: int | None = year_query(),
):
    qs = Platform.objects.for_user(request.user).select_related("unit", "host_enterprise")
    if unit:
        qs = qs.filter(unit__code=unit)
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(approved_on__year=year)
    return qs.order_by("id")


@router.get("/{int:platform_id}", response=PlatformDetailOut, url_name="platforms_platform_detail")
def platform_detail(request, platform_id: int):
    qs = Platform.objects.select_related("unit", "host_enterprise").prefetch_related("evaluations")
    return get_scoped_or_404(qs, request.user, pk=platform_id)


@router.get("/cooperation", response=list[PlatformAgreementOut], url_name="platforms_agreement_list")
@paginate(ListPagination)
def agreement_list(
    request, unit: str | None = None, programme: str | None = None, year: int | None = year_query()
):
    qs = CooperationAgreement.objects.for_user(request.user).select_related("unit")
    if unit:
        qs = qs.filter(unit__code=unit)
    if programme:
        qs = qs.filter(programme=programme)
    if year:
        qs = qs.filter(signed_on__year=year)
    return qs.order_by("id")


@router.get(
    "/cooperation/{int:agreement_id}",
    response=PlatformAgreementDetailOut,
    url_name="platforms_agreement_detail",
)
def agreement_detail(request, agreement_id: int):
    qs = CooperationAgreement.objects.select_related("unit").prefetch_related("projects__enterprise")
    return get_scoped_or_404(qs, request.user, pk=agreement_id)


@router.get("/investment", response=list[InvestmentOut], url_name="platforms_investment_list")
@paginate(ListPagination)
def investment_list(request, unit: str | None = None, year: int | None = year_query()):
    qs = Investment.objects.for_user(request.user).select_related("unit")
    if unit:
        qs = qs.filter(unit__code=unit)
    if year:
        qs = qs.filter(received_on__year=year)
    return qs.order_by("id")


@router.get(
    "/investment/{int:investment_id}", response=InvestmentDetailOut, url_name="platforms_investment_detail"
)
def investment_detail(request, investment_id: int):
    return get_scoped_or_404(Investment.objects.select_related("unit"), request.user, pk=investment_id)


@router.get("/zone-application", response=list[ChecklistItemOut], url_name="platforms_checklist_list")
@paginate(ListPagination)
def checklist_list(request, status: str | None = None):
    qs = ZoneChecklistItem.objects.for_user(request.user).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("order", "id")


@router.get(
    "/zone-application/{int:item_id}", response=ChecklistItemDetailOut, url_name="platforms_checklist_detail"
)
def checklist_detail(request, item_id: int):
    return get_scoped_or_404(ZoneChecklistItem.objects.select_related("unit"), request.user, pk=item_id)
