"""Request id: one id per request, in the response header, the logs and every audit row."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

__all__ = [
    "ChineseByDefaultMiddleware",
    "GateMiddleware",
    "RequestIdLogFilter",
    "RequestIdMiddleware",
    "SessionLifetimeMiddleware",
    "StaleVersionMiddleware",
    "current_request_id",
]

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Accepts a well-formed X-Request-ID from the proxy, otherwise makes one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        # auditlog reads its correlation id from this header (AUDITLOG_CID_HEADER).
        request.META["HTTP_X_REQUEST_ID"] = rid
        request.request_id = rid
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class ChineseByDefaultMiddleware:
    """The interface is Chinese unless the user picked English (language cookie): a browser's
    Accept-Language alone does not switch a Chinese bureau's system to English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS after login however active it stays (ASVS 7.3.2),
    and keeps an active one alive: the idle timeout is SESSION_COOKIE_AGE from the last save.

    The session is saved when SESSION_TOUCH_SECONDS have passed since its last save, not on every
    request: SESSION_SAVE_EVERY_REQUEST cost a committed (fsync'd on SQLite) write per page view,
    5-25 ms of a list page (docs/performance.md). The idle timeout is thus 30 min, less at most
    one touch interval."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings
        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("login_at", now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - request.session.get("touched_at", 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session["touched_at"] = now  # marks it modified: saved with a new expiry
        return self.get_response(request)


class StaleVersionMiddleware:
    """A save that lost a race (kechuang.core.concurrency.StaleVersion) answers 409 with a page
    saying nothing was saved; the request's transaction has already rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from kechuang.core.concurrency import StaleVersion

        if isinstance(exception, StaleVersion):
            return render(request, "409.html", {"message": str(exception)}, status=409)
        return None


class GateMiddleware:
    """Holds a signed-in user who has a step to take first (`due`) at that step's page; the API
    answers 403 with `api_detail` meanwhile. Paths under `OPEN` stay reachable (sign-out, the
    step's own pages, static files). The password-change and second-factor gates are two."""

    OPEN: tuple[str, ...] = ("/static/", "/i18n/", "/healthz", "/favicon")

    def __init__(self, get_response):
        self.get_response = get_response

    def due(self, user) -> bool:
        raise NotImplementedError

    def api_detail(self) -> str:
        raise NotImplementedError

    def step_url(self, request, user) -> str:
        raise NotImplementedError

    def __call__(self, request):
        from django.http import JsonResponse
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN)
            and self.due(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.api_detail()}, status=403)
            return redirect(self.step_url(request, user))
        return self.get_response(request)
