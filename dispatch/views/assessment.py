"""Assessment (考核) pages: a year's scores by group with rank, reward and the R&D post-subsidy
mark; one unit's breakdown, recomputed from the stored inputs; the bureau computes a run; the
bureau admin sets the weights. Writes go through dispatch/workflow/assessment.py."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dispatch.models import Assessment, AssessmentScore
from dispatch.workflow.assessment import assessment_compute
from dispatch.workflow.common import WorkflowError, assessment_config, dispatch_settings_update
from dispatch.workflow.forms import AssessmentSettingsForm, add_workflow_error
from dispatch.workflow.web import int_param, is_admin_user, is_bureau_user, run_step, today
from kechuang.core.scope import get_scoped_or_404
from org.models import UnitKind
from plan.models import Indicator
from rules.assessment import AssessmentConfig, UnitInputs, assess

GROUPS = ((UnitKind.DISTRICT, UnitKind.DISTRICT.label), (UnitKind.ZONE, UnitKind.ZONE.label))


def _page(request, run: Assessment | None, year: int):
    scores = (
        AssessmentScore.objects.for_user(request.user).filter(assessment=run).select_related("unit")
        if run is not None
        else AssessmentScore.objects.none()
    )
    groups = []
    for kind, label in GROUPS:
        rows = [s for s in scores if s.group == kind]
        if rows:
            groups.append({"label": label, "rows": sorted(rows, key=lambda s: (s.rank, s.unit.order))})
    runs = Assessment.objects.for_user(request.user).filter(year=year)
    return render(
        request,
        "dispatch/assessment/index.html",
        {
            "run": run,
            "year": year,
            "groups": groups,
            "runs": runs[:10],
            "config": run.config if run else assessment_config(year).as_dict(),
            "is_bureau": is_bureau_user(request.user),
            "months": range(1, 13),
        },
    )


@require_safe
@login_required
def assessment_index(request):
    runs = Assessment.objects.for_user(request.user)
    latest = runs.order_by("-year").values_list("year", flat=True).first()
    year = int_param(request.GET.get("year"), latest or today().year, 2000, 2100)
    return _page(request, runs.filter(year=year).first(), year)


@require_safe
@login_required
def assessment_run(request, pk: int):
    run = get_scoped_or_404(Assessment, request.user, pk=pk)
    return _page(request, run, run.year)


@require_POST
@login_required
def assessment_compute_view(request):
    if not is_bureau_user(request.user):
        raise Http404
    year = int_param(request.POST.get("year"), None, 2000, 2100)
    month = int_param(request.POST.get("as_of_month"), 12, 1, 12)
    if year is None:
        messages.error(request, _("Choose a year."))
        return redirect("assessment_index")
    done: list = []
    run_step(
        request,
        lambda: done.append(assessment_compute(actor=request.user, year=year, as_of_month=month)),
        _("The assessment of {year} was computed.").format(year=year),
    )
    return (
        redirect("assessment_run", pk=done[0].pk) if done else redirect(f"/dispatch/assessment/?year={year}")
    )


@require_safe
@login_required
def assessment_score(request, pk: int):
    score = get_scoped_or_404(
        AssessmentScore.objects.select_related("unit", "assessment"), request.user, pk=pk
    )
    config = AssessmentConfig.from_mapping(score.assessment.config)
    inputs = UnitInputs.from_dict(score.inputs)
    again = assess([inputs], config)[0]  # the unit's own parts do not depend on other units
    names = dict(Indicator.objects.values_list("code", "name"))
    rows = [
        dict(r, name=names.get(r["indicator"], r["indicator"])) for r in score.breakdown.get("indicators", [])
    ]
    return render(
        request,
        "dispatch/assessment/score.html",
        {
            "s": score,
            "config": score.assessment.config,
            "rows": rows,
            "rates": score.breakdown.get("rates", {}),
            "inputs": inputs,
            "reproduced": again.total == score.total
            and again.indicator_part == score.indicator_part
            and again.followup_part == score.followup_part,
        },
    )


def _settings_initial(year: int) -> dict:
    c = assessment_config(year)
    return {
        "indicator_share": c.indicator_share,
        "followup_share": c.followup_share,
        "cap": Decimal(repr(c.cap)),
        "reports_weight": c.fweight("reports"),
        "items_weight": c.fweight("items"),
        "orders_weight": c.fweight("orders"),
        "top_n": c.top_n,
        "reward_amount": Decimal(repr(c.reward_amount)),
        "rd_min_completion_pct": (Decimal(repr(c.rd_min_completion)) * 100).normalize(),
        "weights": "\n".join(f"{k} = {v}" for k, v in c.indicator_weights.items()),
        "default_weight": c.default_weight,
    }


@require_http_methods(["GET", "POST"])
@login_required
def assessment_settings(request):
    year = int_param(request.GET.get("year") or request.POST.get("year"), today().year, 2000, 2100)
    admin = is_admin_user(request.user)
    form = AssessmentSettingsForm(request.POST or None, initial=_settings_initial(year))
    if request.method == "POST":
        if not admin:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            values = {
                "indicator_share": d["indicator_share"],
                "followup_share": d["followup_share"],
                "cap": float(d["cap"]),
                "followup_weights": {
                    "reports": d["reports_weight"],
                    "items": d["items_weight"],
                    "orders": d["orders_weight"],
                },
                "top_n": d["top_n"],
                "reward_amount": float(d["reward_amount"]),
                "rd_min_completion": float(d["rd_min_completion_pct"] / 100),
                "indicator_weights": d["weights"],
                "default_weight": d["default_weight"],
            }
            try:
                dispatch_settings_update(actor=request.user, year=year, assessment=values)
            except WorkflowError as exc:
                add_workflow_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The assessment settings of {year} were saved; compute the assessment again to apply them."
                    ).format(year=year),
                )
                return redirect(f"/dispatch/assessment/settings/?year={year}")
    if not admin:
        for f in form.fields.values():
            f.disabled = True
    return render(
        request, "dispatch/assessment/settings.html", {"form": form, "year": year, "is_admin": admin}
    )


urlpatterns = [
    path("dispatch/assessment/", assessment_index, name="assessment_index"),
    path("dispatch/assessment/compute/", assessment_compute_view, name="assessment_compute"),
    path("dispatch/assessment/settings/", assessment_settings, name="assessment_settings"),
    path("dispatch/assessment/<int:pk>/", assessment_run, name="assessment_run"),
    path("dispatch/assessment/scores/<int:pk>/", assessment_score, name="assessment_score"),
]
