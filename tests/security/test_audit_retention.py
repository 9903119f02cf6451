"""Audit retention (security.md item 8): `kechuang audit-purge` removes only events older than
the retention period (>= 180 days), keeps the hash chain verifiable through an anchor, is itself
audited, and the PostgreSQL trigger still blocks every other delete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kechuang.core.models import AuditAnchor, Event, EventAction, verify_chain
from kechuang.core.retention import PurgeRefused, audit_purge
from tests.security.test_audit_chain import _raw


def _event(days_ago: float, message: str) -> Event:
    return Event.objects.create(
        action=EventAction.EXPORT,
        actor_name="staff",
        at=timezone.now() - dt.timedelta(days=days_ago),
        message=message,
        data={"n": message},
    )


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


@pytest.mark.django_db
def test_a_cutoff_179_days_ago_is_refused_and_nothing_changes():
    for n in range(3):
        _event(400, f"old {n}")
    before = list(Event.objects.order_by("id").values_list("id", "hash"))
    with pytest.raises(CommandError, match=r"kept for 180 days"):
        call_command("audit-purge", "--before", _day(179))
    assert list(Event.objects.order_by("id").values_list("id", "hash")) == before
    assert AuditAnchor.objects.count() == 0


@pytest.mark.django_db
def test_a_cutoff_181_days_ago_purges_the_older_events_and_the_chain_still_verifies(capsys):
    old = [_event(200, f"old {n}") for n in range(3)]
    recent = [_event(30, f"recent {n}") for n in range(2)]
    call_command("audit-purge", "--before", _day(181))
    assert "Purged 3 audit events" in capsys.readouterr().out
    kept = list(Event.objects.order_by("id"))
    # The two recent events and the purge's own event.
    assert [e.pk for e in kept[:2]] == [e.pk for e in recent]
    assert kept[2].action == EventAction.AUDIT_PURGE and kept[2].data["count"] == 3
    anchor = AuditAnchor.objects.get()
    assert (anchor.last_id, anchor.hash, anchor.count) == (old[-1].pk, old[-1].hash, 3)
    assert kept[2].data["anchor"] == old[-1].hash
    assert recent[0].prev_hash == anchor.hash
    assert list(verify_chain()) == []
    call_command("audit-verify")
    assert "Audit chain intact: 3 events" in capsys.readouterr().out
    # New events still chain after the purge.
    _event(0, "after")
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_only_the_oldest_unbroken_run_is_purged():
    """An old event written after a recent one stays: the kept events must remain one chain."""
    first = _event(300, "old first")
    _event(10, "recent")
    late = _event(300, "old but after a recent one")
    result = audit_purge(actor_name="ops", before=timezone.localdate() - dt.timedelta(days=200))
    assert (result.count, result.last_id) == (1, first.pk)
    assert Event.objects.filter(pk=late.pk).exists() and not Event.objects.filter(pk=first.pk).exists()
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_purging_every_event_leaves_the_purge_event_linked_to_the_anchor():
    events = [_event(365, f"old {n}") for n in range(2)]
    audit_purge(actor_name="ops", before=timezone.localdate() - dt.timedelta(days=181))
    (purge,) = Event.objects.all()
    assert purge.prev_hash == events[-1].hash and list(verify_chain()) == []


@pytest.mark.django_db
def test_the_retention_setting_can_lengthen_but_not_shorten_the_period(settings):
    _event(300, "old")
    settings.AUDIT_RETENTION_DAYS = 365
    with pytest.raises(PurgeRefused, match="365 days"):
        audit_purge(actor_name="ops", before=timezone.localdate() - dt.timedelta(days=181))
    settings.AUDIT_RETENTION_DAYS = 30
    with pytest.raises(PurgeRefused, match="180 days"):
        audit_purge(actor_name="ops", before=timezone.localdate() - dt.timedelta(days=179))
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_a_broken_chain_is_not_purged():
    """Purging would destroy the evidence: a tampered trail is refused."""
    first, second, _third = (_event(300, f"old {n}") for n in range(3))
    _raw("UPDATE core_event SET message = %s WHERE id = %s", ["forged", second.pk])
    with pytest.raises(PurgeRefused, match=f"broken at event {second.pk}"):
        audit_purge(actor_name="ops", before=timezone.localdate() - dt.timedelta(days=181))
    assert Event.objects.count() == 3


@pytest.mark.django_db
def test_an_anchor_added_by_hand_to_hide_removed_rows_is_reported():
    first, _recent = _event(300, "old 1"), _event(10, "recent")
    _raw("DELETE FROM core_event WHERE id = %s", [first.pk])
    AuditAnchor.objects.create(
        before=timezone.now(), last_id=first.pk, hash=first.hash, count=1, actor_name="intruder"
    )
    assert list(verify_chain()) == [(first.pk, "anchor")]
    with pytest.raises(CommandError, match="no audit-purge event records that purge"):
        call_command("audit-verify")


@pytest.mark.django_db
def test_postgresql_trigger_still_blocks_ordinary_deletes():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no trigger; the model and queryset guards are tested in test_audit_chain")
    old, recent, other_old = _event(300, "old"), _event(10, "recent"), _event(300, "old 2")

    def delete(pk, purge_flag: bool):
        with transaction.atomic(), connection.cursor() as cur:
            if purge_flag:
                cur.execute("SELECT set_config('kechuang.audit_purge', 'on', true)")
            cur.execute("DELETE FROM core_event WHERE id = %s", [pk])

    # Without the purge flag: refused even for an old row.
    with pytest.raises(DatabaseError, match="append-only"):
        delete(old.pk, purge_flag=False)
    # With the flag: still refused for a row under 180 days old.
    with pytest.raises(DatabaseError, match="append-only"):
        delete(recent.pk, purge_flag=True)
    # After a purge in this transaction the flag is off again.
    audit_purge(actor_name="ops", before=timezone.localdate() - dt.timedelta(days=200))
    assert not Event.objects.filter(pk=old.pk).exists()
    with pytest.raises(DatabaseError, match="append-only"):
        delete(other_old.pk, purge_flag=False)
    assert Event.objects.filter(pk__in=[recent.pk, other_old.pk]).count() == 2
