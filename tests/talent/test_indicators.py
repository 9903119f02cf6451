"""Each talent counter equals a direct count over its registry, year to date by unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.indicators import counters
from talent.models import (
    Assignment,
    AssignmentLevel,
    Designation,
    Person,
    PhdProject,
    PlaceKind,
    SchoolEnterpriseAgreement,
)
from tests.talent.conftest import make_id


@pytest.fixture
def registry(units, enterprises):
    bj, ws = units["520602"], units["520603"]
    people = [
        Person.objects.create(name=f"人{i}", id_number=make_id(seq=100 + i), unit=bj if i % 3 else ws)
        for i in range(12)
    ]
    days = [dt.date(2023, m, 10) for m in (1, 2, 2, 5, 7, 7, 9, 12)] + [
        dt.date(2022, 6, 1),
        dt.date(2024, 1, 2),
    ]
    for i, day in enumerate(days):
        Designation.objects.create(person=people[i], category="social", designated_on=day)
    Designation.objects.create(person=people[0], category="key", designated_on=dt.date(2023, 4, 20))
    Designation.objects.create(person=people[1], category="phd", designated_on=dt.date(2023, 8, 1))
    Designation.objects.create(person=people[3], category="phd", designated_on=dt.date(2023, 3, 1))
    Designation.objects.create(person=people[2], category="team", designated_on=dt.date(2023, 3, 1))
    for day, unit in ((dt.date(2023, 5, 5), bj), (dt.date(2023, 6, 5), ws), (dt.date(2022, 6, 5), bj)):
        PhdProject.objects.create(title="x", person=people[1], unit=unit, approved_on=day)
    SchoolEnterpriseAgreement.objects.create(
        school="铜仁学院", unit=bj, enterprise=enterprises["bijiang"], signed_on=dt.date(2023, 9, 9)
    )
    for i in range(7):
        Assignment.objects.create(
            person=people[i % 4],  # four people, seven person-times
            year=2023,
            selected_on=dt.date(2023, 3 + i % 2, 15),
            unit=bj if i < 5 else ws,
            place_kind=PlaceKind.VILLAGE,
            place=f"村{i}",
            service_start=dt.date(2023, 4, 1),
            service_end=dt.date(2024, 3, 31),
            level=AssignmentLevel.PROVINCIAL if i == 6 else AssignmentLevel.CITY,
        )
    return people


def direct(qs, date_field: str, year: int, month: int, unit_path: str, code: str) -> int:
    return qs.filter(
        **{f"{date_field}__year": year, f"{date_field}__month__lte": month, unit_path: code}
    ).count()


CASES = [
    ("TALENT_KEY", lambda: Designation.objects.filter(category="key"), "designated_on", "person__unit__code"),
    (
        "TALENT_SOCIAL",
        lambda: Designation.objects.filter(category="social"),
        "designated_on",
        "person__unit__code",
    ),
    (
        "PHD_INTRODUCED",
        lambda: Designation.objects.filter(category="phd"),
        "designated_on",
        "person__unit__code",
    ),
    ("PHD_PROJECTS", lambda: PhdProject.objects.all(), "approved_on", "unit__code"),
    ("SCHOOL_ENTERPRISE", lambda: SchoolEnterpriseAgreement.objects.all(), "signed_on", "unit__code"),
    ("COMMISSIONERS", lambda: Assignment.objects.filter(level="city"), "selected_on", "unit__code"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "rows", "date_field", "unit_path"), CASES, ids=[c[0] for c in CASES])
def test_counter_equals_direct_count(registry, code, rows, date_field, unit_path):
    monthly = counters()[code].monthly(2023)
    for unit in ("520602", "520603"):
        for month in range(1, 13):
            expected = direct(rows(), date_field, 2023, month, unit_path, unit)
            assert monthly.get((unit, month), Decimal(0)) == expected, (unit, month)


@pytest.mark.django_db
def test_hand_computed_figures(registry):
    c = counters()
    social = c["TALENT_SOCIAL"].monthly(2023)
    # 碧江 has people 1,2,4,5,7 (i % 3 != 0) designated in Feb, Feb, Jul, Jul, Dec; 万山 people 0,3,6
    # in Jan, May, Sep. The 2022 and 2024 designations do not count for 2023.
    assert [social[("520602", m)] for m in (1, 2, 7, 12)] == [0, 2, 4, 5]
    assert [social[("520603", m)] for m in (1, 5, 9, 12)] == [1, 2, 3, 3]
    assert c["TALENT_KEY"].monthly(2023)[("520603", 4)] == 1
    assert c["PHD_INTRODUCED"].monthly(2023)[("520602", 8)] == 1
    assert c["PHD_INTRODUCED"].monthly(2023)[("520603", 3)] == 1
    assert c["PHD_PROJECTS"].monthly(2023)[("520602", 12)] == 1
    assert c["SCHOOL_ENTERPRISE"].monthly(2023)[("520602", 8)] == 0
    assert c["SCHOOL_ENTERPRISE"].monthly(2023)[("520602", 9)] == 1
    commissioners = c["COMMISSIONERS"].monthly(2023)
    # Seven assignments: five in 碧江 (March: i = 0, 2, 4; April: 1, 3); i = 5 in 万山 in April;
    # i = 6 is provincial and does not count.
    assert commissioners[("520602", 3)] == 3 and commissioners[("520602", 4)] == 5
    assert commissioners[("520603", 4)] == 1
    assert c["COMMISSIONERS"].rows(2023, 12, "520603").count() == 1
