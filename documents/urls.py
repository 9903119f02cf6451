from django.urls import path

from documents import views

urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/generate/", views.document_generate_view, name="document_generate"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/download/<str:fmt>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/narrative/", views.document_narrative, name="document_narrative"),
    path("documents/<int:pk>/publish/", views.document_publish_view, name="document_publish"),
]
