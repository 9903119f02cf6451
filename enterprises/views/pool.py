"""The cultivation pool: members ranked by closeness to qualifying, stages, source lists and
name matches to confirm, evaluation of the whole pool as a job with progress."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from enterprises.models import Enterprise, Evaluation, PoolMember, PoolSource, PoolSourceEntry, PoolStage
from enterprises.models.pool import MatchStatus
from enterprises.services.evaluation import pool_evaluate
from enterprises.services.pool import (
    STAGE_FLOW,
    pool_derive,
    pool_entry_confirm,
    pool_entry_reject,
    pool_stage_set,
)
from kechuang.core.jobs import job_start
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of


def _bureau(user) -> bool:
    return scope_of(user).sees_all(CHANGE)


@require_safe
@login_required
def pool_home(request):
    from plan.models import Plan

    plan = Plan.objects.order_by("-year").first()
    return redirect("pool_year", year=plan.year if plan else dt.date.today().year)


@require_safe
@login_required
def pool_year(request, year: int):
    members = PoolMember.objects.for_user(request.user).filter(year=year).select_related("enterprise__unit")
    f = {k: request.GET.get(k, "") for k in ("unit", "stage", "source")}
    if f["unit"]:
        members = members.filter(enterprise__unit__code=f["unit"])
    if f["stage"]:
        members = members.filter(stage=f["stage"])
    if f["source"]:
        members = members.filter(sources__icontains=f'"{f["source"]}"')
    stage_counts = dict(members.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    evaluated = Evaluation.objects.filter(kind="hte", year=year).exists()
    closeness = Evaluation.objects.filter(enterprise=OuterRef("enterprise"), year=year, kind="hte").values(
        "closeness"
    )[:1]
    members = members.annotate(closeness=Subquery(closeness)).prefetch_related(
        Prefetch(
            "enterprise__evaluations",
            queryset=Evaluation.objects.filter(year=year),
            to_attr="year_evaluations",
        )
    )
    # Nearest to qualifying first; members not evaluated (or missing figures) last.
    ordering = [F("closeness").asc(nulls_last=True), "enterprise__name"]
    page = Paginator(members.order_by(*ordering), 50).get_page(request.GET.get("page"))
    for member in page.object_list:
        member.eval = {e.kind: e for e in member.enterprise.year_evaluations}
        member.next_stages = [(s, PoolStage(s).label) for s in STAGE_FLOW[PoolStage(member.stage)]]
    waiting = (
        PoolSourceEntry.objects.for_user(request.user)
        .filter(year=year, match__in=[MatchStatus.CANDIDATE, MatchStatus.UNMATCHED])
        .count()
    )
    return render(
        request,
        "enterprises/pool/pool.html",
        {
            "year": year,
            "page": page,
            "filters": f,
            "stages": PoolStage.choices,
            "sources": PoolSource.choices,
            "stage_counts": [(label, stage_counts.get(value, 0)) for value, label in PoolStage.choices],
            "waiting": waiting,
            "bureau": _bureau(request.user),
            "evaluated": evaluated,
            "can_change": bool(scope_of(request.user).unit_ids) or _bureau(request.user),
        },
    )


@require_POST
@login_required
def pool_derive_view(request, year: int):
    if not _bureau(request.user):
        raise Http404
    counts = pool_derive(actor=request.user, year=year)
    messages.success(
        request,
        _("The pool now has {n} enterprises ({new} new).").format(
            n=counts["members"], new=counts["new_members"]
        ),
    )
    return redirect("pool_year", year=year)


def _evaluate_work(job, progress):
    return pool_evaluate(actor=job.owner, year=job.params["year"], progress=progress)


@require_POST
@login_required
def pool_evaluate_view(request, year: int):
    if not _bureau(request.user):
        raise Http404
    job = job_start(
        "pool_evaluate",
        _evaluate_work,
        owner=request.user,
        params={"year": year, "back": request.build_absolute_uri(f"/enterprises/pool/{year}/")},
    )
    return redirect("job_detail", job_id=job.pk)


@require_safe
@login_required
def pool_matches(request, year: int):
    entries = (
        PoolSourceEntry.objects.for_user(request.user)
        .filter(year=year, match__in=[MatchStatus.CANDIDATE, MatchStatus.UNMATCHED])
        .select_related("candidate__unit", "unit")
    )
    page = Paginator(entries.order_by("source", "row", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/pool/matches.html", {"year": year, "page": page})


@require_POST
@login_required
def pool_entry_decide(request, pk: int):
    entry = get_scoped_or_404(PoolSourceEntry, request.user, CHANGE, pk=pk)
    if request.POST.get("decision") == "confirm":
        enterprise = None
        if request.POST.get("uscc"):
            enterprise = (
                Enterprise.objects.for_user(request.user, CHANGE)
                .filter(uscc=request.POST["uscc"].upper())
                .first()
            )
            if enterprise is None:
                messages.error(request, _("No enterprise in your scope has that code."))
                return redirect("pool_matches", year=entry.year)
        try:
            pool_entry_confirm(actor=request.user, entry=entry, enterprise=enterprise)
            messages.success(request, _("Confirmed: {name} is in the pool.").format(name=entry.name))
        except ValueError:
            messages.error(request, _("Give the code of the enterprise this row is."))
    else:
        pool_entry_reject(actor=request.user, entry=entry)
    return redirect("pool_matches", year=entry.year)


@require_POST
@login_required
def pool_member_stage(request, pk: int):
    member = get_scoped_or_404(PoolMember.objects.select_related("enterprise"), request.user, CHANGE, pk=pk)
    try:
        pool_stage_set(
            actor=request.user,
            member=member,
            stage=request.POST.get("stage", ""),
            note=request.POST.get("note", "").strip(),
        )
        messages.success(request, _("{name}: stage updated.").format(name=member.enterprise.name))
    except ValueError:
        messages.error(request, _("That stage cannot follow the current one."))
    return redirect("pool_year", year=member.year)


urlpatterns = [
    path("enterprises/pool/", pool_home, name="pool_home"),
    path("enterprises/pool/<int:year>/", pool_year, name="pool_year"),
    path("enterprises/pool/<int:year>/derive/", pool_derive_view, name="pool_derive"),
    path("enterprises/pool/<int:year>/evaluate/", pool_evaluate_view, name="pool_evaluate"),
    path("enterprises/pool/<int:year>/matches/", pool_matches, name="pool_matches"),
    path("enterprises/pool/entries/<int:pk>/decide/", pool_entry_decide, name="pool_entry_decide"),
    path("enterprises/pool/members/<int:pk>/stage/", pool_member_stage, name="pool_member_stage"),
]
