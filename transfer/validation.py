"""The rules a contract, project, award application or nomination must keep, in one place for
the import, the forms and the API (so each says the same thing about the same value).

Each function takes the parsed values (None where a value is missing or was already refused by
its own parser) and returns `Problem(field, message)`s; messages are lazy, so the web and the API
show them in the user's language and the import in English (`str` under
`translation.override(None)`), as the import engine's own messages are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rules.uscc import validate as uscc_validate
from transfer.models import (
    SUB_KINDS,
    AwardCategory,
    AwardResult,
    ContractStatus,
    ContractType,
    ProjectStatus,
    Top10Status,
)

__all__ = [
    "CONTRACT_REQUIRED",
    "USCC_REASONS",
    "Problem",
    "award_problems",
    "contract_problems",
    "project_problems",
    "top10_problems",
    "uscc_problem",
]


CONTRACT_REQUIRED = ("seller_name", "buyer_name", "type", "contract_value", "tech_value", "signed", "unit")
MAX_AMOUNT = Decimal(10) ** 12  # DecimalField(max_digits=16, decimal_places=4)


@dataclass(frozen=True)
class Problem:
    field: str
    message: Any  # a lazy string

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


USCC_REASONS = {
    "LENGTH": _("a unified social credit code has 18 characters"),
    "CHARSET": _(
        "the code has characters a unified social credit code cannot have (I, O, Z, S, V or symbols)"
    ),
    "CHECK_DIGIT": _("the check character is wrong (GB 32100)"),
}


def uscc_problem(code: str):
    """The reason `code` is not a valid USCC, or None."""
    ok, reason = uscc_validate(code)
    return None if ok else format_lazy("{}: {}", repr(code), USCC_REASONS[reason])


def _today() -> dt.date:
    return timezone.localdate()


def _future(field: str, day: dt.date | None, today: dt.date) -> list[Problem]:
    if day is not None and day > today:
        return [Problem(field, format_lazy(_("{day} is in the future"), day=day.isoformat()))]
    return []


def _after(field: str, later: dt.date | None, earlier: dt.date | None, message) -> list[Problem]:
    if later is not None and earlier is not None and later < earlier:
        return [Problem(field, format_lazy(message, later=later.isoformat(), earlier=earlier.isoformat()))]
    return []


def _unit(values: Mapping[str, Any]) -> list[Problem]:
    unit = values.get("unit")
    if unit is not None and unit.kind == "city":
        return [
            Problem(
                "unit",
                _("the city is not a unit of its own here: give the district or zone the record belongs to"),
            )
        ]
    return []


def contract_problems(
    values: Mapping[str, Any], *, today: dt.date | None = None, refused: frozenset[str] = frozenset()
) -> list[Problem]:
    """Checks on one technology contract (national-rules.md §4): type and sub-kind, the two
    amounts, the dates, and what each status needs. `refused` names fields whose value was
    already refused (so a missing value there is not reported twice)."""
    today = today or _today()
    out: list[Problem] = [
        Problem(name, _("this field is required"))
        for name in CONTRACT_REQUIRED
        if values.get(name) in (None, "") and name not in refused
    ]
    status = values.get("status") or ContractStatus.REGISTERED
    ctype, sub_kind = values.get("type"), values.get("sub_kind")
    code = values.get("seller_uscc")
    if code:
        problem = uscc_problem(code)
        if problem is not None:
            out.append(Problem("seller_uscc", problem))
    if ctype is not None and ctype not in ContractType.values:
        out.append(
            Problem(
                "type",
                format_lazy(
                    _("{value!r} is not a contract type (use one of: {choices})"),
                    value=ctype,
                    choices=", ".join(ContractType.values),
                ),
            )
        )
    elif ctype and sub_kind and sub_kind not in SUB_KINDS[ctype]:
        out.append(
            Problem(
                "sub_kind",
                format_lazy(
                    _("{value!r} is not a sub-kind of {type} (use one of: {choices})"),
                    value=sub_kind,
                    type=ctype,
                    choices=", ".join(SUB_KINDS[ctype]),
                ),
            )
        )
    value, tech = values.get("contract_value"), values.get("tech_value")
    for name, amount in (("contract_value", value), ("tech_value", tech)):
        if amount is not None and abs(amount) >= MAX_AMOUNT:
            out.append(Problem(name, _("the amount is too large (at most 999,999,999,999 in 10,000 yuan)")))
    if value is not None and value <= 0:
        out.append(Problem("contract_value", _("the contract value must be more than 0")))
    if tech is not None and tech < 0:
        out.append(Problem("tech_value", _("the technical transaction value cannot be negative")))
    if value is not None and tech is not None and tech > value:
        out.append(
            Problem(
                "tech_value",
                format_lazy(
                    _("the technical transaction value {tech} is more than the contract value {value}"),
                    tech=_plain(tech),
                    value=_plain(value),
                ),
            )
        )
    signed, registered, valid_until = (
        values.get("signed"),
        values.get("registered"),
        values.get("valid_until"),
    )
    out += _future("signed", signed, today) + _future("registered", registered, today)
    out += _after(
        "registered", registered, signed, _("registered on {later}, before it was signed on {earlier}")
    )
    out += _after(
        "valid_until", valid_until, signed, _("valid until {later}, before it was signed on {earlier}")
    )
    if status == ContractStatus.REGISTERED:
        if not values.get("registration_no") and "registration_no" not in refused:
            out.append(Problem("registration_no", _("a registered contract needs its registration number")))
        if registered is None and "registered" not in refused:
            out.append(Problem("registered", _("a registered contract needs its registration date")))
    else:
        if registered is not None:
            out.append(Problem("registered", _("only a registered contract has a registration date")))
        if status == ContractStatus.SIGNED_UNREGISTERED and values.get("registration_no"):
            out.append(
                Problem("registration_no", _("a contract not yet registered has no registration number"))
            )
        if status == ContractStatus.NOT_REGISTERED and not values.get("refusal_reason"):
            out.append(Problem("refusal_reason", _("give the ground on which it was not registered")))
    if status not in ContractStatus.values:
        out.append(Problem("status", format_lazy(_("unknown status {value!r}"), value=status)))
    return out + _unit(values)


def project_problems(values: Mapping[str, Any], *, today: dt.date | None = None) -> list[Problem]:
    today = today or _today()
    status = values.get("status") or ProjectStatus.APPLIED
    applied, decided = values.get("applied_on"), values.get("decided_on")
    out = _future("applied_on", applied, today) + _future("decided_on", decided, today)
    out += _after(
        "decided_on", decided, applied, _("decided on {later}, before the application on {earlier}")
    )
    if status in (ProjectStatus.APPROVED, ProjectStatus.NOT_APPROVED) and decided is None:
        out.append(Problem("decided_on", _("a decided application needs its decision date")))
    if status != ProjectStatus.APPROVED and values.get("funding"):
        out.append(Problem("funding", _("only an approved project has funding")))
    return out + _unit(values)


def award_problems(values: Mapping[str, Any], *, today: dt.date | None = None) -> list[Problem]:
    today = today or _today()
    result = values.get("result") or AwardResult.PENDING
    applied, result_on = values.get("applied_on"), values.get("result_on")
    out = _future("applied_on", applied, today) + _future("result_on", result_on, today)
    out += _after(
        "result_on", result_on, applied, _("result on {later}, before the application on {earlier}")
    )
    if result in (AwardResult.AWARDED, AwardResult.NOT_AWARDED) and result_on is None:
        out.append(Problem("result_on", _("a result needs its date")))
    grade = values.get("grade")
    if result == AwardResult.AWARDED and not grade and values.get("category") != AwardCategory.HIGHEST:
        out.append(Problem("grade", _("an award needs its grade")))
    if grade and (result != AwardResult.AWARDED or values.get("category") == AwardCategory.HIGHEST):
        out.append(Problem("grade", _("only an award other than the highest award has a grade")))
    year = values.get("year")
    if year is not None and applied is not None and not applied.year - 1 <= year <= applied.year + 1:
        out.append(Problem("year", _("the award year is far from the application date")))
    return out + _unit(values)


def top10_problems(values: Mapping[str, Any], *, today: dt.date | None = None) -> list[Problem]:
    today = today or _today()
    status = values.get("status") or Top10Status.NOMINATED
    nominated, selected = values.get("nominated_on"), values.get("selected_on")
    out = _future("nominated_on", nominated, today) + _future("selected_on", selected, today)
    out += _after(
        "selected_on", selected, nominated, _("selected on {later}, before the nomination on {earlier}")
    )
    if status == Top10Status.SELECTED and selected is None:
        out.append(Problem("selected_on", _("a selected achievement needs its award date")))
    if status != Top10Status.SELECTED and selected is not None:
        out.append(Problem("selected_on", _("only a selected achievement has an award date")))
    return out + _unit(values)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
