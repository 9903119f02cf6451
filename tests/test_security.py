"""Security settings that are not scope (security.md): XML defences, error pages, sessions."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client, RequestFactory, override_settings


def test_openpyxl_parses_with_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_500_page_shows_the_request_id_and_nothing_internal():
    from kechuang.urls import server_error

    request = RequestFactory().get("/")
    request.request_id = "abc123def456"
    response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "abc123def456" in body
    assert "Traceback" not in body and "SELECT" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_page_is_generic(users):
    client = Client()
    client.force_login(users["district"])
    response = client.get("/enterprises/999999/")
    assert response.status_code == 404
    assert "此页面不存在" in response.content.decode() or "does not exist" in response.content.decode()


@pytest.mark.django_db
def test_sessions_end_after_the_absolute_lifetime(users, settings):
    client = Client()
    client.force_login(users["district"])
    assert client.get("/").status_code == 200
    session = client.session
    session["login_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _stored(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_an_idle_session_ends_and_an_active_one_is_kept_alive(users, settings):
    """Idle timeout (security.md item 20): the stored session expires SESSION_COOKIE_AGE after its
    last save; activity saves it again once SESSION_TOUCH_SECONDS have passed, not on every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_TOUCH_SECONDS <= 60
    client = Client()
    client.force_login(users["district"])
    assert client.get("/").status_code == 200
    # within the touch interval a page view writes no session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    # after the interval, activity pushes the expiry back to a full SESSION_COOKIE_AGE
    session = client.session
    session["touched_at"] = int(time.time()) - settings.SESSION_TOUCH_SECONDS
    session.save()
    row = _stored(client)
    row.expire_date = timezone.now() + dt.timedelta(seconds=10)
    row.save()
    assert client.get("/").status_code == 200
    left = (_stored(client).expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 5 < left <= settings.SESSION_COOKIE_AGE
    # idle past the expiry: the next request is sent to the login page
    row = _stored(client)
    row.expire_date = timezone.now() - dt.timedelta(seconds=1)
    row.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["district"])
    assert client.post("/imports/upload/", {"kind": "enterprises"}).status_code == 403
