"""Business actions on the talent registries. Each is one transaction; each saves through
`save_in_scope`, so a row can never be filed for, or moved into, a unit outside the actor's scope.
Field changes are audited by django-auditlog; the reveal of a full ID number is an explicit
audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.core.pii import REVEAL, pii_reveal
from kechuang.core.roles import Role
from kechuang.core.scope import get_scoped_or_404, scope_of
from rules import idnumber
from talent.crud import save_in_scope
from talent.models import (
    Assignment,
    DeclaredConflict,
    Designation,
    Person,
    PhdProject,
    SchoolEnterpriseAgreement,
    ServiceLog,
)

__all__ = [
    "REVEAL",
    "agreement_create",
    "agreement_update",
    "assignment_create",
    "assignment_update",
    "can_reveal",
    "conflict_declare",
    "designation_add",
    "person_create",
    "person_reveal_id",
    "person_update",
    "phd_project_create",
    "phd_project_update",
    "service_log_file",
]


def _person_data(actor, person: Person, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "id_number" in data:
        data["id_number"] = idnumber.normalise(data["id_number"])
    if "user" in data and data["user"] != person.user:
        # Accounts span units, so only the bureau links them; the account must hold the expert
        # role, the one role without a unit that sees only what is assigned to it.
        if not scope_of(actor).sees_all("change"):
            raise PermissionDenied(_("Only the bureau links accounts."))
        user = data["user"]
        if user is not None and not user.grants.filter(role=Role.EXPERT).exists():
            raise ValidationError({"user": _("The account must have the expert role.")})
    return data


@transaction.atomic
def person_create(*, actor, data: dict[str, Any], designation: dict[str, Any] | None = None) -> Person:
    """A new person; with `designation` ({category, designated_on, ...}) their first one."""
    person = Person()
    person = save_in_scope(person, actor=actor, data=_person_data(actor, person, data))
    if designation and designation.get("category"):
        designation_add(actor=actor, person=person, data=designation)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict[str, Any]) -> Person:
    """Change a person's fields; `user` (the linked account) only by the bureau."""
    return save_in_scope(person, actor=actor, data=_person_data(actor, person, data))


def can_reveal(user, person: Person) -> bool:
    """The bureau (admin, staff) and the district that keeps the record. Not the leader, who
    reads dashboards and writes nothing, nor the person's own account, an expert or an
    enterprise: personal data is shown to as few as need it (security.md #28)."""
    scope = scope_of(user)
    if scope.sees_all("change"):
        return True
    return person.unit_id in scope.unit_ids and not scope.read_only


@transaction.atomic
def person_reveal_id(*, actor, person_id: int, request=None) -> str:
    """The full ID number, for a user allowed to see it; every reveal is an audit event (the
    number itself is never written to the log)."""
    person = get_scoped_or_404(Person.objects.select_related("unit"), actor, pk=person_id)
    # kechuang.core.pii checks `can_reveal` (registered for Person in apps.py) and writes the
    # audit event; to anyone else the action does not exist (404, as for a foreign person).
    return pii_reveal(actor=actor, obj=person, field="id_number", request=request)


@transaction.atomic
def designation_add(*, actor, person: Person, data: dict[str, Any]) -> Designation:
    return save_in_scope(Designation(person=person), actor=actor, data=data)


@transaction.atomic
def conflict_declare(*, actor, person: Person, data: dict[str, Any]) -> DeclaredConflict:
    data = {"declared_on": dt.date.today(), **{k: v for k, v in data.items() if v is not None}}
    return save_in_scope(DeclaredConflict(person=person), actor=actor, data=data)


@transaction.atomic
def phd_project_create(*, actor, data: dict[str, Any]) -> PhdProject:
    return save_in_scope(PhdProject(), actor=actor, data=data)


@transaction.atomic
def phd_project_update(*, actor, project: PhdProject, data: dict[str, Any]) -> PhdProject:
    return save_in_scope(project, actor=actor, data=data)


@transaction.atomic
def agreement_create(*, actor, data: dict[str, Any]) -> SchoolEnterpriseAgreement:
    return save_in_scope(SchoolEnterpriseAgreement(), actor=actor, data=data)


@transaction.atomic
def agreement_update(
    *, actor, agreement: SchoolEnterpriseAgreement, data: dict[str, Any]
) -> SchoolEnterpriseAgreement:
    return save_in_scope(agreement, actor=actor, data=data)


@transaction.atomic
def assignment_create(*, actor, data: dict[str, Any]) -> Assignment:
    return save_in_scope(Assignment(), actor=actor, data=data)


@transaction.atomic
def assignment_update(*, actor, assignment: Assignment, data: dict[str, Any]) -> Assignment:
    return save_in_scope(assignment, actor=actor, data=data)


@transaction.atomic
def service_log_file(*, actor, assignment: Assignment, data: dict[str, Any]) -> ServiceLog:
    """A commissioner (or their district) files one day of service."""
    return save_in_scope(ServiceLog(assignment=assignment, filed_by=actor), actor=actor, data=data)
