"""Scope-walk entries for the transfer app: a contract, a transformation project, an award
application and a top-ten nomination of 万山区 (520603), the seller being 万山's enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from transfer.models import AwardApplication, AwardCategory, TechContract, Top10Nomination, TransferProject


def foreign(world) -> dict:
    wanshan = world["units"]["520603"]
    ent = world["enterprises"]["wanshan"]
    contract = TechContract.objects.create(
        registration_no="2023520603000001",
        seller=ent,
        seller_uscc=ent.uscc,
        seller_name=ent.name,
        buyer_name="万山买方公司",
        type="技术开发",
        contract_value=Decimal("120"),
        tech_value=Decimal("100"),
        signed=dt.date(2023, 3, 1),
        registered=dt.date(2023, 3, 20),
        unit=wanshan,
    )
    project = TransferProject.objects.create(
        unit=wanshan,
        title="万山成果转化项目",
        applicant_name=ent.name,
        enterprise=ent,
        applied_on=dt.date(2023, 4, 1),
    )
    award = AwardApplication.objects.create(
        unit=wanshan,
        title="万山科技奖申报",
        lead_org=ent.name,
        enterprise=ent,
        category=AwardCategory.PROGRESS,
        year=2023,
        applied_on=dt.date(2023, 3, 15),
    )
    top10 = Top10Nomination.objects.create(
        unit=wanshan,
        title="万山十大成果",
        holder=ent.name,
        enterprise=ent,
        year=2023,
        nominated_on=dt.date(2023, 6, 1),
    )
    return {
        "foreign_contract": contract,
        "foreign_project": project,
        "foreign_award": award,
        "foreign_top10": top10,
    }


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    "contract_detail": _pk("foreign_contract"),
    "contract_edit": _pk("foreign_contract"),
    "contract_delete": _pk("foreign_contract"),
    "api:contract_detail": lambda w: {"contract_id": w["foreign_contract"].pk},
    "api:contract_update": lambda w: {"contract_id": w["foreign_contract"].pk},
    "api:contract_delete": lambda w: {"contract_id": w["foreign_contract"].pk},
    **{
        f"{registry}_{view}": _pk(key)
        for registry, key in (
            ("transfer_project", "foreign_project"),
            ("award", "foreign_award"),
            ("top10", "foreign_top10"),
        )
        for view in ("detail", "edit", "delete")
    },
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    return [
        TechContract.objects.filter(pk=world["foreign_contract"].pk),
        TransferProject.objects.filter(pk=world["foreign_project"].pk),
        AwardApplication.objects.filter(pk=world["foreign_award"].pk),
        Top10Nomination.objects.filter(pk=world["foreign_top10"].pk),
    ]
