"""R&D statistics cross-check (不统、少统、漏统): the work list per district with its summary,
its Excel export, and the page of one flagged enterprise with its follow-up."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from enterprises.models import CrosscheckFlag, CrosscheckStatus, Enterprise, RdDeduction, Subsidy, SubsidyKind
from enterprises.services import crosscheck as svc
from enterprises.services.engagement import history, visible_units
from kechuang.core.audit import record_event
from kechuang.core.exports import xlsx_stream
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from rules.rd_crosscheck import ratio_basis_points

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS = range(2000, 2101)


class CrosscheckFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Data year"), required=False, min_value=2000, max_value=2100)
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=12)
    flag = forms.ChoiceField(
        label=gettext_lazy("Finding"), required=False, choices=[("", "—"), *CrosscheckFlag.choices]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Follow-up"), required=False, choices=[("", "—"), *CrosscheckStatus.choices]
    )
    ratio = forms.DecimalField(
        label=gettext_lazy("Under-reporting ratio"),
        required=False,
        help_text=gettext_lazy(
            "Statistics below this share of the super-deduction claim count as under-reported."
        ),
    )

    def clean_ratio(self):
        ratio = self.cleaned_data.get("ratio")
        if ratio is None:
            return None
        try:
            ratio_basis_points(ratio)
        except ValueError as exc:
            raise ValidationError(_("Give a ratio above 0 and at most 1, with at most 4 decimals.")) from exc
        return ratio


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Follow-up"), choices=CrosscheckStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("What was found out or done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _filters(request):
    form = CrosscheckFilterForm(request.GET)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    year = data.get("year") or svc.default_year(fetched_by=request.user)
    ratio = data.get("ratio") or svc.crosscheck_ratio()
    return form, data, year, ratio


def _select(rows, data):
    unit, flag, status = data.get("unit"), data.get("flag"), data.get("status")
    if unit:
        rows = [r for r in rows if r.enterprise.unit.code == unit]
    if flag:
        rows = [r for r in rows if r.flag == flag]
    if status:
        rows = [r for r in rows if r.status == status]
    return rows


@require_safe
@login_required
def crosscheck_list(request):
    if not svc.can_read(request.user):
        raise Http404
    form, data, year, ratio = _filters(request)
    rows = svc.crosscheck_rows(fetched_by=request.user, year=year, ratio=ratio)
    units, total = svc.crosscheck_summary(rows, fetched_by=request.user)
    selected = _select(rows, data)
    page = Paginator(selected, 100).get_page(request.GET.get("page"))
    case_query = urlencode({"ratio": ratio}) if "ratio" in data else ""
    return render(
        request,
        "enterprises/crosscheck/worklist.html",
        {
            "form": form,
            "filters": data,
            "year": year,
            "years": sorted({year, *svc.crosscheck_years(fetched_by=request.user)}, reverse=True),
            "ratio": ratio,
            "ratio_percent": Decimal(ratio) * 100,
            "configured": svc.crosscheck_ratio(),
            "units": units,
            "total": total,
            "unit_choices": visible_units(request.user).exclude(kind="city"),
            "flags": CrosscheckFlag.choices,
            "statuses": CrosscheckStatus.choices,
            "page": page,
            "case_query": case_query,
            "query": request.GET.urlencode(),
        },
    )


EXPORT_COLUMNS = [
    gettext_lazy("Unit"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("R&D reported to statistics (10,000 yuan)"),
    gettext_lazy("R&D claimed for super-deduction (10,000 yuan)"),
    gettext_lazy("R&D subsidies (10,000 yuan)"),
    gettext_lazy("Gap (10,000 yuan)"),
    gettext_lazy("Statistics / claim"),
    gettext_lazy("Finding"),
    gettext_lazy("Follow-up"),
    gettext_lazy("Follow-up note"),
]


@require_safe
@login_required
def crosscheck_export(request):
    """The filtered work list as .xlsx (formulas neutralised), recorded as an export."""
    if not svc.can_read(request.user):
        raise Http404
    _form, data, year, ratio = _filters(request)
    rows = _select(svc.crosscheck_rows(fetched_by=request.user, year=year, ratio=ratio), data)
    record_event(
        EventAction.EXPORT,
        request=request,
        message=f"rd-crosscheck-{year}.xlsx",
        data={"filters": request.GET.dict(), "year": year, "ratio": str(ratio), "rows": len(rows)},
    )
    no_row = _("no statistics row")
    out = (
        (
            r.enterprise.unit.name,
            r.enterprise.name,
            r.enterprise.uscc,
            r.stats if r.has_stats else no_row,
            r.deduction,
            r.subsidy,
            r.gap,
            None if r.share is None else round(r.share, 4),
            r.flag_label or _("no longer flagged"),
            r.status_label,
            r.follow_up.note if r.follow_up else "",
        )
        for r in rows
    )
    response = StreamingHttpResponse(xlsx_stream([str(c) for c in EXPORT_COLUMNS], out), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="rd-crosscheck-{year}.xlsx"'
    return response


def _ratio_from(request):
    raw = request.POST.get("ratio") or request.GET.get("ratio")
    if raw:
        try:
            ratio_basis_points(raw)
            return Decimal(raw)
        except (ValueError, ArithmeticError):
            pass
    return svc.crosscheck_ratio()


@require_http_methods(["GET", "POST"])
@login_required
def crosscheck_case(request, year: int, pk: int):
    """One enterprise's figures for the year, its finding, and its follow-up."""
    enterprise = get_scoped_or_404(Enterprise.objects.select_related("unit"), request.user, pk=pk)
    if not svc.can_read(request.user) or year not in YEARS:
        raise Http404
    can_work = (
        svc.can_work(request.user)
        and Enterprise.objects.for_user(request.user, CHANGE).filter(pk=pk).exists()
    )
    if request.method == "POST" and not can_work:
        raise Http404
    ratio = _ratio_from(request)
    row = svc.enterprise_crosscheck(enterprise, year, ratio)
    initial = {"status": row.status, "note": row.follow_up.note if row.follow_up else ""}
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.crosscheck_follow_up(
                actor=request.user,
                enterprise=enterprise,
                year=year,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                ratio=ratio,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The follow-up was saved."))
            back = reverse("rd_crosscheck") + "?" + urlencode({"year": year, "unit": enterprise.unit.code})
            return redirect(back)
    return render(
        request,
        "enterprises/crosscheck/case.html",
        {
            "enterprise": enterprise,
            "year": year,
            "ratio": ratio,
            "ratio_percent": Decimal(ratio) * 100,
            "row": row,
            "claims": RdDeduction.objects.filter(enterprise=enterprise, year=year),
            "subsidies": Subsidy.objects.filter(
                enterprise=enterprise, year=year, kind=SubsidyKind.RD_SUPPORT
            ),
            "history": history(row.follow_up) if row.follow_up else [],
            "status_choices": CrosscheckStatus.choices,
            "form": form if can_work and (row.flag or row.follow_up) else None,
        },
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("enterprises/rd-crosscheck/", crosscheck_list, name="rd_crosscheck"),
    path("enterprises/rd-crosscheck/export.xlsx", crosscheck_export, name="rd_crosscheck_export"),
    path("enterprises/rd-crosscheck/<int:year>/<int:pk>/", crosscheck_case, name="rd_crosscheck_case"),
]
