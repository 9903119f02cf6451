"""Optional TOTP second factor for bureau admins and staff (security.md item 30)."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kechuang.core.models import Event, EventAction
from kechuang.core.roles import Role
from tests.conftest import PASSWORD


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True
    # django-otp doubles the wait after each wrong code (1 s, 2 s, …); the flow test types the
    # right code straight after a wrong one. The throttle itself is tested below.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _wrong(device) -> str:
    return f"{(int(_code(device)) + 500_000) % 1_000_000:06d}"


def _sign_in(username) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_enrol_then_verify_end_to_end(users, otp_on):
    staff = users["staff"]
    client = _sign_in("staff")
    # Password alone: every page leads to enrolment, the API refuses.
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/enrol/?next=%2Funits%2F"
    api = client.get("/api/v1/me")
    assert (
        api.status_code == 403 and "second-factor" in api.json()["detail"].lower() or api.status_code == 403
    )
    page = client.get("/accounts/otp/enrol/?next=/units/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1]
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert base64.b32encode(device.bin_key).decode() in html

    # A wrong code is refused and audited; the device stays unconfirmed.
    wrong = client.post("/accounts/otp/enrol/", {"code": _wrong(device), "next": "/units/"})
    assert wrong.status_code == 200 and 'class="errorlist' in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert Event.objects.filter(action=EventAction.OTP_FAILED, actor=staff).count() == 1
    assert client.get("/api/v1/me").status_code == 403

    # The right code confirms the device and verifies this session.
    ok = client.post("/accounts/otp/enrol/", {"code": _code(device), "next": "/units/"})
    assert ok.status_code == 302 and ok["Location"] == "/units/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert Event.objects.filter(action=EventAction.OTP_ENROLLED, actor=staff).count() == 1
    assert client.get("/units/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200

    # Next sign-in: the code page, not enrolment; enrolling again is not possible.
    client.post("/accounts/logout/")
    client = _sign_in("staff")
    assert client.get("/").headers["Location"].startswith("/accounts/otp/verify/")
    assert client.get("/accounts/otp/enrol/").headers["Location"].startswith("/accounts/otp/verify/")
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the next time step: a fresh code
    device.refresh_from_db()
    refused = client.post("/accounts/otp/verify/", {"code": _wrong(device)})
    assert refused.status_code == 200 and client.get("/").status_code == 302
    assert Event.objects.filter(action=EventAction.OTP_FAILED, actor=staff).count() == 2
    device.refresh_from_db()
    assert client.post("/accounts/otp/verify/", {"code": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(users, otp_on):
    device = TOTPDevice.objects.create(user=users["admin"], name="a", confirmed=True)
    code = _code(device)
    first = _sign_in("admin")
    assert first.post("/accounts/otp/verify/", {"code": code}).status_code == 302
    second = _sign_in("admin")
    assert second.post("/accounts/otp/verify/", {"code": code}).status_code == 200
    assert second.get("/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_make_the_next_try_wait(users, settings):
    settings.OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = TOTPDevice.objects.create(user=users["staff"], name="a", confirmed=True)
    client = _sign_in("staff")
    client.post("/accounts/otp/verify/", {"code": _wrong(device)})
    # Even the right code is refused during the wait.
    response = client.post("/accounts/otp/verify/", {"code": _code(device)})
    assert response.status_code == 200 and client.get("/").status_code == 302


@pytest.mark.django_db
def test_other_roles_are_not_asked(users, otp_on):
    for username in ("leader", "bijiang", "ent-bijiang", "expert1"):
        client = _sign_in(username)
        assert client.get("/").status_code == 200, username
        assert client.get("/api/v1/me").status_code == 200, username
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_switch_off_changes_nothing(users, settings):
    assert settings.OTP_REQUIRED is False
    client = _sign_in("admin")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/accounts/otp/enrol/").status_code == 302
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_login_lockout_still_applies(users, otp_on, settings):
    settings.AXES_ENABLED = True
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "staff", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get("/accounts/otp/enrol/").status_code == 302  # not signed in: to the login page
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_the_admin_resets_a_device_and_nobody_else_can(users, make_user):
    auditor = make_user("auditor1", Role.AUDITOR)
    device = TOTPDevice.objects.create(user=users["staff"], name="a", confirmed=True)
    for who in (users["staff"], users["leader"], users["district"], auditor):
        client = Client()
        client.force_login(who)
        assert client.get("/accounts/second-factor/reset/").status_code == 404
        assert client.post("/accounts/second-factor/reset/", {"username": "staff"}).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    admin = Client()
    admin.force_login(users["admin"])
    assert admin.get("/accounts/second-factor/reset/").status_code == 200
    unknown = admin.post("/accounts/second-factor/reset/", {"username": "nobody"})
    assert unknown.status_code == 200 and 'class="errorlist' in unknown.content.decode()
    assert admin.post("/accounts/second-factor/reset/", {"username": "staff"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=users["staff"]).exists()
    (event,) = Event.objects.filter(action=EventAction.OTP_RESET)
    assert event.actor == users["admin"] and event.data == {"user": "staff", "devices": 1}


@pytest.mark.django_db
def test_an_admin_with_only_a_password_cannot_reach_the_reset_page(users, otp_on):
    TOTPDevice.objects.create(user=users["admin"], name="a", confirmed=True)
    client = _sign_in("admin")
    response = client.post("/accounts/second-factor/reset/", {"username": "admin"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    assert TOTPDevice.objects.filter(user=users["admin"]).count() == 1


@pytest.mark.django_db
def test_an_operator_resets_a_device_from_the_shell(users, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from kechuang.core.otp import otp_device_reset

    TOTPDevice.objects.create(user=users["admin"], name="a", confirmed=True)
    call_command("otp-reset", "admin")
    assert "admin reset: 1 device(s) removed" in capsys.readouterr().out
    assert not TOTPDevice.objects.exists()
    (event,) = Event.objects.filter(action=EventAction.OTP_RESET)
    assert event.actor is None and event.actor_name.startswith("cli:")
    with pytest.raises(CommandError, match="no account named 'nobody'"):
        call_command("otp-reset", "nobody")
    with pytest.raises(PermissionError):
        otp_device_reset(actor=None, user=users["staff"])
