"""Demo actuals: 2021–2023 monthly figures of every reported indicator for every district and
zone, at Tongren's scale (GDP ≈ 1,400亿元, 高新技术产业产值 ≈ 260亿元 in 2022), with a season in
2023 where some districts run behind, fall back or shrink, so the warnings have work to do; 2021
gives last year's forecasts something to be judged against (the backtest of rules/forecast.py).

District and zone targets for 2023 are decomposed from the city's (plan 二): a counted indicator's
target by the units' shares (the districts' parts add up to the city's exactly, by the largest
remainder), a ratio's is the city's own level; the reported flows are set by the workflow demo
(last year's figure grown by the city's growth). The registries' demos give the counted figures."""

from __future__ import annotations

from decimal import Decimal

from dispatch import demo_workflow
from dispatch.models import Actual, ActualOrigin
from org.models import Unit, UnitKind
from plan.models import Indicator, IndicatorKind, IndicatorSource, Target, TargetOrigin

ORDER = 30

__all__ = ["ORDER", "YEARS", "build"]

YEARS = (2021, 2022, 2023)
# 2022 over 2021, by district (no draw from the demo's generator: the modules after this one see
# the same numbers as before 2021 was added).
GROWTH_2022 = (0.06, 0.09, 0.12, 0.08, 0.1)
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
# 2021 ran ahead early in the year: last year's pace misleads this year's forecasts by a few per
# cent, as it does in real seasons.
SEASON_2021 = [0.07, 0.125, 0.21, 0.29, 0.37, 0.46, 0.545, 0.625, 0.71, 0.80, 0.89, 1.0]


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
                if year == 2021:
                    annual = base / (1 + GROWTH_2022[(unit.order + len(code)) % len(GROWTH_2022)])
                else:
                    annual = base if year == 2022 else base * (1 + growth * rng.uniform(0.8, 1.2))
                for month in range(1, 13):
                    if indicator.kind == IndicatorKind.STOCK:
                        start = annual * (0.98 if year == 2023 else 0.93)
                        value = start + (annual - start) * month / 12
                        value = round(value)
                    else:
                        season = (SEASON_2021 if year == 2021 else SEASON)[month - 1]
                        # The laggard's growth fades mid-year (a growth drop for the warnings).
                        if year == 2023 and growth < 0.06 and month >= 6:
                            season *= 0.96
                        noise = 1.0 if year == 2021 else rng.uniform(0.99, 1.01)
                        value = round(annual * season * noise, 4)
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
    targets = _unit_targets()
    return {"actuals": len(rows), "decomposed_targets": targets, **demo_workflow.build(rng, password_hash)}


# Counted indicators whose city target is worth sharing out (a target of 1–5 stays the bureau's).
MIN_SHARED = 10


def _unit_targets(year: int = 2023) -> int:
    """District and zone targets of counted indicators (by the units' shares; the districts'
    add up to the city's) and of ratio indicators (the city's level)."""
    city = {
        t.indicator_id: t
        for t in Target.objects.filter(
            year=year, unit__kind=UnitKind.CITY, value__isnull=False
        ).select_related("indicator")
    }
    units = list(Unit.objects.exclude(kind=UnitKind.CITY).order_by("order"))
    districts = [u for u in units if u.kind == UnitKind.DISTRICT]
    district_total = sum(SHARES.get(u.code, 0.05) for u in districts)
    rows = []
    for target in city.values():
        ind = target.indicator
        if ind.kind == IndicatorKind.RATIO:
            rows += [
                Target(year=year, unit=u, indicator=ind, value=target.value, origin=TargetOrigin.MANUAL)
                for u in units
            ]
            continue
        if ind.source not in (IndicatorSource.COUNTED, IndicatorSource.SUMMED) or target.value < MIN_SHARED:
            continue
        step = Decimal(1).scaleb(-ind.decimals)
        shares = {u.code: SHARES.get(u.code, 0.05) / district_total for u in units}
        parts = _largest_remainder(target.value, [shares[u.code] for u in districts], step)
        values = dict(zip([u.code for u in districts], parts, strict=True))
        for u in units:
            if u.kind == UnitKind.ZONE:  # zones are ranked apart: a share of the city's target
                values[u.code] = max(step, (target.value * Decimal(str(shares[u.code]))).quantize(step))
            if values[u.code] > 0:
                rows.append(
                    Target(year=year, unit=u, indicator=ind, value=values[u.code], origin=TargetOrigin.MANUAL)
                )
    Target.objects.bulk_create(rows)
    return len(rows)


def _largest_remainder(total: Decimal, weights: list[float], step: Decimal) -> list[Decimal]:
    """`total` shared in proportion to `weights`, in multiples of `step`, adding up exactly."""
    units = int(total / step)
    exact = [units * w / sum(weights) for w in weights]
    floors = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[: units - sum(floors)]:
        floors[i] += 1
    return [step * n for n in floors]
