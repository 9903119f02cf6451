"""R&D statistics cross-check (不统、少统、漏统)."""

urlpatterns: list = []
