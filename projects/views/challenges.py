"""Challenge lists (揭榜挂帅) and horse races (赛马制): management pages for the issuer, the bid
form for any organisation's account, selection into a contract."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of
from projects.access import Refused, is_bureau, is_district, is_enterprise
from projects.forms import (
    BidForm,
    ChallengeForm,
    GateForm,
    NewChallengeForm,
    RaceForm,
    SelectBidForm,
    TeamForm,
)
from projects.models import (
    Bid,
    BidStatus,
    ChallengeList,
    ChallengeStatus,
    HorseRace,
    ProjectStatus,
    RaceStatus,
)
from projects.services import challenges as svc
from projects.views.common import refused, steps_404, xlsx_response


def _issuer_of(user, challenge) -> bool:
    return is_bureau(user) or (is_district(user) and challenge.unit_id in scope_of(user).unit_ids)


@require_safe
@login_required
def challenge_list(request):
    lists = (
        ChallengeList.objects.for_user(request.user)
        .select_related("unit")
        .order_by("-year", "-published_on", "id")
    )
    races = HorseRace.objects.for_user(request.user).select_related("unit")
    return render(
        request,
        "projects/challenge_list.html",
        {"lists": lists, "races": races, "can_issue": is_bureau(request.user) or is_district(request.user)},
    )


CHALLENGE_EXPORT_HEADER = [
    gettext_lazy("Year"),
    gettext_lazy("Title"),
    gettext_lazy("Issuing unit"),
    gettext_lazy("List owner (发榜方)"),
    gettext_lazy("Field"),
    gettext_lazy("Reward or funding (10,000 yuan)"),
    gettext_lazy("Published on"),
    gettext_lazy("Bids close on"),
    gettext_lazy("Status"),
    gettext_lazy("Bidding organisation"),
    gettext_lazy("Funding asked (10,000 yuan)"),
    gettext_lazy("Period (months)"),
    gettext_lazy("Bid status"),
]


@require_safe
@login_required
def challenge_export(request):
    """One row per list and bid the user may see (a list without a visible bid: one row)."""
    lists = ChallengeList.objects.for_user(request.user).select_related("unit").order_by("-year", "id")
    bids: dict[int, list] = {}
    for bid in Bid.objects.for_user(request.user).filter(challenge__in=lists).order_by("id"):
        bids.setdefault(bid.challenge_id, []).append(bid)

    def rows():
        for c in lists:
            head = (
                c.year,
                c.title,
                c.unit.name,
                c.owner_name,
                c.field,
                c.reward,
                c.published_on,
                c.deadline,
                c.get_status_display(),
            )
            for bid in bids.get(c.pk) or [None]:
                if bid is None:
                    yield (*head, "", None, None, "")
                else:
                    yield (*head, bid.bidder_name, bid.price, bid.months, bid.get_status_display())

    return xlsx_response(request, "challenge-lists.xlsx", CHALLENGE_EXPORT_HEADER, rows())


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def challenge_create(request):
    if not (is_bureau(request.user) or is_district(request.user)):
        raise PermissionError
    head = NewChallengeForm(
        request.POST or None, user=request.user, prefix="new", initial={"year": timezone.localdate().year}
    )
    form = ChallengeForm(request.POST or None, prefix="list")
    if request.method == "POST" and head.is_valid() and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            challenge = svc.challenge_create(actor=request.user, **head.cleaned_data, **values)
        except Refused as exc:
            refused(request, exc, form)
        else:
            return redirect("projects_challenge_detail", pk=challenge.pk)
    return render(request, "projects/challenge_form.html", {"head": head, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def challenge_edit(request, pk: int):
    challenge = get_scoped_or_404(ChallengeList, request.user, CHANGE, pk=pk)
    if not _issuer_of(request.user, challenge):
        raise PermissionError
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            svc.challenge_update(actor=request.user, challenge=challenge, **values)
        except Refused as exc:
            refused(request, exc, form)
        else:
            return redirect("projects_challenge_detail", pk=challenge.pk)
    return render(request, "projects/challenge_form.html", {"form": form, "challenge": challenge})


@require_safe
@login_required
def challenge_detail(request, pk: int):
    challenge = get_scoped_or_404(
        ChallengeList.objects.select_related("unit", "enterprise", "demand"), request.user, pk=pk
    )
    issuer = _issuer_of(request.user, challenge)
    bids = Bid.objects.for_user(request.user).filter(challenge=challenge).select_related("enterprise")
    scope = scope_of(request.user)
    own_enterprise = is_enterprise(request.user) and not (
        is_bureau(request.user) or is_district(request.user)
    )
    can_bid = (
        challenge.status == ChallengeStatus.PUBLISHED
        and timezone.localdate() <= challenge.deadline
        and not scope.read_only
        and (is_enterprise(request.user) or is_bureau(request.user) or is_district(request.user))
    )
    context = {
        "challenge": challenge,
        "bids": bids,
        "issuer": issuer,
        "can_bid": can_bid,
        "bid_form": BidForm(own_enterprise=own_enterprise) if can_bid else None,
        "projects": challenge.projects.all(),
    }
    if issuer and challenge.status == ChallengeStatus.PUBLISHED and timezone.localdate() > challenge.deadline:
        context["select_form"] = SelectBidForm(
            initial={"signed_on": timezone.localdate(), "starts_on": timezone.localdate()}
        )
    return render(request, "projects/challenge_detail.html", context)


@require_POST
@login_required
@steps_404
def challenge_publish(request, pk: int):
    challenge = get_scoped_or_404(ChallengeList, request.user, CHANGE, pk=pk)
    try:
        svc.challenge_publish(actor=request.user, challenge=challenge)
        messages.success(request, _("The list is published on the public page."))
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_challenge_detail", pk=challenge.pk)


@require_POST
@login_required
@steps_404
def challenge_close(request, pk: int):
    challenge = get_scoped_or_404(ChallengeList, request.user, CHANGE, pk=pk)
    try:
        svc.challenge_close(actor=request.user, challenge=challenge, reason=request.POST.get("reason", ""))
        messages.success(request, _("The list is closed."))
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_challenge_detail", pk=challenge.pk)


@require_POST
@login_required
@steps_404
def bid_create(request, pk: int):
    """揭榜: any signed-in organisation's account bids for a published list."""
    challenge = get_scoped_or_404(ChallengeList, request.user, pk=pk)
    if scope_of(request.user).read_only or not (
        is_enterprise(request.user) or is_bureau(request.user) or is_district(request.user)
    ):
        raise PermissionError
    own_enterprise = is_enterprise(request.user) and not (
        is_bureau(request.user) or is_district(request.user)
    )
    form = BidForm(request.POST, own_enterprise=own_enterprise)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        try:
            svc.bid_submit(actor=request.user, challenge=challenge, **form.cleaned_data)
            messages.success(request, _("Your bid was submitted."))
        except Refused as exc:
            refused(request, exc)
    return redirect("projects_challenge_detail", pk=challenge.pk)


@require_POST
@login_required
@steps_404
def bid_withdraw(request, pk: int):
    bid = get_scoped_or_404(Bid.objects.select_related("challenge"), request.user, CHANGE, pk=pk)
    try:
        svc.bid_withdraw(actor=request.user, bid=bid)
        messages.success(request, _("The bid was withdrawn."))
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_challenge_detail", pk=bid.challenge_id)


@require_POST
@login_required
@steps_404
def bid_select(request, pk: int):
    bid = get_scoped_or_404(Bid.objects.select_related("challenge"), request.user, CHANGE, pk=pk)
    if not _issuer_of(request.user, bid.challenge) or bid.status != BidStatus.SUBMITTED:
        raise PermissionError
    form = SelectBidForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
        return redirect("projects_challenge_detail", pk=bid.challenge_id)
    try:
        project = svc.challenge_select(
            actor=request.user, challenge=bid.challenge, bid=bid, **form.cleaned_data
        )
    except Refused as exc:
        refused(request, exc)
        return redirect("projects_challenge_detail", pk=bid.challenge_id)
    messages.success(
        request, _("The bid is selected; plan the contract's milestones and the payments that wait for them.")
    )
    return redirect("projects_project_detail", pk=project.pk)


# --- horse races -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def race_create(request):
    if not (is_bureau(request.user) or is_district(request.user)):
        raise PermissionError
    form = RaceForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            race = svc.race_create(actor=request.user, **form.cleaned_data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            return redirect("projects_race_detail", pk=race.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": _("New horse race"), "back": "projects_challenge_list"},
    )


@require_safe
@login_required
def race_detail(request, pk: int):
    race = get_scoped_or_404(HorseRace.objects.select_related("unit", "challenge"), request.user, pk=pk)
    teams = race.teams.prefetch_related("tranches", "milestones").order_by("number")
    issuer = is_bureau(request.user) or (
        is_district(request.user) and race.unit_id in scope_of(request.user).unit_ids
    )
    context = {"race": race, "teams": teams, "issuer": issuer}
    if issuer and race.status == RaceStatus.STAGE1:
        context["team_form"] = TeamForm(user=request.user, initial={"approved_on": timezone.localdate()})
        open_teams = [t for t in teams if t.status in (ProjectStatus.ONGOING, ProjectStatus.EXTENDED)]
        if open_teams:
            context["gate_form"] = GateForm(teams=open_teams, initial={"on": timezone.localdate()})
    return render(request, "projects/race_detail.html", context)


@require_POST
@login_required
@steps_404
def race_team_add(request, pk: int):
    race = get_scoped_or_404(HorseRace, request.user, CHANGE, pk=pk)
    form = TeamForm(request.POST, user=request.user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
    else:
        try:
            svc.race_team_add(actor=request.user, race=race, **form.cleaned_data)
            messages.success(request, _("The team is funded for stage 1."))
        except Refused as exc:
            refused(request, exc)
    return redirect("projects_race_detail", pk=race.pk)


@require_POST
@login_required
@steps_404
def race_gate(request, pk: int):
    race = get_scoped_or_404(HorseRace, request.user, CHANGE, pk=pk)
    teams = list(race.teams.filter(status__in=[ProjectStatus.ONGOING, ProjectStatus.EXTENDED]))
    form = GateForm(request.POST, teams=teams)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
    else:
        try:
            svc.race_gate(
                actor=request.user,
                race=race,
                passed={int(p) for p in form.cleaned_data["passed"]},
                note=form.cleaned_data["note"],
                on=form.cleaned_data["on"],
            )
            messages.success(
                request,
                _("The gate review is recorded; only the teams that passed receive the later funding."),
            )
        except Refused as exc:
            refused(request, exc)
    return redirect(reverse("projects_race_detail", args=[race.pk]))


urlpatterns = [
    path("projects/challenges/", challenge_list, name="projects_challenge_list"),
    path("projects/challenges/new/", challenge_create, name="projects_challenge_create"),
    path("projects/challenges/export.xlsx", challenge_export, name="projects_challenge_export"),
    path("projects/challenges/<int:pk>/", challenge_detail, name="projects_challenge_detail"),
    path("projects/challenges/<int:pk>/edit/", challenge_edit, name="projects_challenge_edit"),
    path("projects/challenges/<int:pk>/publish/", challenge_publish, name="projects_challenge_publish"),
    path("projects/challenges/<int:pk>/close/", challenge_close, name="projects_challenge_close"),
    path("projects/challenges/<int:pk>/bid/", bid_create, name="projects_bid_create"),
    path("projects/bids/<int:pk>/withdraw/", bid_withdraw, name="projects_bid_withdraw"),
    path("projects/bids/<int:pk>/select/", bid_select, name="projects_bid_select"),
    path("projects/races/new/", race_create, name="projects_race_create"),
    path("projects/races/<int:pk>/", race_detail, name="projects_race_detail"),
    path("projects/races/<int:pk>/teams/", race_team_add, name="projects_race_team_add"),
    path("projects/races/<int:pk>/gate/", race_gate, name="projects_race_gate"),
]
