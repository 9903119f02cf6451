from django.urls import path

from public import views

urlpatterns = [
    # Readable without signing in.
    path("public/", views.index, name="public_index"),
    path("public/news/", views.news, name="public_news"),
    path("public/notices/", views.notices, name="public_notices"),
    path("public/policies/", views.policies, name="public_policies"),
    path("public/articles/<int:pk>/", views.article, name="public_article"),
    path("public/files/<int:pk>/", views.attachment, name="public_attachment"),
    # The bureau's pages.
    path("publishing/", views.manage, name="public_manage"),
    path("publishing/new/", views.article_create, name="public_article_create"),
    path("publishing/<int:pk>/", views.article_edit, name="public_article_edit"),
    path("publishing/<int:pk>/publish/", views.article_publish, name="public_article_publish"),
    path("publishing/<int:pk>/unpublish/", views.article_unpublish, name="public_article_unpublish"),
    path("publishing/<int:pk>/files/", views.attachment_add, name="public_attachment_add"),
    path("publishing/files/<int:pk>/", views.attachment_preview, name="public_attachment_preview"),
    path("publishing/files/<int:pk>/remove/", views.attachment_remove, name="public_attachment_remove"),
]
