"""Business actions on the transfer registries: `<entity>_<action>(*, actor, ...)`, each in one
transaction, checked by the rules of transfer/validation.py and re-checked against the actor's
scope after the write. Field changes are audited by django-auditlog; a contract's status step
(registered, refused) is also a workflow event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope
from transfer.models import (
    AwardApplication,
    AwardResult,
    ContractStatus,
    ProjectStatus,
    TechContract,
    Top10Nomination,
    Top10Status,
    TransferProject,
)
from transfer.selectors import can_edit, writable_units
from transfer.validation import (
    Problem,
    award_problems,
    contract_problems,
    project_problems,
    top10_problems,
)

__all__ = [
    "CONTRACT_FIELDS",
    "Invalid",
    "award_delete",
    "award_save",
    "contract_delete",
    "contract_save",
    "normalise_registration_no",
    "project_delete",
    "project_save",
    "top10_delete",
    "top10_save",
]

CONTRACT_FIELDS = (
    "status",
    "registration_no",
    "seller_uscc",
    "seller_name",
    "buyer_name",
    "title",
    "type",
    "sub_kind",
    "contract_value",
    "tech_value",
    "signed",
    "valid_until",
    "registered",
    "unit",
    "refusal_reason",
    "follow_up_owner",
    "follow_up_note",
    "note",
)


class Invalid(Exception):
    """The values break a rule; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _require_editor(actor) -> None:
    if not can_edit(actor):
        raise PermissionDenied("Only bureau and district staff keep this registry.")


def _scope_problems(actor, values: Mapping[str, Any]) -> list[Problem]:
    """A district files only for its own unit, and links only enterprises it can see."""
    out = []
    unit = values.get("unit")
    if unit is not None and not writable_units(actor).filter(pk=unit.pk).exists():
        out.append(Problem("unit", _("outside your data scope")))
    enterprise = values.get("enterprise")
    if enterprise is not None and not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
        out.append(Problem("enterprise", _("outside your data scope")))
    return out


def normalise_registration_no(value: str | None) -> str | None:
    value = "".join((value or "").split()).upper()
    return value or None


def _contract_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in CONTRACT_FIELDS if k in values}
    out["status"] = out.get("status") or ContractStatus.REGISTERED
    out["registration_no"] = normalise_registration_no(out.get("registration_no"))
    out["seller_uscc"] = (out.get("seller_uscc") or "").strip().upper()
    for text in (
        "seller_name",
        "buyer_name",
        "title",
        "sub_kind",
        "follow_up_owner",
        "follow_up_note",
        "note",
    ):
        out[text] = (out.get(text) or "").strip()
    if out["status"] != ContractStatus.NOT_REGISTERED:
        out["refusal_reason"] = ""
    out["refusal_reason"] = out.get("refusal_reason") or ""
    return out


@transaction.atomic
def contract_save(
    *, actor, values: Mapping[str, Any], contract: TechContract | None = None, request=None
) -> TechContract:
    """Create (contract None) or update a technology contract; on update, fields absent from
    `values` keep their value. The seller is linked to the enterprise registry when its code is
    known. Raises Invalid with every problem found."""
    _require_editor(actor)
    current = {name: getattr(contract, name) for name in CONTRACT_FIELDS} if contract else {}
    data = _contract_values({**current, **values})
    problems = contract_problems(data) + _scope_problems(actor, data)
    number = data["registration_no"]
    if number and (
        TechContract.objects.filter(registration_no=number)
        .exclude(pk=contract.pk if contract else None)
        .exists()
    ):
        problems.append(Problem("registration_no", _("this registration number is already registered")))
    if problems:
        raise Invalid(problems)
    # The form has already applied its values to `contract`; the status held is in the database.
    before = (
        TechContract.objects.filter(pk=contract.pk).values_list("status", flat=True).first()
        if contract
        else None
    )
    obj = contract or TechContract()
    for name, value in data.items():
        setattr(obj, name, value)
    obj.seller = Enterprise.objects.filter(uscc=data["seller_uscc"]).first() if data["seller_uscc"] else None
    obj.save()
    ensure_in_scope(obj, actor)
    if before != obj.status and obj.status != ContractStatus.SIGNED_UNREGISTERED:
        record_event(
            EventAction.WORKFLOW,
            actor=actor,
            request=request,
            obj=obj,
            message=f"contract {obj.get_status_display()}",
            data={"step": obj.status, "from": before, "registration_no": obj.registration_no},
        )
    return obj


@transaction.atomic
def contract_delete(*, actor, contract: TechContract) -> None:
    """Remove a contract entered by mistake (a duplicate); auditlog keeps what it held."""
    _require_editor(actor)
    ensure_in_scope(contract, actor)
    contract.delete()


def _save(model, check: Callable, fields: tuple[str, ...], *, actor, values, obj=None):
    _require_editor(actor)
    current = {name: getattr(obj, name) for name in fields} if obj else {}
    data = {k: v for k, v in {**current, **values}.items() if k in fields}
    for name, value in list(data.items()):
        if isinstance(value, str):
            data[name] = value.strip()
    problems = check(data) + _scope_problems(actor, data)
    if problems:
        raise Invalid(problems)
    obj = obj or model()
    for name, value in data.items():
        setattr(obj, name, "" if value is None and _is_text(model, name) else value)
    obj.save()
    ensure_in_scope(obj, actor)
    return obj


def _is_text(model, name: str) -> bool:
    field = model._meta.get_field(name)
    return field.get_internal_type() in ("CharField", "TextField")


def _delete(*, actor, obj) -> None:
    _require_editor(actor)
    ensure_in_scope(obj, actor)
    obj.delete()


PROJECT_FIELDS = (
    "unit",
    "title",
    "applicant_name",
    "enterprise",
    "partner",
    "industry",
    "level",
    "applied_on",
    "status",
    "decided_on",
    "funding",
    "note",
)
AWARD_FIELDS = (
    "unit",
    "title",
    "lead_org",
    "enterprise",
    "category",
    "year",
    "applied_on",
    "result",
    "grade",
    "result_on",
    "note",
)
TOP10_FIELDS = (
    "unit",
    "title",
    "holder",
    "enterprise",
    "year",
    "nominated_on",
    "status",
    "selected_on",
    "note",
)


@transaction.atomic
def project_save(*, actor, values, project: TransferProject | None = None) -> TransferProject:
    values = {**values, "status": values.get("status") or ProjectStatus.APPLIED}
    return _save(TransferProject, project_problems, PROJECT_FIELDS, actor=actor, values=values, obj=project)


@transaction.atomic
def project_delete(*, actor, project: TransferProject) -> None:
    _delete(actor=actor, obj=project)


@transaction.atomic
def award_save(*, actor, values, award: AwardApplication | None = None) -> AwardApplication:
    values = {**values, "result": values.get("result") or AwardResult.PENDING}
    return _save(AwardApplication, award_problems, AWARD_FIELDS, actor=actor, values=values, obj=award)


@transaction.atomic
def award_delete(*, actor, award: AwardApplication) -> None:
    _delete(actor=actor, obj=award)


@transaction.atomic
def top10_save(*, actor, values, nomination: Top10Nomination | None = None) -> Top10Nomination:
    values = {**values, "status": values.get("status") or Top10Status.NOMINATED}
    return _save(Top10Nomination, top10_problems, TOP10_FIELDS, actor=actor, values=values, obj=nomination)


@transaction.atomic
def top10_delete(*, actor, nomination: Top10Nomination) -> None:
    _delete(actor=actor, obj=nomination)
