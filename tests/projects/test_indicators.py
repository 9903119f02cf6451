"""The project counters: each equals a direct count of its records, year-to-date by unit, and the
city row is the city-level items plus the ten districts' (zones apart)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.indicators import counters, registry_actuals
from projects.models import ChallengeList, ExternalApplication, Project


def _list(units, code, published_on, published=True, title=None):
    return ChallengeList.objects.create(
        year=2023,
        title=title or f"{code}-{published_on}",
        unit=units[code],
        owner_name="x",
        field="锰",
        background="x",
        requirements="x",
        reward=Decimal("100"),
        deadline=dt.date(2023, 12, 31),
        published=published,
        published_on=published_on if published else None,
        status="published" if published else "draft",
    )


def _external(
    units,
    code,
    result_on,
    *,
    domain="agri_social",
    level="provincial",
    result="approved",
    park=False,
    title=None,
):
    return ExternalApplication.objects.create(
        year=2023,
        level=level,
        programme="省科技支撑计划",
        title=title or f"{code}-{domain}-{result_on}-{level}-{result}-{park}",
        applicant_name="某单位",
        unit=units[code],
        domain=domain,
        in_agri_park=park,
        applied_on=dt.date(2023, 1, 10),
        result=result,
        result_on=result_on if result in ("approved", "rejected") else None,
    )


@pytest.mark.django_db
def test_challenge_lists_by_publication_month_and_city_row(units):
    _list(units, "520600", dt.date(2023, 3, 15))  # issued by the bureau
    _list(units, "520602", dt.date(2023, 5, 2))
    _list(units, "520602-GX", dt.date(2023, 5, 9))  # a zone: its own row only
    _list(units, "520603", None, published=False)  # a draft does not count
    _list(units, "520603", dt.date(2022, 12, 1))  # last year
    c = counters()["CHALLENGE_LISTS"]
    m = c.monthly(2023)
    assert (
        m[("520600", 2)] == 0 and m[("520600", 3)] == 1 and m[("520600", 5)] == 2 and m[("520600", 12)] == 2
    )
    assert m[("520602", 4)] == 0 and m[("520602", 5)] == 1
    assert m[("520602-GX", 5)] == 1
    assert ("520603", 12) not in m
    # the rows behind the city figure are the city's and the districts' lists
    assert (
        c.rows(2023, 12, "520600").count()
        == 2
        == ChallengeList.objects.filter(
            published=True, published_on__year=2023, unit__code__in=["520600", "520602"]
        ).count()
    )
    assert ("520600", "CHALLENGE_LISTS", 2023, 12, Decimal(2)) in registry_actuals([2023])


@pytest.mark.django_db
def test_provincial_counters_equal_direct_counts(units):
    _external(units, "520602", dt.date(2023, 6, 1))
    _external(units, "520602", dt.date(2023, 8, 1), level="national")
    _external(units, "520603", dt.date(2023, 7, 1), result="rejected")
    _external(units, "520603", dt.date(2023, 7, 1), domain="manganese")
    _external(units, "520603", dt.date(2023, 9, 1), domain="manganese", park=True)
    _external(units, "520621", None, domain="manganese", result="pending")
    _external(units, "520624", dt.date(2023, 4, 1), park=True)
    agri = counters()["PROV_PROJECTS_AGRI"].monthly(2023)
    direct = ExternalApplication.objects.filter(result="approved", domain="agri_social", result_on__year=2023)
    assert agri[("520600", 12)] == direct.count() == 3
    assert agri[("520602", 7)] == 1 and agri[("520602", 8)] == 2 and agri[("520624", 4)] == 1
    mn = counters()["PROV_PROJECTS_MN"].monthly(2023)
    assert (
        mn[("520603", 12)]
        == 2
        == ExternalApplication.objects.filter(result="approved", domain="manganese").count()
    )
    assert ("520621", 12) not in mn


@pytest.mark.django_db
def test_park_projects_count_provincial_and_city_projects(units):
    _external(units, "520603", dt.date(2023, 9, 1), domain="manganese", park=True)
    _external(units, "520624", dt.date(2023, 4, 1), park=True)
    _external(units, "520624", dt.date(2023, 4, 1), park=False, title="非园区")
    for n, (park, day) in enumerate(((True, dt.date(2023, 8, 20)), (False, dt.date(2023, 8, 20)))):
        Project.objects.create(
            number=f"P{n}",
            title="x",
            year=2023,
            unit=units["520624"],
            undertaker="x",
            budget=Decimal("10"),
            approved_on=day,
            starts_on=day,
            ends_on=day,
            in_agri_park=park,
        )
    park = counters()["PARK_PROJECTS"]
    m = park.monthly(2023)
    direct = (
        ExternalApplication.objects.filter(result="approved", in_agri_park=True).count()
        + Project.objects.filter(in_agri_park=True, kind="call").count()
    )
    assert m[("520600", 12)] == direct == 3
    assert m[("520624", 7)] == 1 and m[("520624", 8)] == 2 and m[("520603", 9)] == 1
    assert park.rows(2023, 8, "520624").count() == 2 and len(list(park.rows(2023, 12))) == 3


@pytest.mark.django_db
def test_a_city_counter_reads_its_registry_once_per_year(units, django_assert_num_queries):
    """The dispatch dashboard reads every counter for three years; a city counter's monthly()
    ran its grouped query twice (15 of the dashboard's 62 queries, bench/pagecases.py)."""
    from projects.indicators import CityCounter

    _list(units, "520600", dt.date(2023, 3, 15))
    _list(units, "520602", dt.date(2023, 5, 2))
    _list(units, "520602-GX", dt.date(2023, 5, 9))
    parts = [p for c in counters().values() for p in getattr(c, "parts", (c,))]  # union counters' too
    city = [p for p in parts if isinstance(p, CityCounter)]
    assert len(city) == 5
    for counter in city:
        with django_assert_num_queries(1):
            counter.monthly(2023)
    m = counters()["CHALLENGE_LISTS"].monthly(2023)
    assert m[("520600", 5)] == 2 and m[("520602", 5)] == 1 and m[("520602-GX", 5)] == 1
