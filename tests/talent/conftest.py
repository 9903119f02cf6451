"""Talent fixtures: one person kept by 碧江区 (520602) and one by 万山区 (520603); the second
carries an old 万山特区 5222xx ID number."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.idnumber import check_char

BIJIANG_ID = "520602199001010015"
WANSHAN_ID = "52223019780312001X"


def make_id(area: str = "520602", born: str = "19850615", seq: int = 21) -> str:
    body = f"{area}{born}{seq:03d}"
    return body + check_char(body)


@pytest.fixture
def people(units):
    from talent.models import Person

    return {
        "bijiang": Person.objects.create(
            name="张明", id_number=BIJIANG_ID, unit=units["520602"], organisation="铜仁学院", title="教授"
        ),
        "wanshan": Person.objects.create(
            name="李华", id_number=WANSHAN_ID, unit=units["520603"], organisation="万山区农业农村局"
        ),
    }


@pytest.fixture
def assignments(people, units):
    from talent.models import Assignment, PlaceKind

    def make(person, unit, place, selected=dt.date(2023, 3, 15)):
        return Assignment.objects.create(
            person=person,
            year=selected.year,
            selected_on=selected,
            unit=unit,
            place_kind=PlaceKind.VILLAGE,
            place=place,
            service_start=dt.date(2023, 4, 1),
            service_end=dt.date(2024, 3, 31),
        )

    return {
        "bijiang": make(people["bijiang"], units["520602"], "滑石乡老麻塘村"),
        "wanshan": make(people["wanshan"], units["520603"], "大坪乡龙门坳村"),
    }
