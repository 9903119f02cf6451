from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from kechuang.core.api import ListPagination, year_query
from kechuang.core.scope import get_scoped_or_404
from plan.models import Indicator, Plan, Target
from plan.selectors import plan_tree

router = Router(tags=["plan"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    measure: str
    kind: str
    source: str
    reference: bool
    numerator: str | None = None
    denominator: str | None = None

    @staticmethod
    def resolve_numerator(obj):
        return obj.numerator.code if obj.numerator_id else None

    @staticmethod
    def resolve_denominator(obj):
        return obj.denominator.code if obj.denominator_id else None


class TargetOut(Schema):
    id: int
    year: int
    unit: str
    indicator: str
    value: Decimal | None
    value_max: Decimal | None
    growth: Decimal | None
    growth_pp: Decimal | None
    text: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code


class PlanOut(Schema):
    id: int
    code: str
    year: int
    title: str
    issuer: str


class DeadlineOut(Schema):
    text: str
    due: str


class ItemTargetOut(Schema):
    text: str
    indicator: str | None
    value: Decimal | None
    value_max: Decimal | None
    measure: str
    at_least: bool


class ItemOut(Schema):
    id: int
    number: int
    label: str
    text: str
    owner: str | None
    targets: list[ItemTargetOut]
    deadlines: list[DeadlineOut]


class TaskOut(Schema):
    id: int
    number: int
    label: str
    title: str
    owner: str | None
    items: list[ItemOut]


class PlanTreeOut(PlanOut):
    rules: dict
    targets: list[TargetOut]
    tasks: list[TaskOut]


@router.get("/plans", response=list[PlanOut], url_name="plan_list")
@paginate(ListPagination)
def plan_list(request):
    return Plan.objects.for_user(request.user)


@router.get("/plans/{int:plan_id}", response=PlanTreeOut, url_name="plan_detail")
def plan_detail(request, plan_id: int):
    plan = get_scoped_or_404(Plan, request.user, pk=plan_id)
    return plan_tree(plan, fetched_by=request.user).as_api()


@router.get("/indicators", response=list[IndicatorOut], url_name="indicator_list")
@paginate(ListPagination)
def indicator_list(request):
    return Indicator.objects.for_user(request.user).select_related("numerator", "denominator")


@router.get("/targets", response=list[TargetOut], url_name="target_list")
@paginate(ListPagination)
def target_list(
    request, year: int | None = year_query(), unit: str | None = None, indicator: str | None = None
):
    qs = Target.objects.for_user(request.user).select_related("unit", "indicator")
    if year is not None:
        qs = qs.filter(year=year)
    if unit:
        qs = qs.filter(unit__code=unit)
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    return qs
