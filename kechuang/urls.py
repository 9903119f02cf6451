from django.contrib.auth import views as auth_views
from django.urls import include, path

from enterprises import views as enterprise_views
from kechuang.api import api
from kechuang.core import views as core_views
from org import views as org_views
from plan import views as plan_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", core_views.audit_search, name="audit"),
    path("units/", org_views.unit_list, name="unit_list"),
    path("plan/", plan_views.plan_detail, name="plan_current"),
    path("plan/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("enterprises/", enterprise_views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", enterprise_views.enterprise_detail, name="enterprise_detail"),
    path("api/v1/", api.urls),
]
