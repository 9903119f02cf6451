"""Business actions on platforms, cooperation, investment and the high-tech-zone checklist.
Each is one transaction and saves through `save_in_scope` (a row can never be filed for, or moved
into, a unit outside the actor's scope); field changes are audited by django-auditlog."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from platforms.models import (
    CooperationAgreement,
    CooperationProject,
    Investment,
    Platform,
    PlatformEvaluation,
    ZoneChecklistItem,
)
from talent.crud import save_in_scope

__all__ = [
    "agreement_create",
    "agreement_update",
    "checklist_item_create",
    "checklist_item_update",
    "cooperation_project_add",
    "investment_create",
    "investment_update",
    "platform_create",
    "platform_evaluate",
    "platform_update",
]


@transaction.atomic
def platform_create(*, actor, data: dict[str, Any]) -> Platform:
    return save_in_scope(Platform(), actor=actor, data=data)


@transaction.atomic
def platform_update(*, actor, platform: Platform, data: dict[str, Any]) -> Platform:
    return save_in_scope(platform, actor=actor, data=data)


@transaction.atomic
def platform_evaluate(*, actor, platform: Platform, data: dict[str, Any]) -> PlatformEvaluation:
    """Record the year's evaluation result; a second result for the same year replaces the first
    (the change log keeps the earlier one)."""
    evaluation = PlatformEvaluation.objects.filter(platform=platform, year=data["year"]).first()
    return save_in_scope(evaluation or PlatformEvaluation(platform=platform), actor=actor, data=data)


@transaction.atomic
def agreement_create(*, actor, data: dict[str, Any]) -> CooperationAgreement:
    return save_in_scope(CooperationAgreement(), actor=actor, data=data)


@transaction.atomic
def agreement_update(*, actor, agreement: CooperationAgreement, data: dict[str, Any]) -> CooperationAgreement:
    return save_in_scope(agreement, actor=actor, data=data)


@transaction.atomic
def cooperation_project_add(
    *, actor, agreement: CooperationAgreement, data: dict[str, Any]
) -> CooperationProject:
    return save_in_scope(CooperationProject(agreement=agreement), actor=actor, data=data)


@transaction.atomic
def investment_create(*, actor, data: dict[str, Any]) -> Investment:
    return save_in_scope(Investment(), actor=actor, data=data)


@transaction.atomic
def investment_update(*, actor, investment: Investment, data: dict[str, Any]) -> Investment:
    return save_in_scope(investment, actor=actor, data=data)


@transaction.atomic
def checklist_item_create(*, actor, data: dict[str, Any]) -> ZoneChecklistItem:
    return save_in_scope(ZoneChecklistItem(), actor=actor, data=data)


@transaction.atomic
def checklist_item_update(*, actor, item: ZoneChecklistItem, data: dict[str, Any]) -> ZoneChecklistItem:
    return save_in_scope(item, actor=actor, data=data)
