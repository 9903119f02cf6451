"""The platforms demo: 2023 figures near the plan's targets, computed by the counters dispatch
reads (city platforms 3, investment attracted about 0.5亿元), and checklist progress."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from kechuang.core.indicators import counters
from platforms import demo
from platforms.models import ZoneChecklistItem


@pytest.mark.django_db
def test_demo_figures(plan):
    from enterprises import demo as enterprise_demo

    rng = random.Random(2023)
    enterprise_demo.build(rng)
    demo.build(rng)
    c = counters()
    year_end = {
        code: sum(v for (unit, m), v in c[code].monthly(2023).items() if m == 12)
        for code in ("CITY_PLATFORMS", "INVESTMENT_FUNDS")
    }
    assert year_end["CITY_PLATFORMS"] == 3
    # 1800 + 950 + 620 + 780 + 560 + 430 = 5140 万元 = 0.514 亿元, all filed under districts.
    assert year_end["INVESTMENT_FUNDS"] == Decimal("0.514")
    assert (
        sum(a for _u, a, _m, code, _i, _c in [(0, r[1], 0, r[3], 0, 0) for r in demo.INVESTMENT_2023]) == 5140
    )
    assert all(code.isdigit() for _p, _a, _m, code, _i, _c in demo.INVESTMENT_2023)
    items = ZoneChecklistItem.objects.all()
    assert items.count() == 10 and all(i.unit.code == "520602-GX" for i in items)
    assert items.filter(status="done").count() == 2
