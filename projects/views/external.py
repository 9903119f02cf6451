"""Provincial and national applications: list, export, record, edit, result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of
from projects.access import Refused, is_bureau, is_district
from projects.forms import ExternalForm, ExternalResultForm
from projects.models import ExternalApplication, ExternalDomain, ExternalLevel, ExternalResult
from projects.services import external as svc
from projects.views.common import int_or_none, refused, steps_404, xlsx_response


def _filtered(request):
    qs = ExternalApplication.objects.for_user(request.user).select_related("unit")
    f = {k: request.GET.get(k, "").strip() for k in ("year", "level", "domain", "result", "unit", "q")}
    if int_or_none(f["year"]):
        qs = qs.filter(year=int(f["year"]))
    for key in ("level", "domain", "result"):
        if f[key]:
            qs = qs.filter(**{key: f[key]})
    if f["unit"]:
        qs = qs.filter(unit__code=f["unit"])
    if f["q"]:
        qs = qs.filter(Q(title__contains=f["q"]) | Q(applicant_name__contains=f["q"]))
    return qs.order_by("-year", "-applied_on", "id"), f


@require_safe
@login_required
def external_list(request):
    qs, filters = _filtered(request)
    return render(
        request,
        "projects/external_list.html",
        {
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "filters": filters,
            "levels": ExternalLevel.choices,
            "domains": ExternalDomain.choices,
            "results": ExternalResult.choices,
            "query": request.GET.urlencode(),
            "can_record": (is_bureau(request.user) or is_district(request.user))
            and not scope_of(request.user).read_only,
        },
    )


EXPORT_HEADER = [
    gettext_lazy("Year"),
    gettext_lazy("Level"),
    gettext_lazy("Programme"),
    gettext_lazy("Project title"),
    gettext_lazy("Applicant"),
    gettext_lazy("Unit"),
    gettext_lazy("Domain"),
    gettext_lazy("In the national agricultural S&T park"),
    gettext_lazy("Applied on"),
    gettext_lazy("Result"),
    gettext_lazy("Result on"),
    gettext_lazy("Funding granted (10,000 yuan)"),
]


@require_safe
@login_required
def external_export(request):
    qs, _f = _filtered(request)
    rows = (
        (
            x.year,
            x.get_level_display(),
            x.programme,
            x.title,
            x.applicant_name,
            x.unit.name,
            x.get_domain_display(),
            _("yes") if x.in_agri_park else _("no"),
            x.applied_on,
            x.get_result_display(),
            x.result_on,
            x.funding,
        )
        for x in qs.iterator(chunk_size=1000)
    )
    return xlsx_response(request, "provincial-applications.xlsx", EXPORT_HEADER, rows)


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def external_create(request):
    if not (is_bureau(request.user) or is_district(request.user)):
        raise PermissionError
    form = ExternalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v not in ("", None) or k == "in_agri_park"}
        try:
            obj = svc.external_create(actor=request.user, **values)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("Recorded."))
            return redirect("projects_external_edit", pk=obj.pk)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("Record a provincial or national application"),
            "back": "projects_external_list",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def external_edit(request, pk: int):
    obj = get_scoped_or_404(ExternalApplication.objects.select_related("unit"), request.user, CHANGE, pk=pk)
    if not (is_bureau(request.user) or is_district(request.user)):
        raise PermissionError
    form = ExternalForm(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            svc.external_update(actor=request.user, application=obj, **values)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects_external_edit", pk=obj.pk)
    result_form = ExternalResultForm(
        initial={"result": obj.result, "result_on": obj.result_on, "funding": obj.funding}
    )
    return render(
        request, "projects/external_form.html", {"form": form, "obj": obj, "result_form": result_form}
    )


@require_POST
@login_required
@steps_404
def external_result(request, pk: int):
    obj = get_scoped_or_404(ExternalApplication, request.user, CHANGE, pk=pk)
    form = ExternalResultForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label}: {e}")
    else:
        try:
            svc.external_result(actor=request.user, application=obj, **form.cleaned_data)
            messages.success(request, _("The result was recorded."))
        except Refused as exc:
            refused(request, exc)
    return redirect("projects_external_edit", pk=obj.pk)


urlpatterns = [
    path("projects/provincial/", external_list, name="projects_external_list"),
    path("projects/provincial/export.xlsx", external_export, name="projects_external_export"),
    path("projects/provincial/new/", external_create, name="projects_external_create"),
    path("projects/provincial/<int:pk>/", external_edit, name="projects_external_edit"),
    path("projects/provincial/<int:pk>/result/", external_result, name="projects_external_result"),
]
