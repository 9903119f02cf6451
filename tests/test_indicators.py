"""Registry counters: year-to-date values by unit and month, and the rows behind them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from enterprises.models import ApplicationResult, HteApplication, TechDemand, TsmeRegistration
from kechuang.core.indicators import counters, registry_actuals


@pytest.mark.django_db
def test_counts_are_year_to_date_by_unit(enterprises, units):
    bj, ws = enterprises["bijiang"], enterprises["wanshan"]
    HteApplication.objects.create(
        enterprise=bj,
        year=2023,
        applied_on=dt.date(2023, 3, 10),
        result=ApplicationResult.RECOGNIZED,
        result_on=dt.date(2023, 11, 2),
    )
    HteApplication.objects.create(
        enterprise=ws,
        year=2023,
        applied_on=dt.date(2023, 5, 31),
        result=ApplicationResult.FAILED,
        result_on=dt.date(2023, 11, 2),
    )
    HteApplication.objects.create(enterprise=ws, year=2022, applied_on=dt.date(2022, 6, 1))
    applied = counters()["HTE_APPLIED"].monthly(2023)
    assert applied[("520602", 2)] == 0 and applied[("520602", 3)] == 1 and applied[("520602", 12)] == 1
    assert applied[("520603", 4)] == 0 and applied[("520603", 5)] == 1
    recognized = counters()["HTE_RECOGNIZED"].monthly(2023)
    assert recognized[("520602", 10)] == 0 and recognized[("520602", 11)] == 1
    assert ("520603", 11) not in recognized  # a failed application is not a recognition
    rows = counters()["HTE_APPLIED"].rows(2023, 4, "520603")
    assert rows.count() == 0 and counters()["HTE_APPLIED"].rows(2023, 5, "520603").count() == 1


@pytest.mark.django_db
def test_revoked_registrations_do_not_count_and_demands_by_unit(enterprises, units):
    bj = enterprises["bijiang"]
    TsmeRegistration.objects.create(enterprise=bj, year=2023, registered_on=dt.date(2023, 7, 1))
    TsmeRegistration.objects.create(
        enterprise=enterprises["wanshan"],
        year=2023,
        registered_on=dt.date(2023, 7, 1),
        revoked_on=dt.date(2023, 8, 1),
    )
    TechDemand.objects.create(
        unit=units["520603"], title="锰渣", field="新材料", description="x", collected_on=dt.date(2023, 1, 15)
    )
    rows = registry_actuals([2023])
    assert ("520602", "TSME_REGISTERED", 2023, 12, Decimal(1)) in rows
    assert not any(r[0] == "520603" and r[1] == "TSME_REGISTERED" for r in rows)
    assert ("520603", "TECH_DEMANDS", 2023, 1, Decimal(1)) in rows
