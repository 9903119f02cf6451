"""Account expiry (security.md item 27; 等保 访问控制: accounts no longer needed are disabled
promptly). An account is disabled the day after its `expires_on` date and, when
ACCOUNT_INACTIVE_DAYS > 0, when nobody has signed in to it for that many days (counted from the
last sign-in, or from its creation if it never signed in). Disabling ends its sessions at once
(API tokens already stop working for an inactive user) and writes one audit event per account.
Run daily: `kechuang accounts-expire` from cron, or enqueue `accounts_expire_task`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django_tasks import task

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from org.models import User

__all__ = ["Expired", "accounts_expire", "accounts_expire_task", "user_sessions_end"]


@dataclass(frozen=True)
class Expired:
    username: str
    reason: str  # "expired" (past expires_on) or "inactive" (no sign-in for N days)
    sessions: int


def user_sessions_end(user) -> int:
    """Delete every stored session of `user`; returns how many."""
    from django.utils import timezone

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def accounts_expire(*, actor=None, actor_name: str = "", now: dt.datetime | None = None) -> list[Expired]:
    """Disable every active account past its end date or inactive too long."""
    from django.utils import timezone

    now = now or timezone.now()
    today = timezone.localdate(now)
    condition = Q(expires_on__lt=today)
    days = int(getattr(settings, "ACCOUNT_INACTIVE_DAYS", 0) or 0)
    if days > 0:
        condition |= Q(seen__lt=now - dt.timedelta(days=days))
    candidates = (
        User.objects.filter(is_active=True)
        .annotate(seen=Coalesce("last_login", "date_joined"))
        .filter(condition)
        .order_by("username")
        .select_for_update(of=("self",))
    )
    done = []
    for user in candidates:
        reason = "expired" if user.expires_on is not None and user.expires_on < today else "inactive"
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions = user_sessions_end(user)
        record_event(
            EventAction.ACCOUNT_EXPIRED,
            actor=actor,
            actor_name=actor_name if actor is None else None,
            obj=user,
            message=f"account {user.get_username()} disabled ({reason})",
            data={
                "user": user.get_username(),
                "reason": reason,
                "expires_on": user.expires_on.isoformat() if user.expires_on else None,
                "last_seen": user.seen.isoformat(),
                "sessions_ended": sessions,
            },
        )
        done.append(Expired(user.get_username(), reason, sessions))
    return done


@task()
def accounts_expire_task() -> int:
    """The daily job for a worker (`kechuang worker`); the same as the command."""
    return len(accounts_expire(actor_name="task:accounts-expire"))
