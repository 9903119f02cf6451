"""Indicators counted from registries (CONTRACTS.md "how the actual is obtained": counted /
summed). Each domain app lists its counters in `<app>/indicators.py` as `COUNTERS`; dispatch reads
them through `registry_actuals`, and a figure's page links to `Counter.records` — the rows behind
the number — so no figure is typed twice.

A counter's value for (unit, year, month) is year-to-date: the rows dated from 1 January to the
end of that month, counted or summed, in the unit that owns them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractMonth

__all__ = ["Counter", "counters", "registry_actuals"]


@dataclass(frozen=True)
class Counter:
    """indicator: the code; queryset: a callable returning the rows (unscoped; callers scope);
    date: the field whose month counts; unit: the lookup path to the owning unit's code;
    amount: a field to sum (None counts rows); scale: multiplies the sum (万元 → 亿元 is 0.0001)."""

    indicator: str
    queryset: Callable[[], QuerySet]
    date: str
    unit: str
    amount: str | None = None
    scale: Decimal = Decimal(1)

    def rows(self, year: int, month: int, unit_code: str | None = None) -> QuerySet:
        """The records behind the figure for (unit, year, 1..month)."""
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        qs = self.queryset().filter(**{f"{self.date}__gte": dt.date(year, 1, 1), f"{self.date}__lt": end})
        return qs.filter(**{self.unit: unit_code}) if unit_code else qs

    def monthly(self, year: int) -> dict[tuple[str, int], Decimal]:
        """{(unit code, month): year-to-date value} for months 1–12 of `year`, for every unit that
        has at least one row that year (other units are absent: no rows, not zero)."""
        qs = self.rows(year, 12).annotate(_m=ExtractMonth(self.date)).values(self.unit, "_m")
        agg = Sum(self.amount) if self.amount else Count("pk")
        per_month: dict[str, dict[int, Decimal]] = {}
        for row in qs.annotate(_v=agg).order_by():
            unit_months = per_month.setdefault(row[self.unit], {})
            unit_months[row["_m"]] = unit_months.get(row["_m"], Decimal(0)) + Decimal(row["_v"] or 0)
        out = {}
        for unit, months in per_month.items():
            running = Decimal(0)
            for m in range(1, 13):
                running += months.get(m, Decimal(0))
                out[(unit, m)] = running * self.scale
        return out


def counters() -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    for name in settings.KECHUANG_DOMAIN_APPS:
        try:
            module = import_module(f"{name}.indicators")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.indicators":
                raise
            continue
        for counter in module.COUNTERS:
            found[counter.indicator] = counter
    return found


def registry_actuals(years) -> list[tuple[str, str, int, int, Decimal]]:
    """(unit, indicator, year, month, value) for every counted indicator, ready for dispatch."""
    out = []
    for code, counter in counters().items():
        for year in years:
            for (unit, month), value in counter.monthly(year).items():
                out.append((unit, code, year, month, value))
    return out
