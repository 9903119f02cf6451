"""Audit events are append-only and tamper-evident; only the admin and the auditor read them
(security.md item 8)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from kechuang.core.audit import record_event
from kechuang.core.models import AppendOnlyError, Event, EventAction, verify_chain
from kechuang.core.roles import Role


def _three_events(actor=None):
    return [
        record_event(EventAction.EXPORT, actor=actor, message=f"export {n}", data={"rows": n, "名": "碧江"})
        for n in (1, 2, 3)
    ]


def _raw(sql, params=()):
    """Write past the ORM, as someone with database access would (PostgreSQL: with the trigger
    switched off by the table owner)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # ALTER TABLE needs the test transaction's deferred foreign-key checks done first.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE core_event DISABLE TRIGGER core_event_append_only")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_event ENABLE TRIGGER core_event_append_only")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.django_db
def test_the_orm_refuses_every_change_and_delete():
    event = _three_events()[0]
    event.message = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(message="changed")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.bulk_update([event], ["message"])
    assert Event.objects.get(pk=event.pk).message == "export 1" and Event.objects.count() == 3


@pytest.mark.django_db
def test_postgresql_trigger_refuses_update_and_delete_in_sql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: the model and queryset guard (a trigger would also block the test flush)")
    event = _three_events()[1]
    for sql in ("UPDATE core_event SET message = 'x' WHERE id = %s", "DELETE FROM core_event WHERE id = %s"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])
    assert Event.objects.get(pk=event.pk).message == "export 2" and Event.objects.count() == 3


@pytest.mark.django_db
def test_chain_links_each_row_to_the_one_before():
    first, second, third = _three_events()
    assert first.prev_hash == "0" * 64 or first.prev_hash == Event.objects.filter(pk__lt=first.pk).last().hash
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_audit_verify_reports_an_intact_chain(capsys):
    _three_events()
    call_command("audit-verify")
    assert "Audit chain intact: 3 events" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_verify_finds_an_altered_row():
    first, second, third = _three_events()
    _raw("UPDATE core_event SET message = %s WHERE id = %s", ["export 200", second.pk])
    assert list(verify_chain()) == [(second.pk, "content")]
    with pytest.raises(CommandError, match=f"event {second.pk} was altered"):
        call_command("audit-verify")


@pytest.mark.django_db
def test_audit_verify_finds_a_removed_row():
    first, second, third = _three_events()
    _raw("DELETE FROM core_event WHERE id = %s", [second.pk])
    assert list(verify_chain()) == [(third.pk, "link")]
    with pytest.raises(CommandError, match=f"event {third.pk} does not link"):
        call_command("audit-verify")


@pytest.mark.django_db
def test_bulk_created_events_are_chained_too(users):
    _three_events()
    before = Event.objects.count()
    Event.objects.bulk_create(
        [
            Event(action=EventAction.WORKFLOW, actor=users["staff"], actor_name="staff", message=f"m{n}")
            for n in range(4)
        ]
    )
    assert Event.objects.count() == before + 4 and list(verify_chain()) == []


@pytest.mark.django_db
def test_deleting_an_account_keeps_the_chain(make_user, units):
    gone = make_user("temporary", Role.DISTRICT, unit=units["520602"])
    _three_events(actor=gone)
    gone.delete()  # nulls the actor link; actor_name stays
    mine = Event.objects.filter(message__startswith="export ")
    assert set(mine.values_list("actor_id", "actor_name")) == {(None, "temporary")}
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_only_the_admin_and_the_auditor_read_the_audit_trail(users, make_user):
    auditor = make_user("auditor1", Role.AUDITOR)
    _three_events()
    for who, status in [
        (users["admin"], 200),
        (auditor, 200),
        (users["staff"], 404),
        (users["leader"], 404),
        (users["district"], 404),
        (users["enterprise"], 404),
        (users["expert"], 404),
    ]:
        client = Client()
        client.force_login(who)
        for tab in ("events", "changes"):
            assert client.get(f"/audit/?tab={tab}").status_code == status, (who, tab)
    response = Client().get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_auditor_reads_no_business_data(make_user, enterprises):
    from enterprises.models import Enterprise

    auditor = make_user("auditor2", Role.AUDITOR)
    assert Enterprise.objects.for_user(auditor).count() == 0
