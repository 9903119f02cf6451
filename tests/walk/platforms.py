"""Scope-walk entries for the platforms app: a platform with an evaluation, a cooperation
agreement with a project, an investment and a checklist item, all of 万山区 (520603)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from platforms.models import (
    CooperationAgreement,
    CooperationProject,
    Investment,
    Platform,
    PlatformEvaluation,
    ZoneChecklistItem,
)


def foreign(world) -> dict:
    unit = world["units"]["520603"]
    ent = world["enterprises"]["wanshan"]
    platform = Platform.objects.create(
        name="万山平台",
        kind="key_lab",
        level="city",
        unit=unit,
        host_enterprise=ent,
        approved_on=dt.date(2023, 5, 1),
    )
    PlatformEvaluation.objects.create(platform=platform, year=2023, result="good")
    agreement = CooperationAgreement.objects.create(
        title="万山合作协议",
        partner="贵州大学",
        partner_kind="university",
        unit=unit,
        signed_on=dt.date(2023, 5, 1),
    )
    CooperationProject.objects.create(agreement=agreement, title="万山合作项目", enterprise=ent)
    investment = Investment.objects.create(
        project="万山招商项目",
        amount=Decimal("100"),
        received_on=dt.date(2023, 5, 1),
        unit=unit,
        enterprise=ent,
    )
    item = ZoneChecklistItem.objects.create(category="planning", title="万山清单事项", unit=unit)
    return {
        "platforms_platform": platform,
        "platforms_agreement": agreement,
        "platforms_investment": investment,
        "platforms_item": item,
    }


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    "platforms_platform_detail": _pk("platforms_platform"),
    "platforms_platform_edit": _pk("platforms_platform"),
    "platforms_platform_evaluate": _pk("platforms_platform"),
    "platforms_agreement_detail": _pk("platforms_agreement"),
    "platforms_agreement_edit": _pk("platforms_agreement"),
    "platforms_project_add": _pk("platforms_agreement"),
    "platforms_investment_detail": _pk("platforms_investment"),
    "platforms_investment_edit": _pk("platforms_investment"),
    "platforms_checklist_detail": _pk("platforms_item"),
    "platforms_checklist_edit": _pk("platforms_item"),
    "api:platforms_platform_detail": lambda w: {"platform_id": w["platforms_platform"].pk},
    "api:platforms_agreement_detail": lambda w: {"agreement_id": w["platforms_agreement"].pk},
    "api:platforms_investment_detail": lambda w: {"investment_id": w["platforms_investment"].pk},
    "api:platforms_checklist_detail": lambda w: {"item_id": w["platforms_item"].pk},
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    platform, agreement = world["platforms_platform"], world["platforms_agreement"]
    return [
        Platform.objects.filter(pk=platform.pk),
        PlatformEvaluation.objects.filter(platform=platform),
        CooperationAgreement.objects.filter(pk=agreement.pk),
        CooperationProject.objects.filter(agreement=agreement),
        Investment.objects.filter(pk=world["platforms_investment"].pk),
        ZoneChecklistItem.objects.filter(pk=world["platforms_item"].pk),
    ]
