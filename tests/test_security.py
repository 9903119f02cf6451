"""Security settings that are not scope (security.md): XML defences, error pages, sessions."""

from __future__ import annotations

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


def test_idle_timeout_is_on(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 30 * 60


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["district"])
    assert client.post("/imports/upload/", {"kind": "enterprises"}).status_code == 403
