"""Password policy (security.md item 19): length, three classes, not the last three, forced
change of initial passwords, expiry; and no user enumeration at sign-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kechuang.core.models import PasswordRecord
from kechuang.core.passwords import password_change_due
from kechuang.core.roles import Role
from tests.conftest import PASSWORD


def _codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Tr0ng-enough", set()),
        ("Short-1a", {"password_too_short"}),  # 8 < 10
        ("alllowercaseletters", {"password_too_simple"}),  # one class
        ("lowerandnumbers123", {"password_too_simple"}),  # two classes
        ("lower-and-symbols!", {"password_too_simple"}),  # two classes
        ("Upper-and-lower", set()),  # three: upper, lower, other
        ("UPPER1234567", {"password_too_simple"}),  # two
        ("Password1234", {"password_too_common"}),  # three classes, but on the common list
        ("1234567890123", {"password_entirely_numeric", "password_too_simple", "password_too_common"}),
    ],
)
def test_length_classes_and_common(password, codes, db):
    assert _codes(password) == codes


@pytest.mark.django_db
def test_the_last_three_passwords_cannot_be_reused(make_user):
    user = make_user("rotating", Role.STAFF)  # PASSWORD is the first
    for new in ("Second-pass-22", "Third-pass-333"):
        assert _codes(new, user) == set()
        user.set_password(new)
        user.save()
    # PASSWORD, Second, Third are the last three
    for old in (PASSWORD, "Second-pass-22", "Third-pass-333"):
        assert _codes(old, user) == {"password_reused"}, old
    user.set_password("Fourth-pass-4444")
    user.save()
    assert _codes(PASSWORD, user) == set()  # now four back: allowed
    assert _codes("Second-pass-22", user) == {"password_reused"}
    assert PasswordRecord.objects.filter(user=user).count() == 4
    assert all(r.password.startswith("md5$") for r in PasswordRecord.objects.filter(user=user))


@pytest.mark.django_db
def test_initial_password_must_be_changed_before_anything_else(make_user, settings):
    settings.PASSWORD_CHANGE_INITIAL = True
    user = make_user("newcomer", Role.STAFF)
    assert password_change_due(user) == "initial"
    client = Client()
    assert client.post("/accounts/login/", {"username": "newcomer", "password": PASSWORD}).status_code == 302
    response = client.get("/enterprises/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/api/v1/enterprises").status_code == 403
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and page.context["due"] == "initial"
    # the new password must follow the policy: a reused one is refused
    refused = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert refused.status_code == 200 and password_change_due(user) == "initial"
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "My-own-choice-9", "new_password2": "My-own-choice-9"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert password_change_due(user) is None
    assert client.get("/enterprises/").status_code == 200  # still signed in, now let through


@pytest.mark.django_db
def test_demo_setting_exempts_initial_passwords(make_user, settings):
    settings.PASSWORD_CHANGE_INITIAL = False
    user = make_user("demo-user", Role.STAFF)
    assert password_change_due(user) is None


@pytest.mark.django_db
def test_passwords_expire_after_the_configured_days(make_user, settings):
    settings.PASSWORD_CHANGE_INITIAL = False
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = make_user("old-timer", Role.STAFF)
    record = PasswordRecord.objects.get(user=user)
    PasswordRecord.objects.filter(pk=record.pk).update(changed_at=timezone.now() - dt.timedelta(days=89))
    assert password_change_due(user) is None
    PasswordRecord.objects.filter(pk=record.pk).update(changed_at=timezone.now() - dt.timedelta(days=91))
    assert password_change_due(user) == "expired"
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 302
    settings.PASSWORD_EXPIRY_DAYS = 0  # switched off
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_disabling_an_account_ends_its_sessions(users):
    client = Client()
    client.force_login(users["district"])
    assert client.get("/").status_code == 200
    users["district"].is_active = False
    users["district"].save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_login_gives_a_new_session_key(users):
    client = Client()
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "x" * 32
    client.post("/accounts/login/", {"username": "bijiang", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "x" * 32


@pytest.mark.django_db
def test_sign_in_does_not_say_whether_the_account_exists(users):
    unknown = Client().post("/accounts/login/", {"username": "nobody-here", "password": "Wrong-pass-1"})
    wrong = Client().post("/accounts/login/", {"username": "bijiang", "password": "Wrong-pass-1"})
    inactive_user = users["leader"]
    inactive_user.is_active = False
    inactive_user.save()
    inactive = Client().post("/accounts/login/", {"username": "leader", "password": PASSWORD})
    bodies = [
        re.sub(r'value="[A-Za-z0-9]{64}"', "TOKEN", r.content.decode())  # CSRF tokens differ
        .replace("nobody-here", "X")
        .replace("bijiang", "X")
        .replace("leader", "X")
        for r in (unknown, wrong, inactive)
    ]
    assert unknown.status_code == wrong.status_code == inactive.status_code == 200
    assert bodies[0] == bodies[1] == bodies[2]
