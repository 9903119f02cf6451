"""Applications: list and export, the online form with attachments, the detail page with the
status history, and every step (submit, formal check, recommend, accept, decide, approve)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of
from org.models import Unit, UnitKind
from projects.access import Refused, expert_person, is_bureau, is_district, is_enterprise, is_expert
from projects.forms import (
    ApplicationForm,
    ApproveForm,
    AttachmentForm,
    DecideForm,
    FormalCheckForm,
    NewApplicationForm,
    ReasonForm,
    RecommendForm,
    join_tags,
)
from projects.history import history
from projects.models import (
    Application,
    ApplicationStatus,
    Attachment,
    CallGuide,
    FormalReason,
    PanelDecision,
    Review,
    ReviewStatus,
)
from projects.services import applications as svc
from projects.services.reviews import is_conflicted
from projects.uploads import TYPES, UploadRejected, open_stored
from projects.views.common import int_or_none, refused, steps_404, xlsx_response


def _filtered(request):
    qs = Application.objects.for_user(request.user).select_related("guide", "category", "unit", "enterprise")
    f = {k: request.GET.get(k, "").strip() for k in ("year", "category", "status", "unit", "q")}
    if int_or_none(f["year"]):
        qs = qs.filter(guide__year=int(f["year"]))
    if f["category"]:
        qs = qs.filter(category__code=f["category"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["unit"]:
        qs = qs.filter(unit__code=f["unit"])
    if f["q"]:
        qs = qs.filter(Q(title__contains=f["q"]) | Q(applicant_name__contains=f["q"]) | Q(number=f["q"]))
    return qs.order_by("-guide__year", "number"), f


@require_safe
@login_required
def application_list(request):
    qs, filters = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    guides = CallGuide.objects.for_user(request.user).filter(published=True)
    open_guides = [g for g in guides if g.is_open()]
    scope = scope_of(request.user)
    return render(
        request,
        "projects/application_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ApplicationStatus.choices,
            "units": Unit.objects.filter(pk__in=scope.unit_ids)
            if not scope.sees_all("view")
            else Unit.objects.all(),
            "open_guides": open_guides
            if not scope.read_only
            and not (is_expert(request.user) and not scope.unit_ids and not scope.enterprise_ids)
            else [],
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADER = [
    gettext_lazy("Application number"),
    gettext_lazy("Year"),
    gettext_lazy("Category"),
    gettext_lazy("Project title"),
    gettext_lazy("Applicant"),
    gettext_lazy("Unit"),
    gettext_lazy("Funding requested (10,000 yuan)"),
    gettext_lazy("Status"),
    gettext_lazy("Mean score"),
    gettext_lazy("Rank in category"),
    gettext_lazy("Panel decision"),
]


@require_safe
@login_required
def application_export(request):
    qs, _f = _filtered(request)
    rows = (
        (
            a.number,
            a.guide.year,
            a.category.name,
            a.title,
            a.applicant_name,
            a.unit.name,
            a.requested,
            a.get_status_display(),
            a.score,
            a.rank,
            a.get_decision_display(),
        )
        for a in qs.iterator(chunk_size=1000)
    )
    return xlsx_response(request, "applications.xlsx", EXPORT_HEADER, rows)


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def application_create(request, pk: int):
    """Apply to guide `pk`: an enterprise for itself, a district or the bureau for others."""
    guide = get_scoped_or_404(CallGuide, request.user, pk=pk)
    scope = scope_of(request.user)
    if scope.read_only or not (
        is_enterprise(request.user) or is_district(request.user) or is_bureau(request.user)
    ):
        raise PermissionError
    filing_for_others = is_bureau(request.user) or is_district(request.user)
    if not guide.is_open() and not is_bureau(request.user):
        messages.error(
            request,
            _("Applications to this guide are accepted from {open} to {close} (Beijing time).").format(
                open=svc.local_time(guide.opens_at), close=svc.local_time(guide.closes_at)
            ),
        )
        return redirect("projects_guide_public", year=guide.year)
    head = NewApplicationForm(
        request.POST or None,
        guide=guide,
        user=request.user,
        filing_for_others=filing_for_others,
        prefix="new",
    )
    body = ApplicationForm(request.POST or None, fixed_applicant=not filing_for_others, prefix="app")
    if request.method == "POST" and head.is_valid() and body.is_valid():
        values = {k: v for k, v in body.cleaned_data.items() if k != "applicant_name" or filing_for_others}
        try:
            app = svc.application_create(
                actor=request.user,
                guide=guide,
                category=head.cleaned_data["category"],
                applicant_kind=head.cleaned_data["applicant_kind"],
                enterprise=head.cleaned_data.get("enterprise"),
                unit=head.cleaned_data.get("unit"),
                **values,
            )
        except Refused as exc:
            refused(request, exc, head)
        else:
            messages.success(
                request, _("The application is saved as a draft. Attach the files, then submit it.")
            )
            return redirect("projects_application_detail", pk=app.pk)
    return render(request, "projects/application_form.html", {"guide": guide, "head": head, "form": body})


def _applicant_side(user, app) -> bool:
    scope = scope_of(user)
    return not scope.read_only and (
        is_bureau(user)
        or app.unit_id in scope.unit_ids
        or (app.enterprise_id is not None and app.enterprise_id in scope.enterprise_ids)
    )


@require_safe
@login_required
def application_detail(request, pk: int):
    app = get_scoped_or_404(
        Application.objects.select_related("guide", "category", "unit", "enterprise"), request.user, pk=pk
    )
    user = request.user
    scope = scope_of(user)
    if is_expert(user) and not (scope.sees_all("view") or scope.unit_ids or scope.enterprise_ids):
        review = (
            Review.objects.for_user(user)
            .filter(application=app)
            .exclude(status=ReviewStatus.WITHDRAWN)
            .first()
        )
        if review is None:
            raise Http404
        return redirect("projects_review_detail", pk=review.pk)
    bureau = is_bureau(user)
    district_of_app = is_district(user) and app.unit_id in scope.unit_ids
    city_level = app.unit.kind == UnitKind.CITY
    applicant = _applicant_side(user, app)
    context = {
        "app": app,
        "attachments": app.attachments.all(),
        "history": history(app),
        "check_labels": [dict(FormalReason.choices).get(r, r) for r in app.check_reasons or []],
        "tech_fields": join_tags(app.tech_fields),
        "partners": join_tags(app.partners),
        "can_edit": applicant and app.editable,
        "can_check": (bureau or district_of_app) and app.status == ApplicationStatus.SUBMITTED,
        "can_recommend": ((bureau and city_level) or (district_of_app and not city_level))
        and app.status == ApplicationStatus.CHECKED,
        "can_accept": bureau and app.status == ApplicationStatus.RECOMMENDED,
        "can_reject": bureau
        and app.status
        in (ApplicationStatus.RECOMMENDED, ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED),
        "can_decide": bureau and app.status == ApplicationStatus.REVIEWED and not app.decision,
        "can_approve": bureau
        and app.status == ApplicationStatus.REVIEWED
        and app.decision == PanelDecision.FUND,
        "can_withdraw": applicant
        and app.status
        not in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN),
        "bureau": bureau,
        "open_now": app.guide.is_open(),
    }
    if context["can_edit"]:
        context["upload_form"] = AttachmentForm()
    if context["can_check"]:
        pre = svc.application_precheck(app)
        context["check_form"] = FormalCheckForm(initial={"passed": "0" if pre else "1", "reasons": pre})
        context["precheck"] = [dict(FormalReason.choices)[r] for r in pre]
    if context["can_recommend"]:
        context["recommend_form"] = RecommendForm()
    if context["can_decide"]:
        context["decide_form"] = DecideForm(initial={"funding": app.requested})
    if context["can_reject"]:
        context["reject_form"] = ReasonForm()
    if bureau:
        context["reviews"] = app.reviews.select_related("expert").order_by("status", "expert__name")
        from projects.services.reviews import application_conflicts

        conflicts = application_conflicts(app)
        if conflicts:
            from talent.models import Person

            names = dict(Person.objects.filter(pk__in=conflicts).values_list("pk", "name"))
            context["conflicts"] = [(names.get(pk, pk), reasons) for pk, reasons in conflicts.items()]
    if hasattr(app, "project"):
        context["project"] = app.project
    return render(request, "projects/application_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def application_edit(request, pk: int):
    app = get_scoped_or_404(Application, request.user, CHANGE, pk=pk)
    if not _applicant_side(request.user, app):
        raise PermissionError
    filing_for_others = is_bureau(request.user) or is_district(request.user)
    form = ApplicationForm(
        request.POST or None,
        instance=app,
        fixed_applicant=not filing_for_others or app.enterprise_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        values = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in form.changed_data and not form.fields[k].disabled
        }
        try:
            svc.application_update(actor=request.user, application=app, **values)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects_application_detail", pk=app.pk)
    return render(request, "projects/application_form.html", {"guide": app.guide, "form": form, "app": app})


@require_POST
@login_required
@steps_404
def attachment_upload(request, pk: int):
    app = get_scoped_or_404(Application, request.user, CHANGE, pk=pk)
    if not _applicant_side(request.user, app):
        raise PermissionError
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        try:
            svc.attachment_add(
                actor=request.user,
                application=app,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
            )
            messages.success(request, _("The file was attached."))
        except UploadRejected as exc:
            messages.error(request, str(exc))
        except Refused as exc:
            refused(request, exc)
    return redirect(reverse("projects_application_detail", args=[app.pk]) + "#files")


@require_safe
@login_required
def attachment_download(request, pk: int):
    """The only way to read a stored file: through the user's scope (an expert: an active review
    without a conflict of interest)."""
    att = get_scoped_or_404(Attachment.objects.select_related("application"), request.user, pk=pk)
    scope = scope_of(request.user)
    if is_expert(request.user) and not (scope.sees_all("view") or scope.unit_ids or scope.enterprise_ids):
        person = expert_person(request.user)
        if person is None or is_conflicted(person, att.application):
            raise Http404
    try:
        fh = open_stored(att.stored_name)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        fh, as_attachment=True, filename=att.original_name, content_type=TYPES.get(att.file_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
@steps_404
def attachment_delete(request, pk: int):
    att = get_scoped_or_404(Attachment.objects.select_related("application"), request.user, CHANGE, pk=pk)
    app_pk = att.application_id
    if not _applicant_side(request.user, att.application):
        raise PermissionError
    try:
        svc.attachment_remove(actor=request.user, attachment=att)
        messages.success(request, _("The file was removed."))
    except Refused as exc:
        refused(request, exc)
    return redirect(reverse("projects_application_detail", args=[app_pk]) + "#files")


def _step(request, pk: int, run, success: str):
    """Fetch the application in the user's change scope, run the step, show the outcome."""
    app = get_scoped_or_404(Application, request.user, CHANGE, pk=pk)
    try:
        run(app)
        messages.success(request, success)
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_application_detail", pk=app.pk)


@require_POST
@login_required
@steps_404
def application_submit(request, pk: int):
    return _step(
        request,
        pk,
        lambda app: svc.application_submit(actor=request.user, application=app),
        _("The application was submitted."),
    )


@require_POST
@login_required
@steps_404
def application_withdraw(request, pk: int):
    reason = request.POST.get("reason", "")
    return _step(
        request,
        pk,
        lambda app: svc.application_withdraw(actor=request.user, application=app, reason=reason),
        _("The application was withdrawn."),
    )


@require_POST
@login_required
@steps_404
def application_check(request, pk: int):
    def run(app):
        form = FormalCheckForm(request.POST)
        if not form.is_valid():
            raise Refused(_("Choose the result of the formal check."))
        svc.application_formal_check(
            actor=request.user,
            application=app,
            passed=form.cleaned_data["passed"],
            reasons=form.cleaned_data["reasons"],
            note=form.cleaned_data["note"],
        )

    return _step(request, pk, run, _("The formal check was recorded."))


@require_POST
@login_required
@steps_404
def application_recommend(request, pk: int):
    def run(app):
        form = RecommendForm(request.POST)
        if not form.is_valid():
            raise Refused(_("Choose whether to recommend."))
        svc.application_recommend(
            actor=request.user,
            application=app,
            recommended=form.cleaned_data["recommended"],
            note=form.cleaned_data["note"],
            order=form.cleaned_data["order"],
        )

    return _step(request, pk, run, _("The recommendation was recorded."))


@require_POST
@login_required
@steps_404
def application_accept(request, pk: int):
    return _step(
        request,
        pk,
        lambda app: svc.application_accept(actor=request.user, application=app),
        _("The application is accepted for expert review."),
    )


@require_POST
@login_required
@steps_404
def application_reject(request, pk: int):
    reason = request.POST.get("reason", "")
    return _step(
        request,
        pk,
        lambda app: svc.application_reject(actor=request.user, application=app, note=reason),
        _("The application is not approved."),
    )


@require_POST
@login_required
@steps_404
def application_decide(request, pk: int):
    def run(app):
        form = DecideForm(request.POST)
        if not form.is_valid():
            raise Refused(*[e for errors in form.errors.values() for e in errors])
        svc.application_decide(
            actor=request.user,
            application=app,
            decision=form.cleaned_data["decision"],
            funding=form.cleaned_data["funding"],
            note=form.cleaned_data["note"],
        )

    return _step(request, pk, run, _("The panel decision was recorded."))


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def application_approve(request, pk: int):
    app = get_scoped_or_404(
        Application.objects.select_related("guide", "category"), request.user, CHANGE, pk=pk
    )
    if not is_bureau(request.user):
        raise PermissionError
    today = timezone.localdate()
    initial = {
        "budget": app.decision_funding,
        "approved_on": today,
        "starts_on": today,
        "ends_on": today.replace(year=today.year + max(1, app.months // 12)),
        "indicators": app.goals,
        "tranches": f"{app.decision_funding or ''} | {today.isoformat()}",
    }
    form = ApproveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = svc.application_approve(actor=request.user, application=app, **form.cleaned_data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("The project is approved."))
            return redirect("projects_project_detail", pk=project.pk)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("Approve {number}").format(number=app.number),
            "intro": app.title,
            "back_url": reverse("projects_application_detail", args=[app.pk]),
        },
    )


urlpatterns = [
    path("projects/applications/", application_list, name="projects_application_list"),
    path("projects/applications/export.xlsx", application_export, name="projects_application_export"),
    path("projects/guides/<int:pk>/apply/", application_create, name="projects_application_create"),
    path("projects/applications/<int:pk>/", application_detail, name="projects_application_detail"),
    path("projects/applications/<int:pk>/edit/", application_edit, name="projects_application_edit"),
    path("projects/applications/<int:pk>/files/", attachment_upload, name="projects_attachment_upload"),
    path("projects/applications/<int:pk>/submit/", application_submit, name="projects_application_submit"),
    path(
        "projects/applications/<int:pk>/withdraw/", application_withdraw, name="projects_application_withdraw"
    ),
    path("projects/applications/<int:pk>/check/", application_check, name="projects_application_check"),
    path(
        "projects/applications/<int:pk>/recommend/",
        application_recommend,
        name="projects_application_recommend",
    ),
    path("projects/applications/<int:pk>/accept/", application_accept, name="projects_application_accept"),
    path("projects/applications/<int:pk>/reject/", application_reject, name="projects_application_reject"),
    path("projects/applications/<int:pk>/decide/", application_decide, name="projects_application_decide"),
    path("projects/applications/<int:pk>/approve/", application_approve, name="projects_application_approve"),
    path("projects/files/<int:pk>/", attachment_download, name="projects_attachment_download"),
    path("projects/files/<int:pk>/delete/", attachment_delete, name="projects_attachment_delete"),
]
