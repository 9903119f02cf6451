"""Accounts as the operator keeps them from the server's command line (`kechuang user`): open an
account with one role, set or clear its end date, disable and enable it, give it a new initial
password. Each is one transaction with its audit event (security.md items 7 and 27). A password
set here is an initial one: its user must change it at the first sign-in (item 19), and it is
shown once, to the operator.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import Role
from org.accounts import user_sessions_end
from org.models import Unit, UnitKind, User
from org.services import user_create

__all__ = [
    "AccountError",
    "initial_password",
    "user_disable",
    "user_enable",
    "user_open",
    "user_reset_password",
    "user_set_expiry",
]

_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-=?@^_")


class AccountError(ValueError):
    """A request the accounts cannot take; the message names the field."""


def initial_password(user: User | None = None, length: int = 16) -> str:
    """A random password with every character class (the policy asks for three), checked
    against the configured validators."""
    rng = secrets.SystemRandom()
    while True:
        chars = [rng.choice(c) for c in _CLASSES]
        chars += [rng.choice("".join(_CLASSES)) for _ in range(length - len(chars))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            password_validation.validate_password(password, user)
        except password_validation.ValidationError:
            continue  # e.g. too like the username: draw again
        return password


def _check_last_day(expires_on: dt.date | None) -> None:
    """An account's last day is today or later (None: no end)."""
    if expires_on is not None and expires_on < timezone.localdate():
        raise AccountError(
            f"expires: {expires_on.isoformat()} is in the past (to end the account now, disable it)"
        )


def _record(action, user: User, actor_name: str, message: str, data: dict) -> None:
    record_event(action, actor=None, actor_name=actor_name, obj=user, message=message, data=data)


@transaction.atomic
def user_open(
    *,
    actor_name: str,
    username: str,
    role: str,
    unit_code: str = "",
    enterprise_uscc: str = "",
    display_name: str = "",
    expires_on: dt.date | None = None,
    superuser: bool = False,
) -> tuple[User, str]:
    """A new account with one grant and an initial password: (user, the password)."""
    from enterprises.models import Enterprise

    if role not in Role.values:
        raise AccountError(f"role: {role!r} is not a role (use one of: {', '.join(Role.values)})")
    if superuser and role != Role.ADMIN:
        # Django's superuser flag passes every scope check: giving it to an auditor, a leader or
        # an enterprise would undo the separation of duties (security.md item 27).
        raise AccountError("superuser: only a bureau admin (--role admin) may be a superuser")
    for name, value in (("username", username), ("display_name", display_name)):
        field = User._meta.get_field(name)
        try:
            field.clean(value, None)  # blank, length and the username's characters
        except ValidationError as exc:
            raise AccountError(f"{name}: {'; '.join(exc.messages)}") from exc
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"username: {username!r} is taken")
    unit = enterprise = None
    if role == Role.DISTRICT:
        unit = Unit.objects.exclude(kind=UnitKind.CITY).filter(code=unit_code).first()
        if unit is None:
            raise AccountError(f"unit: district staff need a district or zone code, not {unit_code!r}")
    elif unit_code:
        raise AccountError(f"unit: only district staff have a unit ({role} sees what its role sees)")
    if role == Role.ENTERPRISE:
        if not enterprise_uscc:
            raise AccountError(
                "enterprise: an enterprise user needs the enterprise's code (--enterprise USCC)"
            )
        enterprise = Enterprise.objects.filter(uscc=enterprise_uscc).first()
        if enterprise is None:
            raise AccountError(f"enterprise: no enterprise on file with the code {enterprise_uscc!r}")
    elif enterprise_uscc:
        raise AccountError("enterprise: only an enterprise user has an enterprise")
    _check_last_day(expires_on)
    password = initial_password(User(username=username, display_name=display_name))
    user = user_create(
        username=username,
        password=password,
        role=role,
        unit=unit,
        enterprise=enterprise,
        display_name=display_name,
        is_superuser=superuser,
    )
    if expires_on is not None:
        user.expires_on = expires_on
        user.save(update_fields=["expires_on"])
    _record(
        EventAction.ACCOUNT_OPENED,
        user,
        actor_name,
        f"account {username} opened ({role})",
        {
            "user": username,
            "role": role,
            "unit": unit.code if unit else None,
            "enterprise": enterprise.uscc if enterprise else None,
            "expires_on": expires_on.isoformat() if expires_on else None,
            "superuser": superuser,
        },
    )
    return user, password


def _user(username: str) -> User:
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        raise AccountError(f"username: no account named {username!r}")
    return user


def _changed(user: User, fields: list[str], actor_name: str, what: str, **data) -> None:
    """Save the changed fields and write the change's event, in the caller's transaction."""
    user.save(update_fields=fields)
    _record(
        EventAction.ACCOUNT_CHANGED,
        user,
        actor_name,
        f"account {user.username}: {what}",
        {"user": user.username, **data},
    )


@transaction.atomic
def user_set_expiry(*, actor_name: str, username: str, expires_on: dt.date | None) -> User:
    """Set the account's end date (None: no end), today or later. `kechuang accounts-expire`
    disables it the day after; sign-in refuses it from then on already. To end an account now,
    disable it."""
    _check_last_day(expires_on)
    user = _user(username)
    before = user.expires_on
    user.expires_on = expires_on
    _changed(
        user,
        ["expires_on"],
        actor_name,
        f"end date {expires_on or 'none'}",
        expires_on=expires_on.isoformat() if expires_on else None,
        was=before.isoformat() if before else None,
    )
    return user


@transaction.atomic
def user_disable(*, actor_name: str, username: str) -> int:
    """Disable the account and end its sessions at once; returns how many sessions ended."""
    user = _user(username)
    user.is_active = False
    sessions = user_sessions_end(user)
    _changed(user, ["is_active"], actor_name, "disabled", active=False, sessions_ended=sessions)
    return sessions


@transaction.atomic
def user_enable(*, actor_name: str, username: str) -> User:
    user = _user(username)
    if user.expires_on is not None and user.expires_on < timezone.localdate():
        raise AccountError(
            f"expires: the account ended on {user.expires_on.isoformat()}; set a new end date first"
        )
    user.is_active = True
    _changed(user, ["is_active"], actor_name, "enabled", active=True)
    return user


@transaction.atomic
def user_reset_password(*, actor_name: str, username: str) -> str:
    """A new initial password (to be changed at the next sign-in); its sessions end."""
    user = _user(username)
    password = initial_password(user)
    user.set_password(password)
    sessions = user_sessions_end(user)
    _changed(
        user, ["password"], actor_name, "new initial password", password_reset=True, sessions_ended=sessions
    )
    return password
