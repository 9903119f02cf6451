"""Targets per unit entered by the bureau (audited, in scope) and the warning when the districts'
targets do not add up to the city's (plan section 二)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from dispatch.models import Actual
from dispatch.workflow.common import WorkflowError
from dispatch.workflow.targets import target_check, target_set
from kechuang.core.models import Event, EventAction
from org.units import DISTRICT_CODES
from plan.models import Indicator, Target, TargetOrigin

DISTRICTS = sorted(DISTRICT_CODES)


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def check(code: str):
    return next(c for c in target_check(2023) if c.indicator == code)


@pytest.mark.django_db
def test_district_targets_against_the_city(users, units):
    staff = users["staff"]
    tsme = ind("TSME_REGISTERED")
    # The plan gives the city 35 and no district a target: the city's alone, no warning.
    c = check("TSME_REGISTERED")
    assert (c.city, c.districts, c.count, c.total, c.state) == (35.0, None, 0, 10, "city_only")
    assert not c.warned
    # One district with a target: the others are missing.
    target_set(actor=staff, year=2023, unit=units["520603"], indicator=tsme, value=3)
    c = check("TSME_REGISTERED")
    assert (c.districts, c.count, c.state, c.warned) == (3.0, 1, "partial", True)
    # Nine districts at 3 and one at 4: 31, not 35.
    for code in DISTRICTS:
        target_set(
            actor=staff, year=2023, unit=units[code], indicator=tsme, value=4 if code == "520602" else 3
        )
    c = check("TSME_REGISTERED")
    assert (c.districts, c.count, c.state, c.difference) == (31.0, 10, "differs", -4.0)
    # 碧江 at 8: 8 + 27 = 35, it adds up; a zone's target is never summed.
    target_set(actor=staff, year=2023, unit=units["520602"], indicator=tsme, value="8")
    target_set(actor=staff, year=2023, unit=units["520602-GX"], indicator=tsme, value="5")
    c = check("TSME_REGISTERED")
    assert (c.districts, c.state, c.warned) == (35.0, "adds_up", False)
    # Removing one district's target leaves nine: partial again.
    target_set(actor=staff, year=2023, unit=units["520603"], indicator=tsme)
    c = check("TSME_REGISTERED")
    assert (c.districts, c.count, c.state) == (32.0, 9, "partial")


@pytest.mark.django_db
def test_a_growth_target_is_resolved_from_last_december(users, units):
    """HT_OUTPUT: city 316. Districts given as growth on 2022-12: ten districts at 26.0 亿元 each
    (city sum 260) × 1.2 = 31.2 each, 312 in all: 4 short of 316."""
    staff = users["staff"]
    ht = ind("HT_OUTPUT")
    for code in DISTRICTS:
        Actual.objects.create(unit=units[code], indicator=ht, year=2022, month=12, value=Decimal("26"))
        target_set(actor=staff, year=2023, unit=units[code], indicator=ht, growth=Decimal("0.2"))
    c = check("HT_OUTPUT")
    assert c.state == "differs"
    assert round(c.districts, 4) == 312.0
    assert round(c.difference, 4) == -4.0


@pytest.mark.django_db
def test_ratio_indicators_are_not_summed(users, units):
    target_set(
        actor=users["staff"], year=2023, unit=units["520602"], indicator=ind("RD_INTENSITY"), value="0.5"
    )
    assert check("RD_INTENSITY").state == "ratio"
    assert not check("RD_INTENSITY").warned


@pytest.mark.django_db
def test_setting_a_target_is_the_bureaus_audited_and_validated(users, units):
    bj, tsme = units["520602"], ind("TSME_REGISTERED")
    for who in ("district", "leader"):
        with pytest.raises(PermissionError):
            target_set(actor=users[who], year=2023, unit=bj, indicator=tsme, value=3)
    t = target_set(actor=users["staff"], year=2023, unit=bj, indicator=tsme, value="3.5")
    assert (t.value, t.origin) == (Decimal("3.5000"), TargetOrigin.MANUAL)
    event = Event.objects.filter(action=EventAction.WORKFLOW, message="target set").latest("id")
    assert event.data["after"]["value"] == "3.5000" and event.data["before"] is None
    # The plan's city target is replaced, as an import replaces it.
    target_set(actor=users["staff"], year=2023, unit=units["520600"], indicator=tsme, value=40)
    assert Target.objects.get(year=2023, unit__code="520600", indicator=tsme).value == 40
    bad = [
        ({"value": "abc"}, "value"),
        ({"value": "-1"}, "value"),
        ({"growth": "-1"}, "growth"),
        ({"growth_pp": "2"}, "growth_pp"),  # a points growth on a cumulative indicator
    ]
    for kw, field in bad:
        with pytest.raises(WorkflowError) as exc:
            target_set(actor=users["staff"], year=2023, unit=bj, indicator=tsme, **kw)
        assert exc.value.field == field
    with pytest.raises(WorkflowError):
        target_set(actor=users["staff"], year=2023, unit=bj, indicator=ind("RD_FIRM_SHARE"), growth="0.1")
    assert Target.objects.get(year=2023, unit=bj, indicator=tsme).value == Decimal("3.5")


@pytest.mark.django_db
def test_targets_page(users, units):
    staff = Client()
    staff.force_login(users["staff"])
    page = staff.get("/dispatch/targets/?year=2023&indicator=TSME_REGISTERED")
    assert page.status_code == 200
    body = page.content.decode()
    assert "入库科技型中小企业" in body and "碧江区" in body
    response = staff.post(
        "/dispatch/targets/set/",
        {"year": 2023, "unit": "520602", "indicator": "HT_OUTPUT", "value": "", "growth_pct": "20"},
    )
    assert response.status_code == 302
    assert Target.objects.get(year=2023, unit__code="520602", indicator__code="HT_OUTPUT").growth == Decimal(
        "0.2"
    )
    # Bad input: a message, nothing written.
    staff.post(
        "/dispatch/targets/set/", {"year": 2023, "unit": "520603", "indicator": "HT_OUTPUT", "value": "x"}
    )
    assert not Target.objects.filter(year=2023, unit__code="520603", indicator__code="HT_OUTPUT").exists()
    leader = Client()
    leader.force_login(users["leader"])
    assert leader.get("/dispatch/targets/").status_code == 200
    response = leader.post(
        "/dispatch/targets/set/", {"year": 2023, "unit": "520602", "indicator": "HT_OUTPUT", "value": "1"}
    )
    assert response.status_code == 404
    district = Client()
    district.force_login(users["district"])
    assert district.get("/dispatch/targets/").status_code == 404
    assert (
        district.post(
            "/dispatch/targets/set/", {"year": 2023, "unit": "520602", "indicator": "HT_OUTPUT", "value": "1"}
        ).status_code
        == 404
    )
