"""Login lockout with django-axes on (security.md item 18)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_five_failures_lock_the_username_and_ip(users):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(4):
        assert _login(client, "bijiang", "wrong").status_code == 200
    assert _login(client, "bijiang", "wrong").status_code == 429  # the fifth failure locks
    locked = _login(client, "bijiang", PASSWORD)
    assert locked.status_code == 429 and "15" in locked.content.decode()
    # another computer is not locked out by someone else's guessing
    assert _login(Client(REMOTE_ADDR="10.2.2.2"), "bijiang", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_resets_the_count(users):
    client = Client(REMOTE_ADDR="10.1.1.3")
    for _ in range(4):
        _login(client, "bijiang", "wrong")
    assert _login(client, "bijiang", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, "bijiang", "wrong")
    assert _login(client, "bijiang", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_no_user_enumeration(users):
    unknown = _login(Client(REMOTE_ADDR="10.1.1.4"), "nobody", "wrong").content.decode()
    wrong = _login(Client(REMOTE_ADDR="10.1.1.5"), "bijiang", "wrong").content.decode()
    marker = "Wrong username or password" if "Wrong username" in unknown else "用户名或密码错误"
    assert marker in unknown and marker in wrong
