"""Every URL that is not public needs a login: anonymous visitors get the login page (web) or
401 (API), never data (security.md item 3)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.test_scope_walk import _route_to_path, all_urls

# Public by design: login, language, health check, the OpenAPI description, and the public pages.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/i18n/",
    "/healthz",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/public/",
    "/projects/public/",
)


def _sample_kwargs(route: str) -> dict:
    import re
    import uuid

    kwargs = {}
    for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        kwargs[name] = uuid.UUID(int=1) if conv == "uuid" else ("x" if conv in ("slug", "str") else 1)
    return kwargs


@pytest.mark.django_db
def test_anonymous_gets_login_or_401_everywhere_else(enterprises):
    leaks = []
    for name, route, _p in all_urls():
        path = _route_to_path(route, _sample_kwargs(route))
        if path.startswith(PUBLIC_PREFIXES) or name is None and "static" in route:
            continue
        for method in ("get", "post"):
            response = getattr(Client(), method)(path)
            status = response.status_code
            login = status == 302 and "/accounts/login/" in response.get("Location", "")
            # 404/405 come before any lookup (an unknown sample id, a GET-only page): no data either.
            if not (login or status in (401, 403, 404, 405)):
                leaks.append(f"{method.upper()} {path}: {status}")
    assert not leaks, leaks
