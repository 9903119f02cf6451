"""Expert review: the bureau's rounds (assignment job, draw, replay, ranking) and the expert's
own pages (assignments, scoring, withdrawing for a conflict of interest)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.models import Job, JobStatus
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from projects.access import Refused, expert_person, is_bureau
from projects.forms import ReasonForm, RoundForm, ScoreForm, join_tags
from projects.models import (
    Application,
    ApplicationStatus,
    CallGuide,
    Review,
    ReviewRound,
    ReviewStatus,
    RoundMethod,
)
from projects.services import reviews as svc
from projects.views.common import int_or_none, refused, steps_404, xlsx_response


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def round_create(request, pk: int):
    guide = get_scoped_or_404(CallGuide, request.user, CHANGE, pk=pk)
    form = RoundForm(request.POST or None, guide=guide, initial={"method": RoundMethod.OPTIMAL})
    if request.method == "POST" and form.is_valid():
        try:
            rnd = svc.round_create(actor=request.user, guide=guide, **form.cleaned_data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            return redirect("projects_round_detail", pk=rnd.pk)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("New review round"),
            "intro": _("Empty numbers take the category's settings."),
            "back_url": reverse("projects_guide_detail", args=[guide.pk]),
        },
    )


def _ranking(rnd):
    return (
        Application.objects.filter(category=rnd.category)
        .filter(
            status__in=[
                ApplicationStatus.IN_REVIEW,
                ApplicationStatus.REVIEWED,
                ApplicationStatus.APPROVED,
                ApplicationStatus.REJECTED,
            ]
        )
        .select_related("unit")
        .order_by("rank", "-score", "number")
    )


@require_safe
@login_required
def round_detail(request, pk: int):
    rnd = get_scoped_or_404(
        ReviewRound.objects.select_related("guide", "category", "job"), request.user, pk=pk
    )
    reviews = rnd.reviews.select_related("application", "expert").order_by(
        "application__number", "expert__name"
    )
    panels: dict = {}
    for r in reviews:
        panels.setdefault(r.application, []).append(r)
    vacant = [
        a
        for a, rs in panels.items()
        if sum(r.active for r in rs) < rnd.per_application and a.status == ApplicationStatus.IN_REVIEW
    ]
    waiting = (
        Application.objects.filter(category=rnd.category, status=ApplicationStatus.IN_REVIEW)
        .exclude(reviews__round=rnd)
        .count()
    )
    replay = svc.round_replay(rnd) if rnd.draws and request.GET.get("replay") else None
    return render(
        request,
        "projects/round_detail.html",
        {
            "round": rnd,
            "panels": panels,
            "vacant": vacant,
            "waiting": waiting,
            "replay": replay,
            "ranking": _ranking(rnd),
            "job": rnd.job,
        },
    )


@require_safe
@login_required
def round_progress(request, pk: int):
    """The assignment job's progress, polled by the round page."""
    rnd = get_scoped_or_404(ReviewRound, request.user, pk=pk)
    job = Job.objects.filter(pk=rnd.job_id).first() if rnd.job_id else None
    if job is None:
        raise Http404
    response = render(request, "projects/_round_job.html", {"round": rnd, "job": job})
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        response["HX-Refresh"] = "true"  # the page reloads with the result
    return response


@require_POST
@login_required
@steps_404
def round_assign(request, pk: int):
    rnd = get_scoped_or_404(ReviewRound, request.user, CHANGE, pk=pk)
    try:
        svc.round_assign(actor=request.user, review_round=rnd)
        messages.success(request, _("The assignment has started; this page shows its progress."))
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_round_detail", pk=rnd.pk)


@require_POST
@login_required
@steps_404
def round_draw(request, pk: int):
    rnd = get_scoped_or_404(ReviewRound, request.user, CHANGE, pk=pk)
    seed = int_or_none(request.POST.get("seed"))
    try:
        record = svc.round_draw(actor=request.user, review_round=rnd, seed=seed)
        messages.success(
            request, _("Experts drawn; the seed {seed} is recorded for replay.").format(seed=record["seed"])
        )
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_round_detail", pk=rnd.pk)


@require_POST
@login_required
@steps_404
def round_rank(request, pk: int):
    rnd = get_scoped_or_404(ReviewRound, request.user, CHANGE, pk=pk)
    try:
        svc.round_rank(actor=request.user, review_round=rnd, normalise=request.POST.get("normalise") == "1")
        messages.success(request, _("The applications are ranked."))
    except Refused as exc:
        refused(request, exc)
    return redirect(reverse("projects_round_detail", args=[rnd.pk]) + "#ranking")


RANKING_HEADER = [
    gettext_lazy("Rank"),
    gettext_lazy("Application number"),
    gettext_lazy("Project title"),
    gettext_lazy("Applicant"),
    gettext_lazy("Unit"),
    gettext_lazy("Mean score"),
    gettext_lazy("Mean normalised score"),
    gettext_lazy("Panel decision"),
]


@require_safe
@login_required
def round_export(request, pk: int):
    rnd = get_scoped_or_404(ReviewRound, request.user, pk=pk)
    rows = (
        (
            a.rank,
            a.number,
            a.title,
            a.applicant_name,
            a.unit.name,
            a.score,
            a.score_z,
            a.get_decision_display(),
        )
        for a in _ranking(rnd)
    )
    return xlsx_response(request, f"ranking-{rnd.guide.year}-{rnd.category.code}.xlsx", RANKING_HEADER, rows)


# --- the expert's pages ------------------------------------------------------------------------


@require_safe
@login_required
def review_mine(request):
    reviews = (
        Review.objects.for_user(request.user)
        .filter(reviewer_user=request.user)
        .select_related("application__category", "application__guide", "round")
        .order_by("status", "application__number")
    )
    return render(
        request, "projects/review_mine.html", {"reviews": reviews, "person": expert_person(request.user)}
    )


def _own_review(request, pk: int) -> Review:
    """The expert's own active review — 404 for any other, and for one where a conflict of
    interest has come to light since the assignment."""
    review = get_scoped_or_404(
        Review.objects.select_related(
            "application__category", "application__guide", "application__unit", "round", "expert"
        ),
        request.user,
        pk=pk,
    )
    if is_bureau(request.user):
        return review
    person = expert_person(request.user)
    if person is None or review.expert_id != person.pk or review.status == ReviewStatus.WITHDRAWN:
        raise Http404
    if svc.is_conflicted(person, review.application):
        raise Http404
    return review


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def review_detail(request, pk: int):
    review = _own_review(request, pk)
    app = review.application
    rubric = app.category.rubric
    mine = review.reviewer_user_id == request.user.pk
    initial = {f"score_{k}": v for k, v in (review.scores or {}).items()} | {"comment": review.comment}
    form = ScoreForm(request.POST or None, rubric=rubric, initial=initial) if mine else None
    if request.method == "POST":
        if form is None:
            raise PermissionError
        if form.is_valid():
            try:
                svc.review_submit(
                    actor=request.user,
                    review=review,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except Refused as exc:
                refused(request, exc, form)
            else:
                messages.success(request, _("Your scores were saved."))
                return redirect("projects_review_mine")
    return render(
        request,
        "projects/review_detail.html",
        {
            "review": review,
            "app": app,
            "form": form,
            "withdraw_form": ReasonForm() if mine else None,
            "attachments": app.attachments.all(),
            "tech_fields": join_tags(app.tech_fields),
        },
    )


@require_POST
@login_required
@steps_404
def review_withdraw(request, pk: int):
    review = _own_review(request, pk)
    if review.reviewer_user_id != request.user.pk:
        raise PermissionError
    try:
        svc.review_withdraw(actor=request.user, review=review, reason=request.POST.get("reason", ""))
    except Refused as exc:
        refused(request, exc)
        return redirect("projects_review_detail", pk=review.pk)
    messages.success(request, _("You withdrew from the review; the bureau will assign another expert."))
    return redirect("projects_review_mine")


urlpatterns = [
    path("projects/guides/<int:pk>/rounds/new/", round_create, name="projects_round_create"),
    path("projects/rounds/<int:pk>/", round_detail, name="projects_round_detail"),
    path("projects/rounds/<int:pk>/progress/", round_progress, name="projects_round_progress"),
    path("projects/rounds/<int:pk>/assign/", round_assign, name="projects_round_assign"),
    path("projects/rounds/<int:pk>/draw/", round_draw, name="projects_round_draw"),
    path("projects/rounds/<int:pk>/rank/", round_rank, name="projects_round_rank"),
    path("projects/rounds/<int:pk>/ranking.xlsx", round_export, name="projects_round_export"),
    path("projects/reviews/", review_mine, name="projects_review_mine"),
    path("projects/reviews/<int:pk>/", review_detail, name="projects_review_detail"),
    path("projects/reviews/<int:pk>/withdraw/", review_withdraw, name="projects_review_withdraw"),
]
