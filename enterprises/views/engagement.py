"""千企面对面 visits and technology demands."""

urlpatterns: list = []
