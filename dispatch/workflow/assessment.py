"""The yearly assessment (考核, plan 四(三)): gather each unit's inputs from the stored records,
score them with rules/assessment.py, and store the run with its settings and, per unit, the
inputs and the breakdown, so every score can be recomputed from what is stored.

Inputs, for the districts and zones:
- indicators: every non-reference indicator the unit has a target for, with the target and the
  actual of the run's month as dispatch/figures.py computes them (a target given as a growth is
  resolved against last year's level; ratios from their parts);
- monthly reports of months 1 … as_of_month: on time / late (revision 1's first submission
  against the due day) / missing (not submitted and the due day passed by the as-of date);
- key-task items the unit answers for in the year's plan: done by the deadline / done late /
  not done and overdue at the as-of date (items not yet due and not done are left out);
- follow-up orders of the year: answered by the answer date / late / unanswered past it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.figures import dispatch_figures
from dispatch.models import Assessment, AssessmentScore, FollowUpOrder, ItemAssignment, ItemStatus
from dispatch.workflow.common import WorkflowError, assessment_config, ensure_bureau, reporting_units
from dispatch.workflow.reports import reports_overview
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from plan.models import Indicator
from rules.assessment import FollowUpCounts, IndicatorInput, UnitInputs, assess

__all__ = ["assessment_compute", "assessment_inputs"]


def _counts(pairs) -> FollowUpCounts:
    on_time = late = failed = 0
    for state in pairs:
        if state == "on_time":
            on_time += 1
        elif state == "late":
            late += 1
        elif state == "failed":
            failed += 1
    return FollowUpCounts(on_time, late, failed)


def _item_state(a: ItemAssignment, as_of: dt.date) -> str | None:
    if a.status == ItemStatus.DONE:
        if a.deadline is None or a.done_on is None or a.done_on <= a.deadline:
            return "on_time"
        return "late"
    if a.deadline is not None and a.deadline < as_of:
        return "failed"
    return None


def _order_state(o: FollowUpOrder, as_of: dt.date) -> str | None:
    if o.answered_at is not None:
        return "on_time" if timezone.localdate(o.answered_at) <= o.due else "late"
    if o.due < as_of:
        return "failed"
    return None


def assessment_inputs(year: int, *, as_of_month: int = 12, as_of: dt.date | None = None) -> list[UnitInputs]:
    """Each reporting unit's inputs (see the module docstring)."""
    as_of = as_of or timezone.localdate()
    units = list(reporting_units())
    assessed = set(Indicator.objects.filter(reference=False).values_list("code", flat=True))
    indicators: dict[str, list[IndicatorInput]] = {u.code: [] for u in units}
    for row in dispatch_figures(year, as_of_month):
        if row["unit"] in indicators and row["indicator"] in assessed and row["target"] is not None:
            indicators[row["unit"]].append(IndicatorInput(row["indicator"], row["target"], row["actual"]))

    reports: dict[int, list[str]] = {u.pk: [] for u in units}
    for month in range(1, as_of_month + 1):
        for t in reports_overview(year, month, units=units, as_of=as_of):
            reports[t.unit.pk].append(
                {"on_time": "on_time", "late": "late", "missing": "failed"}.get(t.state, "")
            )
    items: dict[int, list[str]] = {u.pk: [] for u in units}
    for a in ItemAssignment.objects.filter(item__task__plan__year=year, unit__in=units):
        items[a.unit_id].append(_item_state(a, as_of))
    orders: dict[int, list[str]] = {u.pk: [] for u in units}
    for o in FollowUpOrder.objects.filter(year=year, unit__in=units):
        orders[o.unit_id].append(_order_state(o, as_of))
    return [
        UnitInputs(
            unit=u.code,
            group=u.kind,
            indicators=tuple(indicators[u.code]),
            reports=_counts(reports[u.pk]),
            items=_counts(items[u.pk]),
            orders=_counts(orders[u.pk]),
        )
        for u in units
    ]


@transaction.atomic
def assessment_compute(
    *, actor, year: int, as_of_month: int = 12, as_of: dt.date | None = None, note: str = ""
) -> Assessment:
    """Score every district and zone for the year and store the run (the latest run is shown)."""
    ensure_bureau(actor)
    if not 1 <= as_of_month <= 12:
        raise WorkflowError(_("Choose a month between 1 and 12."), field="as_of_month")
    as_of = as_of or timezone.localdate()
    config = assessment_config(year)
    inputs = assessment_inputs(year, as_of_month=as_of_month, as_of=as_of)
    run = Assessment.objects.create(
        year=year,
        as_of_month=as_of_month,
        as_of=as_of,
        config=config.as_dict(),
        computed_by=actor,
        note=(note or "").strip()[:200],
    )
    units = {u.code: u for u in reporting_units()}
    scores = assess(inputs, config)
    AssessmentScore.objects.bulk_create(
        [
            AssessmentScore(
                assessment=run,
                unit=units[s.unit],
                group=s.group,
                inputs=i.as_dict(),
                breakdown={"indicators": s.indicators, "rates": s.rates, "rd_completion": s.rd_completion},
                indicator_part=s.indicator_part,
                followup_part=s.followup_part,
                total=s.total,
                rank=s.rank,
                reward=s.reward,
                reward_amount=Decimal(str(s.reward_amount)) if s.reward_amount is not None else None,
                no_post_subsidy=s.no_post_subsidy,
            )
            for i, s in zip(inputs, scores, strict=True)
        ]
    )
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=run,
        message="assessment computed",
        data={
            "year": year,
            "as_of_month": as_of_month,
            "as_of": as_of.isoformat(),
            "rewarded": [s.unit for s in scores if s.reward],
            "no_post_subsidy": [s.unit for s in scores if s.no_post_subsidy],
        },
    )
    return run
