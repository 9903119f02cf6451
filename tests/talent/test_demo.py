"""The talent demo: valid ID numbers (some old 5222xx), the expert accounts linked, and 2023
figures at the plan's scale, computed by the same counters dispatch reads."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.hashers import make_password

from kechuang.core.indicators import counters
from rules.idnumber import validate_batch
from talent import demo
from talent.models import Person


@pytest.mark.django_db
def test_demo_registry(plan):
    from enterprises import demo as enterprise_demo
    from org import demo as org_demo

    rng = random.Random(2023)
    enterprise_demo.build(rng)
    org_demo.build(rng, make_password("x"))
    counts = demo.build(rng)
    ids = list(Person.objects.values_list("id_number", flat=True))
    assert counts["people"] == len(ids) > 200
    ok, _reasons = validate_batch(ids)
    assert ok.all()
    assert any(i.startswith("5222") for i in ids) and any(i.startswith("5206") for i in ids)
    assert Person.objects.get(user__username="expert1").is_expert
    assert Person.objects.filter(is_expert=True).count() == demo.EXPERT_ACCOUNTS + demo.OTHER_EXPERTS
    expected = demo.PER_YEAR[2023]
    c = counters()
    city = {code: sum(v for (unit, m), v in c[code].monthly(2023).items() if m == 12) for code in c}
    assert city["TALENT_KEY"] == expected["key"]
    assert city["TALENT_SOCIAL"] == expected["social"]
    assert city["PHD_INTRODUCED"] == expected["phd"]
    assert city["PHD_PROJECTS"] == expected["phd_projects"]
    assert city["SCHOOL_ENTERPRISE"] == expected["agreements"]
    assert city["COMMISSIONERS"] == expected["commissioners"] == 80
