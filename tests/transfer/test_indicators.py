"""The transfer counters: TECH_CONTRACT_VALUE is the registry's own sum of registered contract
values by the month of registration (亿元), and the three counted achievement indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.indicators import counters, registry_actuals
from transfer.models import (
    AwardApplication,
    AwardCategory,
    AwardResult,
    ContractStatus,
    ProjectStatus,
    TechContract,
    Top10Nomination,
    Top10Status,
    TransferProject,
)


@pytest.mark.django_db
def test_contract_value_by_month_of_registration_hand_computed(make_contract):
    # given: 碧江区 registers 500 (Feb) and 80.25 (Mar), 万山区 1200 (Mar, signed in 2022)
    make_contract("520602", "500", dt.date(2023, 2, 15))
    make_contract("520602", "80.25", dt.date(2023, 3, 3))
    make_contract("520603", "1200", dt.date(2023, 3, 31), signed=dt.date(2022, 12, 20))
    # not counted: another year, not registered, refused
    make_contract("520602", "999", dt.date(2022, 12, 31))
    make_contract("520602", "777", status=ContractStatus.SIGNED_UNREGISTERED)
    make_contract("520602", "555", status=ContractStatus.NOT_REGISTERED, refusal_reason="not_tech")
    # when
    figures = counters()["TECH_CONTRACT_VALUE"].monthly(2023)
    # then: 亿元 = 万元 × 0.0001, year to date
    assert figures[("520602", 1)] == 0
    assert figures[("520602", 2)] == Decimal("0.05")
    assert figures[("520602", 3)] == Decimal("0.058025") == figures[("520602", 12)]
    assert figures[("520603", 2)] == 0 and figures[("520603", 3)] == Decimal("0.12")
    assert counters()["TECH_CONTRACT_VALUE"].monthly(2022)[("520602", 12)] == Decimal("0.0999")


@pytest.mark.django_db
def test_contract_value_equals_a_direct_sum_over_the_registry(make_contract):
    # given: contracts spread over every month and three units, some not registered
    for i in range(60):
        unit = ("520602", "520603", "520602-GX")[i % 3]
        status = ContractStatus.REGISTERED if i % 7 else ContractStatus.SIGNED_UNREGISTERED
        make_contract(
            unit, f"{(i * 37) % 500 + 0.5:.2f}", dt.date(2023, i % 12 + 1, i % 28 + 1), status=status
        )
    # when
    figures = counters()["TECH_CONTRACT_VALUE"].monthly(2023)
    # then: the counter is the plain sum of registered contracts up to each month's end
    for (unit, month), value in figures.items():
        end = dt.date(2023, month, 28) + dt.timedelta(days=4)
        end = end.replace(day=1)
        expected = sum(
            (
                c.contract_value
                for c in TechContract.objects.filter(unit__code=unit, status="registered")
                if dt.date(2023, 1, 1) <= c.registered < end
            ),
            Decimal(0),
        ) * Decimal("0.0001")
        assert value == expected, (unit, month)
    assert {u for u, _m in figures} == {"520602", "520603", "520602-GX"}
    rows = counters()["TECH_CONTRACT_VALUE"].rows(2023, 6, "520603")
    assert all(r.status == "registered" and r.registered <= dt.date(2023, 6, 30) for r in rows)


@pytest.mark.django_db
def test_achievement_counters(units):
    bj, ws = units["520602"], units["520603"]
    TransferProject.objects.create(unit=bj, title="a", applicant_name="x", applied_on=dt.date(2023, 4, 2))
    TransferProject.objects.create(
        unit=bj,
        title="b",
        applicant_name="x",
        applied_on=dt.date(2023, 5, 2),
        status=ProjectStatus.APPROVED,
        decided_on=dt.date(2023, 8, 1),
    )
    TransferProject.objects.create(
        unit=bj,
        title="withdrawn",
        applicant_name="x",
        applied_on=dt.date(2023, 4, 9),
        status=ProjectStatus.WITHDRAWN,
    )
    AwardApplication.objects.create(
        unit=ws,
        title="a",
        lead_org="x",
        category=AwardCategory.PROGRESS,
        year=2023,
        applied_on=dt.date(2023, 3, 1),
    )
    AwardApplication.objects.create(
        unit=ws,
        title="b",
        lead_org="x",
        category=AwardCategory.PROGRESS,
        year=2023,
        applied_on=dt.date(2023, 3, 5),
        result=AwardResult.WITHDRAWN,
    )
    Top10Nomination.objects.create(
        unit=ws, title="n", holder="x", year=2023, nominated_on=dt.date(2023, 6, 1)
    )
    Top10Nomination.objects.create(
        unit=ws,
        title="s",
        holder="x",
        year=2023,
        nominated_on=dt.date(2023, 6, 1),
        status=Top10Status.SELECTED,
        selected_on=dt.date(2023, 12, 8),
    )
    rows = set(registry_actuals([2023]))
    assert ("520602", "TRANSFER_PROJECTS", 2023, 4, Decimal(1)) in rows
    assert ("520602", "TRANSFER_PROJECTS", 2023, 5, Decimal(2)) in rows
    assert ("520603", "PROVINCIAL_AWARDS", 2023, 3, Decimal(1)) in rows
    assert ("520603", "TOP10_ACHIEVEMENTS", 2023, 11, Decimal(0)) in rows  # nominated is not selected
    assert ("520603", "TOP10_ACHIEVEMENTS", 2023, 12, Decimal(1)) in rows
