"""warnings pages."""

urlpatterns: list = []
