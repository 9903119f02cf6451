"""Audit retention (security.md item 8): audit events are kept at least 180 days (网络安全法 §21),
then may be purged deliberately, oldest first, without breaking the hash chain.

`audit_purge` deletes the oldest events up to a cutoff, stores the hash of the last purged event
as the chain's new anchor (`AuditAnchor`; the first kept event already links to it) and records
an AUDIT_PURGE event naming that anchor, so `kechuang audit-verify` still proves that nothing
after the anchor was altered or removed. On PostgreSQL the append-only trigger lets the DELETE
through only inside this transaction (`SET LOCAL kechuang.audit_purge`) and only for rows older
than 180 days, whatever the caller asks (migration core/0007).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from kechuang.core.audit import record_event
from kechuang.core.models import AuditAnchor, Event, EventAction, _lock_chain, verify_chain

__all__ = ["MIN_AUDIT_RETENTION_DAYS", "PurgeRefused", "PurgeResult", "audit_purge", "retention_days"]

# 网络安全法 §21: network logs are kept for no less than six months.
MIN_AUDIT_RETENTION_DAYS = 180


class PurgeRefused(Exception):
    """The purge was not done; the message (English, like every operator command's) says why.
    Nothing was deleted."""


@dataclass(frozen=True)
class PurgeResult:
    count: int
    last_id: int | None
    anchor: str | None
    cutoff: dt.datetime


def retention_days() -> int:
    """The configured retention, never below the legal minimum."""
    return max(MIN_AUDIT_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", 0) or 0))


def _cutoff(before: dt.date) -> dt.datetime:
    """The first instant of `before` in the site's time zone: events before it are purged."""
    return timezone.make_aware(dt.datetime.combine(before, dt.time.min))


@transaction.atomic
def audit_purge(*, actor=None, actor_name: str | None = None, before: dt.date) -> PurgeResult:
    """Delete the audit events written before the day `before`, if that day is at least
    `retention_days()` ago. Only a prefix of the chain is removed (events in id order up to the
    first one at or after the cutoff), so the kept events stay one unbroken chain."""
    days = retention_days()
    newest_allowed = timezone.localdate() - dt.timedelta(days=days)
    if before > newest_allowed:
        raise PurgeRefused(
            f"Refused: audit events are kept for {days} days, so the cutoff can be "
            f"{newest_allowed.isoformat()} at the latest (asked for {before.isoformat()})."
        )
    using = router.db_for_write(Event)
    connection = connections[using]
    _lock_chain(connection)
    problems = list(verify_chain(using))
    if problems:
        # Purging would destroy the evidence of a tampered trail.
        raise PurgeRefused(
            f"Refused: the audit chain is broken at event {problems[0][0]}; run kechuang audit-verify."
        )
    cutoff = _cutoff(before)
    events = Event.objects.using(using)
    first_kept = events.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    doomed = events.filter(id__lt=first_kept) if first_kept is not None else events.all()
    last = doomed.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return PurgeResult(count=0, last_id=None, anchor=None, cutoff=cutoff)
    last_id, anchor = last
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('kechuang.audit_purge', 'on', true)")
        table = connection.ops.quote_name(Event._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last_id])  # noqa: S608 (table name from the model)
        count = cursor.rowcount
        if connection.vendor == "postgresql":
            # The rest of the caller's transaction is guarded again.
            cursor.execute("SELECT set_config('kechuang.audit_purge', 'off', true)")
    name = actor_name if actor_name is not None else (actor.get_username() if actor else "")
    AuditAnchor.objects.using(using).create(
        before=cutoff, last_id=last_id, hash=anchor, count=count, actor_name=name
    )
    record_event(
        EventAction.AUDIT_PURGE,
        actor=actor,
        actor_name=name,
        message=f"purged {count} audit events before {before.isoformat()}",
        data={"anchor": anchor, "last_id": last_id, "count": count, "before": before.isoformat()},
    )
    return PurgeResult(count=count, last_id=last_id, anchor=anchor, cutoff=cutoff)
