"""Accounts (security.md item 27): expired and long-inactive accounts are disabled
automatically with their sessions ended; roles are separated (the auditor is not an
administrator); nothing creates a default account or password."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kechuang.core.models import Event, EventAction
from kechuang.core.roles import Role
from org.models import User
from tests.conftest import PASSWORD


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get("/").status_code == 200
    return client


@pytest.mark.django_db
def test_an_account_past_its_end_date_is_disabled_and_its_sessions_end(make_user, capsys):
    today = timezone.localdate()
    ended = make_user("temp-helper", Role.STAFF)
    last_day = make_user("last-day", Role.STAFF)
    open_ended = make_user("permanent", Role.STAFF)
    clients = {u.username: _signed_in(u) for u in (ended, last_day, open_ended)}
    assert Session.objects.count() == 3
    # the end dates are set while the sessions are open (sign-in itself refuses an ended account)
    User.objects.filter(pk=ended.pk).update(expires_on=today - dt.timedelta(days=1))
    User.objects.filter(pk=last_day.pk).update(expires_on=today)

    call_command("accounts-expire")

    out = capsys.readouterr().out
    assert "disabled temp-helper (expired; 1 session(s) ended)" in out
    assert "1 account(s) disabled (no inactivity limit)" in out
    assert list(User.objects.filter(is_active=False).values_list("username", flat=True)) == ["temp-helper"]
    assert Session.objects.count() == 2
    response = clients["temp-helper"].get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert clients["last-day"].get("/").status_code == 200
    assert clients["permanent"].get("/").status_code == 200
    (event,) = Event.objects.filter(action=EventAction.ACCOUNT_EXPIRED)
    assert event.object_id == str(ended.pk) and event.data["reason"] == "expired"
    assert event.data["sessions_ended"] == 1 and event.actor_name.startswith("cli:")
    # A second run finds nothing more to do.
    call_command("accounts-expire")
    assert "0 account(s) disabled" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_ended_account_cannot_sign_in_and_its_session_ends_before_the_daily_run(make_user):
    """The backend refuses an account past its end date at once; the command only tidies up."""
    today = timezone.localdate()
    user = make_user("panel-expert", Role.STAFF)
    client = _signed_in(user)
    User.objects.filter(pk=user.pk).update(expires_on=today - dt.timedelta(days=1))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Client().login(username=user.username, password=PASSWORD)
    User.objects.filter(pk=user.pk).update(expires_on=today)  # its last day: still allowed
    assert Client().login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
def test_an_ended_accounts_api_token_is_refused_at_once(make_user):
    from org.models import ApiToken

    user = make_user("api-client", Role.STAFF)
    _token, raw = ApiToken.issue(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert Client().get("/api/v1/enterprises", **auth).status_code == 200
    User.objects.filter(pk=user.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert Client().get("/api/v1/enterprises", **auth).status_code == 401


@pytest.mark.django_db
def test_the_inactivity_limit_is_a_setting_and_off_by_default(make_user, settings):
    now = timezone.now()
    idle = make_user("idle", Role.STAFF)
    recent = make_user("recent", Role.STAFF)
    never = make_user("never", Role.STAFF)
    User.objects.filter(pk=idle.pk).update(last_login=now - dt.timedelta(days=91))
    User.objects.filter(pk=recent.pk).update(last_login=now - dt.timedelta(days=89))
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=now - dt.timedelta(days=100))
    from org.accounts import accounts_expire

    assert django_settings.ACCOUNT_INACTIVE_DAYS == 0
    assert accounts_expire(actor_name="test") == []
    settings.ACCOUNT_INACTIVE_DAYS = 90
    done = accounts_expire(actor_name="test")
    assert [(d.username, d.reason) for d in done] == [("idle", "inactive"), ("never", "inactive")]
    assert User.objects.get(username="recent").is_active


@pytest.mark.django_db
def test_the_task_does_what_the_command_does(make_user):
    from org.accounts import accounts_expire_task

    user = make_user("gone", Role.STAFF)
    user.expires_on = timezone.localdate() - dt.timedelta(days=3)
    user.save()
    assert accounts_expire_task.func() == 1
    assert not User.objects.get(pk=user.pk).is_active


@pytest.mark.django_db
def test_system_admin_and_auditor_are_separate_roles(users, make_user):
    """The auditor reads the trail and nothing else: no business rows, no user administration.
    The bureau admin administers accounts; by the recorded design (docs/security.md item 8) the
    admin may also read the trail, while no other role can."""
    from enterprises.models import Enterprise
    from kechuang.core.otp import otp_device_reset
    from kechuang.core.views import can_read_audit

    auditor = make_user("auditor1", Role.AUDITOR)
    target = users["staff"]
    matrix = {}
    for name, user in [*users.items(), ("auditor", auditor)]:
        try:
            otp_device_reset(actor=user, user=target)
            administers = True
        except PermissionError:
            administers = False
        matrix[name] = (can_read_audit(user), administers, Enterprise.objects.for_user(user).exists())
    assert matrix == {
        "admin": (True, True, True),
        "staff": (False, False, True),
        "leader": (False, False, True),
        "district": (False, False, True),
        "enterprise": (False, False, True),
        "expert": (False, False, False),
        "auditor": (True, False, False),
    }


@pytest.mark.django_db
def test_no_migration_or_initialisation_creates_an_account_or_a_default_password():
    call_command("init", verbosity=0)
    assert User.objects.count() == 0
    creates = re.compile(r"set_password|make_password|create_user|create_superuser|User\(")
    offenders = [
        str(path)
        for path in Path(django_settings.BASE_DIR).glob("*/migrations/*.py")
        if creates.search(path.read_text(encoding="utf-8"))
    ] + [
        str(path)
        for path in Path(django_settings.BASE_DIR).glob("kechuang/core/migrations/*.py")
        if creates.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
