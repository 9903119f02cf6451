"""Talent API: people (ID numbers masked), the expert pool, PhD projects, school–enterprise
agreements and commissioner assignments, each in the caller's scope; the full ID number only
through the audited reveal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from kechuang.core.api import ListPagination, year_query
from kechuang.core.scope import get_scoped_or_404
from rules import idnumber
from talent import services
from talent.models import Assignment, Person, PhdProject, SchoolEnterpriseAgreement

PREFIX = "/talent"
router = Router(tags=["talent"])


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    unit: str
    organisation: str
    title: str
    field: str
    education: str
    is_expert: bool
    categories: list[str]

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.masked_id

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_categories(obj) -> list[str]:
        return sorted({d.category for d in obj.designations.all()})


class DesignationOut(Schema):
    category: str
    designated_on: dt.date
    team: str
    reference: str


class ConflictOut(Schema):
    organisation: str
    uscc: str
    reason: str
    declared_on: dt.date


class PersonDetailOut(PersonOut):
    home_district: str | None
    expert_tags: list[str]
    max_load: int
    user: str | None
    designations: list[DesignationOut]
    conflicts: list[ConflictOut]

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_designations(obj):
        return list(obj.designations.all())

    @staticmethod
    def resolve_conflicts(obj):
        return list(obj.conflicts.all())


class ExpertOut(Schema):
    """One expert of the pool, as review assignment needs it (CONTRACTS.md "Reviewer assignment":
    id, org, fields, max_load; conflicts)."""

    id: int
    name: str
    org: str
    title: str
    fields: list[str]
    max_load: int
    user: str | None
    conflicts: list[ConflictOut]

    @staticmethod
    def resolve_org(obj) -> str:
        return obj.organisation

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return list(obj.expert_tags or [])

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_conflicts(obj):
        return list(obj.conflicts.all())


class RevealOut(Schema):
    id_number: str


class PhdProjectOut(Schema):
    id: int
    title: str
    person: int
    person_name: str
    unit: str
    enterprise: int | None
    partner: str
    approved_on: dt.date
    funding: Decimal | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str

    @staticmethod
    def resolve_person(obj) -> int:
        return obj.person_id

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_enterprise(obj) -> int | None:
        return obj.enterprise_id

    @staticmethod
    def resolve_partner(obj) -> str:
        return obj.enterprise.name if obj.enterprise_id else obj.partner


class PhdProjectDetailOut(PhdProjectOut):
    summary: str


class AgreementOut(Schema):
    id: int
    school: str
    enterprise: int | None
    enterprise_name: str
    unit: str
    signed_on: dt.date
    expires_on: dt.date | None
    status: str

    @staticmethod
    def resolve_enterprise(obj) -> int | None:
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.partner_name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class AgreementDetailOut(AgreementOut):
    content: str


class AssignmentOut(Schema):
    id: int
    person: int
    person_name: str
    year: int
    level: str
    selected_on: dt.date
    unit: str
    place_kind: str
    place: str
    enterprise: int | None
    service_start: dt.date
    service_end: dt.date

    @staticmethod
    def resolve_person(obj) -> int:
        return obj.person_id

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_enterprise(obj) -> int | None:
        return obj.enterprise_id


class LogOut(Schema):
    id: int
    served_on: dt.date
    place: str
    content: str
    people_trained: int


class AssignmentDetailOut(AssignmentOut):
    tasks: str
    logs: list[LogOut]

    @staticmethod
    def resolve_logs(obj):
        return list(obj.logs.all())


# People --------------------------------------------------------------------------------------


@router.get("/people", response=list[PersonOut], url_name="talent_person_list")
@paginate(ListPagination)
def person_list(
    request,
    unit: str | None = None,
    category: str | None = None,
    is_expert: bool | None = None,
    q: str | None = None,
):
    qs = Person.objects.for_user(request.user).select_related("unit").prefetch_related("designations")
    if unit:
        qs = qs.filter(unit__code=unit)
    if category:
        qs = qs.filter(designations__category=category).distinct()
    if is_expert is not None:
        qs = qs.filter(is_expert=is_expert)
    if q:
        # The ID number matches only whole (a substring search would let one probe its digits).
        qs = qs.filter(name__contains=q) | qs.filter(id_number=idnumber.normalise(q))
    return qs.order_by("id")


@router.get("/people/{int:person_id}", response=PersonDetailOut, url_name="talent_person_detail")
def person_detail(request, person_id: int):
    qs = Person.objects.select_related("unit", "user").prefetch_related("designations", "conflicts")
    return get_scoped_or_404(qs, request.user, pk=person_id)


@router.post("/people/{int:person_id}/reveal", response=RevealOut, url_name="talent_person_reveal")
def person_reveal(request, person_id: int):
    """The full ID number, for the bureau and the record's district; recorded in the audit
    trail. Anyone else gets 404, as for a missing person."""
    return {"id_number": services.person_reveal_id(actor=request.user, person_id=person_id, request=request)}


@router.get("/experts", response=list[ExpertOut], url_name="talent_expert_list")
@paginate(ListPagination)
def expert_list(request, field: str | None = None):
    """The expert pool (people with `is_expert`), for review assignment."""
    qs = (
        Person.objects.for_user(request.user)
        .filter(is_expert=True)
        .select_related("user")
        .prefetch_related("conflicts")
        .order_by("id")
    )
    if field:
        qs = qs.filter(expert_tags__icontains=field)
    return qs


# PhD projects and school–enterprise agreements -------------------------------------------


@router.get("/phd-projects", response=list[PhdProjectOut], url_name="talent_phd_project_list")
@paginate(ListPagination)
def phd_project_list(request, unit: str | None = None, year: int | None = year_query()):
    qs = PhdProject.objects.for_user(request.user).select_related("unit", "person", "enterprise")
    if unit:
        qs = qs.filter(unit__code=unit)
    if year:
        qs = qs.filter(approved_on__year=year)
    return qs.order_by("id")


@router.get(
    "/phd-projects/{int:project_id}", response=PhdProjectDetailOut, url_name="talent_phd_project_detail"
)
def phd_project_detail(request, project_id: int):
    qs = PhdProject.objects.select_related("unit", "person", "enterprise")
    return get_scoped_or_404(qs, request.user, pk=project_id)


@router.get("/school-enterprise", response=list[AgreementOut], url_name="talent_agreement_list")
@paginate(ListPagination)
def agreement_list(request, unit: str | None = None, year: int | None = year_query()):
    qs = SchoolEnterpriseAgreement.objects.for_user(request.user).select_related("unit", "enterprise")
    if unit:
        qs = qs.filter(unit__code=unit)
    if year:
        qs = qs.filter(signed_on__year=year)
    return qs.order_by("id")


@router.get(
    "/school-enterprise/{int:agreement_id}", response=AgreementDetailOut, url_name="talent_agreement_detail"
)
def agreement_detail(request, agreement_id: int):
    qs = SchoolEnterpriseAgreement.objects.select_related("unit", "enterprise")
    return get_scoped_or_404(qs, request.user, pk=agreement_id)


# Commissioners ----------------------------------------------------------------------------


@router.get("/commissioners", response=list[AssignmentOut], url_name="talent_assignment_list")
@paginate(ListPagination)
def assignment_list(
    request, unit: str | None = None, year: int | None = year_query(), level: str | None = None
):
    qs = Assignment.objects.for_user(request.user).select_related("unit", "person")
    if unit:
        qs = qs.filter(unit__code=unit)
    if year:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("id")


@router.get(
    "/commissioners/{int:assignment_id}", response=AssignmentDetailOut, url_name="talent_assignment_detail"
)
def assignment_detail(request, assignment_id: int):
    qs = Assignment.objects.select_related("unit", "person").prefetch_related("logs")
    return get_scoped_or_404(qs, request.user, pk=assignment_id)
