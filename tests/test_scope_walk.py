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

# URL name -> how to fill its parameters with a foreign object (the 万山区 enterprise and its rows)
# or None with the reason it carries no unit-scoped object.
OBJECT_URLS = {
    "enterprise_detail": lambda w: {"pk": w["foreign"].pk},
    "api:enterprise_detail": lambda w: {"enterprise_id": w["foreign"].pk},
    # Jobs belong to the user who started them.
    "import_job": lambda w: {"job_id": w["foreign_job"].pk},
    "import_commit": lambda w: {"job_id": w["foreign_job"].pk},
}
REFERENCE_URLS = {
    # Reference data every signed-in user reads (units, the plan): not unit-scoped.
    "plan_detail": "the plan is reference data",
    "api:plan_detail": "the plan is reference data",
    "api:unit_detail": "units are reference data",
    # Django and django-ninja internals, no object behind them.
    "set_language": "language switch",
    "import_template": "an empty template per list kind",
}


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


def _digest(*querysets) -> str:
    blob = "".join(serializers.serialize("json", qs.order_by("pk")) for qs in querysets)
    return hashlib.sha256(blob.encode()).hexdigest()


@pytest.fixture
def world(users, enterprises, make_user, units):
    from enterprises.models import EnterpriseYear
    from kechuang.core.models import Job, JobStatus
    from kechuang.core.roles import Role

    foreign = enterprises["wanshan"]
    EnterpriseYear.objects.create(enterprise=foreign, year=2022, employees=50, revenue=1000)
    wanshan = make_user("wanshan", Role.DISTRICT, unit=units["520603"])
    job = Job.objects.create(
        kind="import",
        owner=wanshan,
        status=JobStatus.DONE,
        params={"file_name": "万山.csv", "dry_run": True, "path": "/nonexistent"},
        result={"ok": True, "rows": 1, "dry_run": True, "preview": []},
    )
    return {"foreign": foreign, "foreign_job": job, "users": users}


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
    from enterprises.models import Enterprise, EnterpriseYear

    foreign = world["foreign"]
    before = _digest(
        Enterprise.objects.filter(pk=foreign.pk), EnterpriseYear.objects.filter(enterprise=foreign)
    )
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
    after = _digest(
        Enterprise.objects.filter(pk=foreign.pk), EnterpriseYear.objects.filter(enterprise=foreign)
    )
    assert before == after


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
            body = response.content.decode("utf-8", "replace")
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
