"""Optimistic concurrency (security.md item 6): an edit from a stale copy is refused — 409 on
the API, a form error on the pages — and the stored row keeps the newer values."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from kechuang.core.concurrency import STALE_MESSAGE, StaleVersion
from transfer.models import TechContract


def _patch(client, pk, body, **headers):
    return client.patch(
        f"/api/v1/contracts/{pk}", json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.django_db
def test_a_save_from_a_stale_instance_raises_and_writes_nothing(contract):
    first = TechContract.objects.get(pk=contract.pk)
    second = TechContract.objects.get(pk=contract.pk)
    first.buyer_name = "先保存的买方"
    first.save()
    assert first.version == 2
    second.buyer_name = "后保存的买方"
    with pytest.raises(StaleVersion):
        second.save()
    stored = TechContract.objects.get(pk=contract.pk)
    assert (stored.buyer_name, stored.version) == ("先保存的买方", 2)
    # the same instance saves again without a reload: its version moved with it
    first.note = "再改一次"
    first.save(update_fields=["note"])
    assert TechContract.objects.get(pk=contract.pk).version == 3


@pytest.mark.django_db
def test_api_update_with_a_stale_version_is_409_and_keeps_the_newer_row(users, contract, client_for):
    alice, bob = client_for(users["district"]), client_for(users["staff"])
    read = alice.get(f"/api/v1/contracts/{contract.pk}").json()
    assert read["version"] == 1
    first = _patch(bob, contract.pk, {"buyer_name": "乙方新名", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = _patch(alice, contract.pk, {"buyer_name": "甲方旧名", "version": read["version"]})
    assert stale.status_code == 409
    stored = TechContract.objects.get(pk=contract.pk)
    assert (stored.buyer_name, stored.version) == ("乙方新名", 2)


@pytest.mark.django_db
def test_api_if_match_header(users, contract, client_for):
    client = client_for(users["district"])
    assert _patch(client, contract.pk, {"note": "a"}, if_match='"2"').status_code == 409
    assert _patch(client, contract.pk, {"note": "a"}, if_match="not-a-version").status_code == 409
    ok = _patch(client, contract.pk, {"note": "b"}, if_match='W/"1"')
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert TechContract.objects.get(pk=contract.pk).note == "b"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["patch", "put"])
def test_api_update_without_a_precondition_is_428_and_writes_nothing(users, contract, client_for, method):
    client = client_for(users["staff"])
    before = TechContract.objects.filter(pk=contract.pk).values().get()
    body = {"buyer_name": "盲写的买方"}
    if method == "put":
        body = client.get(f"/api/v1/contracts/{contract.pk}").json()
        body = {k: body[k] for k in ("registration_no", "seller_name", "type", "contract_value")} | {
            "tech_value": "60",
            "signed": "2023-03-01",
            "registered": "2023-03-20",
            "unit": "520602",
            "buyer_name": "盲写的买方",
        }
    response = getattr(client, method)(
        f"/api/v1/contracts/{contract.pk}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert TechContract.objects.filter(pk=contract.pk).values().get() == before
    # the same body with the version read goes through
    response = getattr(client, method)(
        f"/api/v1/contracts/{contract.pk}",
        json.dumps(body),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    assert TechContract.objects.get(pk=contract.pk).buyer_name == "盲写的买方"


@pytest.mark.django_db
def test_get_detail_carries_the_version_as_etag_for_if_match(users, contract, client_for):
    client = client_for(users["district"])
    read = client.get(f"/api/v1/contracts/{contract.pk}")
    assert read["ETag"] == '"1"' and read.json()["version"] == 1
    updated = _patch(client, contract.pk, {"note": "带着 ETag 改"}, if_match=read["ETag"])
    assert updated.status_code == 200 and updated["ETag"] == '"2"'
    # the old ETag is now stale
    assert _patch(client, contract.pk, {"note": "旧 ETag"}, if_match=read["ETag"]).status_code == 409
    assert client.get(f"/api/v1/contracts/{contract.pk}")["ETag"] == '"2"'
    assert TechContract.objects.get(pk=contract.pk).note == "带着 ETag 改"
    # lists carry no ETag (no single version)
    assert "ETag" not in client.get("/api/v1/contracts")


@pytest.mark.django_db
def test_a_client_cannot_set_the_version(users, contract, client_for):
    client = client_for(users["district"])
    response = _patch(client, contract.pk, {"note": "x", "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2
    # 99 is not the version read: refused, the stored version is not 99
    assert _patch(client, contract.pk, {"note": "y", "version": 99}).status_code == 409
    assert TechContract.objects.get(pk=contract.pk).version == 2


def _form_data(contract, **changes):
    data = {
        "status": contract.status,
        "registration_no": contract.registration_no,
        "seller_uscc": "",
        "seller_name": contract.seller_name,
        "buyer_name": contract.buyer_name,
        "title": "",
        "type": contract.type,
        "sub_kind": "",
        "contract_value": str(contract.contract_value),
        "tech_value": str(contract.tech_value),
        "signed": contract.signed.isoformat(),
        "valid_until": "",
        "registered": contract.registered.isoformat(),
        "unit": contract.unit_id,
        "refusal_reason": "",
        "follow_up_owner": "",
        "follow_up_note": "",
        "note": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_stale_form_is_a_form_error_and_nothing_is_overwritten(users, contract, client_for):
    alice, bob = client_for(users["district"]), client_for(users["staff"])
    page = alice.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page
    assert (
        bob.post(
            f"/contracts/{contract.pk}/edit/", _form_data(contract, buyer_name="乙", version=1)
        ).status_code
        == 302
    )
    response = alice.post(f"/contracts/{contract.pk}/edit/", _form_data(contract, buyer_name="甲", version=1))
    assert response.status_code == 400  # the contract form answers an invalid post with 400
    with translation.override("zh-hans"):
        assert str(STALE_MESSAGE) in response.content.decode()
    stored = TechContract.objects.get(pk=contract.pk)
    assert (stored.buyer_name, stored.version) == ("乙", 2)


@pytest.mark.django_db
def test_a_race_lost_between_check_and_save_is_a_409_page(users, contract, client_for, monkeypatch):
    """The form's check passed, then someone saved first: the compare-and-swap refuses it."""
    from kechuang.core import concurrency

    monkeypatch.setattr(
        concurrency, "expect_version", lambda request, obj, given=None: setattr(obj, "version", given)
    )
    TechContract.objects.filter(pk=contract.pk).update(version=5, buyer_name="别人")
    response = client_for(users["district"]).post(
        f"/contracts/{contract.pk}/edit/", _form_data(contract, buyer_name="我", version=1)
    )
    assert response.status_code == 409
    assert TechContract.objects.get(pk=contract.pk).buyer_name == "别人"


@pytest.mark.django_db
def test_a_stale_enterprise_file_form_is_refused_and_the_newer_file_kept(users, enterprises, client_for):
    """The file form posts only what differs from the stored row, so without the version an old
    page's address would silently undo a newer edit (the row is read fresh on the post)."""
    from enterprises.models import Enterprise

    ent = enterprises["bijiang"]
    alice, bob = client_for(users["district"]), client_for(users["staff"])

    def post(client, **fields):
        data = {"year-year": "2022", **{f"file-{k}": v for k, v in fields.items()}}
        return client.post(f"/enterprises/{ent.pk}/edit/", data)

    page = alice.get(f"/enterprises/{ent.pk}/edit/").content.decode()
    assert 'name="file-version" value="1"' in page
    # Bob changes the address from a page of version 1
    response = post(bob, address="新地址1号", version="1")
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=ent.pk).address == "新地址1号"
    # Alice's page still shows the old (empty) address; she changes the contact name only
    response = post(alice, address="", contact_name="张三", version="1")
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert str(STALE_MESSAGE) in response.content.decode()
    stored = Enterprise.objects.get(pk=ent.pk)
    assert (stored.address, stored.contact_name, stored.version) == ("新地址1号", "", 2)
    # a post without the version is refused the same way
    response = post(alice, contact_name="张三")
    assert response.status_code == 200
    assert Enterprise.objects.get(pk=ent.pk).contact_name == ""
    # from a fresh page her change goes through and keeps Bob's address
    response = post(alice, address="新地址1号", contact_name="张三", version="2")
    assert response.status_code == 302
    stored = Enterprise.objects.get(pk=ent.pk)
    assert (stored.address, stored.contact_name, stored.version) == ("新地址1号", "张三", 3)
