"""Nothing but the public pages is readable without signing in (security.md #3): every URL of
the site and the API, GET and POST, as an anonymous visitor, with real objects behind the
parameters, answers a login redirect, 401, 403, 404 or 405 — except the public pages under
/public/, the login page and the few URLs listed below with their reason. An app's own public
pages elsewhere are declared in `<app>/public.py` as PUBLIC_URLS (public/registry.py)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from public.registry import public_url_names
from tests.test_scope_walk import OBJECT_URLS, _entries, all_urls

# URL name → why an anonymous visitor may reach it.
OPEN = {
    "login": "the sign-in page",
    "logout": "signing out",
    "healthz": "the health check for the proxy; it reveals nothing",
    "set_language": "the language switch",
    "api:openapi-json": "the API's schema (CONTRACTS.md: OpenAPI at /api/v1/openapi.json)",
    "api:openapi-view": "the API's documentation page",
}
REFUSED = {302, 401, 403, 404, 405}


@pytest.fixture
def world(users, enterprises, make_user, units):
    """Every app's foreign objects of the scope walk, so parameters name real rows."""
    world = {"users": users, "enterprises": enterprises, "make_user": make_user, "units": units}
    for module in _entries():
        world.update(module.foreign(world))
    return world


def _path(route: str, kwargs: dict) -> str:
    def sub(match):
        converter, name = match.group(1), match.group(2)
        if name in kwargs:
            return str(kwargs[name])
        if converter == "uuid":
            return str(uuid.UUID(int=0))
        if converter == "int":
            return "1"
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route).lstrip("^").rstrip("$")


def _refused(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return response.status_code in REFUSED


@pytest.mark.django_db
def test_every_non_public_url_refuses_an_anonymous_visitor(world):
    open_names = {**OPEN, **public_url_names()}
    client = Client()
    checked, leaks = 0, []
    for name, route, _pattern in all_urls():
        if name in open_names or route.startswith("public/") or route.startswith("static/"):
            continue
        kwargs = OBJECT_URLS[name](world) if name in OBJECT_URLS else {}
        path = _path(route, kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            checked += 1
            if not _refused(response):
                leaks.append(f"{method.upper()} {path} ({name}): {response.status_code}")
    assert not leaks, leaks
    assert checked > 100


@pytest.mark.django_db
def test_the_public_pages_need_no_sign_in(world):
    client = Client()
    for path in ("/public/", "/public/news/", "/public/notices/", "/public/policies/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "未发布的通知草稿" not in response.content.decode(), path


@pytest.mark.django_db
def test_the_open_list_names_real_urls():
    names = {name for name, _route, _p in all_urls()}
    assert set(OPEN) <= names
