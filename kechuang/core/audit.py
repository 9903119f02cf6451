"""Explicit audit events, written in the caller's transaction (one small function per event)."""

from __future__ import annotations

from typing import Any

from kechuang.core.middleware import current_request_id
from kechuang.core.models import Event, EventAction

__all__ = ["client_ip", "record_event"]


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the TLS proxy the client is the first X-Forwarded-For hop; REMOTE_ADDR otherwise.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def record_event(
    action: EventAction | str,
    *,
    actor=None,
    request=None,
    obj=None,
    unit=None,
    message: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str | None = None,
    ip: str | None = None,
    request_id: str | None = None,
) -> Event:
    """Write one event. Work done off the request (jobs) passes the request's `ip` and
    `request_id` explicitly."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if unit is None and obj is not None:
        unit = getattr(obj, "audit_unit", None)
    return Event.objects.create(
        action=action,
        actor=actor,
        actor_name=actor_name if actor_name is not None else (actor.get_username() if actor else ""),
        unit_code=getattr(unit, "code", unit) or "",
        ip=ip or client_ip(request),
        request_id=request_id
        or getattr(request, "request_id", None)
        or (current_request_id() if request else ""),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        message=message[:500],
        data=data or {},
    )
