"""`/api/v1/contracts`: the list envelope and item shape of CONTRACTS.md, filters, one contract,
writes with the import's rules, and the data scope on every method."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from kechuang.core.models import Event, EventAction
from org.models import ApiToken
from transfer.models import ContractStatus, TechContract


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


BODY = {
    "registration_no": "2023520602000100",
    "seller_uscc": "91350200776049653A",
    "seller_name": "碧江测试企业",
    "buyer_name": "湖南某公司",
    "type": "技术开发",
    "sub_kind": "委托开发",
    "contract_value": "300.5",
    "tech_value": "250",
    "signed": "2023-04-01",
    "registered": "2023-04-20",
    "unit": "520602",
}


@pytest.fixture
def registry(make_contract, enterprises):
    return {
        "bj_feb": make_contract(
            "520602", "500", dt.date(2023, 2, 15), type="技术开发", seller=enterprises["bijiang"]
        ),
        "bj_mar": make_contract("520602", "80.25", dt.date(2023, 3, 3), type="技术服务"),
        "bj_lead": make_contract("520602", "60", status=ContractStatus.SIGNED_UNREGISTERED),
        "ws_mar": make_contract("520603", "1200", dt.date(2023, 3, 31), type="技术转让"),
        "ws_2022": make_contract("520603", "10", dt.date(2022, 3, 31), signed=dt.date(2022, 3, 1)),
    }


@pytest.mark.django_db
def test_list_shape_and_items(users, registry):
    body = client_for(users["staff"]).get("/api/v1/contracts").json()
    assert set(body) == {"items", "count"} and body["count"] == 5
    item = next(i for i in body["items"] if i["id"] == registry["bj_feb"].pk)
    assert {"id", "registration_no", "unit", "contract_value"} <= set(item)
    assert item["unit"] == "520602" and Decimal(item["contract_value"]) == Decimal("500")
    assert item["registered"] == "2023-02-15" and item["status"] == "registered"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("unit=520603", {"ws_mar", "ws_2022"}),
        ("type=技术开发", {"bj_feb"}),
        ("type=transfer", {"ws_mar"}),
        ("year=2023", {"bj_feb", "bj_mar", "ws_mar"}),
        ("year=2023&month=3", {"bj_mar", "ws_mar"}),
        ("status=signed_unregistered", {"bj_lead"}),
        ("type=nonsense", set()),
        ("unit=999999", set()),
    ],
)
def test_filters(users, registry, query, keys):
    body = client_for(users["staff"]).get(f"/api/v1/contracts?{query}").json()
    assert {i["id"] for i in body["items"]} == {registry[k].pk for k in keys}
    assert body["count"] == len(keys)


@pytest.mark.django_db
def test_a_bad_month_is_refused(users, registry):
    assert client_for(users["staff"]).get("/api/v1/contracts?month=13").status_code == 422


@pytest.mark.django_db
def test_detail(users, registry):
    body = client_for(users["district"]).get(f"/api/v1/contracts/{registry['bj_feb'].pk}").json()
    assert body["registration_no"] == registry["bj_feb"].registration_no and body["unit"] == "520602"
    assert body["seller_id"] is not None and "follow_up_owner" in body


@pytest.mark.django_db
def test_district_scope_on_every_method(users, registry):
    district = client_for(users["district"])
    ids = {i["id"] for i in district.get("/api/v1/contracts").json()["items"]}
    assert ids == {registry[k].pk for k in ("bj_feb", "bj_mar", "bj_lead")}
    foreign = f"/api/v1/contracts/{registry['ws_mar'].pk}"
    before = TechContract.objects.filter(pk=registry["ws_mar"].pk).values().get()
    assert district.get(foreign).status_code == 404
    for method in ("put", "patch"):
        response = getattr(district, method)(
            foreign, json.dumps({"tech_value": "1"}), content_type="application/json"
        )
        assert response.status_code == 404
    assert district.delete(foreign).status_code == 404
    assert TechContract.objects.filter(pk=registry["ws_mar"].pk).values().get() == before


@pytest.mark.django_db
def test_enterprise_reads_its_own_contracts_and_writes_nothing(users, registry):
    ent = client_for(users["enterprise"])
    assert [i["id"] for i in ent.get("/api/v1/contracts").json()["items"]] == [registry["bj_feb"].pk]
    assert ent.post("/api/v1/contracts", json.dumps(BODY), content_type="application/json").status_code == 403
    own = f"/api/v1/contracts/{registry['bj_feb'].pk}"
    assert ent.patch(own, json.dumps({"buyer_name": "x"}), content_type="application/json").status_code == 403
    assert TechContract.objects.get(pk=registry["bj_feb"].pk).buyer_name == "买方"


@pytest.mark.django_db
def test_leader_reads_all_and_writes_nothing(users, registry):
    leader = client_for(users["leader"])
    assert leader.get("/api/v1/contracts").json()["count"] == 5
    assert (
        leader.post("/api/v1/contracts", json.dumps(BODY), content_type="application/json").status_code == 403
    )
    assert leader.delete(f"/api/v1/contracts/{registry['bj_feb'].pk}").status_code == 404


@pytest.mark.django_db
def test_create_with_a_token(users, enterprises):
    response = Client().post(
        "/api/v1/contracts", json.dumps(BODY), content_type="application/json", **bearer(users["district"])
    )
    assert response.status_code == 201, response.content
    body = response.json()
    contract = TechContract.objects.get(pk=body["id"])
    assert contract.seller == enterprises["bijiang"] and contract.unit.code == "520602"
    assert contract.contract_value == Decimal("300.5") and contract.sub_kind == "委托开发"
    assert Event.objects.filter(action=EventAction.WORKFLOW, object_id=str(contract.pk)).exists()


@pytest.mark.django_db
def test_create_is_checked_by_the_same_rules(users, registry):
    bad = {
        **BODY,
        "tech_value": "400",
        "registered": "2023-03-01",
        "registration_no": registry["bj_feb"].registration_no,
    }
    response = client_for(users["staff"]).post(
        "/api/v1/contracts", json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 422
    fields = {tuple(d["loc"]) for d in response.json()["detail"]}
    assert fields == {("body", "tech_value"), ("body", "registered"), ("body", "registration_no")}
    assert TechContract.objects.count() == 5


@pytest.mark.django_db
def test_a_district_cannot_file_for_or_move_to_another_unit(users, registry):
    district = client_for(users["district"])
    response = district.post(
        "/api/v1/contracts", json.dumps({**BODY, "unit": "520603"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "unit"]
    own = registry["bj_mar"]
    response = district.patch(
        f"/api/v1/contracts/{own.pk}",
        json.dumps({"unit": "520603", "version": 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    own.refresh_from_db()
    assert own.unit.code == "520602" and TechContract.objects.count() == 5


@pytest.mark.django_db
def test_patch_put_and_delete_own(users, registry):
    district = client_for(users["district"])
    own = registry["bj_lead"]
    # the follow-up item is registered: status, number and date
    response = district.patch(
        f"/api/v1/contracts/{own.pk}",
        json.dumps(
            {
                "status": "registered",
                "registration_no": "2023520602000777",
                "registered": "2023-06-01",
                "version": 1,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    own.refresh_from_db()
    assert (own.status, own.registration_no, own.registered) == (
        "registered",
        "2023520602000777",
        dt.date(2023, 6, 1),
    )
    # PUT needs every required field
    response = district.put(
        f"/api/v1/contracts/{own.pk}",
        json.dumps({"buyer_name": "x", "version": 2}),
        content_type="application/json",
    )
    assert response.status_code == 422
    response = district.put(
        f"/api/v1/contracts/{own.pk}",
        json.dumps({**BODY, "registration_no": "X-1", "version": 2}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["registration_no"] == "X-1"
    assert district.delete(f"/api/v1/contracts/{own.pk}").status_code == 204
    assert not TechContract.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_patch_cannot_empty_a_required_field(users, registry):
    own = registry["bj_mar"]
    response = client_for(users["district"]).patch(
        f"/api/v1/contracts/{own.pk}",
        json.dumps({"seller_name": None, "type": "", "version": 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {d["loc"][1] for d in response.json()["detail"]} == {"seller_name", "type"}
    own.refresh_from_db()
    assert own.seller_name == "卖方"


@pytest.mark.django_db
def test_openapi_lists_the_endpoints(users):
    schema = client_for(users["staff"]).get("/api/v1/openapi.json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/contracts"])
    assert {"get", "put", "patch", "delete"} <= set(schema["paths"]["/api/v1/contracts/{contract_id}"])
