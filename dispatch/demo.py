"""Demo actuals: 2022–2023 monthly figures of every reported indicator for every district and
zone, at Tongren's scale (GDP ≈ 1,400亿元, 高新技术产业产值 ≈ 260亿元 in 2022), with a season in
2023 where some districts run behind, fall back or shrink, so the warnings have work to do."""

from __future__ import annotations

from decimal import Decimal

from dispatch.models import Actual, ActualOrigin
from org.models import Unit
from plan.models import Indicator, IndicatorKind, IndicatorSource

ORDER = 30

__all__ = ["ORDER", "YEARS", "build"]

YEARS = (2022, 2023)
# 2022 annual totals for the city (亿元 or 家); districts take shares of it.
CITY_2022 = {
    "GDP": 1390.0,
    "HT_OUTPUT": 262.0,
    "RD_EXPENDITURE": 7.1,
    "STS_REVENUE": 21.5,
    "STS_WAGES": 5.8,
    "SANSHANG_FIRMS": 1480,
    "RD_ACTIVE_FIRMS": 200,
}
SHARES = {
    "520602": 0.22,
    "520603": 0.09,
    "520621": 0.06,
    "520622": 0.07,
    "520623": 0.07,
    "520624": 0.11,
    "520625": 0.08,
    "520626": 0.09,
    "520627": 0.09,
    "520628": 0.12,
    "520602-GX": 0.07,
    "520622-DL": 0.06,
}
# 2023 yoy by district in the demo: most grow, two lag, one shrinks.
GROWTH_2023 = {
    "520602": 0.24,
    "520603": 0.18,
    "520621": 0.21,
    "520622": 0.12,
    "520623": 0.27,
    "520624": 0.15,
    "520625": -0.04,
    "520626": 0.19,
    "520627": 0.05,
    "520628": 0.22,
    "520602-GX": 0.30,
    "520622-DL": 0.09,
}
# Cumulative share of the year reached by the end of month m (a slow first quarter, a strong Q4).
SEASON = [0.06, 0.11, 0.19, 0.27, 0.35, 0.45, 0.53, 0.61, 0.70, 0.79, 0.88, 1.0]


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    indicators = {
        i.code: i for i in Indicator.objects.filter(source=IndicatorSource.REPORTED, code__in=CITY_2022)
    }
    rows = []
    for unit in Unit.objects.exclude(kind="city"):
        share = SHARES.get(unit.code, 0.05) * rng.uniform(0.95, 1.05)
        growth = GROWTH_2023.get(unit.code, 0.1)
        for code, indicator in indicators.items():
            base = CITY_2022[code] * share
            # R&D firms differ more between districts than output does.
            if code == "RD_ACTIVE_FIRMS":
                base *= rng.uniform(0.7, 1.3)
            for year in YEARS:
                annual = base if year == 2022 else base * (1 + growth * rng.uniform(0.8, 1.2))
                for month in range(1, 13):
                    if indicator.kind == IndicatorKind.STOCK:
                        start = annual * (0.93 if year == 2022 else 0.98)
                        value = start + (annual - start) * month / 12
                        value = round(value)
                    else:
                        season = SEASON[month - 1]
                        # The laggard's growth fades mid-year (a growth drop for the warnings).
                        if year == 2023 and growth < 0.06 and month >= 6:
                            season *= 0.96
                        value = round(annual * season * rng.uniform(0.99, 1.01), 4)
                    rows.append(
                        Actual(
                            unit=unit,
                            indicator=indicator,
                            year=year,
                            month=month,
                            value=Decimal(str(value)),
                            origin=ActualOrigin.DEMO,
                        )
                    )
    Actual.objects.bulk_create(rows, batch_size=1000)
    return {"actuals": len(rows)}
