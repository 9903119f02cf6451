"""Talent pages: the people registry (masked ID numbers, audited reveal, designations, the expert
pool's fields), PhD projects, school–enterprise agreements, commissioner assignments with their
service logs, and the commissioner's own phone-width service page. Views stay thin: reads start
from `for_user`, writes call the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from org.models import Unit
from rules import idnumber
from talent import services
from talent.crud import Column, Registry, can_write, choice_filter, unit_filter, year_filter
from talent.forms import (
    AgreementForm,
    AssignmentForm,
    ConflictForm,
    DesignationForm,
    PersonForm,
    PhdProjectForm,
    ServiceLogForm,
)
from talent.models import (
    AgreementStatus,
    Assignment,
    AssignmentLevel,
    DesignationCategory,
    Person,
    PhdProject,
    PhdProjectStatus,
    PlaceKind,
    SchoolEnterpriseAgreement,
    ServiceLog,
)

TABS = (
    ("talent_person_list", _("Talent and experts")),
    ("talent_phd_project_list", _("PhD projects")),
    ("talent_agreement_list", _("School–enterprise cooperation")),
    ("talent_assignment_list", _("S&T commissioners")),
)


def _categories(person) -> str:
    return "、".join(sorted({d.get_category_display() for d in person.designations.all()}))


def _person_detail_context(request, person):
    return {
        "masked_id": person.masked_id,
        "home_district": Unit.objects.filter(code=person.home_district).first()
        if person.home_district
        else None,
        "may_reveal": services.can_reveal(request.user, person),
        "designations": person.designations.all(),
        "conflicts": person.conflicts.all() if person.is_expert else [],
        "phd_projects": PhdProject.objects.for_user(request.user).filter(person=person),
        "assignments": Assignment.objects.for_user(request.user).filter(person=person).select_related("unit"),
        "designation_form": DesignationForm(),
        "conflict_form": ConflictForm(),
    }


PEOPLE = Registry(
    model=Person,
    name="talent_person",
    route="talent/people",
    title=_("Talent and experts"),
    columns=[
        Column(_("Name"), lambda p: p.name),
        Column(_("ID number"), lambda p: p.masked_id),
        Column(_("Unit"), lambda p: p.unit),
        Column(_("Organisation"), lambda p: p.organisation),
        Column(_("Professional title"), lambda p: p.title),
        Column(_("Field"), lambda p: p.field),
        Column(_("Designations"), _categories),
        Column(_("Expert"), lambda p: p.is_expert),
    ],
    detail_fields=[
        Column(_("Unit"), lambda p: p.unit),
        Column(_("Organisation"), lambda p: p.organisation),
        Column(_("Professional title"), lambda p: p.title),
        Column(_("Field"), lambda p: p.field),
        Column(_("Education"), lambda p: p.get_education_display()),
        Column(_("In the expert pool"), lambda p: p.is_expert),
        Column(_("Expert fields"), lambda p: p.tags_text),
        Column(_("Maximum reviews per round"), lambda p: p.max_load if p.is_expert else None),
        Column(_("Linked account"), lambda p: p.user.username if p.user_id else None),
        Column(_("Note"), lambda p: p.note),
    ],
    export_columns=[
        Column(_("Name"), lambda p: p.name),
        Column(_("ID number"), lambda p: p.masked_id),
        Column(_("Unit"), lambda p: p.unit.name),
        Column(_("Organisation"), lambda p: p.organisation),
        Column(_("Professional title"), lambda p: p.title),
        Column(_("Field"), lambda p: p.field),
        Column(_("Education"), lambda p: p.get_education_display()),
        Column(_("Designations"), _categories),
        Column(_("Expert"), lambda p: p.is_expert),
        Column(_("Expert fields"), lambda p: p.tags_text),
    ],
    form_class=PersonForm,
    create=lambda *, actor, form: services.person_create(
        actor=actor, data=form.person_data(), designation=form.designation_data()
    ),
    update=lambda *, actor, obj, form: services.person_update(
        actor=actor, person=obj, data=form.person_data()
    ),
    filters=[
        unit_filter(),
        choice_filter("category", _("Designation"), "designations__category", DesignationCategory.choices),
        choice_filter("expert", _("Expert pool"), "is_expert", [("True", _("Experts only"))]),
    ],
    search=("name", "organisation", "field"),
    search_exact=(("id_number", idnumber.normalise),),
    search_label=_("Name, organisation, field or full ID number"),
    select_related=("unit", "user"),
    prefetch_related=("designations",),
    order=("unit__order", "name", "id"),
    distinct=True,
    detail_template="talent/person_detail.html",
    detail_context=_person_detail_context,
    filename="talent.xlsx",
    tabs=TABS,
    empty=_("No person matches. Clear the filters, add a person, or import a list (kind “talents”)."),
)

PHD_PROJECTS = Registry(
    model=PhdProject,
    name="talent_phd_project",
    route="talent/phd-projects",
    title=_("PhD projects"),
    columns=[
        Column(_("Title"), lambda p: p.title),
        Column(_("PhD"), lambda p: p.person),
        Column(_("Unit"), lambda p: p.unit),
        Column(_("Partner"), lambda p: p.enterprise or p.partner),
        Column(_("Approval date"), lambda p: p.approved_on),
        Column(_("Funding (10,000 yuan)"), lambda p: p.funding, numeric=True),
        Column(_("Status"), lambda p: p.get_status_display()),
    ],
    detail_fields=[
        Column(_("PhD"), lambda p: p.person),
        Column(_("Unit"), lambda p: p.unit),
        Column(_("Partner"), lambda p: p.enterprise or p.partner),
        Column(_("Approval date"), lambda p: p.approved_on),
        Column(_("Funding (10,000 yuan)"), lambda p: p.funding),
        Column(_("Period"), lambda p: f"{p.starts_on or '—'} – {p.ends_on or '—'}"),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Summary"), lambda p: p.summary),
    ],
    form_class=PhdProjectForm,
    create=lambda *, actor, form: services.phd_project_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.phd_project_update(
        actor=actor, project=obj, data=form.cleaned_data
    ),
    filters=[
        unit_filter(),
        year_filter("approved_on__year", _("Approval year")),
        choice_filter("status", _("Status"), "status", PhdProjectStatus.choices),
    ],
    search=("title", "person__name", "partner", "enterprise__name"),
    select_related=("unit", "person", "enterprise"),
    order=("-approved_on", "id"),
    filename="phd-projects.xlsx",
    tabs=TABS,
)

AGREEMENTS = Registry(
    model=SchoolEnterpriseAgreement,
    name="talent_agreement",
    route="talent/school-enterprise",
    title=_("School–enterprise cooperation"),
    columns=[
        Column(_("University or institute"), lambda a: a.school),
        Column(_("Enterprise"), lambda a: a.partner_name),
        Column(_("Unit"), lambda a: a.unit),
        Column(_("Date signed"), lambda a: a.signed_on),
        Column(_("End of term"), lambda a: a.expires_on),
        Column(_("Status"), lambda a: a.get_status_display()),
    ],
    detail_fields=[
        Column(_("University or institute"), lambda a: a.school),
        Column(_("Enterprise"), lambda a: a.partner_name),
        Column(_("Unit"), lambda a: a.unit),
        Column(_("Date signed"), lambda a: a.signed_on),
        Column(_("End of term"), lambda a: a.expires_on),
        Column(_("Status"), lambda a: a.get_status_display()),
        Column(_("Content of the cooperation"), lambda a: a.content),
    ],
    form_class=AgreementForm,
    create=lambda *, actor, form: services.agreement_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.agreement_update(
        actor=actor, agreement=obj, data=form.cleaned_data
    ),
    filters=[
        unit_filter(),
        year_filter("signed_on__year", _("Year signed")),
        choice_filter("status", _("Status"), "status", AgreementStatus.choices),
    ],
    search=("school", "enterprise_name", "enterprise__name"),
    select_related=("unit", "enterprise"),
    order=("-signed_on", "id"),
    filename="school-enterprise.xlsx",
    tabs=TABS,
)


def _assignment_detail_context(request, assignment):
    return {
        "logs": assignment.logs.all(),
        "trained": sum(log.people_trained for log in assignment.logs.all()),
        "may_log": _may_log(request.user, assignment),
    }


ASSIGNMENTS = Registry(
    model=Assignment,
    name="talent_assignment",
    route="talent/commissioners",
    title=_("S&T commissioners"),
    columns=[
        Column(_("Commissioner"), lambda a: a.person),
        Column(_("Year"), lambda a: a.year),
        Column(_("Level"), lambda a: a.get_level_display()),
        Column(_("Unit served"), lambda a: a.unit),
        Column(_("Kind of place"), lambda a: a.get_place_kind_display()),
        Column(_("Place served"), lambda a: a.place),
        Column(_("Selection date"), lambda a: a.selected_on),
        Column(_("Service until"), lambda a: a.service_end),
    ],
    detail_fields=[
        Column(_("Commissioner"), lambda a: a.person),
        Column(_("Organisation"), lambda a: a.person.organisation),
        Column(_("Year"), lambda a: a.year),
        Column(_("Level"), lambda a: a.get_level_display()),
        Column(_("Selection date"), lambda a: a.selected_on),
        Column(_("Unit served"), lambda a: a.unit),
        Column(_("Kind of place"), lambda a: a.get_place_kind_display()),
        Column(_("Place served"), lambda a: a.place),
        Column(_("Enterprise served"), lambda a: a.enterprise),
        Column(_("Service period"), lambda a: f"{a.service_start} – {a.service_end}"),
        Column(_("Tasks"), lambda a: a.tasks),
    ],
    form_class=AssignmentForm,
    create=lambda *, actor, form: services.assignment_create(actor=actor, data=form.cleaned_data),
    update=lambda *, actor, obj, form: services.assignment_update(
        actor=actor, assignment=obj, data=form.cleaned_data
    ),
    filters=[
        unit_filter(),
        year_filter("year", _("Selection year")),
        choice_filter("level", _("Level"), "level", AssignmentLevel.choices),
        choice_filter("place_kind", _("Kind of place"), "place_kind", PlaceKind.choices),
    ],
    search=("person__name", "place", "person__organisation"),
    select_related=("unit", "person", "enterprise"),
    order=("-year", "unit__order", "person__name", "id"),
    detail_template="talent/assignment_detail.html",
    detail_context=_assignment_detail_context,
    filename="commissioners.xlsx",
    tabs=TABS,
)


# The person's page: reveal, designations, conflicts ----------------------------------------


@never_cache
@require_POST
@login_required
def person_reveal(request, pk: int):
    """The full ID number, once, for a user allowed to see it; the reveal is audited."""
    number = services.person_reveal_id(actor=request.user, person_id=pk, request=request)
    fragment = request.headers.get("HX-Request") == "true"
    template = "talent/id_revealed_fragment.html" if fragment else "talent/id_revealed.html"
    return render(request, template, {"id_number": number, "pk": pk})


def _managed_person(request, pk):
    person = get_scoped_or_404(Person, request.user, CHANGE, pk=pk)
    if not can_write(request.user):
        raise Http404
    return person


@require_POST
@login_required
def designation_add(request, pk: int):
    person = _managed_person(request, pk)
    form = DesignationForm(request.POST)
    if form.is_valid():
        try:
            services.designation_add(actor=request.user, person=person, data=form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Designation added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("talent_person_detail", pk=pk)


@require_POST
@login_required
def conflict_declare(request, pk: int):
    person = _managed_person(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        services.conflict_declare(actor=request.user, person=person, data=form.cleaned_data)
        messages.success(request, _("Conflict of interest recorded."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("talent_person_detail", pk=pk)


# Commissioner service logs -----------------------------------------------------------------


def _may_log(user, assignment) -> bool:
    """The commissioner themself, or whoever keeps the assignment (district, bureau)."""
    if assignment.person.user_id is not None and assignment.person.user_id == user.pk:
        return True
    return can_write(user) and Assignment.objects.for_user(user, CHANGE).filter(pk=assignment.pk).exists()


@require_http_methods(["GET", "POST"])
@login_required
def service_log_new(request, pk: int):
    """A phone-width form: date, place, what was done, people trained."""
    assignment = get_scoped_or_404(Assignment.objects.select_related("person", "unit"), request.user, pk=pk)
    if not _may_log(request.user, assignment):
        raise Http404
    form = ServiceLogForm(
        request.POST or None,
        instance=ServiceLog(assignment=assignment),
        initial={"place": assignment.place},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ServiceLogForm.Meta.fields}
        services.service_log_file(actor=request.user, assignment=assignment, data=data)
        messages.success(request, _("Service log filed."))
        if assignment.person.user_id == request.user.pk:
            return redirect("talent_my_service")
        return redirect("talent_assignment_detail", pk=pk)
    return render(request, "talent/service_log_form.html", {"assignment": assignment, "form": form})


@require_safe
@login_required
def my_service(request):
    """The signed-in commissioner's assignments and latest logs."""
    assignments = (
        Assignment.objects.for_user(request.user)
        .filter(person__user=request.user)
        .select_related("unit", "person")
        .prefetch_related("logs")
        .order_by("-year", "-selected_on")
    )
    return render(request, "talent/my_service.html", {"assignments": assignments})
