"""Scope-walk entries for visits, technology demands and the R&D cross-check (see
tests/walk/core.py): a 万山区 visit, a demand from it, and a cross-check follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from enterprises.models import (
    CrosscheckFollowUp,
    CrosscheckStatus,
    RdDeduction,
    TechDemand,
    Visit,
)


def foreign(world) -> dict:
    ent = world["enterprises"]["wanshan"]
    visit = Visit.objects.create(enterprise=ent, visited_on=dt.date(2023, 3, 1), visitors="万山区科技局")
    demand = TechDemand.objects.create(
        unit=world["units"]["520603"],
        enterprise=ent,
        visit=visit,
        title="万山需求",
        field="新材料",
        description="x",
        collected_on=dt.date(2023, 3, 2),
    )
    RdDeduction.objects.create(enterprise=ent, year=2022, amount=Decimal(300))
    follow_up = CrosscheckFollowUp.objects.create(
        enterprise=ent, year=2022, flag="under_reported", status=CrosscheckStatus.IN_PROGRESS, note="x"
    )
    return {"foreign_visit": visit, "foreign_demand": demand, "foreign_crosscheck": follow_up}


OBJECT_URLS = {
    "visit_detail": lambda w: {"pk": w["foreign_visit"].pk},
    "visit_edit": lambda w: {"pk": w["foreign_visit"].pk},
    "visit_follow_up": lambda w: {"pk": w["foreign_visit"].pk},
    "visit_demand_create": lambda w: {"pk": w["foreign_visit"].pk},
    "demand_detail": lambda w: {"pk": w["foreign_demand"].pk},
    "demand_edit": lambda w: {"pk": w["foreign_demand"].pk},
    "demand_status": lambda w: {"pk": w["foreign_demand"].pk},
    "rd_crosscheck_case": lambda w: {"year": 2022, "pk": w["foreign"].pk},
}

REFERENCE_URLS: dict = {}


def rows(world):
    ent = world["foreign"]
    return [
        Visit.objects.filter(enterprise=ent),
        TechDemand.objects.filter(enterprise=ent),
        CrosscheckFollowUp.objects.filter(enterprise=ent),
        RdDeduction.objects.filter(enterprise=ent),
    ]
