"""The enterprise list and the enterprise file (一企一档)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enterprises.forms import EnterpriseFileForm, YearFiguresForm
from enterprises.gaps import hte_gaps, tsme_gaps
from enterprises.models import (
    EditStatus,
    Enterprise,
    EnterpriseEdit,
    Evaluation,
    HtDomain,
    HteCertificate,
    PoolMember,
    PoolSource,
    PoolStage,
    TsmeRegistration,
)
from enterprises.selectors import enterprise_timeline
from enterprises.services.evaluation import enterprise_evaluate
from enterprises.services.files import (
    FILE_FIELDS,
    enterprise_edit_confirm,
    enterprise_edit_propose,
    enterprise_edit_reject,
    enterprise_update,
)
from kechuang.core.audit import record_event
from kechuang.core.exports import xlsx_stream
from kechuang.core.models import EventAction
from kechuang.core.pagination import capped_count, keyset_page
from kechuang.core.roles import CHANGE, Role
from kechuang.core.scope import get_scoped_or_404, scope_of
from org.models import Unit


def _filtered(request):
    """The enterprises the user sees, filtered by the query string. Filters on related rows are
    semi-joins (``pk IN (…)``), so no DISTINCT: the list stays an index walk at any size."""
    qs = Enterprise.objects.for_user(request.user).select_related("unit")
    f = {k: request.GET.get(k, "").strip() for k in ("unit", "ht_domain", "q", "stage", "source", "status")}
    if f["unit"]:
        qs = qs.filter(unit__code=f["unit"])
    if f["ht_domain"]:
        qs = qs.filter(ht_domain=f["ht_domain"])
    if f["q"]:
        qs = qs.filter(Q(name__contains=f["q"]) | Q(uscc=f["q"].upper()))
    year = dt.date.today().year
    if f["stage"]:
        qs = qs.filter(
            pk__in=PoolMember.objects.filter(stage=f["stage"], year__gte=year - 1).values("enterprise")
        )
    if f["source"]:
        # The source codes are stored as a JSON list; a quoted text match works on both databases.
        members = PoolMember.objects.filter(sources__icontains=f'"{f["source"]}"')
        qs = qs.filter(pk__in=members.values("enterprise"))
    if f["status"] == "hte":
        today = dt.date.today()
        valid = HteCertificate.objects.filter(issued__lte=today, expires__gt=today)
        qs = qs.filter(pk__in=valid.values("enterprise"))
    elif f["status"] == "tsme":
        registered = TsmeRegistration.objects.filter(year=year, revoked_on__isnull=True)
        qs = qs.filter(pk__in=registered.values("enterprise"))
    return qs, f


def enterprise_parts(user, unit_code: str = "") -> tuple[list[Q], list[int]]:
    """The list's order as parts for keyset pagination: unit by unit in the units' order (then by
    name and id within a unit), over the units the user sees (only `unit_code`, when filtered)."""
    units = Unit.objects.for_user(user)
    if unit_code:
        units = units.filter(code=unit_code)
    unit_ids = list(units.order_by("order", "id").values_list("id", flat=True))
    return [Q(unit_id=pk) for pk in unit_ids], unit_ids


# The columns a list row shows (and the keyset reads): no address, contacts or other fields.
LIST_FIELDS = ("id", "name", "uscc", "ht_domain", "unit__code", "unit__name")


def _list_rows(enterprises) -> list[tuple]:
    """The table's cells, computed once per page: a `{% url %}` and a get_FOO_display (which
    rebuilds the choice map on every call) per row were most of the page's CPU time."""
    detail = reverse("enterprise_detail", kwargs={"pk": 999999999})
    domains = dict(HtDomain.choices)
    return [
        (
            detail.replace("999999999", str(e.pk)),
            e.name,
            e.uscc,
            e.unit.name,
            str(domains.get(e.ht_domain, e.ht_domain)) if e.ht_domain else "—",
        )
        for e in enterprises
    ]


@require_safe
@login_required
def enterprise_list(request):
    qs, filters = _filtered(request)
    parts, _ids = enterprise_parts(request.user, filters["unit"])
    page = keyset_page(
        qs.only(*LIST_FIELDS),
        order=("name", "id"),
        parts=parts or [Q(pk__in=[])],
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    count, exact = capped_count(qs)
    units = Unit.objects.for_user(request.user).exclude(kind="city")
    if not scope_of(request.user).sees_all("view"):
        units = units.filter(pk__in=Enterprise.objects.for_user(request.user).values("unit"))
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "page": page,
            "rows": _list_rows(page.object_list),
            "count": count,
            "count_exact": exact,
            "units": units.only("code", "name"),
            "domains": HtDomain.choices,
            "stages": PoolStage.choices,
            "sources": PoolSource.choices,
            "filters": filters,
            "query": request.GET.urlencode(),
        },
    )


EXPORT_COLUMNS = [
    ("uscc", _("Unified social credit code")),
    ("name", _("Name")),
    ("unit", _("Unit")),
    ("industry", _("Industry (GB/T 4754)")),
    ("ht_domain", _("High-tech domain")),
    ("founded", _("Founded")),
    ("address", _("Address")),
]


@require_safe
@login_required
def enterprise_export(request):
    """The filtered list as .xlsx, streamed (formulas neutralised)."""
    qs, _f = _filtered(request)
    record_event(
        EventAction.EXPORT, request=request, message="enterprises.xlsx", data={"filters": request.GET.dict()}
    )
    rows = (
        (e.uscc, e.name, e.unit.name, e.industry, e.ht_domain, e.founded, e.address)
        for e in qs.order_by("unit__order", "name", "id").iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        xlsx_stream([str(label) for _k, label in EXPORT_COLUMNS], rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="enterprises.xlsx"'
    return response


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _evaluations(enterprise):
    latest = {}
    for ev in Evaluation.objects.filter(enterprise=enterprise).order_by("-year"):
        latest.setdefault(ev.kind, ev)
    out = {}
    for kind, ev in latest.items():
        gaps = hte_gaps(ev.result) if kind == "hte" else tsme_gaps(ev.result)
        out[kind] = {"ev": ev, "gaps": gaps, "r": ev.result}
    return out


@require_safe
@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_scoped_or_404(Enterprise.objects.select_related("unit"), request.user, pk=pk)
    scope = scope_of(request.user)
    can_change = Enterprise.objects.for_user(request.user, CHANGE).filter(pk=pk).exists()
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "years": enterprise.years.order_by("year"),
            "certificates": enterprise.hte_certificates.all(),
            "applications": enterprise.hte_applications.all(),
            "registrations": enterprise.tsme_registrations.all(),
            "subsidies": enterprise.subsidies.all(),
            "memberships": enterprise.pool_memberships.order_by("-year"),
            "evaluations": _evaluations(enterprise),
            "pending": enterprise.edits.filter(status=EditStatus.PENDING),
            "timeline": enterprise_timeline(enterprise, fetched_by=request.user),
            "can_change": can_change,
            "is_enterprise": Role.ENTERPRISE in scope.roles and not scope.sees_all(CHANGE),
            "eval_year": dt.date.today().year,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_edit(request, pk: int):
    """The enterprise proposes; the district or the bureau changes directly."""
    enterprise = get_scoped_or_404(Enterprise.objects.select_related("unit"), request.user, CHANGE, pk=pk)
    scope = scope_of(request.user)
    proposing = Role.ENTERPRISE in scope.roles and not (scope.sees_all(CHANGE) or scope.unit_ids)
    year = _int(request.POST.get("year-year") or request.GET.get("year"), dt.date.today().year - 1)
    current_year = enterprise.years.filter(year=year).first()
    initial = {f: getattr(enterprise, f) for f in FILE_FIELDS}
    file_form = EnterpriseFileForm(request.POST or None, initial=initial, prefix="file", record=enterprise)
    year_form = YearFiguresForm(
        request.POST or None, instance=current_year, initial={"year": year}, prefix="year"
    )
    if request.method == "POST" and file_form.is_valid() and year_form.is_valid():
        changes = {
            f: v
            for f, v in file_form.cleaned_data.items()
            if v != initial.get(f) and not (v in ("", None) and initial.get(f) in ("", None))
        }
        figures = {f: v for f, v in year_form.cleaned_data.items() if f != "year"}
        before = {f: getattr(current_year, f, None) for f in figures}
        changes.update({f: v for f, v in figures.items() if v != before[f]})
        if not changes:
            messages.info(request, _("Nothing was changed."))
        elif proposing:
            enterprise_edit_propose(actor=request.user, enterprise=enterprise, changes=changes, year=year)
            messages.success(request, _("Your changes were sent to your district for confirmation."))
        else:
            enterprise_update(actor=request.user, enterprise=enterprise, changes=changes, year=year)
            messages.success(request, _("The file was updated."))
        return redirect("enterprise_detail", pk=pk)
    return render(
        request,
        "enterprises/enterprise_edit.html",
        {
            "enterprise": enterprise,
            "file_form": file_form,
            "year_form": year_form,
            "proposing": proposing,
            "year": year,
        },
    )


@require_POST
@login_required
def enterprise_self_evaluate(request, pk: int):
    enterprise = get_scoped_or_404(Enterprise, request.user, CHANGE, pk=pk)
    year = _int(request.POST.get("year"), dt.date.today().year)
    enterprise_evaluate(actor=request.user, enterprise=enterprise, year=year)
    messages.success(
        request, _("Evaluated against the national rules with the figures of {year}.").format(year=year - 1)
    )
    return redirect(f"{enterprise.get_absolute_url()}#evaluation")


@require_safe
@login_required
def edit_list(request):
    """Changes proposed by enterprises, for their district (and the bureau) to decide."""
    scope = scope_of(request.user)
    if not (scope.sees_all(CHANGE) or scope.unit_ids):
        raise Http404
    qs = EnterpriseEdit.objects.for_user(request.user, CHANGE).select_related("enterprise", "proposed_by")
    status = request.GET.get("status", EditStatus.PENDING)
    page = Paginator(qs.filter(status=status), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/edit_list.html",
        {"page": page, "status": status, "statuses": EditStatus.choices},
    )


@require_POST
@login_required
def edit_decide(request, pk: int):
    edit = get_scoped_or_404(EnterpriseEdit.objects.select_related("enterprise"), request.user, CHANGE, pk=pk)
    scope = scope_of(request.user)
    if not (scope.sees_all(CHANGE) or Role.DISTRICT in scope.roles):
        raise Http404  # an enterprise cannot decide on its own proposal
    try:
        if request.POST.get("decision") == "confirm":
            enterprise_edit_confirm(actor=request.user, edit=edit)
            messages.success(request, _("The change was applied to the file."))
        else:
            enterprise_edit_reject(actor=request.user, edit=edit, reason=request.POST.get("reason", ""))
            messages.success(request, _("The change was returned to the enterprise."))
    except ValueError as exc:
        messages.error(request, _("Not done: {reason}").format(reason=_(str(exc))))
    return redirect("enterprise_edit_list")


urlpatterns = [
    path("enterprises/", enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", enterprise_export, name="enterprise_export"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/evaluate/", enterprise_self_evaluate, name="enterprise_evaluate"),
    path("enterprises/changes/", edit_list, name="enterprise_edit_list"),
    path("enterprises/changes/<int:pk>/decide/", edit_decide, name="enterprise_edit_decide"),
]
