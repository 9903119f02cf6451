"""千企面对面 visits and technology demands: lists with filters and Excel export, details,
forms and the workflow steps (follow-ups, demand status). Writes go through
enterprises/services/engagement.py; every read starts from the user's scope."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enterprises.models import DemandStatus, Enterprise, FollowUp, HtDomain, TechDemand, Visit
from enterprises.services import engagement as svc
from kechuang.core.audit import record_event
from kechuang.core.concurrency import VersionedForm
from kechuang.core.exports import xlsx_stream
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- forms -----------------------------------------------------------------------------------


class _EnterpriseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit.name}）"


def _enterprises(user):
    return Enterprise.objects.for_user(user, CHANGE).select_related("unit").order_by("unit__order", "name")


class VisitFilterForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=12)
    since = forms.DateField(label=gettext_lazy("Visited from"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=gettext_lazy("Visited until"), required=False, widget=DATE_INPUT)
    follow_up = forms.ChoiceField(
        label=gettext_lazy("Follow-up"), required=False, choices=[("", "—"), *FollowUp.choices]
    )
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    q = forms.CharField(label=gettext_lazy("Enterprise name or code"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
            data.pop("until", None)
        return data


class DemandFilterForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=12)
    field = forms.CharField(label=gettext_lazy("Field"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", "—"), *DemandStatus.choices]
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("Up to month"), required=False, min_value=1, max_value=12)
    only_month = forms.BooleanField(label=gettext_lazy("That month only"), required=False)
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    visit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    q = forms.CharField(label=gettext_lazy("Title or enterprise"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("month") and not data.get("year"):
            self.add_error("year", _("Choose the year of the month."))
            data.pop("month", None)
        return data


def _bound_filters(form_class, request):
    """The filter form and its valid values; an invalid value is named on the form and ignored."""
    form = form_class(request.GET)
    form.is_valid()
    values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return form, values


class VisitForm(VersionedForm):
    class Meta:
        model = Visit
        fields = ["enterprise", "visited_on", "visitors", "problems"]
        widgets = {"visited_on": DATE_INPUT, "problems": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = _EnterpriseChoice(
            queryset=_enterprises(user), label=gettext_lazy("Enterprise")
        )

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > dt.date.today():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class FollowUpForm(forms.Form):
    follow_up = forms.ChoiceField(label=gettext_lazy("Follow-up"), choices=FollowUp.choices)
    note = forms.CharField(
        label=gettext_lazy("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = svc.FOLLOW_UP_TRANSITIONS.get(visit.follow_up, ())
        self.fields["follow_up"].choices = [(v, label) for v, label in FollowUp.choices if v in allowed]


class DemandForm(VersionedForm):
    class Meta:
        model = TechDemand
        fields = ["enterprise", "unit", "title", "field", "description", "budget", "deadline", "collected_on"]
        widgets = {
            "deadline": DATE_INPUT,
            "collected_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 5}),
            "field": forms.TextInput(attrs={"list": "demand-fields"}),
        }

    def __init__(self, *args, user, visit: Visit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        if visit is not None or (self.instance.pk and self.instance.visit_id):
            # The visit fixes the enterprise and the unit.
            del self.fields["enterprise"]
            del self.fields["unit"]
            return
        self.fields["enterprise"] = _EnterpriseChoice(
            queryset=_enterprises(user), required=False, label=gettext_lazy("Enterprise")
        )
        units = svc.demand_units(user)
        if units.exists():
            self.fields["unit"].queryset = units
            self.fields["unit"].required = False
            self.fields["unit"].help_text = _("Needed only for a demand that is not from one enterprise.")
        else:
            del self.fields["unit"]
            self.fields["enterprise"].required = True

    def clean_collected_on(self):
        day = self.cleaned_data["collected_on"]
        if day > dt.date.today():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self):
        data = super().clean()
        enterprise, unit = data.get("enterprise"), data.get("unit")
        if enterprise and unit and unit != enterprise.unit and "unit" not in self.changed_data:
            # Another enterprise was chosen and the unit left as it was: the unit follows it.
            data["unit"] = None
        return data

    def _post_clean(self):
        # The unit follows the enterprise; the service decides, so the model's own check of an
        # empty unit is skipped here.
        pass


class DemandStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=DemandStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when matching (name the solver) and when closing (say why)."),
    )

    def __init__(self, *args, demand: TechDemand, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = svc.DEMAND_TRANSITIONS.get(demand.status, ())
        self.fields["status"].choices = [(v, label) for v, label in DemandStatus.choices if v in allowed]


def _apply_service(form, call):
    """Run a business action; its ValidationError lands on the form, by field."""
    try:
        return call()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


# --- visits ----------------------------------------------------------------------------------


def _visit_filters(request):
    form, v = _bound_filters(VisitFilterForm, request)
    return form, svc.VisitFilters(**v)


@require_safe
@login_required
def visit_list(request):
    form, filters = _visit_filters(request)
    qs = svc.visit_list(fetched_by=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/engagement/visit_list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "units": svc.visible_units(request.user),
            "follow_ups": FollowUp.choices,
            "can_log": svc.can_log_visits(request.user),
            "query": request.GET.urlencode(),
        },
    )


VISIT_COLUMNS = [
    gettext_lazy("Visit date"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Unit"),
    gettext_lazy("Visitors"),
    gettext_lazy("Problems raised"),
    gettext_lazy("Follow-up"),
    gettext_lazy("Follow-up note"),
    gettext_lazy("Demands recorded"),
]


@require_safe
@login_required
def visit_export(request):
    """The filtered list as .xlsx (formulas neutralised), recorded as an export."""
    _form, filters = _visit_filters(request)
    qs = svc.visit_list(fetched_by=request.user, filters=filters)
    record_event(
        EventAction.EXPORT, request=request, message="visits.xlsx", data={"filters": request.GET.dict()}
    )
    rows = (
        (
            v.visited_on,
            v.enterprise.name,
            v.enterprise.uscc,
            v.enterprise.unit.name,
            v.visitors,
            v.problems,
            v.get_follow_up_display(),
            v.follow_up_note,
            v.demand_count,
        )
        for v in qs.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(xlsx_stream([str(c) for c in VISIT_COLUMNS], rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="visits.xlsx"'
    return response


def _visit_detail_page(request, visit, follow_up_form=None, status=200):
    can_change = svc.can_log_visits(request.user) and (
        Visit.objects.for_user(request.user, CHANGE).filter(pk=visit.pk).exists()
    )
    if follow_up_form is None and can_change and svc.FOLLOW_UP_TRANSITIONS.get(visit.follow_up):
        follow_up_form = FollowUpForm(visit=visit)
    return render(
        request,
        "enterprises/engagement/visit_detail.html",
        {
            "visit": visit,
            "demands": TechDemand.objects.for_user(request.user).filter(visit=visit).order_by("collected_on"),
            "history": svc.history(visit),
            "follow_up_choices": FollowUp.choices,
            "can_change": can_change,
            "follow_up_form": follow_up_form,
        },
        status=status,
    )


@require_safe
@login_required
def visit_detail(request, pk: int):
    visit = get_scoped_or_404(Visit.objects.select_related("enterprise__unit"), request.user, pk=pk)
    return _visit_detail_page(request, visit)


def _visit_form_page(request, form, visit=None):
    return render(
        request,
        "enterprises/engagement/visit_form.html",
        {"form": form, "visit": visit},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def visit_create(request):
    if not svc.can_log_visits(request.user):
        raise Http404
    initial = {"visited_on": dt.date.today()}
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    form = VisitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        visit = _apply_service(form, lambda: svc.visit_create(actor=request.user, **form.cleaned_data))
        if visit is not None:
            messages.success(request, _("The visit was logged."))
            return redirect("visit_detail", pk=visit.pk)
    return _visit_form_page(request, form)


@require_http_methods(["GET", "POST"])
@login_required
def visit_edit(request, pk: int):
    visit = get_scoped_or_404(Visit.objects.select_related("enterprise"), request.user, CHANGE, pk=pk)
    if not svc.can_log_visits(request.user):
        raise Http404
    form = VisitForm(request.POST or None, user=request.user, instance=visit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _apply_service(
            form,
            lambda: svc.visit_update(
                actor=request.user,
                visit=Visit.objects.get(pk=pk),  # the form changed the instance in place
                enterprise=data["enterprise"],
                visited_on=data["visited_on"],
                visitors=data["visitors"],
                problems=data["problems"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The visit was saved."))
            return redirect("visit_detail", pk=pk)
    return _visit_form_page(request, form, Visit.objects.get(pk=pk))


@require_POST
@login_required
def visit_follow_up(request, pk: int):
    visit = get_scoped_or_404(Visit.objects.select_related("enterprise__unit"), request.user, CHANGE, pk=pk)
    if not svc.can_log_visits(request.user):
        raise Http404
    form = FollowUpForm(request.POST, visit=visit)
    if form.is_valid():
        done = _apply_service(
            form,
            lambda: svc.visit_follow_up(
                actor=request.user,
                visit=visit,
                status=form.cleaned_data["follow_up"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("The follow-up was updated."))
            return redirect("visit_detail", pk=pk)
    visit.refresh_from_db()
    return _visit_detail_page(request, visit, follow_up_form=form, status=400)


# --- demands ---------------------------------------------------------------------------------


def _demand_filters(request):
    form, v = _bound_filters(DemandFilterForm, request)
    return form, svc.DemandFilters(**v)


@require_safe
@login_required
def demand_list(request):
    form, filters = _demand_filters(request)
    qs = svc.demand_list(fetched_by=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/engagement/demand_list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "units": svc.visible_units(request.user),
            "statuses": DemandStatus.choices,
            "fields": svc.demand_fields(fetched_by=request.user),
            "months": range(1, 13),
            "can_file": svc.can_file_demands(request.user),
            "query": request.GET.urlencode(),
        },
    )


DEMAND_COLUMNS = [
    gettext_lazy("Collected on"),
    gettext_lazy("Demand title"),
    gettext_lazy("Technology field"),
    gettext_lazy("Demand description"),
    gettext_lazy("Budget (10,000 yuan)"),
    gettext_lazy("Wanted by"),
    gettext_lazy("Status"),
    gettext_lazy("Unit"),
    gettext_lazy("Enterprise"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Source visit date"),
]


@require_safe
@login_required
def demand_export(request):
    """The filtered list as .xlsx (formulas neutralised), recorded as an export."""
    _form, filters = _demand_filters(request)
    qs = svc.demand_list(fetched_by=request.user, filters=filters)
    record_event(
        EventAction.EXPORT, request=request, message="tech-demands.xlsx", data={"filters": request.GET.dict()}
    )
    rows = (
        (
            d.collected_on,
            d.title,
            d.field,
            d.description,
            d.budget,
            d.deadline,
            d.get_status_display(),
            d.unit.name,
            d.enterprise.name if d.enterprise else "",
            d.enterprise.uscc if d.enterprise else "",
            d.visit.visited_on if d.visit else None,
        )
        for d in qs.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(xlsx_stream([str(c) for c in DEMAND_COLUMNS], rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tech-demands.xlsx"'
    return response


def _can_move(user, demand) -> bool:
    return (
        svc.can_log_visits(user) and TechDemand.objects.for_user(user, CHANGE).filter(pk=demand.pk).exists()
    )


def _demand_detail_page(request, demand, status_form=None, status=200):
    can_move = _can_move(request.user, demand)
    can_edit = TechDemand.objects.for_user(request.user, CHANGE).filter(pk=demand.pk).exists() and (
        can_move or (svc.can_file_demands(request.user) and demand.status == DemandStatus.COLLECTED)
    )
    if status_form is None and can_move and svc.DEMAND_TRANSITIONS.get(demand.status):
        status_form = DemandStatusForm(demand=demand)
    return render(
        request,
        "enterprises/engagement/demand_detail.html",
        {
            "demand": demand,
            "history": svc.history(demand),
            "status_choices": DemandStatus.choices,
            "can_edit": can_edit,
            "status_form": status_form,
        },
        status=status,
    )


@require_safe
@login_required
def demand_detail(request, pk: int):
    demand = get_scoped_or_404(
        TechDemand.objects.select_related("unit", "enterprise", "visit"), request.user, pk=pk
    )
    return _demand_detail_page(request, demand)


def _demand_form_page(request, form, demand=None, visit=None):
    return render(
        request,
        "enterprises/engagement/demand_form.html",
        {
            "form": form,
            "demand": demand,
            "visit": visit,
            "fields": sorted({*HtDomain.values, *svc.demand_fields(fetched_by=request.user)}),
        },
        status=400 if form.errors else 200,
    )


def _create_demand(request, visit=None):
    initial = {"collected_on": visit.visited_on if visit else dt.date.today()}
    if visit is None and request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    form = DemandForm(request.POST or None, user=request.user, visit=visit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        demand = _apply_service(form, lambda: svc.demand_create(actor=request.user, visit=visit, **data))
        if demand is not None:
            messages.success(request, _("The demand was recorded."))
            if visit is not None and "another" in request.POST:
                return redirect("visit_demand_create", pk=visit.pk)
            return redirect("demand_detail", pk=demand.pk)
    return _demand_form_page(request, form, visit=visit)


@require_http_methods(["GET", "POST"])
@login_required
def demand_create(request):
    if not svc.can_file_demands(request.user):
        raise Http404
    return _create_demand(request)


@require_http_methods(["GET", "POST"])
@login_required
def visit_demand_create(request, pk: int):
    """Record a demand raised during a visit; the visit fixes the enterprise and the unit."""
    visit = get_scoped_or_404(Visit.objects.select_related("enterprise__unit"), request.user, CHANGE, pk=pk)
    if not svc.can_log_visits(request.user):
        raise Http404
    return _create_demand(request, visit)


@require_http_methods(["GET", "POST"])
@login_required
def demand_edit(request, pk: int):
    demand = get_scoped_or_404(
        TechDemand.objects.select_related("unit", "enterprise", "visit"), request.user, CHANGE, pk=pk
    )
    if not svc.can_file_demands(request.user):
        raise Http404
    form = DemandForm(request.POST or None, user=request.user, instance=demand)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fresh = TechDemand.objects.select_related("visit__enterprise").get(pk=pk)
        saved = _apply_service(form, lambda: svc.demand_update(actor=request.user, demand=fresh, **data))
        if saved is not None:
            messages.success(request, _("The demand was saved."))
            return redirect("demand_detail", pk=pk)
    return _demand_form_page(request, form, demand=TechDemand.objects.get(pk=pk), visit=demand.visit)


@require_POST
@login_required
def demand_status(request, pk: int):
    demand = get_scoped_or_404(
        TechDemand.objects.select_related("unit", "enterprise", "visit"), request.user, CHANGE, pk=pk
    )
    if not svc.can_log_visits(request.user):
        raise Http404
    form = DemandStatusForm(request.POST, demand=demand)
    if form.is_valid():
        done = _apply_service(
            form,
            lambda: svc.demand_set_status(
                actor=request.user,
                demand=demand,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(
                request, _("The demand is now “{status}”.").format(status=done.get_status_display())
            )
            return redirect("demand_detail", pk=pk)
    demand.refresh_from_db()
    return _demand_detail_page(request, demand, status_form=form, status=400)


urlpatterns = [
    path("enterprises/visits/", visit_list, name="visit_list"),
    path("enterprises/visits/export.xlsx", visit_export, name="visit_export"),
    path("enterprises/visits/new/", visit_create, name="visit_create"),
    path("enterprises/visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("enterprises/visits/<int:pk>/edit/", visit_edit, name="visit_edit"),
    path("enterprises/visits/<int:pk>/follow-up/", visit_follow_up, name="visit_follow_up"),
    path("enterprises/visits/<int:pk>/demands/new/", visit_demand_create, name="visit_demand_create"),
    path("enterprises/demands/", demand_list, name="demand_list"),
    path("enterprises/demands/export.xlsx", demand_export, name="demand_export"),
    path("enterprises/demands/new/", demand_create, name="demand_create"),
    path("enterprises/demands/<int:pk>/", demand_detail, name="demand_detail"),
    path("enterprises/demands/<int:pk>/edit/", demand_edit, name="demand_edit"),
    path("enterprises/demands/<int:pk>/status/", demand_status, name="demand_status"),
]
