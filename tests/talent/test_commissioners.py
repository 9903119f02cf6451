"""Commissioners: the linked account files its own service logs from a phone-width page; the
district keeps its assignments; nobody reaches another unit's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kechuang.core.roles import Role
from talent.models import Person, ServiceLog


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def commissioner(make_user, people):
    user = make_user("tepaiyuan", Role.EXPERT)
    Person.objects.filter(pk=people["bijiang"].pk).update(user=user)
    return user


@pytest.mark.django_db
def test_commissioner_files_a_log_from_the_service_page(commissioner, assignments):
    client = login(commissioner)
    page = client.get("/talent/my-service/").content.decode()
    assert "滑石乡老麻塘村" in page and "大坪乡龙门坳村" not in page
    assert "service.css" in page  # the phone-width layout
    own = assignments["bijiang"]
    assert client.get(f"/talent/commissioners/{own.pk}/log/").status_code == 200
    response = client.post(
        f"/talent/commissioners/{own.pk}/log/",
        {
            "served_on": "2023-05-06",
            "place": "老麻塘村茶园",
            "content": "茶园病虫害防控培训",
            "people_trained": 25,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/talent/my-service/"
    log = ServiceLog.objects.get()
    assert log.filed_by == commissioner and log.people_trained == 25 and log.assignment == own


@pytest.mark.django_db
def test_log_outside_the_service_period_is_refused(commissioner, assignments):
    client = login(commissioner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.post(
        f"/talent/commissioners/{assignments['bijiang'].pk}/log/",
        {"served_on": "2023-01-06", "place": "x", "content": "y", "people_trained": 1},
    ).content.decode()
    assert "outside the service period 2023-04-01 – 2024-03-31" in body
    assert not ServiceLog.objects.exists()


@pytest.mark.django_db
def test_commissioner_reaches_only_own_assignments(commissioner, assignments):
    client = login(commissioner)
    foreign = assignments["wanshan"]
    assert client.get(f"/talent/commissioners/{foreign.pk}/log/").status_code == 404
    assert client.post(f"/talent/commissioners/{foreign.pk}/log/", {}).status_code == 404
    assert client.get(f"/talent/commissioners/{foreign.pk}/").status_code == 404
    # It reads its own assignment but does not edit it (the district keeps it).
    assert client.get(f"/talent/commissioners/{assignments['bijiang'].pk}/").status_code == 200
    assert client.get(f"/talent/commissioners/{assignments['bijiang'].pk}/edit/").status_code == 404


@pytest.mark.django_db
def test_district_lists_and_logs_its_own(users, assignments):
    client = login(users["district"])
    body = client.get("/talent/commissioners/").content.decode()
    assert "滑石乡老麻塘村" in body and "大坪乡龙门坳村" not in body
    own = assignments["bijiang"]
    response = client.post(
        f"/talent/commissioners/{own.pk}/log/",
        {"served_on": "2023-06-01", "place": "滑石乡", "content": "技术培训", "people_trained": 0},
    )
    assert response["Location"] == f"/talent/commissioners/{own.pk}/"
    assert client.get(f"/talent/commissioners/{assignments['wanshan'].pk}/log/").status_code == 404


@pytest.mark.django_db
def test_assignment_form_and_validation(users, people, units):
    client = login(users["district"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    data = {
        "person": people["bijiang"].pk,
        "year": 2023,
        "level": "city",
        "selected_on": "2022-12-30",
        "unit": units["520602"].pk,
        "place_kind": "town",
        "place": "坝黄镇",
        "service_start": "2023-04-01",
        "service_end": "2023-03-01",
    }
    body = client.post("/talent/commissioners/new/", data).content.decode()
    assert "The selection date is not in the selection year." in body
    assert "The service period ends before it starts." in body
    data.update(selected_on="2023-03-01", service_end="2024-03-31")
    response = client.post("/talent/commissioners/new/", data)
    assert response.status_code == 302
    # A district cannot pick another district's person (the choice comes from its scope).
    data.update(person=people["wanshan"].pk, place="另一处")
    assert client.post("/talent/commissioners/new/", data).status_code == 200


@pytest.mark.django_db
def test_api_assignment_detail_has_logs(users, assignments):
    from org.models import ApiToken

    ServiceLog.objects.create(
        assignment=assignments["bijiang"],
        served_on=dt.date(2023, 5, 1),
        place="p",
        content="c",
        people_trained=3,
    )
    _t, raw = ApiToken.issue(users["district"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = client.get("/api/v1/talent/commissioners").json()
    assert body["count"] == 1 and body["items"][0]["place"] == "滑石乡老麻塘村"
    one = client.get(f"/api/v1/talent/commissioners/{assignments['bijiang'].pk}").json()
    assert one["logs"][0]["people_trained"] == 3
    assert client.get(f"/api/v1/talent/commissioners/{assignments['wanshan'].pk}").status_code == 404
