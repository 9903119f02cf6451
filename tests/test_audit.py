"""Audit trail: field-level changes, logins, failed logins, in the same transaction; append-only."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.test import Client

from kechuang.core.models import AppendOnlyError, Event, EventAction
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_field_change_is_logged_with_before_after_and_unit(enterprises):
    ent = enterprises["bijiang"]
    ent.name = "碧江新名称"
    ent.save()
    entry = LogEntry.objects.get_for_object(ent).order_by("-timestamp").first()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["name"] == ["碧江测试企业", "碧江新名称"]
    assert entry.additional_data == {"unit": "520602"}


@pytest.mark.django_db
def test_delete_is_logged(enterprises):
    ent = enterprises["wanshan"]
    pk = ent.pk
    ent.delete()
    assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_leaves_no_audit_row(enterprises):
    ent = enterprises["bijiang"]
    before = LogEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        ent.name = "不会保存"
        ent.save()
        raise RuntimeError("abort")
    assert LogEntry.objects.count() == before


@pytest.mark.django_db
def test_login_logout_and_failed_login_are_events(users):
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-login-0001")
    assert client.post("/accounts/login/", {"username": "bijiang", "password": "wrong"}).status_code == 200
    failed = Event.objects.get(action=EventAction.LOGIN_FAILED)
    assert failed.actor_name == "bijiang" and failed.ip == "10.1.2.3"
    assert "wrong" not in str(failed.data)
    response = client.post("/accounts/login/", {"username": "bijiang", "password": PASSWORD})
    assert response.status_code == 302
    login = Event.objects.get(action=EventAction.LOGIN)
    assert login.actor == users["district"] and login.request_id == "req-login-0001"
    client.post("/accounts/logout/")
    assert Event.objects.filter(action=EventAction.LOGOUT, actor=users["district"]).count() == 1


@pytest.mark.django_db
def test_change_in_actor_context_records_actor_and_ip(users, enterprises):
    """Inside a request (or a CLI action with set_actor) a change carries the user and the IP."""
    from auditlog.context import set_actor

    ent = enterprises["bijiang"]
    with set_actor(users["district"], remote_addr="10.9.9.9"):
        ent.address = "碧江区测试路1号"
        ent.save()
    entry = LogEntry.objects.get_for_object(ent).order_by("-timestamp").first()
    assert entry.actor == users["district"]
    assert entry.remote_addr == "10.9.9.9"


@pytest.mark.django_db
def test_events_are_append_only():
    event = Event.objects.create(action=EventAction.EXPORT, actor_name="x")
    event.message = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert Event.objects.get(pk=event.pk).message == ""


@pytest.mark.django_db
def test_audit_page_is_admin_only(users):
    admin, district = Client(), Client()
    admin.force_login(users["admin"])
    district.force_login(users["district"])
    assert admin.get("/audit/?tab=events").status_code == 200
    assert district.get("/audit/").status_code == 404


@pytest.mark.django_db
def test_audit_search_filters_by_unit(users, enterprises):
    enterprises["bijiang"].name = "碧江改名"
    enterprises["bijiang"].save()
    enterprises["wanshan"].name = "万山改名"
    enterprises["wanshan"].save()
    admin = Client()
    admin.force_login(users["admin"])
    body = admin.get("/audit/?unit=520603").content.decode()
    assert "万山改名" in body and "碧江改名" not in body
