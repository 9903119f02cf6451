"""Business actions on units, sections and users."""

from __future__ import annotations

from django.db import transaction

from kechuang.core.services import model_upsert
from org.models import Grant, Section, Unit, User
from org.units import CITY_CODE, UNITS

__all__ = ["sections_ensure", "units_ensure", "user_create"]


@transaction.atomic
def units_ensure() -> dict[str, int]:
    """Create or correct the plan's units; running it again changes nothing."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    saved: dict[str, Unit] = {}
    for order, (code, name, short, kind, host) in enumerate(UNITS):
        values = {
            "name": name,
            "short_name": short,
            "kind": kind,
            "parent": None if code == CITY_CODE else saved[CITY_CODE],
            "host": saved[host] if host else None,
            "order": order,
        }
        saved[code], outcome = model_upsert(Unit, {"code": code}, values)
        counts[outcome] += 1
    return counts


@transaction.atomic
def sections_ensure(sections: list[tuple[str, str]]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for order, (code, name) in enumerate(sections):
        _obj, outcome = model_upsert(Section, {"code": code}, {"name": name, "order": order})
        counts[outcome] += 1
    return counts


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    unit: Unit | None = None,
    enterprise=None,
    display_name: str = "",
    section: Section | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a user with one grant. Passwords go through Django's hashers; None = unusable."""
    user = User(
        username=username,
        display_name=display_name,
        section=section,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    Grant.objects.create(user=user, role=role, unit=unit, enterprise=enterprise)
    return user
