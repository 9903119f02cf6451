from django.urls import path

from kechuang.core.imports import views

urlpatterns = [
    path("", views.import_home, name="import_home"),
    path("upload/", views.import_upload, name="import_upload"),
    path("jobs/<uuid:job_id>/", views.import_job, name="import_job"),
    path("jobs/<uuid:job_id>/commit/", views.import_commit, name="import_commit"),
    path("template/<slug:kind>/", views.import_template, name="import_template"),
]
