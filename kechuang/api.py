"""The /api/v1/ entry point (django-ninja): session or bearer-token auth, one data scope."""

from __future__ import annotations

import contextlib

from auditlog.context import auditlog_value
from django.db import transaction
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security import django_auth as _session_auth

from kechuang.core.concurrency import StaleVersion

__all__ = ["api"]


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        from org.models import ApiToken

        user = ApiToken.objects.authenticate(token)
        if user is None:
            return None
        request.user = user
        # Let auditlog's per-request context attribute API writes to this user.
        with contextlib.suppress(LookupError):
            auditlog_value.get()["actor"] = user
        return user


session_auth: APIKeyCookie = _session_auth

api = NinjaAPI(
    title="kechuang API",
    version="1",
    urls_namespace="api",
    auth=[BearerAuth(), session_auth],
    docs_url="/docs",
)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@api.exception_handler(StaleVersion)
def _stale(request, exc):
    """An update from a stale copy (If-Match / `version`): 409, and nothing of it is kept."""
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    return api.create_response(request, {"detail": str(exc)}, status=409)


def _register_routers() -> None:
    """Each domain app's api.py contributes `router`, mounted at its `PREFIX` (default "/")."""
    from importlib import import_module

    from django.conf import settings

    for name in settings.KECHUANG_DOMAIN_APPS:
        try:
            module = import_module(f"{name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.api":
                raise
            continue
        api.add_router(getattr(module, "PREFIX", "/"), module.router)


_register_routers()
