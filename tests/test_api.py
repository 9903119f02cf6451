"""The /api/v1/ base: auth, the list envelope and the shapes CONTRACTS.md fixes."""

from __future__ import annotations

import pytest
from django.test import Client

from org.models import ApiToken


def bearer(user) -> Client:
    _token, raw = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_enterprise_list_and_detail_shape(users, enterprises):
    client = bearer(users["staff"])
    body = client.get("/api/v1/enterprises").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert {"id", "uscc", "name", "unit"} <= set(first)
    assert first["unit"] in {"520602", "520603"}
    one = client.get(f"/api/v1/enterprises/{enterprises['wanshan'].pk}").json()
    assert one["uscc"] == "913502000728319549" and one["unit"] == "520603"


@pytest.mark.django_db
def test_list_filters_and_paging(users, enterprises):
    client = bearer(users["staff"])
    assert client.get("/api/v1/enterprises?unit=520603").json()["count"] == 1
    page = client.get("/api/v1/enterprises?limit=1&offset=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1


@pytest.mark.django_db
def test_district_sees_only_its_unit(users, enterprises):
    body = bearer(users["district"]).get("/api/v1/enterprises").json()
    assert body["count"] == 1 and body["items"][0]["uscc"] == enterprises["bijiang"].uscc


@pytest.mark.django_db
def test_enterprise_user_sees_only_itself(users, enterprises):
    body = bearer(users["enterprise"]).get("/api/v1/enterprises").json()
    assert [e["name"] for e in body["items"]] == ["碧江测试企业"]


@pytest.mark.django_db
def test_expert_sees_no_enterprise(users, enterprises):
    assert bearer(users["expert"]).get("/api/v1/enterprises").json()["count"] == 0


@pytest.mark.django_db
def test_no_or_bad_token_is_401(users):
    assert Client().get("/api/v1/enterprises").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer kc_nonsense").get("/api/v1/enterprises").status_code == 401


@pytest.mark.django_db
def test_revoked_token_and_disabled_user_are_refused(users):
    from django.utils import timezone

    token, raw = ApiToken.issue(users["district"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me").status_code == 200
    token.revoked = timezone.now()
    token.save()
    assert client.get("/api/v1/me").status_code == 401
    _t, raw2 = ApiToken.issue(users["district"])
    users["district"].is_active = False
    users["district"].save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_session_auth_works(users):
    client = Client()
    client.force_login(users["district"])
    me = client.get("/api/v1/me").json()
    assert me["username"] == "bijiang" and me["roles"] == ["district"]
    assert me["grants"] == [{"role": "district", "unit": "520602", "enterprise_id": None}]


@pytest.mark.django_db
def test_units_plan_indicators_and_targets(users, plan):
    client = bearer(users["district"])
    units = client.get("/api/v1/units?limit=100").json()
    assert units["count"] == 13
    assert client.get("/api/v1/units/520602").json()["name"] == "碧江区"
    assert client.get("/api/v1/units/999999").status_code == 404
    indicators = client.get("/api/v1/indicators?limit=100").json()
    assert indicators["count"] == 29
    tree = client.get(f"/api/v1/plans/{plan.pk}").json()
    assert len(tree["tasks"]) == 10 and sum(len(t["items"]) for t in tree["tasks"]) == 33
    targets = client.get("/api/v1/targets?year=2023&indicator=HT_OUTPUT").json()
    assert targets["count"] == 1 and float(targets["items"][0]["value"]) == 316.0


@pytest.mark.django_db
def test_district_reads_city_targets_but_not_other_districts(users, units, plan):
    from plan.models import Indicator, Target

    ht = Indicator.objects.get(code="HT_OUTPUT")
    Target.objects.create(year=2023, unit=units["520603"], indicator=ht, value=30)
    Target.objects.create(year=2023, unit=units["520602"], indicator=ht, value=70)
    body = bearer(users["district"]).get("/api/v1/targets?indicator=HT_OUTPUT").json()
    assert sorted(i["unit"] for i in body["items"]) == ["520600", "520602"]


@pytest.mark.django_db
def test_openapi_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/enterprises" in spec["paths"]
    assert "/api/v1/enterprises/{enterprise_id}" in spec["paths"]
