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
