"""The cultivation pool: members, stages, source lists and evaluation."""

urlpatterns: list = []
