"""Project execution: task-book indicators, tranches and their payment (gated by milestones
where set), milestones and mid-term checks, acceptance with its checklist and outcomes, and the
clean-up of overdue projects (extend, terminate, accept)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope, scope_of
from projects.access import Refused, is_bureau, is_district, money, require
from projects.models import (
    OPEN_STATUSES,
    Acceptance,
    AcceptanceOutcome,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    ProjectKind,
    ProjectStatus,
    TaskIndicator,
    Tranche,
    TrancheStatus,
)

__all__ = [
    "STANDARD_ITEMS",
    "acceptance_decide",
    "acceptance_open",
    "indicator_add",
    "milestone_add",
    "milestone_check",
    "project_extend",
    "project_terminate",
    "tranche_add",
    "tranche_pay",
]

# Checklist items every acceptance has besides the task-book indicators.
STANDARD_ITEMS = [
    ("funds", "经费使用符合预算和财务规定"),
    ("documents", "验收材料齐全(工作报告、技术报告、经费决算)"),
]


def _event(actor, project: Project, message: str, **data) -> None:
    record_event(EventAction.WORKFLOW, actor=actor, obj=project, message=message, data=data)


def _manager(actor, project: Project) -> None:
    """The issuing side: the bureau, or the district for its own unit's projects."""
    require(is_bureau(actor) or (is_district(actor) and project.unit_id in scope_of(actor).unit_ids))


def _open(project: Project) -> None:
    if project.status not in OPEN_STATUSES:
        raise Refused(_("The project is closed ({status}).").format(status=project.get_status_display()))


@transaction.atomic
def indicator_add(
    *, actor, project: Project, name: str, target=None, measure: str = "", description: str = ""
) -> TaskIndicator:
    require(is_bureau(actor))
    _open(project)
    if project.acceptances.exists():
        raise Refused(_("The task book is fixed once acceptance has started."))
    if not name.strip():
        raise Refused(_("Give the indicator's name."))
    ind = TaskIndicator.objects.create(
        project=project, name=name.strip(), target=target, measure=measure, description=description
    )
    _event(actor, project, "task-book indicator added", name=name)
    return ind


@transaction.atomic
def tranche_add(
    *, actor, project: Project, amount: Decimal, planned_on: dt.date, milestone: Milestone | None = None
) -> Tranche:
    require(is_bureau(actor))
    _open(project)
    if amount <= 0:
        raise Refused(_("The amount must be positive."))
    if milestone is not None and milestone.project_id != project.pk:
        raise Refused(_("The milestone belongs to another project."))
    if project.kind == ProjectKind.CHALLENGE and milestone is None:
        raise Refused(
            _("A challenge contract pays on milestones: choose the milestone this tranche waits for.")
        )
    planned = project.tranches.exclude(status=TrancheStatus.CANCELLED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    if planned + amount > project.budget:
        raise Refused(
            _("The tranches would add up to {total} 万元, more than the budget of {budget} 万元.").format(
                total=money(planned + amount), budget=money(project.budget)
            )
        )
    seq = (project.tranches.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    tranche = Tranche.objects.create(
        project=project, seq=seq, amount=amount, planned_on=planned_on, milestone=milestone
    )
    _event(actor, project, "tranche planned", seq=seq, amount=str(amount))
    return tranche


@transaction.atomic
def tranche_pay(*, actor, tranche: Tranche, paid_on: dt.date, voucher: str = "") -> Tranche:
    """拨付: pay a planned tranche — never before its milestone has passed, never for a closed
    project, never in the future."""
    require(is_bureau(actor))
    tranche = (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("project", "milestone")
        .get(pk=tranche.pk)
    )
    project = tranche.project
    if tranche.status != TrancheStatus.PLANNED:
        raise Refused(_("This tranche is {status}.").format(status=tranche.get_status_display()))
    _open(project)
    if paid_on > timezone.localdate():
        raise Refused(_("The payment date cannot be in the future."))
    if paid_on < project.approved_on:
        raise Refused(_("The payment date is before the approval."))
    m = tranche.milestone
    if m is not None and m.status != MilestoneStatus.PASSED:
        raise Refused(
            _("This tranche is paid after “{milestone}”, which has not passed ({status}).").format(
                milestone=m.title, status=m.get_status_display()
            )
        )
    tranche.status, tranche.paid_on, tranche.voucher = TrancheStatus.PAID, paid_on, voucher
    tranche.save()
    _event(
        actor,
        project,
        "tranche paid",
        seq=tranche.seq,
        amount=str(tranche.amount),
        paid_on=paid_on.isoformat(),
    )
    return tranche


@transaction.atomic
def milestone_add(
    *, actor, project: Project, title: str, due_on: dt.date, kind: str = MilestoneKind.MILESTONE
) -> Milestone:
    _manager(actor, project)
    _open(project)
    if kind not in MilestoneKind.values or kind == MilestoneKind.GATE and project.kind != ProjectKind.RACE:
        raise Refused(_("Choose the kind of milestone."))
    if not title.strip():
        raise Refused(_("Give the milestone's title."))
    m = Milestone.objects.create(project=project, kind=kind, title=title.strip(), due_on=due_on)
    _event(actor, project, "milestone planned", title=title, due_on=due_on.isoformat())
    return m


@transaction.atomic
def milestone_check(
    *, actor, milestone: Milestone, passed: bool, findings: str, checked_on: dt.date
) -> Milestone:
    """Record a milestone or mid-term check (the district on site, or the bureau). A gate review
    of a horse race is decided for all teams at once (races.race_gate)."""
    project = milestone.project
    _manager(actor, project)
    _open(project)
    if milestone.kind == MilestoneKind.GATE:
        raise Refused(_("A gate review is decided on the race's page, for all teams together."))
    if milestone.status != MilestoneStatus.PENDING:
        raise Refused(_("This milestone has been checked already."))
    if checked_on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."))
    if not findings.strip():
        raise Refused(_("Write down the findings."))
    milestone.status = MilestoneStatus.PASSED if passed else MilestoneStatus.FAILED
    milestone.findings, milestone.checked_on, milestone.checked_by = findings, checked_on, actor
    milestone.save()
    _event(actor, project, f"{milestone.kind} checked", title=milestone.title, passed=passed)
    return milestone


def _checklist(project: Project) -> list[dict]:
    items = [
        {
            "key": f"ind-{i.pk}",
            "indicator": i.pk,
            "name": i.name,
            "target": money(i.target) if i.target is not None else "",
            "measure": i.measure,
            "achieved": "",
            "met": None,
        }
        for i in project.indicators.all()
    ]
    items += [
        {
            "key": key,
            "indicator": None,
            "name": name,
            "target": "",
            "measure": "",
            "achieved": "",
            "met": None,
        }
        for key, name in STANDARD_ITEMS
    ]
    return items


@transaction.atomic
def acceptance_open(*, actor, project: Project, opened_on: dt.date) -> Acceptance:
    """Start an acceptance: its checklist is generated from the task-book indicators."""
    require(is_bureau(actor))
    _open(project)
    if project.acceptances.filter(outcome="").exists():
        raise Refused(_("An acceptance of this project is already open."))
    if not project.indicators.exists():
        raise Refused(_("The task book has no indicator to check against."))
    acc = Acceptance.objects.create(project=project, opened_on=opened_on, checklist=_checklist(project))
    _event(actor, project, "acceptance opened")
    return acc


def _cancel_planned(project: Project) -> int:
    return project.tranches.filter(status=TrancheStatus.PLANNED).update(status=TrancheStatus.CANCELLED)


@transaction.atomic
def acceptance_decide(
    *,
    actor,
    acceptance: Acceptance,
    outcome: str,
    results: dict[str, dict],
    decided_on: dt.date,
    remarks: str = "",
    new_due: dt.date | None = None,
) -> Acceptance:
    """Enter the results against the checklist and decide: 通过 (every item met, or the remarks
    say why not), 不通过, 延期 (to a new due date) or 终止."""
    require(is_bureau(actor))
    acc = Acceptance.objects.select_for_update().select_related("project").get(pk=acceptance.pk)
    project = acc.project
    _open(project)
    if acc.outcome:
        raise Refused(_("This acceptance has been decided."))
    if outcome not in AcceptanceOutcome.values:
        raise Refused(_("Choose the outcome."))
    if decided_on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."))
    problems = []
    checklist = []
    for item in acc.checklist:
        got = results.get(item["key"], {})
        met = got.get("met")
        achieved = got.get("achieved", "")
        if met is None:
            problems.append(_("{item}: say whether it is met.").format(item=item["name"]))
        if item["indicator"] and achieved not in ("", None):
            try:
                Decimal(str(achieved))
            except ArithmeticError:
                problems.append(_("{item}: the achieved value is not a number.").format(item=item["name"]))
        checklist.append({**item, "achieved": "" if achieved is None else str(achieved), "met": met})
    unmet = [i["name"] for i in checklist if i["met"] is False]
    if outcome == AcceptanceOutcome.PASSED and unmet and not remarks.strip():
        problems.append(
            _("Items not met ({items}): say in the remarks why the project passes all the same.").format(
                items="、".join(unmet)
            )
        )
    if outcome in (AcceptanceOutcome.FAILED, AcceptanceOutcome.TERMINATED) and not remarks.strip():
        problems.append(_("Give the reasons in the remarks."))
    if outcome == AcceptanceOutcome.POSTPONED and (new_due is None or new_due <= decided_on):
        problems.append(_("A postponement needs a new due date after the decision."))
    if problems:
        raise Refused(*problems)
    acc.checklist = checklist
    acc.outcome, acc.decided_on, acc.decided_by, acc.remarks = outcome, decided_on, actor, remarks
    acc.new_due = new_due if outcome == AcceptanceOutcome.POSTPONED else None
    acc.save()
    for item in checklist:
        if item["indicator"]:
            TaskIndicator.objects.filter(pk=item["indicator"]).update(
                achieved=Decimal(item["achieved"]) if item["achieved"] not in ("", None) else None,
                met=item["met"],
            )
    if outcome == AcceptanceOutcome.POSTPONED:
        project.status, project.extended_to = ProjectStatus.EXTENDED, new_due
    else:
        project.status = {
            AcceptanceOutcome.PASSED: ProjectStatus.ACCEPTED,
            AcceptanceOutcome.FAILED: ProjectStatus.FAILED,
            AcceptanceOutcome.TERMINATED: ProjectStatus.TERMINATED,
        }[outcome]
        project.closed_on, project.close_reason = decided_on, remarks
        if outcome != AcceptanceOutcome.PASSED:
            _cancel_planned(project)
    project.save()
    ensure_in_scope(project, actor)
    _event(actor, project, "acceptance decided", outcome=outcome)
    return acc


@transaction.atomic
def project_extend(*, actor, project: Project, new_due: dt.date, reason: str) -> Project:
    """Overdue clean-up: extend the due date (once the reason is given)."""
    require(is_bureau(actor))
    _open(project)
    if new_due <= project.due_on:
        raise Refused(_("The new due date must be after {due}.").format(due=project.due_on.isoformat()))
    if not reason.strip():
        raise Refused(_("Give the reason for the extension."))
    old = project.due_on
    project.status, project.extended_to = ProjectStatus.EXTENDED, new_due
    project.save()
    _event(
        actor,
        project,
        "project extended",
        old_due=old.isoformat(),
        new_due=new_due.isoformat(),
        reason=reason,
    )
    return project


@transaction.atomic
def project_terminate(*, actor, project: Project, reason: str, on: dt.date) -> Project:
    """Overdue clean-up (or any time): terminate; planned tranches are cancelled."""
    require(is_bureau(actor))
    _open(project)
    if not reason.strip():
        raise Refused(_("Give the reason for terminating the project."))
    if on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."))
    project.status, project.closed_on, project.close_reason = ProjectStatus.TERMINATED, on, reason
    project.save()
    cancelled = _cancel_planned(project)
    project.acceptances.filter(outcome="").update(
        outcome=AcceptanceOutcome.TERMINATED, decided_on=on, remarks=reason
    )
    _event(actor, project, "project terminated", reason=reason, cancelled_tranches=cancelled)
    return project
