"""Figures for the documents tests: three districts' and a zone's 高新技术产业产值, R&D and GDP for
2022 and 2023 (亿元), and district targets for 碧江区 and 万山区."""

from __future__ import annotations

from decimal import Decimal

import pytest

# (unit, indicator) -> {(year, month): value}
VALUES = {
    ("520602", "HT_OUTPUT"): {(2022, 5): 90, (2022, 6): 100, (2022, 12): 250, (2023, 5): 110, (2023, 6): 130},
    ("520603", "HT_OUTPUT"): {(2022, 5): 45, (2022, 6): 50, (2022, 12): 110, (2023, 5): 50, (2023, 6): 55},
    ("520621", "HT_OUTPUT"): {(2022, 6): 10, (2022, 12): 22, (2023, 6): 9},
    ("520602-GX", "HT_OUTPUT"): {(2022, 6): 20, (2023, 6): 26},
    ("520602", "RD_EXPENDITURE"): {(2022, 6): 0.5, (2023, 6): 0.6},
    ("520603", "RD_EXPENDITURE"): {(2022, 6): 0.1, (2023, 6): 0.2},
    ("520602", "GDP"): {(2022, 6): 125, (2023, 6): 150},
    ("520603", "GDP"): {(2022, 6): 100, (2023, 6): 100},
}
# 碧江区 and 万山区 have their own 高新技术产业产值 targets for 2023.
TARGETS = {("520602", "HT_OUTPUT"): 280, ("520603", "HT_OUTPUT"): 120}


@pytest.fixture
def figures(units):
    from dispatch.models import Actual, ActualOrigin
    from plan.models import Indicator, Target, TargetOrigin

    indicators = {i.code: i for i in Indicator.objects.all()}
    Actual.objects.bulk_create(
        Actual(
            unit=units[unit],
            indicator=indicators[code],
            year=year,
            month=month,
            value=Decimal(str(value)),
            origin=ActualOrigin.IMPORT,
        )
        for (unit, code), series in VALUES.items()
        for (year, month), value in series.items()
    )
    for (unit, code), value in TARGETS.items():
        Target.objects.create(
            year=2023,
            unit=units[unit],
            indicator=indicators[code],
            value=Decimal(value),
            origin=TargetOrigin.IMPORT,
        )
    return VALUES
