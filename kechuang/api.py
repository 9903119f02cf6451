"""The /api/v1/ entry point (django-ninja): session or bearer-token auth, one data scope."""

from __future__ import annotations

import contextlib

from auditlog.context import auditlog_value
from django.db import DataError, transaction
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security import django_auth as _session_auth

from kechuang.core.concurrency import PreconditionRequired, StaleVersion

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


class KechuangAPI(NinjaAPI):
    def create_response(self, request, data, *args, **kwargs):
        """A record that carries a `version` answers with it as its ETag, so a client can send it
        back as If-Match on the update (optimistic concurrency, security.md item 6)."""
        response = super().create_response(request, data, *args, **kwargs)
        if (
            request.method in ("GET", "PUT", "PATCH")
            and response.status_code == 200
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and "id" in data
        ):
            response["ETag"] = f'"{data["version"]}"'
        return response


api = KechuangAPI(
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


@api.exception_handler(DataError)
def _unstorable(request, exc):
    """A value the database cannot hold or compare (a NUL character on PostgreSQL): the
    request's fault, so 422 instead of a 500; the request's transaction rolls back."""
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    detail = "A value in the request cannot be stored or searched (for example a NUL character)."
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PreconditionRequired)
def _precondition_required(request, exc):
    """An update without If-Match or `version` would overwrite blindly: 428, nothing saved."""
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    return api.create_response(request, {"detail": str(exc)}, status=428)


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
