"""Root URLs. Each domain app contributes its own `urls.py` (full paths, globally unique names)
and, for the API, an `api.py` with a `router` (see kechuang/api.py)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kechuang.api import api
from kechuang.core import otp_views
from kechuang.core import views as core_views
from kechuang.core.pii import reveal_urls

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChange.as_view(), name="password_change"),
    path("accounts/otp/enrol/", otp_views.otp_enrol, name="otp_enrol"),
    path("accounts/otp/verify/", otp_views.otp_verify, name="otp_verify"),
    # Not under accounts/otp/: the second-factor gate must cover it.
    path("accounts/second-factor/reset/", otp_views.otp_reset, name="otp_reset"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", core_views.audit_search, name="audit"),
    path("imports/", include("kechuang.core.imports.urls")),
    path("jobs/<uuid:job_id>/", core_views.job_detail, name="job_detail"),
    path("api/v1/", api.urls),
]


def _app_urls():
    for name in settings.KECHUANG_DOMAIN_APPS:
        try:
            module = import_module(f"{name}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.urls":
                raise
            continue
        yield path("", include(module))


urlpatterns += list(_app_urls())
# The audited reveal of every personal field (ID and phone numbers), one POST route each.
urlpatterns += reveal_urls()


def server_error(request):
    """A plain 500 page (no template context processors that could fail again) with the request id."""
    from django.http import HttpResponseServerError
    from django.template import loader

    body = loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "-")})
    return HttpResponseServerError(body)


handler500 = server_error
handler400 = "kechuang.core.errors.bad_request"
