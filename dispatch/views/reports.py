"""reports pages."""

urlpatterns: list = []
