"""The project's URLs plus one page that renders base.html and nothing else, behind the same
login and middleware: the reference of the dashboard and report page cases (bench/pagecases.py),
i.e. the fixed cost of any signed-in page (session read and save, the navigation, the layout)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from kechuang.urls import urlpatterns as project_urls


@require_safe
@login_required
def bare_page(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench-base/", bare_page), *project_urls]
