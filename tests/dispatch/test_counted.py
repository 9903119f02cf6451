"""Counted and summed indicators come from the registries' records (dispatch/figures.py): real
counts (0 for a unit without records once the registry has records that year), no data for a
year without records, the city as its own records plus the ten districts', imported history
used only where the registry had nothing yet, never added to it."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from dispatch.figures import REGISTRY, city_rows, figure_data, registry_figures
from dispatch.models import Actual, ActualOrigin
from enterprises.models import ApplicationResult, Enterprise, HteApplication, TechDemand, TsmeRegistration
from kechuang.core.indicators import counters, registry_actuals
from org.models import Unit
from transfer.models import ContractStatus, TechContract

CITY, BJ, WS, ZONE = "520600", "520602", "520603", "520602-GX"
D = dt.date


def status(year=2023, month=6) -> dict:
    out = io.StringIO()
    call_command("dispatch", "status", "--year", str(year), "--month", str(month), "--json", stdout=out)
    return {(r["unit"], r["indicator"]): r for r in json.loads(out.getvalue())["rows"]}


@pytest.fixture
def registry(units, enterprises):
    bj, ws = enterprises["bijiang"], enterprises["wanshan"]
    bj2 = Enterprise.objects.create(uscc="91520602MA000000X1", name="碧江二号企业", unit=units[BJ])
    zone = Enterprise.objects.create(uscc="91520602MA000000X2", name="高新区企业", unit=units[ZONE])
    # 组织申报高新技术企业: 碧江 one in 2022 and two in 2023, 万山 one withdrawn, the zone one.
    HteApplication.objects.create(enterprise=bj, year=2022, applied_on=D(2022, 5, 5))
    HteApplication.objects.create(enterprise=bj, year=2023, applied_on=D(2023, 2, 10))
    HteApplication.objects.create(
        enterprise=bj2,
        year=2023,
        applied_on=D(2023, 5, 20),
        result=ApplicationResult.RECOGNIZED,
        result_on=D(2023, 6, 15),
    )
    HteApplication.objects.create(
        enterprise=ws, year=2023, applied_on=D(2023, 4, 1), result=ApplicationResult.WITHDRAWN
    )
    HteApplication.objects.create(enterprise=zone, year=2023, applied_on=D(2023, 3, 3))

    # 技术合同成交额 (万元 in the records, 亿元 in the figure).
    def contract(no, unit, value, registered, status=ContractStatus.REGISTERED):
        TechContract.objects.create(
            registration_no=no,
            seller_name="卖方",
            buyer_name="买方",
            type="技术开发",
            contract_value=Decimal(value),
            tech_value=Decimal(value),
            signed=registered or D(2023, 1, 1),
            registered=registered,
            unit=units[unit],
            status=status,
        )

    contract("C1", BJ, "1500.5", D(2023, 3, 20))
    contract("C2", BJ, "123.4567", D(2023, 6, 30))
    contract("C3", WS, "2000", D(2023, 7, 2))  # after June
    contract("C4", CITY, "100", D(2023, 1, 5))  # a city-level registration
    contract("C5", ZONE, "300", D(2023, 2, 1))  # the zone's: not in the city total
    contract(None, WS, "999", None, status=ContractStatus.SIGNED_UNREGISTERED)  # not registered

    # 征集技术需求: two of 万山's in 2023.
    for day in (D(2023, 1, 15), D(2023, 6, 1)):
        TechDemand.objects.create(
            unit=units[WS], title="需求", field="材料", description="…", collected_on=day
        )


def test_counted_figures_from_the_records(registry):
    rows = status()
    hte = {u: rows[(u, "HTE_APPLIED")] for u in (CITY, BJ, WS, ZONE)}
    # 碧江 2 (February, May), 万山 0 (its application was withdrawn), the zone 1; the city is its
    # districts' 2 (the zone ranks apart and is not in the city total).
    assert [hte[u]["actual"] for u in (BJ, WS, ZONE, CITY)] == [2, 0, 1, 2]
    assert hte[CITY]["target"] == 30
    assert hte[CITY]["completion"] == pytest.approx(2 / 30)
    # Last year: 碧江 1 by June, 万山 0 — 万山 has no yoy (0 last year), 碧江 +100 %.
    assert hte[BJ]["yoy"] == pytest.approx(1.0)
    assert hte[WS]["yoy"] is None
    assert (hte[BJ]["rank"], hte[WS]["rank"]) == (1, None)
    # The year-end forecast by last year's pace: 2 × (1 / 1).
    assert hte[BJ]["forecast"] == pytest.approx(2.0)

    assert rows[(BJ, "HTE_RECOGNIZED")]["actual"] == 1
    assert rows[(CITY, "HTE_RECOGNIZED")]["actual"] == 1

    # 1500.5 + 123.4567 万元 for 碧江; the city adds its own 100 万元 (not the zone's 300).
    assert rows[(BJ, "TECH_CONTRACT_VALUE")]["actual"] == 0.16239567
    assert rows[(WS, "TECH_CONTRACT_VALUE")]["actual"] == 0
    assert rows[(ZONE, "TECH_CONTRACT_VALUE")]["actual"] == 0.03
    assert rows[(CITY, "TECH_CONTRACT_VALUE")]["actual"] == 0.17239567
    assert rows[(CITY, "TECH_CONTRACT_VALUE")]["completion"] == pytest.approx(0.17239567 / 21)

    assert rows[(WS, "TECH_DEMANDS")]["actual"] == 2
    assert rows[(BJ, "TECH_DEMANDS")]["actual"] == 0
    # No registration at all in either year: no data, never 0.
    assert rows[(CITY, "TSME_REGISTERED")]["actual"] is None
    assert (BJ, "TSME_REGISTERED") not in rows


def test_month_by_month_year_to_date(registry):
    march = status(month=3)
    assert march[(BJ, "HTE_APPLIED")]["actual"] == 1
    assert march[(CITY, "TECH_CONTRACT_VALUE")]["actual"] == 0.16005  # 100 + 1500.5 万元
    january = status(month=1)
    assert january[(BJ, "HTE_APPLIED")]["actual"] == 0  # the registry has 2023 records: a real 0
    assert january[(WS, "TECH_DEMANDS")]["actual"] == 1


def test_each_counted_figure_equals_a_direct_count_over_the_registry(registry):
    """Against the ORM directly, month by month, for every unit that has a figure."""
    for month in (1, 3, 6, 12):
        rows = status(month=month)
        end = D(2023 + (month == 12), month % 12 + 1, 1)
        applied = HteApplication.objects.exclude(result=ApplicationResult.WITHDRAWN).filter(
            applied_on__gte=D(2023, 1, 1), applied_on__lt=end
        )
        contracts = TechContract.objects.filter(
            status=ContractStatus.REGISTERED, registered__gte=D(2023, 1, 1), registered__lt=end
        )
        demands = TechDemand.objects.filter(collected_on__gte=D(2023, 1, 1), collected_on__lt=end)
        for unit in Unit.objects.exclude(kind="city"):
            code = unit.code
            assert rows[(code, "HTE_APPLIED")]["actual"] == applied.filter(enterprise__unit=unit).count()
            value = sum((c.contract_value for c in contracts.filter(unit=unit)), Decimal(0)) / 10_000
            assert rows[(code, "TECH_CONTRACT_VALUE")]["actual"] == float(value)
            assert rows[(code, "TECH_DEMANDS")]["actual"] == demands.filter(unit=unit).count()
        city_units = ["520600", *[u.code for u in Unit.objects.filter(kind="district")]]
        assert (
            rows[(CITY, "HTE_APPLIED")]["actual"]
            == applied.filter(enterprise__unit__code__in=city_units).count()
        )
        city_value = sum((c.contract_value for c in contracts.filter(unit__code__in=city_units)), Decimal(0))
        assert rows[(CITY, "TECH_CONTRACT_VALUE")]["actual"] == float(city_value / 10_000)


def test_every_counter_agrees_with_the_records_behind_its_figures(registry):
    """Whatever the registry: a unit's figure is the number (or sum) of the rows the records page
    lists, and the figures are those of `registry_actuals` where that gives one."""
    data = figure_data(2023)
    rows = {(r["unit"], r["indicator"]): r for r in data.figures(6)}
    for code, counter in counters().items():
        if data.sources.get((code, 2023, 6)) != REGISTRY:
            continue
        for unit in data.units:
            records = city_rows(counter, 2023, 6) if unit == CITY else counter.rows(2023, 6, unit)
            amount = getattr(counter, "amount", None)
            if amount:
                expected = float(sum((getattr(r, amount) for r in records), Decimal(0)) * counter.scale)
            else:
                expected = records.count()
            assert rows[(unit, code)]["actual"] == expected, (unit, code)
    direct = {(u, c, y, m): float(v) for u, c, y, m, v in registry_actuals([2023]) if u != CITY}
    held = {(u, c, y, m): v for u, c, y, m, v in data.actuals.iter_rows()}
    for key, value in direct.items():
        if key[0] in data.units:
            assert held[key] == value


def test_imported_history_is_used_before_the_registry_never_added_to_it(registry, units, enterprises):
    # The tech-SME registry starts in March 2023; January and February 2023 and last year were
    # imported before it existed, and someone also imported a June figure the registry now holds.
    TsmeRegistration.objects.create(enterprise=enterprises["bijiang"], year=2023, registered_on=D(2023, 3, 9))
    TsmeRegistration.objects.create(enterprise=enterprises["wanshan"], year=2023, registered_on=D(2023, 4, 2))
    ind = "TSME_REGISTERED"
    imported = [(BJ, 2023, 1, 1), (BJ, 2023, 2, 2), (BJ, 2023, 6, 10), (BJ, 2022, 6, 4), (WS, 2022, 6, 1)]
    from plan.models import Indicator

    indicator = Indicator.objects.get(code=ind)
    for unit, y, m, v in imported:
        Actual.objects.create(
            unit=units[unit], indicator=indicator, year=y, month=m, value=v, origin=ActualOrigin.IMPORT
        )
    assert status(month=1)[(BJ, ind)]["actual"] == 1  # imported: the registry held nothing yet
    feb = status(month=2)
    assert (feb[(BJ, ind)]["actual"], feb[(CITY, ind)]["actual"]) == (2, 2)
    assert (WS, ind) not in feb  # no imported figure, no target: no row
    march = status(month=3)
    # From March the registry is the source: 碧江's one registration, not 2 + 1.
    assert [march[(u, ind)]["actual"] for u in (BJ, WS, CITY)] == [1, 0, 1]
    june = status(month=6)
    assert [june[(u, ind)]["actual"] for u in (BJ, WS, CITY)] == [1, 1, 2]  # the imported 10 is ignored
    # Last year had no registry records: the imported figures stand, and give the yoy.
    assert june[(BJ, ind)]["yoy"] == pytest.approx(1 / 4 - 1)
    assert june[(WS, ind)]["yoy"] == pytest.approx(0)
    assert june[(CITY, ind)]["yoy"] == pytest.approx(2 / 5 - 1)
    sources = figure_data(2023).sources
    assert [sources[(ind, 2023, m)] for m in (1, 2, 3, 6)] == ["imported", "imported", "registry", "registry"]
    assert sources[(ind, 2022, 6)] == "imported"


def test_an_indicator_without_a_counter_shows_no_data(registry, monkeypatch):
    import dispatch.figures as figures

    kept = {c: v for c, v in counters().items() if c != "HTE_APPLIED"}
    monkeypatch.setattr(figures, "counters", lambda: kept)
    rows = status()
    assert rows[(CITY, "HTE_APPLIED")]["actual"] is None
    assert rows[(CITY, "HTE_APPLIED")]["target"] == 30
    assert rows[(BJ, "TECH_DEMANDS")]["actual"] == 0  # the others still count


def test_months_that_have_not_begun_have_no_registry_figure(registry, units):
    from plan.models import Indicator

    layout = figure_data(2023).layout
    got = registry_figures([2023], layout, codes=["HTE_APPLIED"], today=D(2023, 4, 30))
    assert {m for _u, _c, _y, m, _v in got.rows} == {1, 2, 3, 4}
    assert registry_figures([2024], layout, codes=["HTE_APPLIED"], today=D(2023, 4, 30)).rows == []
    assert Indicator.objects.filter(code="HTE_APPLIED").exists()


def test_one_query_per_plain_counter_reads_what_monthly_reads(registry, django_assert_num_queries):
    from dispatch.figures import _plain_monthly, defines_city

    plain = {c: k for c, k in counters().items() if not defines_city(k)}
    assert {"HTE_APPLIED", "TECH_CONTRACT_VALUE", "TECH_DEMANDS"} <= set(plain)
    for counter in plain.values():
        with django_assert_num_queries(1):
            got = _plain_monthly(counter, [2021, 2022, 2023])
        for year in (2021, 2022, 2023):
            assert got.get(year, {}) == counter.monthly(year)
