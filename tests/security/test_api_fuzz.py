"""API fuzzing (security.md item 23): schemathesis generates requests from /api/v1/openapi.json
and sends them through the WSGI application (no server), as a district user and as a bureau
user, each with a bearer token. Every operation gets valid (positive) and invalid (negative)
requests; the checks are schemathesis's not_a_server_error, response_schema_conformance,
negative_data_rejection and ignored_auth (the request again without and with a wrong token must
be refused), plus our cross-unit check: a district's answers never carry another unit's rows.

The world is the scope walk's (tests/test_scope_walk.py: a foreign row of 万山区 per app), and a
path id is drawn from the foreign rows' ids as well as generated, so detail endpoints answer with
real rows (schema conformance for the bureau, 404 and no leak for the district). Generic by
design: a new endpoint is fuzzed without new code. Examples are derandomised, so a CI run is
repeatable; the budget is a few examples per operation and mode (the suite must stay inside CI's
time)."""

from __future__ import annotations

import contextlib
import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
)

from org.models import ApiToken
from tests.test_scope_walk import OBJECT_URLS, all_urls, world  # noqa: F401  (world: a fixture)

EXAMPLES = 4  # per operation, mode and role
CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection, ignored_auth]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)

# Answers that legitimately name other units for a district: reference data every user reads.
OTHER_UNITS_ALLOWED = {
    "GET /api/v1/units": "the unit table is reference data",
    "GET /api/v1/units/{code}": "the unit table is reference data",
    "GET /api/v1/plans/{plan_id}": "the plan and its targets per unit are published to every unit",
    "GET /api/v1/targets": "the plan's targets per unit are published to every unit",
    "GET /api/v1/dispatch/figures": "the city ranking shows every unit's completion (plan 四(二))",
    "GET /api/v1/dispatch/figures/trend": "the city ranking shows every unit's completion (plan 四(二))",
}


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _foreign_path_ids(world) -> dict[str, dict]:  # noqa: F811
    """OpenAPI path → the foreign row's path parameters (from the scope walk's OBJECT_URLS)."""
    out = {}
    for name, route, _pattern in all_urls():
        if name and name.startswith("api:") and callable(OBJECT_URLS.get(name)):
            out[_openapi_path(route)] = OBJECT_URLS[name](world)
    return out


def _foreign_markers(world) -> set[str]:  # noqa: F811
    """Distinctive text of every foreign row the walk made: a district must never read it."""
    own = world["users"]["district"].grants.get().unit_id
    markers = set()
    for value in world.values():
        unit_id = getattr(value, "unit_id", None)
        if unit_id is None or unit_id == own:
            continue
        for field in ("uscc", "name", "title", "registration_no"):
            text = getattr(value, field, None)
            if isinstance(text, str) and len(text) >= 4:
                markers.add(text)
    return markers


def _units_named(body) -> set[str]:
    """Unit codes a JSON answer names in a `unit` / `unit_code` key, at any depth."""
    found = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key in ("unit", "unit_code") and isinstance(value, str):
                found.add(value)
            else:
                found |= _units_named(value)
    elif isinstance(body, list):
        for item in body:
            found |= _units_named(item)
    return found


def _cross_unit_check(world, own_codes: set[str], foreign_ids: dict[str, dict]):  # noqa: F811
    markers = _foreign_markers(world)
    assert markers, "the scope walk made no foreign rows: the check would be vacuous"

    def cross_unit(ctx, response, case):
        label = f"{case.method.upper()} {case.operation.path}"
        text = response.text or ""
        leaked = sorted(m for m in markers if m in text)
        assert not leaked, f"{label} answered a district with another unit's rows: {leaked}"
        foreign = foreign_ids.get(case.operation.path)
        if foreign and {k: str(v) for k, v in (case.path_parameters or {}).items()} == {
            k: str(v) for k, v in foreign.items()
        }:
            # 404 as for a missing row; a 422 from the body's validation comes before the row is
            # looked up (the same for a missing row), and its text was checked above
            assert response.status_code in (404, 405, 422), (
                f"{label} on a foreign row: {response.status_code}"
            )
        if label not in OTHER_UNITS_ALLOWED and text.startswith(("{", "[")):
            try:
                body = json.loads(text)
            except ValueError:
                return None
            others = _units_named(body) - own_codes
            assert not others, f"{label} named other units to a district: {sorted(others)}"
        return None

    return cross_unit


@contextlib.contextmanager
def _keep_the_test_connection():
    """The bare WSGI handler closes the database connection when a request starts and finishes
    (on PostgreSQL, the test's transaction with it); Django's test client unhooks that around
    each of its requests, and so do we around the fuzzing (after the last test-client request,
    which hooks it back)."""
    hooks = (request_started, request_finished)
    for signal in hooks:
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in hooks:
            signal.connect(close_old_connections)


def _fuzz(world, role: str, checks) -> list[str]:  # noqa: F811
    app = get_wsgi_application()
    _token, raw = ApiToken.issue(world["users"][role])
    headers = {"Authorization": f"Bearer {raw}"}
    # the document clients read, as this user reads it
    served = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=headers["Authorization"])
    assert served.status_code == 200, served.status_code
    schema = schemathesis.openapi.from_dict(served.json())
    schema.app = app  # every request, ignored_auth's probes too, goes through the WSGI app
    foreign_ids = _foreign_path_ids(world)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50, "the schema lost its operations"
    with _keep_the_test_connection():
        for op in operations:
            for mode in MODES:
                try:
                    _runner(op, mode, foreign_ids.get(op.path, {}), headers, checks)()
                except (Exception, BaseExceptionGroup) as exc:  # each failing operation is one entry
                    failures.append(f"{role} {mode.value} {op.label}:\n{str(exc)[:2000]}")
    return failures


def _runner(op, mode, ids: dict, headers: dict, checks):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy(generation_mode=mode), use_foreign=st.booleans())
    def run(case, use_foreign):
        # a valid request may aim at the foreign row: real rows for the bureau, a 404 for a district
        if use_foreign and ids and mode is schemathesis.GenerationMode.POSITIVE:
            case.path_parameters = {**(case.path_parameters or {}), **ids}
        case.call_and_validate(headers=headers, checks=checks)

    return run


@pytest.mark.django_db
def test_fuzz_the_api_as_a_district_and_a_bureau_user(world):  # noqa: F811
    """One test for both roles: the world is built once (it is most of the cost)."""
    district = world["users"]["district"]
    own_codes = {g.unit.code for g in district.grants.select_related("unit") if g.unit_id}
    cross_unit = _cross_unit_check(world, own_codes, _foreign_path_ids(world))
    failures = _fuzz(world, "district", [*CHECKS, cross_unit]) + _fuzz(world, "staff", CHECKS)
    assert not failures, "\n\n".join(failures)


def test_every_api_schema_has_its_own_name():
    """The OpenAPI components are keyed by class name: two apps' `ProblemOut` made one of them
    document the other's shape (dispatch's 422 answers failed the schema check)."""
    from django.conf import settings
    from ninja import Schema

    import kechuang.api  # noqa: F401  (mounts every app's router)

    modules = {f"{app}.api" for app in settings.KECHUANG_DOMAIN_APPS} | {"kechuang.api", "kechuang.core.api"}
    names: dict[str, set[str]] = {}
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__ in modules:
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert len(names) >= 50
    assert {n: sorted(m) for n, m in names.items() if len(m) > 1} == {}
