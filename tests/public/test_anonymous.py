"""Nothing but the public pages is readable without signing in (security.md #3): every URL of
the site and the API, GET and POST, as an anonymous visitor, with the scope walk's real objects
behind the parameters (tests/test_anonymous.py uses sample ids), answers a login redirect, 401,
403, 404 or 405 — except the public prefixes of tests/test_anonymous.py and URL names an app
declares in `<app>/public.py` as PUBLIC_URLS (public/registry.py)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from public.registry import public_url_names
from tests.test_anonymous import PUBLIC_PREFIXES
from tests.test_scope_walk import OBJECT_URLS, _entries, all_urls

# The site's policy of what is public by design (tests/test_anonymous.py) and the URL names apps
# declare in `<app>/public.py`.
OPEN_NAMES = {"logout": "signing out (POST only)"}
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
    open_names = {**OPEN_NAMES, **public_url_names()}
    client = Client()
    checked, leaks = 0, []
    for name, route, _pattern in all_urls():
        kwargs = OBJECT_URLS[name](world) if name in OBJECT_URLS else {}
        path = _path(route, kwargs)
        if name in open_names or path.startswith(PUBLIC_PREFIXES) or route.startswith("static/"):
            continue
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


def test_the_public_pages_are_under_a_public_prefix():
    assert "/public/" in PUBLIC_PREFIXES
