"""The scope walk: every URL of the site and the API, as every role and every method, against
another unit's objects. A foreign object answers exactly as a missing one does (404), and its
rows are unchanged. A URL with a parameter that this walk does not know fails the test, so a new
endpoint cannot slip past it."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core import serializers
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from org.models import ApiToken

METHODS = ("get", "post", "put", "patch", "delete")


def _entries():
    """Every module of tests/walk/ (one per app) contributes its foreign objects and URLs."""
    import importlib
    import pkgutil

    import tests.walk

    return [
        importlib.import_module(f"tests.walk.{m.name}") for m in pkgutil.iter_modules(tests.walk.__path__)
    ]


OBJECT_URLS = {k: v for m in _entries() for k, v in m.OBJECT_URLS.items()}
REFERENCE_URLS = {k: v for m in _entries() for k, v in m.REFERENCE_URLS.items()}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else None, prefix + str(p.pattern), p


def all_urls():
    return list(_walk(get_resolver().url_patterns))


def _route_to_path(route: str, kwargs: dict) -> str:
    import re

    def sub(match):
        name = match.group(2)
        return str(kwargs[name])

    path = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    return "/" + path.lstrip("^").rstrip("$")


def _missing(value):
    """An id of the same type that names no object."""
    import uuid

    return uuid.UUID(int=0) if isinstance(value, uuid.UUID) else 999_999


def _xlsx_text(raw: bytes) -> str:
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    return "\n".join(
        str(cell)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    )


def _digest(*querysets) -> str:
    blob = "".join(serializers.serialize("json", qs.order_by("pk")) for qs in querysets)
    return hashlib.sha256(blob.encode()).hexdigest()


@pytest.fixture
def world(users, enterprises, make_user, units):
    world = {"users": users, "enterprises": enterprises, "make_user": make_user, "units": units}
    for module in _entries():
        world.update(module.foreign(world))
    return world


def _foreign_rows(world):
    return [qs for module in _entries() for qs in module.rows(world)]


def _clients(users):
    """A session client and a bearer-token client per non-bureau role; the leader too, whose
    writes must fail everywhere."""
    for role in ("district", "enterprise", "expert", "leader"):
        user = users[role]
        session = Client()
        session.force_login(user)
        _token, raw = ApiToken.issue(user)
        yield role, "session", session, {}
        yield role, "bearer", Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_every_parameterised_url_is_known():
    unknown = []
    for name, route, _p in all_urls():
        if "<" not in route:
            continue
        if name not in OBJECT_URLS and name not in REFERENCE_URLS:
            unknown.append(f"{name} {route}")
    assert not unknown, f"URLs the scope walk does not cover (add them to OBJECT_URLS): {unknown}"


@pytest.mark.django_db
def test_foreign_objects_are_404_for_every_role_and_method(world):
    before = _digest(*_foreign_rows(world))
    checked = 0
    failures = []
    for name, route, _p in all_urls():
        if name not in OBJECT_URLS:
            continue
        foreign_path = _route_to_path(route, OBJECT_URLS[name](world))
        missing_path = _route_to_path(route, {k: _missing(v) for k, v in OBJECT_URLS[name](world).items()})
        for role, auth, client, headers in _clients(world["users"]):
            if auth == "bearer" and not name.startswith("api:"):
                continue  # web pages take the session only; a token is an API credential
            # The leader reads everything, so only its writes are foreign to it.
            methods = [m for m in METHODS if m != "get"] if role == "leader" else METHODS
            for method in methods:
                kwargs = {
                    "content_type": "application/json",
                    "data": json.dumps({"unit": "520602", "name": "x"}),
                }
                if method == "get":
                    kwargs = {}
                got = getattr(client, method)(foreign_path, **kwargs, **headers).status_code
                missing = getattr(client, method)(missing_path, **kwargs, **headers).status_code
                checked += 1
                if got != missing or got not in (404, 405):
                    failures.append(
                        f"{role}/{auth} {method.upper()} {foreign_path}: {got} (missing object: {missing})"
                    )
    assert not failures, failures
    # at least the session of each of the four roles, every method (the leader: writes only)
    assert checked >= len(OBJECT_URLS) * (3 * len(METHODS) + len(METHODS) - 1)
    assert before == _digest(*_foreign_rows(world))


@pytest.mark.django_db
def test_lists_and_pages_never_show_foreign_rows(world):
    """Every URL without parameters, read as each restricted role: the foreign enterprise's
    code and name appear nowhere."""
    foreign = world["foreign"]
    leaks = []
    for name, route, _p in all_urls():
        if "<" in route or name in REFERENCE_URLS:
            continue
        path = _route_to_path(route, {})
        for role, auth, client, headers in _clients(world["users"]):
            if role == "leader" or (auth == "bearer" and not (name or "").startswith("api:")):
                continue
            response = client.get(path, **headers)
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode("utf-8", "replace")
            if raw.startswith(b"PK"):  # a spreadsheet: read its cells
                body = _xlsx_text(raw)
            if foreign.uscc in body or foreign.name in body:
                leaks.append(f"{role}/{auth} GET {path}")
    assert not leaks, leaks


@pytest.mark.django_db
def test_own_objects_are_reachable(world, enterprises):
    """The walk is not vacuous: the district's own enterprise answers 200 on the same URLs."""
    own = enterprises["bijiang"]
    client = Client()
    client.force_login(world["users"]["district"])
    assert client.get(f"/enterprises/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/enterprises/{own.pk}").json()["uscc"] == own.uscc
    assert client.get(f"/api/v1/enterprises/{world['foreign'].pk}").status_code == 404
    bureau = Client()
    bureau.force_login(world["users"]["staff"])
    assert bureau.get(f"/api/v1/enterprises/{world['foreign'].pk}").status_code == 200


@pytest.mark.django_db
def test_leader_reads_everything(world):
    client = Client()
    client.force_login(world["users"]["leader"])
    assert client.get(f"/enterprises/{world['foreign'].pk}/").status_code == 200
    assert client.get("/api/v1/enterprises").json()["count"] == 2
