"""followup pages."""

urlpatterns: list = []
