"""Changing an enterprise file: direct edits by the district or the bureau; proposals by the
enterprise itself that apply once its district confirms (issue: "an enterprise user edits its
own file; the district confirms")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from enterprises.models import EditStatus, Enterprise, EnterpriseEdit, EnterpriseYear
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE, Role
from kechuang.core.scope import ensure_in_scope, scope_of

__all__ = [
    "FILE_FIELDS",
    "YEAR_FIELDS",
    "enterprise_edit_confirm",
    "enterprise_edit_propose",
    "enterprise_edit_reject",
    "enterprise_update",
]

# What a file edit may change; the code, name and unit are the district's and the bureau's.
FILE_FIELDS = ("address", "contact_name", "contact_phone", "industry", "ht_domain", "founded")
YEAR_FIELDS = (
    "employees",
    "st_staff",
    "revenue",
    "total_income",
    "total_cost",
    "total_assets",
    "net_assets",
    "rd_expense",
    "rd_domestic",
    "ht_income",
    "ip_class1",
    "ip_class2",
    "transformations",
)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _apply(enterprise: Enterprise, year: int | None, changes: dict) -> None:
    file_changes = {k: v for k, v in changes.items() if k in FILE_FIELDS}
    if file_changes:
        for k, v in file_changes.items():
            setattr(enterprise, k, dt.date.fromisoformat(v) if k == "founded" and isinstance(v, str) else v)
        enterprise.save()
    year_changes = {k: v for k, v in changes.items() if k in YEAR_FIELDS}
    if year is not None and year_changes:
        fy, _ = EnterpriseYear.objects.get_or_create(enterprise=enterprise, year=year)
        for k, v in year_changes.items():
            setattr(fy, k, None if v in (None, "") else Decimal(str(v)) if not isinstance(v, int) else v)
        fy.save()


def _only_allowed(changes: dict) -> dict:
    unknown = set(changes) - set(FILE_FIELDS) - set(YEAR_FIELDS)
    if unknown:  # field-level protection: unit, code, name, status are never set this way
        raise ValueError(f"these fields cannot be changed here: {', '.join(sorted(unknown))}")
    return {k: _jsonable(v) for k, v in changes.items()}


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, changes: dict, year: int | None = None) -> Enterprise:
    """A district or the bureau changes the file directly (audited field by field)."""
    changes = _only_allowed(changes)
    _apply(enterprise, year, changes)
    ensure_in_scope(enterprise, actor)
    return enterprise


@transaction.atomic
def enterprise_edit_propose(
    *, actor, enterprise: Enterprise, changes: dict, year: int | None = None
) -> EnterpriseEdit:
    changes = _only_allowed(changes)
    if not changes:
        raise ValueError("nothing changed")
    edit = EnterpriseEdit.objects.create(enterprise=enterprise, year=year, changes=changes, proposed_by=actor)
    ensure_in_scope(edit, actor)
    record_event(EventAction.WORKFLOW, actor=actor, obj=edit, message="file change proposed", data=changes)
    return edit


def _decide(actor, edit: EnterpriseEdit) -> None:
    scope = scope_of(actor)
    if edit.status != EditStatus.PENDING:
        raise ValueError("this change has been decided already")
    # The enterprise cannot confirm its own proposal; its district or the bureau does.
    if not (scope.sees_all(CHANGE) or Role.DISTRICT in scope.roles):
        raise PermissionError("only the district or the bureau decides")


@transaction.atomic
def enterprise_edit_confirm(*, actor, edit: EnterpriseEdit) -> EnterpriseEdit:
    _decide(actor, edit)
    _apply(edit.enterprise, edit.year, edit.changes)
    edit.status, edit.decided_by, edit.decided_at = EditStatus.CONFIRMED, actor, timezone.now()
    edit.save()
    ensure_in_scope(edit, actor)
    record_event(EventAction.WORKFLOW, actor=actor, obj=edit, message="file change confirmed")
    return edit


@transaction.atomic
def enterprise_edit_reject(*, actor, edit: EnterpriseEdit, reason: str) -> EnterpriseEdit:
    _decide(actor, edit)
    if not reason.strip():
        raise ValueError("give a reason")
    edit.status, edit.decided_by, edit.decided_at, edit.reason = (
        EditStatus.REJECTED,
        actor,
        timezone.now(),
        reason,
    )
    edit.save()
    ensure_in_scope(edit, actor)
    record_event(
        EventAction.WORKFLOW, actor=actor, obj=edit, message="file change returned", data={"reason": reason}
    )
    return edit
