"""Scope-walk entries for the talent app: a person, their designation and declared conflict, a
PhD project, a school–enterprise agreement and a commissioner assignment with a service log, all
kept by 万山区 (520603)."""

from __future__ import annotations

import datetime as dt

from talent.models import (
    Assignment,
    DeclaredConflict,
    Designation,
    Person,
    PhdProject,
    PlaceKind,
    SchoolEnterpriseAgreement,
    ServiceLog,
)


def foreign(world) -> dict:
    unit = world["units"]["520603"]
    ent = world["enterprises"]["wanshan"]
    person = Person.objects.create(
        name="万山人才", id_number="52223019780312001X", unit=unit, is_expert=True, expert_tags=["锰"]
    )
    Designation.objects.create(person=person, category="social", designated_on=dt.date(2023, 5, 1))
    DeclaredConflict.objects.create(person=person, organisation=ent.name, declared_on=dt.date(2023, 5, 1))
    project = PhdProject.objects.create(
        title="万山博士项目", person=person, unit=unit, enterprise=ent, approved_on=dt.date(2023, 5, 1)
    )
    agreement = SchoolEnterpriseAgreement.objects.create(
        school="铜仁学院", unit=unit, enterprise=ent, signed_on=dt.date(2023, 5, 1)
    )
    assignment = Assignment.objects.create(
        person=person,
        year=2023,
        selected_on=dt.date(2023, 3, 1),
        unit=unit,
        place_kind=PlaceKind.ENTERPRISE,
        place=ent.name,
        enterprise=ent,
        service_start=dt.date(2023, 4, 1),
        service_end=dt.date(2024, 3, 31),
    )
    ServiceLog.objects.create(
        assignment=assignment, served_on=dt.date(2023, 5, 2), place="万山", content="培训", people_trained=5
    )
    return {
        "talent_person": person,
        "talent_project": project,
        "talent_agreement": agreement,
        "talent_assignment": assignment,
    }


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    "talent_person_detail": _pk("talent_person"),
    "talent_person_edit": _pk("talent_person"),
    "talent_person_reveal": _pk("talent_person"),
    "talent_designation_add": _pk("talent_person"),
    "talent_conflict_declare": _pk("talent_person"),
    "talent_phd_project_detail": _pk("talent_project"),
    "talent_phd_project_edit": _pk("talent_project"),
    "talent_agreement_detail": _pk("talent_agreement"),
    "talent_agreement_edit": _pk("talent_agreement"),
    "talent_assignment_detail": _pk("talent_assignment"),
    "talent_assignment_edit": _pk("talent_assignment"),
    "talent_service_log_new": _pk("talent_assignment"),
    "api:talent_person_detail": lambda w: {"person_id": w["talent_person"].pk},
    "api:talent_person_reveal": lambda w: {"person_id": w["talent_person"].pk},
    "api:talent_phd_project_detail": lambda w: {"project_id": w["talent_project"].pk},
    "api:talent_agreement_detail": lambda w: {"agreement_id": w["talent_agreement"].pk},
    "api:talent_assignment_detail": lambda w: {"assignment_id": w["talent_assignment"].pk},
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    person = world["talent_person"]
    return [
        Person.objects.filter(pk=person.pk),
        Designation.objects.filter(person=person),
        DeclaredConflict.objects.filter(person=person),
        PhdProject.objects.filter(pk=world["talent_project"].pk),
        SchoolEnterpriseAgreement.objects.filter(pk=world["talent_agreement"].pk),
        Assignment.objects.filter(pk=world["talent_assignment"].pk),
        ServiceLog.objects.filter(assignment=world["talent_assignment"]),
    ]
