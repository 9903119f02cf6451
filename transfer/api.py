"""`/api/v1/contracts`: the technology contract registry (CONTRACTS.md "Commands and endpoints").

Lists are `{"items": [...], "count": N}`; a contract outside the caller's scope is a 404 on every
method. Writes take the same rules as the form and the import (transfer/validation.py); a rule
broken is a 422 naming the field. An update's body schema takes any subset of the fields, so the
scope is checked before the body's content counts: a foreign id answers exactly as a missing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ValidationError

from kechuang.core.api import ListPagination, year_query
from kechuang.core.concurrency import expect_version
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from org.models import Unit
from transfer.models import ContractStatus, TechContract
from transfer.selectors import ContractFilter, can_edit, contract_list, type_value
from transfer.services import Invalid, contract_delete, contract_save

PREFIX = "/contracts"
router = Router(tags=["contracts"])


class ContractOut(Schema):
    id: int
    registration_no: str | None
    status: str
    unit: str
    seller_uscc: str
    seller_name: str
    seller_id: int | None
    buyer_name: str
    type: str
    sub_kind: str
    contract_value: Decimal
    tech_value: Decimal
    signed: dt.date
    registered: dt.date | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class ContractDetailOut(ContractOut):
    title: str
    valid_until: dt.date | None
    refusal_reason: str
    follow_up_owner: str
    follow_up_note: str
    note: str
    created: dt.datetime
    updated: dt.datetime
    version: int


class ContractIn(Schema):
    """A contract as filed: `unit` is the unit's code; money in 万元. `status` defaults to
    `registered`; `signed_unregistered` files a follow-up item (no number or registration date),
    `not_registered` a refused one (with `refusal_reason`)."""

    status: str = ContractStatus.REGISTERED
    registration_no: str | None = None
    seller_uscc: str = ""
    seller_name: str
    buyer_name: str
    title: str = ""
    type: str
    sub_kind: str = ""
    contract_value: Decimal
    tech_value: Decimal
    signed: dt.date
    valid_until: dt.date | None = None
    registered: dt.date | None = None
    unit: str
    refusal_reason: str = ""
    follow_up_owner: str = ""
    follow_up_note: str = ""
    note: str = ""


class ContractPatch(Schema):
    """Any subset of ContractIn's fields (PATCH); a PUT gives them all."""

    status: str | None = None
    registration_no: str | None = None
    seller_uscc: str | None = None
    seller_name: str | None = None
    buyer_name: str | None = None
    title: str | None = None
    type: str | None = None
    sub_kind: str | None = None
    contract_value: Decimal | None = None
    tech_value: Decimal | None = None
    signed: dt.date | None = None
    valid_until: dt.date | None = None
    registered: dt.date | None = None
    unit: str | None = None
    refusal_reason: str | None = None
    follow_up_owner: str | None = None
    follow_up_note: str | None = None
    note: str | None = None
    version: int | None = None  # the version read; a stale one is a 409 (or send If-Match)


class ProblemOut(Schema):
    loc: list[str]
    msg: str


class ProblemsOut(Schema):
    detail: list[ProblemOut]


class MessageOut(Schema):
    detail: str


def _problems(problems) -> dict[str, Any]:
    return {"detail": [{"loc": ["body", p.field], "msg": str(p.message)} for p in problems]}


def _values(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict]]:
    """The service's values from the body: the unit code becomes the unit, a type may be given by
    its English key."""
    errors = []
    if "unit" in data:
        unit = Unit.objects.filter(code=data["unit"]).first()
        if unit is None:
            errors.append(
                {"loc": ["body", "unit"], "msg": _("unknown unit %(code)r") % {"code": data["unit"]}}
            )
        data["unit"] = unit
    if data.get("type"):
        data["type"] = type_value(data["type"]) or data["type"]
    return data, errors


def _save(request, data: dict[str, Any], contract: TechContract | None):
    data, errors = _values(data)
    if errors:
        return Status(422, {"detail": errors})
    try:
        saved = contract_save(actor=request.user, values=data, contract=contract, request=request)
    except Invalid as exc:
        return Status(422, _problems(exc.problems))
    return Status(200 if contract else 201, TechContract.objects.select_related("unit").get(pk=saved.pk))


@router.get("", response=list[ContractOut], url_name="contract_list")
@paginate(ListPagination)
def contract_list_api(
    request,
    unit: str | None = None,
    type: str | None = None,  # the column's name in CONTRACTS.md
    status: str | None = None,
    year: int | None = year_query(),
    month: int | None = None,
    q: str | None = None,
):
    """Contracts in the caller's scope, filtered by unit code, type (技术开发 … or development …),
    status, and the year and month of the registration date (the month a contract counts in)."""
    if month is not None and not 1 <= month <= 12:
        raise HttpError(422, _("month must be 1–12"))
    if (type and type_value(type) is None) or (status and status not in ContractStatus.values):
        return TechContract.objects.none()
    filters = ContractFilter(
        unit=unit or "", type=type_value(type) or "", status=status or "", year=year, month=month, q=q or ""
    )
    return contract_list(fetched_by=request.user, filters=filters).order_by("id")


@router.get("/{int:contract_id}", response=ContractDetailOut, url_name="contract_detail")
def contract_detail_api(request, contract_id: int):
    return get_scoped_or_404(TechContract.objects.select_related("unit"), request.user, pk=contract_id)


@router.post(
    "", response={201: ContractDetailOut, 403: MessageOut, 422: ProblemsOut}, url_name="contract_create"
)
def contract_create_api(request, payload: ContractIn):
    if not can_edit(request.user):
        return Status(403, {"detail": _("Only bureau and district staff keep this registry.")})
    return _save(request, payload.dict(), None)


@router.api_operation(
    ["PUT", "PATCH"],
    "/{int:contract_id}",
    response={200: ContractDetailOut, 403: MessageOut, 409: MessageOut, 422: ProblemsOut, 428: MessageOut},
    url_name="contract_update",
)
def contract_update_api(request, contract_id: int, payload: ContractPatch):
    """PUT replaces the contract (every required field of ContractIn), PATCH changes the fields
    given. The contract must be in the caller's scope (else 404) before the body counts. The
    version read (If-Match: the ETag of the GET, or `version` in the body) is required: without
    it 428, stale 409."""
    contract = get_scoped_or_404(
        TechContract.objects.select_related("unit"), request.user, CHANGE, pk=contract_id
    )
    if not can_edit(request.user):
        return Status(403, {"detail": _("Only bureau and district staff keep this registry.")})
    given = payload.dict(exclude_unset=True)
    expect_version(request, contract, given.pop("version", None), required=True)
    if request.method == "PUT":
        try:
            given = ContractIn(**given).dict()
        except ValidationError as exc:
            detail = [{"loc": ["body", *map(str, e["loc"])], "msg": e["msg"]} for e in exc.errors()]
            return Status(422, {"detail": detail})
    return _save(request, given, contract)


@router.delete("/{int:contract_id}", response={204: None, 403: MessageOut}, url_name="contract_delete")
def contract_delete_api(request, contract_id: int):
    contract = get_scoped_or_404(TechContract, request.user, CHANGE, pk=contract_id)
    try:
        contract_delete(actor=request.user, contract=contract)
    except PermissionDenied:
        return Status(403, {"detail": _("Only bureau and district staff keep this registry.")})
    return Status(204, None)
