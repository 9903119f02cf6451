"""`kechuang user`: accounts from the server's command line (org/operators.py). Each change is one
transaction with its audit event; a refused request names the field and writes nothing; the
password is shown once, is an initial one (changed at the first sign-in) and never reaches the
audit trail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kechuang.core.models import Event, EventAction
from kechuang.core.passwords import password_change_due
from org.models import User

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_opens_a_district_account_with_an_initial_password(units, settings):
    settings.PASSWORD_CHANGE_INITIAL = True
    lines = _run("create", "li.ming", "--role", "district", "--unit", "520602", "--name", "李明")
    password = lines[-1]
    user = User.objects.get(username="li.ming")
    grant = user.grants.get()
    assert (grant.role, grant.unit.code, user.display_name) == ("district", "520602", "李明")
    assert authenticate(username="li.ming", password=password) == user
    assert password_change_due(user) == "initial"
    event = Event.objects.get(action=EventAction.ACCOUNT_OPENED)
    assert event.actor_name == "(cli)" and event.data["unit"] == "520602"
    assert password not in event.message and password not in str(event.data)


def test_create_an_enterprise_user_with_an_end_date(enterprises):
    last_day = timezone.localdate() + dt.timedelta(days=30)
    uscc = enterprises["bijiang"].uscc
    _run("create", "qiye", "--role", "enterprise", "--enterprise", uscc, "--expires", last_day.isoformat())
    user = User.objects.get(username="qiye")
    assert user.expires_on == last_day and user.grants.get().enterprise.uscc == uscc


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--role", "district"], "unit:"),  # a district account without its district
        (["--role", "district", "--unit", "520600"], "unit:"),  # the city is not a district
        (["--role", "staff", "--unit", "520602"], "unit:"),
        (["--role", "enterprise", "--enterprise", "91520600000000000X"], "enterprise:"),
        (["--role", "staff", "--expires", "2020-01-01"], "expires:"),
        (["--role", "staff", "--expires", "next week"], "expires:"),
        (["--role", "enterprise"], "enterprise:"),  # without its enterprise
        (["--role", "auditor", "--superuser"], "superuser:"),  # would pass every scope check
        (["--role", "staff", "--name", "名" * 65], "display_name:"),
    ],
)
def test_a_refused_account_names_the_field_and_writes_nothing(units, args, field):
    users, events = User.objects.count(), Event.objects.count()
    with pytest.raises(CommandError) as caught:
        _run("create", "wang", *args)
    assert str(caught.value).startswith(field)
    assert (User.objects.count(), Event.objects.count()) == (users, events)


def test_a_taken_or_malformed_username_is_refused(units):
    _run("create", "zhao", "--role", "staff")
    with pytest.raises(CommandError, match="username: 'ZHAO' is taken"):
        _run("create", "ZHAO", "--role", "leader")
    for bad in ("wang wu", "x" * 151):
        with pytest.raises(CommandError, match="^username: "):
            _run("create", bad, "--role", "staff")
    assert not User.objects.exclude(username="zhao").exists()


def test_only_a_bureau_admin_may_be_a_superuser(units):
    _run("create", "root", "--role", "admin", "--superuser")
    assert User.objects.get(username="root").is_superuser


def test_expire_disable_enable_and_reset(units, settings):
    settings.PASSWORD_CHANGE_INITIAL = False
    first = _run("create", "sun", "--role", "staff")[-1]
    client = Client()
    assert client.login(username="sun", password=first)
    assert client.get("/plan/").status_code == 200

    assert _run("disable", "sun") == ["sun: disabled, 1 session(s) ended"]
    assert client.get("/plan/").status_code == 302  # signed out at once
    assert authenticate(username="sun", password=first) is None
    _run("enable", "sun")
    assert authenticate(username="sun", password=first) is not None

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(CommandError, match="expires: .* is in the past .to end the account now, disable it"):
        _run("expire", "sun", "--on", yesterday.isoformat())
    _run("expire", "sun", "--on", timezone.localdate().isoformat())  # today is its last day
    assert authenticate(username="sun", password=first) is not None
    User.objects.filter(username="sun").update(expires_on=yesterday)  # the day after
    assert authenticate(username="sun", password=first) is None  # sign-in refuses an ended account
    _run("disable", "sun")
    with pytest.raises(CommandError, match="expires: the account ended on"):
        _run("enable", "sun")
    _run("expire", "sun", "--on", "never")
    _run("enable", "sun")

    second = _run("reset-password", "sun")[-1]
    assert second != first
    assert authenticate(username="sun", password=first) is None
    assert authenticate(username="sun", password=second) is not None
    changes = Event.objects.filter(action=EventAction.ACCOUNT_CHANGED)
    # disable, enable, expire, disable, expire, enable, reset: the refused enable wrote none.
    assert changes.count() == 7
    assert all(second not in e.message and second not in str(e.data) for e in changes)


def test_list_shows_roles_and_state(units):
    _run("create", "zhou", "--role", "district", "--unit", "520602", "--name", "周")
    _run("disable", "zhou")
    row = next(line for line in _run("list") if line.startswith("zhou\t"))
    assert row.split("\t")[:5] == ["zhou", "周", "district:520602", "no", "-"]


def test_an_unknown_account_is_named():
    with pytest.raises(CommandError, match="username: no account named 'nobody'"):
        _run("disable", "nobody")
