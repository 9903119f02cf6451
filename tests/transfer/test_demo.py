"""The transfer demo: a plausible 2022–2023, 2023 a little short of the 21亿元 target, and every
record keeps the rules a user's record must keep."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from kechuang.core.indicators import counters
from org.units import DISTRICT_CODES
from transfer import demo
from transfer.models import AwardApplication, ContractStatus, TechContract, Top10Nomination, TransferProject
from transfer.selectors import likely_duplicates
from transfer.validation import award_problems, contract_problems, project_problems, top10_problems


@pytest.mark.django_db
def test_demo_year_and_rules(enterprises, users):
    counts = demo.build(random.Random(2023))
    assert counts["tech_contracts"] == TechContract.objects.count() > 500
    figures = counters()["TECH_CONTRACT_VALUE"].monthly(2023)
    city_2023 = sum(v for (unit, month), v in figures.items() if month == 12 and unit in DISTRICT_CODES)
    assert Decimal("18") < city_2023 < Decimal("21")  # near, and short of, the target
    assert (
        TechContract.objects.filter(status=ContractStatus.SIGNED_UNREGISTERED)
        .exclude(follow_up_owner="")
        .exists()
    )
    assert len(likely_duplicates(fetched_by=users["staff"])) == 1
    for model, check in (
        (TechContract, contract_problems),
        (TransferProject, project_problems),
        (AwardApplication, award_problems),
        (Top10Nomination, top10_problems),
    ):
        for row in model.objects.select_related("unit"):
            values = {f.name: getattr(row, f.name) for f in model._meta.fields}
            assert check(values) == [], (model.__name__, row.pk)
    assert TransferProject.objects.filter(applied_on__year=2023).exclude(status="withdrawn").count() >= 20
