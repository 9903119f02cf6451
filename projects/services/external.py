"""Provincial and national applications organised locally, and their results."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE
from kechuang.core.scope import ensure_in_scope, scope_of
from projects.access import Refused, is_bureau, is_district, require
from projects.models import ExternalApplication, ExternalResult

__all__ = ["EXTERNAL_FIELDS", "external_create", "external_result", "external_update"]

EXTERNAL_FIELDS = (
    "year",
    "level",
    "programme",
    "title",
    "applicant_name",
    "enterprise",
    "unit",
    "domain",
    "in_agri_park",
    "applied_on",
    "reference",
)


def _writer(actor, unit) -> None:
    require(is_bureau(actor) or (is_district(actor) and unit.pk in scope_of(actor).unit_ids))


def _check(values: dict) -> None:
    problems = []
    if values["applied_on"] > timezone.localdate():
        problems.append(_("The date cannot be in the future."))
    if values["applied_on"].year not in (values["year"], values["year"] - 1):
        problems.append(_("The application date does not fit the year."))
    if problems:
        raise Refused(*problems)


@transaction.atomic
def external_create(*, actor, **values) -> ExternalApplication:
    unknown = set(values) - set(EXTERNAL_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    _writer(actor, values["unit"])
    if values.get("enterprise") is not None:
        from enterprises.models import Enterprise

        require(Enterprise.objects.for_user(actor, CHANGE).filter(pk=values["enterprise"].pk).exists())
        values.setdefault("applicant_name", values["enterprise"].name)
    _check(values)
    if ExternalApplication.objects.filter(
        year=values["year"], title=values["title"], applicant_name=values["applicant_name"]
    ).exists():
        raise Refused(_("This application is recorded already."))
    obj = ExternalApplication.objects.create(**values)
    ensure_in_scope(obj, actor)
    record_event(EventAction.WORKFLOW, actor=actor, obj=obj, message="provincial application recorded")
    return obj


@transaction.atomic
def external_update(*, actor, application: ExternalApplication, **values) -> ExternalApplication:
    unknown = set(values) - set(EXTERNAL_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    _writer(actor, application.unit)
    if "unit" in values:
        _writer(actor, values["unit"])
    merged = {f: getattr(application, f) for f in ("year", "applied_on")} | values
    _check(merged)
    for k, v in values.items():
        setattr(application, k, v)
    application.save()
    ensure_in_scope(application, actor)
    return application


@transaction.atomic
def external_result(
    *, actor, application: ExternalApplication, result: str, result_on: dt.date | None, funding=None
) -> ExternalApplication:
    """Record the province's or the ministry's answer."""
    _writer(actor, application.unit)
    if result not in ExternalResult.values:
        raise Refused(_("Choose the result."))
    problems = []
    if result in (ExternalResult.APPROVED, ExternalResult.REJECTED):
        if result_on is None:
            problems.append(_("Give the date of the result."))
        elif result_on > timezone.localdate() or result_on < application.applied_on:
            problems.append(_("The result date must be between the application date and today."))
    if funding is not None and result != ExternalResult.APPROVED:
        problems.append(_("Only an approved project has funding."))
    if problems:
        raise Refused(*problems)
    application.result = result
    application.result_on = result_on if result != ExternalResult.PENDING else None
    application.funding = funding
    application.save()
    ensure_in_scope(application, actor)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=application,
        message="provincial result recorded",
        data={"result": result},
    )
    return application
