from django.urls import path

from platforms import views

urlpatterns = [
    *views.PLATFORMS.urls(),
    path("platforms/<int:pk>/evaluate/", views.platform_evaluate, name="platforms_platform_evaluate"),
    *views.AGREEMENTS.urls(),
    path(
        "platforms/cooperation/<int:pk>/projects/",
        views.cooperation_project_add,
        name="platforms_project_add",
    ),
    *views.INVESTMENTS.urls(),
    *views.CHECKLIST.urls(),
]
