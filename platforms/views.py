"""Platform pages: innovation platforms with their yearly evaluations, cooperation agreements with
their projects, investment attracted, and the national high-tech-zone application checklist.
Registries are declared with talent.crud; reads start from `for_user`, writes call the services."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from platforms import services
from platforms.forms import (
    AgreementForm,
    ChecklistItemForm,
    EvaluationForm,
    InvestmentForm,
    PlatformForm,
    ProjectForm,
)
from platforms.models import (
    ChecklistCategory,
    ChecklistStatus,
    CooperationAgreement,
    CooperationStatus,
    Investment,
    PartnerKind,
    Platform,
    PlatformKind,
    PlatformLevel,
    PlatformStatus,
    Programme,
    ZoneChecklistItem,
)
from talent.crud import Column, Registry, can_write, choice_filter, unit_filter, year_filter

TABS = (
    ("platforms_platform_list", _("Innovation platforms")),
    ("platforms_agreement_list", _("Cooperation")),
    ("platforms_investment_list", _("Investment attracted")),
    ("platforms_checklist_list", _("National high-tech zone application")),
)


def _can_change(request, model, obj) -> bool:
    return can_write(request.user) and model.objects.for_user(request.user, CHANGE).filter(pk=obj.pk).exists()


def _platform_context(request, platform):
    return {
        "evaluations": platform.evaluations.all(),
        "evaluation_form": EvaluationForm(),
        "partners": platform.partner_list,
    }


PLATFORMS = Registry(
    model=Platform,
    name="platforms_platform",
    route="platforms",
    title=_("Innovation platforms"),
    columns=[
        Column(_("Name"), lambda p: p.name),
        Column(_("Kind"), lambda p: p.get_kind_display()),
        Column(_("Level"), lambda p: p.get_level_display()),
        Column(_("Unit"), lambda p: p.unit),
        Column(_("Host"), lambda p: p.host),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Approval date"), lambda p: p.approved_on),
    ],
    detail_fields=[
        Column(_("Kind"), lambda p: p.get_kind_display()),
        Column(_("Level"), lambda p: p.get_level_display()),
        Column(_("Unit"), lambda p: p.unit),
        Column(_("Host"), lambda p: p.host),
        Column(_("Technology field"), lambda p: p.field),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Approval date"), lambda p: p.approved_on),
        Column(_("Approval document"), lambda p: p.approval_document),
        Column(_("Description"), lambda p: p.description),
    ],
    export_columns=[
        Column(_("Name"), lambda p: p.name),
        Column(_("Kind"), lambda p: p.get_kind_display()),
        Column(_("Level"), lambda p: p.get_level_display()),
        Column(_("Unit"), lambda p: p.unit.name),
        Column(_("Host"), lambda p: p.host),
        Column(_("Partners"), lambda p: "；".join(p.partner_list)),
        Column(_("Technology field"), lambda p: p.field),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Approval date"), lambda p: p.approved_on),
        Column(_("Approval document"), lambda p: p.approval_document),
    ],
    form_class=PlatformForm,
    create=lambda *, actor, form: services.platform_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.platform_update(
        actor=actor, platform=obj, data=form.cleaned_data
    ),
    filters=[
        unit_filter(),
        choice_filter("level", _("Level"), "level", PlatformLevel.choices),
        choice_filter("kind", _("Kind"), "kind", PlatformKind.choices),
        choice_filter("status", _("Status"), "status", PlatformStatus.choices),
        year_filter("approved_on__year", _("Approval year")),
    ],
    search=("name", "host_name", "host_enterprise__name", "field"),
    select_related=("unit", "host_enterprise"),
    order=("-approved_on", "name", "id"),
    detail_template="platforms/platform_detail.html",
    detail_context=_platform_context,
    filename="platforms.xlsx",
    tabs=TABS,
    empty=_("No platform matches. Clear the filters, add a platform, or import a list (kind “platforms”)."),
)


def _agreement_context(request, agreement):
    return {
        "projects": agreement.projects.select_related("enterprise"),
        "project_form": ProjectForm(user=request.user),
    }


AGREEMENTS = Registry(
    model=CooperationAgreement,
    name="platforms_agreement",
    route="platforms/cooperation",
    title=_("Cooperation agreements"),
    columns=[
        Column(_("Title"), lambda a: a.title),
        Column(_("Partner"), lambda a: a.partner),
        Column(_("Programme"), lambda a: a.get_programme_display()),
        Column(_("Unit"), lambda a: a.unit),
        Column(_("Date signed"), lambda a: a.signed_on),
        Column(_("Status"), lambda a: a.get_status_display()),
    ],
    detail_fields=[
        Column(_("Partner"), lambda a: a.partner),
        Column(_("Kind of partner"), lambda a: a.get_partner_kind_display()),
        Column(_("Programme"), lambda a: a.get_programme_display()),
        Column(_("Unit"), lambda a: a.unit),
        Column(_("Date signed"), lambda a: a.signed_on),
        Column(_("End of term"), lambda a: a.expires_on),
        Column(_("Status"), lambda a: a.get_status_display()),
        Column(_("Content"), lambda a: a.content),
    ],
    form_class=AgreementForm,
    create=lambda *, actor, form: services.agreement_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.agreement_update(
        actor=actor, agreement=obj, data=form.cleaned_data
    ),
    filters=[
        unit_filter(),
        choice_filter("programme", _("Programme"), "programme", Programme.choices),
        choice_filter("partner_kind", _("Kind of partner"), "partner_kind", PartnerKind.choices),
        choice_filter("status", _("Status"), "status", CooperationStatus.choices),
        year_filter("signed_on__year", _("Year signed")),
    ],
    search=("title", "partner", "content"),
    order=("-signed_on", "id"),
    detail_template="platforms/agreement_detail.html",
    detail_context=_agreement_context,
    filename="cooperation.xlsx",
    tabs=TABS,
)


def _investment_total(request) -> dict:
    qs, _current = INVESTMENTS.filtered(request)
    total = qs.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    yi = (total * Decimal("0.0001")).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return {"total_wan": total, "total_yi": yi}


INVESTMENTS = Registry(
    model=Investment,
    name="platforms_investment",
    route="platforms/investment",
    title=_("Investment attracted"),
    columns=[
        Column(_("Project"), lambda i: i.project),
        Column(_("Amount received (10,000 yuan)"), lambda i: i.amount, numeric=True),
        Column(_("Date received"), lambda i: i.received_on),
        Column(_("Unit"), lambda i: i.unit),
        Column(_("Investor"), lambda i: i.investor),
        Column(_("Receiving enterprise"), lambda i: i.enterprise),
        Column(_("Industry chain"), lambda i: i.chain),
    ],
    detail_fields=[
        Column(_("Amount received (10,000 yuan)"), lambda i: i.amount),
        Column(_("Date received"), lambda i: i.received_on),
        Column(_("Unit"), lambda i: i.unit),
        Column(_("Investor"), lambda i: i.investor),
        Column(_("Receiving enterprise"), lambda i: i.enterprise),
        Column(_("Industry chain"), lambda i: i.chain),
        Column(_("Note"), lambda i: i.note),
    ],
    form_class=InvestmentForm,
    create=lambda *, actor, form: services.investment_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.investment_update(
        actor=actor, investment=obj, data=form.cleaned_data
    ),
    filters=[unit_filter(), year_filter("received_on__year", _("Year received"))],
    search=("project", "investor", "chain", "enterprise__name"),
    select_related=("unit", "enterprise"),
    order=("-received_on", "id"),
    list_context=_investment_total,
    list_template="platforms/investment_list.html",
    filename="investment.xlsx",
    tabs=TABS,
    empty=_("No investment matches. Clear the filters, record one, or import a list (kind “investment”)."),
)

CHECKLIST = Registry(
    model=ZoneChecklistItem,
    name="platforms_checklist",
    route="platforms/zone-application",
    title=_("National high-tech zone application"),
    columns=[
        Column(_("Item"), lambda i: i.title),
        Column(_("Category"), lambda i: i.get_category_display()),
        Column(_("Owner"), lambda i: i.owner),
        Column(_("Deadline"), lambda i: i.deadline),
        Column(_("Status"), lambda i: i.get_status_display()),
        Column(_("Date done"), lambda i: i.done_on),
    ],
    detail_fields=[
        Column(_("Category"), lambda i: i.get_category_display()),
        Column(_("Owner"), lambda i: i.owner),
        Column(_("Responsible unit"), lambda i: i.unit or _("The bureau")),
        Column(_("Deadline"), lambda i: i.deadline),
        Column(_("Status"), lambda i: i.get_status_display()),
        Column(_("Date done"), lambda i: i.done_on),
        Column(_("Progress"), lambda i: i.progress),
    ],
    form_class=ChecklistItemForm,
    create=lambda *, actor, form: services.checklist_item_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.checklist_item_update(
        actor=actor, item=obj, data=form.cleaned_data
    ),
    filters=[
        choice_filter("category", _("Category"), "category", ChecklistCategory.choices),
        choice_filter("status", _("Status"), "status", ChecklistStatus.choices),
    ],
    search=("title", "owner", "progress"),
    select_related=("unit",),
    order=("order", "id"),
    list_intro=_(
        "The materials and works of the application (三规划一评价一报告 and the working group), from the "
        "plan's section (九). The three plans, the evaluation and the report are taken in their usual "
        "meaning (development plan, industry plan, spatial plan; an evaluation against the upgrade "
        "indicators; the application report); adjust the items to the bureau's working documents."
    ),
    filename="zone-application.xlsx",
    tabs=TABS,
)


# Detail-page actions -------------------------------------------------------------------------


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@require_POST
@login_required
def platform_evaluate(request, pk: int):
    platform = get_scoped_or_404(Platform, request.user, CHANGE, pk=pk)
    if not can_write(request.user):
        raise Http404
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.platform_evaluate(actor=request.user, platform=platform, data=form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Evaluation recorded."))
    else:
        _form_errors(request, form)
    return redirect("platforms_platform_detail", pk=pk)


@require_POST
@login_required
def cooperation_project_add(request, pk: int):
    agreement = get_scoped_or_404(CooperationAgreement, request.user, CHANGE, pk=pk)
    if not can_write(request.user):
        raise Http404
    form = ProjectForm(request.POST, user=request.user)
    if form.is_valid():
        services.cooperation_project_add(actor=request.user, agreement=agreement, data=form.cleaned_data)
        messages.success(request, _("Project added."))
    else:
        _form_errors(request, form)
    return redirect("platforms_agreement_detail", pk=pk)
