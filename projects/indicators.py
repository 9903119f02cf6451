"""Plan indicators counted from the project registries.

- CHALLENGE_LISTS (提出技术榜单): challenge lists published, by the month of publication, in the
  issuing unit.
- PROV_PROJECTS_AGRI (农社领域省级及以上科技项目落地): provincial or national projects of the
  agriculture and social-development domain approved, by the month of the result, in the unit where
  the project lands.
- PROV_PROJECTS_MN (锰产业及锰污染治理省级立项): provincial (or national) projects of the manganese
  domain approved, likewise.
- PARK_PROJECTS (农业科技园区企业争取省、市科技项目): projects won by enterprises of the national
  agricultural S&T park — provincial or national approvals (by the result month) and city projects
  approved through the call (by the approval month).

How the city appears in dispatch: dispatch takes a row of unit 520600 as the city's figure and
only otherwise sums the ten districts (CONTRACTS.md). Items issued or won at city level (a
challenge list issued by the bureau, a project of a city institution) belong to no district, so
these counters always give the city a row of its own: the city-level items plus the ten
districts' items (zones are ranked apart and, as everywhere, not summed into the city). A
district's row counts its own items only. The rows behind the city figure (`rows(…, "520600")`)
are the same city-level and district items.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from kechuang.core.indicators import Counter
from org.units import CITY_CODE, DISTRICT_CODES
from projects.models import (
    ChallengeList,
    ExternalApplication,
    ExternalDomain,
    ExternalLevel,
    ExternalResult,
    Project,
    ProjectKind,
)

__all__ = ["COUNTERS", "CityCounter", "UnionCounter"]


@dataclass(frozen=True)
class CityCounter(Counter):
    """A counter whose city row is the city-level rows plus the ten districts' rows."""

    def _city_filter(self) -> Q:
        return Q(**{f"{self.unit}__in": [CITY_CODE, *DISTRICT_CODES]})

    def rows(self, year: int, month: int, unit_code: str | None = None):
        if unit_code == CITY_CODE:
            return super().rows(year, month).filter(self._city_filter())
        return super().rows(year, month, unit_code)

    def monthly(self, year: int) -> dict[tuple[str, int], Decimal]:
        every = super().monthly(year)  # one query, read twice (it ran twice: 15 of the dashboard's 62)
        out = {k: v for k, v in every.items() if k[0] != CITY_CODE}
        rows = {}
        for (unit, month), value in every.items():
            if unit == CITY_CODE or unit in DISTRICT_CODES:
                rows[month] = rows.get(month, Decimal(0)) + value
        for month, value in rows.items():
            out[(CITY_CODE, month)] = value
        return out


class _Rows:
    """The rows behind a union counter: iterable, countable, like a queryset for a figure page."""

    def __init__(self, parts):
        self.parts = parts

    def __iter__(self):
        for qs in self.parts:
            yield from qs

    def count(self) -> int:
        return sum(qs.count() for qs in self.parts)

    def __len__(self) -> int:
        return self.count()

    def exists(self) -> bool:
        return any(qs.exists() for qs in self.parts)


@dataclass(frozen=True)
class UnionCounter:
    """One indicator counted from several registries: the sum of its parts' values."""

    indicator: str
    parts: tuple[Counter, ...]

    def rows(self, year: int, month: int, unit_code: str | None = None) -> _Rows:
        return _Rows([c.rows(year, month, unit_code) for c in self.parts])

    def monthly(self, year: int) -> dict[tuple[str, int], Decimal]:
        out: dict[tuple[str, int], Decimal] = {}
        for part in self.parts:
            for key, value in part.monthly(year).items():
                out[key] = out.get(key, Decimal(0)) + value
        return out


_PROVINCIAL_UP = [ExternalLevel.PROVINCIAL, ExternalLevel.NATIONAL]


def _approved(**filters):
    return lambda: ExternalApplication.objects.filter(result=ExternalResult.APPROVED, **filters)


COUNTERS = [
    CityCounter(
        "CHALLENGE_LISTS",
        lambda: ChallengeList.objects.filter(published=True, published_on__isnull=False),
        date="published_on",
        unit="unit__code",
    ),
    CityCounter(
        "PROV_PROJECTS_AGRI",
        _approved(level__in=_PROVINCIAL_UP, domain=ExternalDomain.AGRI_SOCIAL),
        date="result_on",
        unit="unit__code",
    ),
    CityCounter(
        "PROV_PROJECTS_MN",
        _approved(level__in=_PROVINCIAL_UP, domain=ExternalDomain.MANGANESE),
        date="result_on",
        unit="unit__code",
    ),
    UnionCounter(
        "PARK_PROJECTS",
        (
            CityCounter(
                "PARK_PROJECTS",
                _approved(level__in=_PROVINCIAL_UP, in_agri_park=True),
                date="result_on",
                unit="unit__code",
            ),
            CityCounter(
                "PARK_PROJECTS",
                lambda: Project.objects.filter(kind=ProjectKind.CALL, in_agri_park=True),
                date="approved_on",
                unit="unit__code",
            ),
        ),
    ),
]
