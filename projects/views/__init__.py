"""Project views, split by sub-domain; each module has its own urlpatterns."""
