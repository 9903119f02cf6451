"""Projects after approval: the list and export, the project page (task book, tranches,
milestones, acceptance), the overdue clean-up list and the schedule check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of
from org.units import CITY_CODE
from projects.access import Refused, is_bureau, is_district
from projects.forms import (
    AcceptanceForm,
    AcceptanceOpenForm,
    ExtendForm,
    IndicatorForm,
    MilestoneCheckForm,
    MilestoneForm,
    PayForm,
    TerminateForm,
    TrancheForm,
)
from projects.history import history
from projects.models import (
    OPEN_STATUSES,
    Acceptance,
    Milestone,
    Project,
    ProjectKind,
    ProjectStatus,
    Tranche,
    TrancheStatus,
)
from projects.schedule import schedule_due, schedule_findings
from projects.services import execution as svc
from projects.views.common import int_or_none, refused, steps_404, xlsx_response


def _filtered(request):
    qs = Project.objects.for_user(request.user).select_related("unit", "category")
    f = {k: request.GET.get(k, "").strip() for k in ("year", "kind", "status", "unit", "q", "overdue")}
    if int_or_none(f["year"]):
        qs = qs.filter(year=int(f["year"]))
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["unit"]:
        qs = qs.filter(unit__code=f["unit"])
    if f["q"]:
        qs = qs.filter(Q(title__contains=f["q"]) | Q(undertaker__contains=f["q"]) | Q(number=f["q"]))
    if f["overdue"]:
        qs = _overdue(qs)
    paid = Sum("tranches__amount", filter=Q(tranches__status=TrancheStatus.PAID))
    return qs.annotate(paid=paid).order_by("-year", "number"), f


def _overdue(qs, today=None):
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES).filter(
        Q(extended_to__lt=today) | Q(extended_to__isnull=True, ends_on__lt=today)
    )


@require_safe
@login_required
def project_list(request):
    qs, filters = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": ProjectKind.choices,
            "statuses": ProjectStatus.choices,
            "query": request.GET.urlencode(),
            "bureau": is_bureau(request.user),
            "manager": is_bureau(request.user) or is_district(request.user),
        },
    )


EXPORT_HEADER = [
    gettext_lazy("Project number"),
    gettext_lazy("Year"),
    gettext_lazy("Kind"),
    gettext_lazy("Title"),
    gettext_lazy("Undertaking organisation"),
    gettext_lazy("Unit"),
    gettext_lazy("City funding (10,000 yuan)"),
    gettext_lazy("Paid (10,000 yuan)"),
    gettext_lazy("Approval date"),
    gettext_lazy("Due"),
    gettext_lazy("Status"),
]


@require_safe
@login_required
def project_export(request):
    qs, _f = _filtered(request)
    rows = (
        (
            p.number,
            p.year,
            p.get_kind_display(),
            p.title,
            p.undertaker,
            p.unit.name,
            p.budget,
            p.paid or 0,
            p.approved_on,
            p.due_on,
            p.get_status_display(),
        )
        for p in qs.iterator(chunk_size=1000)
    )
    return xlsx_response(request, "projects.xlsx", EXPORT_HEADER, rows)


@require_safe
@login_required
def overdue_list(request):
    """到期未验收: open projects past their due date, with the clean-up actions."""
    today = timezone.localdate()
    qs = (
        _overdue(Project.objects.for_user(request.user), today)
        .select_related("unit")
        .order_by("ends_on", "number")
    )
    rows = [(p, (today - p.due_on).days) for p in qs]
    return render(request, "projects/overdue.html", {"projects": rows, "bureau": is_bureau(request.user)})


@require_safe
@login_required
def project_detail(request, pk: int):
    project = get_scoped_or_404(
        Project.objects.select_related(
            "unit", "enterprise", "application", "category", "challenge", "race", "bid"
        ),
        request.user,
        pk=pk,
    )
    scope = scope_of(request.user)
    bureau = is_bureau(request.user)
    manager = bureau or (is_district(request.user) and project.unit_id in scope.unit_ids)
    open_ = project.status in OPEN_STATUSES
    tranches = project.tranches.select_related("milestone")
    acceptances = project.acceptances.all()
    pending = next((a for a in acceptances if not a.outcome), None)
    paid = sum((t.amount for t in tranches if t.status == TrancheStatus.PAID), 0)
    context = {
        "project": project,
        "indicators": project.indicators.all(),
        "tranches": tranches,
        "milestones": project.milestones.all(),
        "acceptances": acceptances,
        "paid": paid,
        "bureau": bureau and open_,
        "manager": manager and open_,
        "overdue": project.is_overdue(timezone.localdate()),
        "history": history(project),
        "today": timezone.localdate(),
    }
    if bureau and open_:
        context.update(
            indicator_form=IndicatorForm() if not acceptances else None,
            tranche_form=TrancheForm(project=project),
            pay_form=PayForm(initial={"paid_on": timezone.localdate()}),
            extend_form=ExtendForm(),
            terminate_form=TerminateForm(initial={"on": timezone.localdate()}),
        )
        if pending is None:
            context["open_form"] = AcceptanceOpenForm(initial={"opened_on": timezone.localdate()})
    if manager and open_:
        context["milestone_form"] = MilestoneForm()
        context["check_form"] = MilestoneCheckForm(initial={"checked_on": timezone.localdate()})
    context["pending"] = pending
    return render(request, "projects/project_detail.html", context)


def _project_step(request, pk: int, run, success: str, anchor: str = "", model=Project):
    """Run a step on a project (or on a tranche or milestone of one, `model`) the user may change;
    back to the project's page with the outcome."""
    qs = model.objects.all() if model is Project else model.objects.select_related("project")
    obj = get_scoped_or_404(qs, request.user, CHANGE, pk=pk)
    try:
        run(obj)
        messages.success(request, success)
    except Refused as exc:
        refused(request, exc)
    project_id = obj.pk if model is Project else obj.project_id
    return redirect(reverse("projects_project_detail", args=[project_id]) + anchor)


def _form_or_refuse(form):
    if not form.is_valid():
        raise Refused(
            *[
                f"{form.fields[k].label if k in form.fields else ''}: {e}"
                for k, errs in form.errors.items()
                for e in errs
            ]
        )
    return form.cleaned_data


@require_POST
@login_required
@steps_404
def indicator_add(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda p: svc.indicator_add(
            actor=request.user, project=p, **_form_or_refuse(IndicatorForm(request.POST))
        ),
        _("The indicator was added to the task book."),
        "#taskbook",
    )


@require_POST
@login_required
@steps_404
def tranche_add(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda p: svc.tranche_add(
            actor=request.user, project=p, **_form_or_refuse(TrancheForm(request.POST, project=p))
        ),
        _("The tranche was planned."),
        "#funding",
    )


@require_POST
@login_required
@steps_404
def tranche_pay(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda t: svc.tranche_pay(actor=request.user, tranche=t, **_form_or_refuse(PayForm(request.POST))),
        _("The payment was recorded."),
        "#funding",
        model=Tranche,
    )


@require_POST
@login_required
@steps_404
def milestone_add(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda p: svc.milestone_add(
            actor=request.user, project=p, **_form_or_refuse(MilestoneForm(request.POST))
        ),
        _("The milestone was planned."),
        "#milestones",
    )


@require_POST
@login_required
@steps_404
def milestone_check(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda m: svc.milestone_check(
            actor=request.user, milestone=m, **_form_or_refuse(MilestoneCheckForm(request.POST))
        ),
        _("The check was recorded."),
        "#milestones",
        model=Milestone,
    )


@require_POST
@login_required
@steps_404
def acceptance_open(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda p: svc.acceptance_open(
            actor=request.user, project=p, **_form_or_refuse(AcceptanceOpenForm(request.POST))
        ),
        _("The acceptance is open; enter the results against its checklist."),
        "#acceptance",
    )


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def acceptance_decide(request, pk: int):
    acc = get_scoped_or_404(Acceptance.objects.select_related("project"), request.user, CHANGE, pk=pk)
    if not is_bureau(request.user) or acc.outcome:
        raise PermissionError
    form = AcceptanceForm(
        request.POST or None, checklist=acc.checklist, initial={"decided_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.acceptance_decide(
                actor=request.user,
                acceptance=acc,
                outcome=form.cleaned_data["outcome"],
                results=form.results(),
                decided_on=form.cleaned_data["decided_on"],
                remarks=form.cleaned_data["remarks"],
                new_due=form.cleaned_data["new_due"],
            )
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("The acceptance was decided."))
            return redirect(reverse("projects_project_detail", args=[acc.project_id]) + "#acceptance")
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("Acceptance of {number}").format(number=acc.project.number),
            "intro": _(
                "The checklist comes from the task-book indicators; say for each item whether it is met."
            ),
            "back_url": reverse("projects_project_detail", args=[acc.project_id]),
        },
    )


@require_POST
@login_required
@steps_404
def project_extend(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda p: svc.project_extend(
            actor=request.user, project=p, **_form_or_refuse(ExtendForm(request.POST))
        ),
        _("The project was extended."),
    )


@require_POST
@login_required
@steps_404
def project_terminate(request, pk: int):
    return _project_step(
        request,
        pk,
        lambda p: svc.project_terminate(
            actor=request.user, project=p, **_form_or_refuse(TerminateForm(request.POST))
        ),
        _("The project was terminated."),
    )


@require_safe
@login_required
def schedule_page(request):
    """The plan's schedule check: late applications, reviews, approvals and payments of a year."""
    scope = scope_of(request.user)
    if not (scope.sees_all("view") or scope.unit_ids):
        raise Http404
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    findings = schedule_findings(year)
    if not scope.sees_all("view"):
        from org.models import Unit

        visible = set(Unit.objects.filter(pk__in=scope.unit_ids).values_list("code", flat=True))
        findings = [f for f in findings if f.unit in visible]
    return render(
        request,
        "projects/schedule.html",
        {
            "year": year,
            "findings": findings,
            "due": schedule_due(year),
            "years": range(year - 2, year + 2),
            "can_follow_up": is_bureau(request.user) and any(f.unit != CITY_CODE for f in findings),
        },
    )


@require_POST
@login_required
@steps_404
def schedule_followups(request):
    """Send the late items to the districts as follow-up orders of the dispatch module."""
    from projects.services.followups import schedule_followups as send

    year = int_or_none(request.POST.get("year")) or timezone.localdate().year
    result = send(actor=request.user, year=year)
    messages.success(
        request,
        _("{issued} follow-up orders issued; {already} had been issued before.").format(
            issued=len(result.issued), already=result.already
        ),
    )
    if result.city_items:
        messages.info(
            request,
            _("{n} late items are the city's own and stay with the bureau.").format(n=len(result.city_items)),
        )
    return redirect(f"{reverse('projects_schedule')}?year={year}")


@require_safe
@login_required
def task_book_download(request, pk: int):
    """The project's task book (任务书) as a .docx, for whoever sees the project."""
    from django.http import HttpResponse

    from projects.docx import task_book_docx

    project = get_scoped_or_404(Project.objects.select_related("unit", "category"), request.user, pk=pk)
    response = HttpResponse(
        task_book_docx(project),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="task-book-{project.pk}.docx"'
    return response


urlpatterns = [
    path("projects/projects/", project_list, name="projects_project_list"),
    path("projects/projects/<int:pk>/taskbook.docx", task_book_download, name="projects_task_book"),
    path("projects/projects/export.xlsx", project_export, name="projects_project_export"),
    path("projects/projects/overdue/", overdue_list, name="projects_overdue"),
    path("projects/schedule/", schedule_page, name="projects_schedule"),
    path("projects/schedule/followups/", schedule_followups, name="projects_schedule_followups"),
    path("projects/projects/<int:pk>/", project_detail, name="projects_project_detail"),
    path("projects/projects/<int:pk>/indicators/", indicator_add, name="projects_indicator_add"),
    path("projects/projects/<int:pk>/tranches/", tranche_add, name="projects_tranche_add"),
    path("projects/projects/<int:pk>/milestones/", milestone_add, name="projects_milestone_add"),
    path("projects/projects/<int:pk>/acceptance/", acceptance_open, name="projects_acceptance_open"),
    path("projects/projects/<int:pk>/extend/", project_extend, name="projects_project_extend"),
    path("projects/projects/<int:pk>/terminate/", project_terminate, name="projects_project_terminate"),
    path("projects/tranches/<int:pk>/pay/", tranche_pay, name="projects_tranche_pay"),
    path("projects/milestones/<int:pk>/check/", milestone_check, name="projects_milestone_check"),
    path("projects/acceptances/<int:pk>/", acceptance_decide, name="projects_acceptance_decide"),
]
