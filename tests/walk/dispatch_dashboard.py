"""Scope-walk entries for the dispatch dashboard (see tests/test_scope_walk.py): the page of
万山区 (520603) and the records behind its counted figure are foreign to the walking users of
碧江区; a district gets a 404 for them, as for a unit that does not exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dispatch.models import Actual, ActualOrigin
from enterprises.models import HteApplication
from plan.models import Indicator


def foreign(world) -> dict:
    wanshan = world["units"]["520603"]
    actual = Actual.objects.create(
        unit=wanshan,
        indicator=Indicator.objects.get(code="HT_OUTPUT"),
        year=2023,
        month=6,
        value=Decimal("55"),
        origin=ActualOrigin.IMPORT,
    )
    application = HteApplication.objects.create(
        enterprise=world["enterprises"]["wanshan"], year=2023, applied_on=dt.date(2023, 4, 1)
    )
    return {"foreign_unit": wanshan, "foreign_actual": actual, "foreign_hte_application": application}


OBJECT_URLS = {
    "dispatch_unit": lambda w: {"code": w["foreign_unit"].code},
    "dispatch_records": lambda w: {"code": w["foreign_unit"].code, "indicator": "HTE_APPLIED"},
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    return [
        Actual.objects.filter(pk=world["foreign_actual"].pk),
        HteApplication.objects.filter(pk=world["foreign_hte_application"].pk),
    ]
