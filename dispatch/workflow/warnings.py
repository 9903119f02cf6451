"""Warnings and escalation (plan 四(二)二是、三是).

The figures of dispatch/figures.py raise warning codes per unit × indicator × month (CONTRACTS.md
defaults, thresholds configurable); `warnings_refresh` persists them for the districts and zones
with a level and the action the plan prescribes, and keeps their lifecycle: open → dispatched (a
dispatch meeting was convened on them) → resolved (by the bureau, or cleared when corrected
figures no longer warn), or escalated (a special report or a bulletin was sent).

Decisions where the plan and the brief are silent:
- Reference indicators (GDP, the firm counts: no target of their own) and the city are not
  warned here; the dashboard shows their figures.
- Level: red for negative growth or three or more codes at once; orange for a growth drop or a
  bottom rank, or two codes; yellow otherwise (behind schedule, target at risk).
- Action: warned again after a dispatch meeting held on the same unit and indicator before the
  end of the month → a written special report (经调度仍无实质性进展); behind schedule for
  SLOW_MONTHS months running → a special report (进度缓慢、久拖不决); negative growth, a large
  growth drop or a bottom rank → propose a dispatch meeting; at month 12, behind schedule or at
  risk means the year's target was not delivered → a bulletin (不按量完成); otherwise keep watching.
- A unit red on the same indicator in two consecutive months (December counts before January)
  gets a follow-up order by itself, unless one opened that way is still not closed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.figures import dispatch_figures
from dispatch.models import (
    DispatchMeeting,
    DispatchWarning,
    Escalation,
    EscalationKind,
    FollowUpOrder,
    ItemAssignment,
    ItemStatus,
    MeetingStatus,
    OrderSource,
    OrderStatus,
    WarningAction,
    WarningCode,
    WarningLevel,
    WarningStatus,
)
from dispatch.workflow.common import REPORTING_KINDS, WorkflowError, ensure_bureau, now_or, reporting_units
from dispatch.workflow.followup import ORDER_ANSWER_DAYS, order_issue
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from org.models import Unit
from plan.models import Indicator

__all__ = [
    "FIGURE_FIELDS",
    "MEETING_CODES",
    "SLOW_MONTHS",
    "RefreshResult",
    "bulletin_proposals",
    "escalation_create",
    "meeting_convene",
    "meeting_record",
    "prescribed_action",
    "warning_level",
    "warning_resolve",
    "warnings_refresh",
]

MEETING_CODES = frozenset({WarningCode.NEGATIVE_GROWTH, WarningCode.GROWTH_DROP, WarningCode.BOTTOM_RANK})
SLOW_MONTHS = 3
FIGURE_FIELDS = ("target", "actual", "completion", "time_progress", "yoy", "growth_drop", "rank", "forecast")
LIVE = (WarningStatus.OPEN, WarningStatus.DISPATCHED)


def warning_level(codes) -> str:
    codes = set(codes)
    if WarningCode.NEGATIVE_GROWTH in codes or len(codes) >= 3:
        return WarningLevel.RED
    if codes & {WarningCode.GROWTH_DROP, WarningCode.BOTTOM_RANK} or len(codes) == 2:
        return WarningLevel.ORANGE
    return WarningLevel.YELLOW


def prescribed_action(codes, month: int, *, after_meeting: bool = False, slow_months: int = 0) -> str:
    codes = set(codes)
    if after_meeting:
        return WarningAction.SPECIAL_REPORT
    if month == 12 and codes & {WarningCode.BEHIND_SCHEDULE, WarningCode.AT_RISK}:
        return WarningAction.BULLETIN
    if codes & MEETING_CODES:
        return WarningAction.DISPATCH_MEETING
    if WarningCode.BEHIND_SCHEDULE in codes and slow_months >= SLOW_MONTHS:
        return WarningAction.SPECIAL_REPORT
    return WarningAction.WATCH


@dataclass
class RefreshResult:
    year: int
    month: int
    created: int = 0
    updated: int = 0
    cleared: int = 0
    orders: list = field(default_factory=list)


def _month_end(year: int, month: int) -> dt.date:
    return (
        dt.date(year + 1, 1, 1) - dt.timedelta(days=1)
        if month == 12
        else dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    )


def _clear(w: DispatchWarning, when) -> None:
    w.cleared, w.status, w.resolved_at, w.resolved_by = True, WarningStatus.RESOLVED, when, None
    w.note = _("Cleared: the figures no longer raise a warning.")
    w.save()


def _jsonable(row: dict) -> dict:
    return {k: row.get(k) for k in FIGURE_FIELDS}


@transaction.atomic
def warnings_refresh(*, actor=None, year: int, month: int, at: dt.datetime | None = None) -> RefreshResult:
    """Persist the warnings of (year, month) from the figures; open the follow-up orders of
    units red on an indicator two months running. Idempotent: running it again changes nothing."""
    ensure_bureau(actor)
    if not 1 <= month <= 12:
        raise WorkflowError(_("Choose a month between 1 and 12."), field="month")
    when = now_or(at)
    result = RefreshResult(year, month)
    units = {u.code: u for u in reporting_units()}
    indicators = {i.code: i for i in Indicator.objects.filter(reference=False)}
    held = {
        (w.unit_id, w.indicator_id): w
        for w in DispatchWarning.objects.select_for_update().filter(year=year, month=month)
    }
    # This year's earlier warnings: was the pair dispatched at a meeting held by the end of this
    # month, and for how many months running has it been behind schedule?
    earlier = defaultdict(dict)
    for w in DispatchWarning.objects.filter(year=year, month__lt=month).select_related("meeting"):
        earlier[(w.unit_id, w.indicator_id)][w.month] = w
    month_end = _month_end(year, month)

    for row in dispatch_figures(year, month):
        unit, ind = units.get(row["unit"]), indicators.get(row["indicator"])
        if unit is None or ind is None:
            continue
        key = (unit.pk, ind.pk)
        w = held.pop(key, None)
        codes = list(row["warnings"] or [])
        if not codes:
            if w is not None and w.status in LIVE:
                _clear(w, when)
                result.cleared += 1
            continue
        history = earlier.get(key, {})
        after_meeting = any(
            h.meeting is not None
            and h.meeting.status == MeetingStatus.HELD
            and h.meeting.held_on <= month_end
            for h in history.values()
        )
        slow = 1 if WarningCode.BEHIND_SCHEDULE in codes else 0
        if slow:
            m = month - 1
            while m in history and WarningCode.BEHIND_SCHEDULE in history[m].codes and not history[m].cleared:
                slow += 1
                m -= 1
        values = {
            "codes": codes,
            "level": warning_level(codes),
            "figures": _jsonable(row),
            "action": prescribed_action(codes, month, after_meeting=after_meeting, slow_months=slow),
        }
        if w is None:
            DispatchWarning.objects.create(unit=unit, indicator=ind, year=year, month=month, **values)
            result.created += 1
            continue
        changed = any(getattr(w, k) != v for k, v in values.items())
        if w.cleared:  # corrected figures warn again
            w.cleared, w.status, w.resolved_at, w.resolved_by, w.note = (
                False,
                WarningStatus.OPEN,
                None,
                None,
                "",
            )
            changed = True
        if changed:
            for k, v in values.items():
                setattr(w, k, v)
            w.save()
            result.updated += 1
    for w in held.values():  # no figure any more (e.g. a target removed)
        if w.status in LIVE:
            _clear(w, when)
            result.cleared += 1

    result.orders = _red_twice_orders(year, month, when)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        message="warnings refreshed",
        data={
            "year": year,
            "month": month,
            "created": result.created,
            "updated": result.updated,
            "cleared": result.cleared,
            "orders": [o.number for o in result.orders],
        },
    )
    return result


def _red_twice_orders(year: int, month: int, when: dt.datetime) -> list[FollowUpOrder]:
    py, pm = (year - 1, 12) if month == 1 else (year, month - 1)
    previous = set(
        DispatchWarning.objects.filter(year=py, month=pm, level=WarningLevel.RED, cleared=False).values_list(
            "unit_id", "indicator_id"
        )
    )
    opened = []
    red = (
        DispatchWarning.objects.filter(year=year, month=month, level=WarningLevel.RED, cleared=False)
        .select_related("unit", "indicator")
        .order_by("unit__order", "indicator__order")
    )
    for w in red:
        if (w.unit_id, w.indicator_id) not in previous:
            continue
        pending = FollowUpOrder.objects.filter(
            unit_id=w.unit_id, warning__indicator_id=w.indicator_id, source=OrderSource.RED_TWICE
        ).exclude(status=OrderStatus.CLOSED)
        if pending.exists():
            continue
        opened.append(
            order_issue(
                actor=None,
                unit=w.unit,
                year=year,
                subject=_("{indicator}: red warning two months running").format(indicator=w.indicator.name),
                body=_(
                    "{unit}'s {indicator} was at a red warning in {previous} and {period} ({codes}). Report "
                    "the causes, the measures taken and when the figure will recover."
                ).format(
                    unit=w.unit.name,
                    indicator=w.indicator.name,
                    previous=f"{py}-{pm:02d}",
                    period=w.period,
                    codes="、".join(str(label) for label in w.code_labels),
                ),
                due=timezone.localdate(when) + dt.timedelta(days=ORDER_ANSWER_DAYS),
                source=OrderSource.RED_TWICE,
                warning=w,
                at=when,
            )
        )
    return opened


# ---------------------------------------------------------------------------------------------
# Lifecycle steps
# ---------------------------------------------------------------------------------------------


def _event(actor, obj, message: str, **data) -> None:
    record_event(EventAction.WORKFLOW, actor=actor, obj=obj, message=message, data=data)


@transaction.atomic
def meeting_convene(
    *,
    actor,
    year: int,
    held_on: dt.date,
    title: str,
    chair: str,
    units=(),
    warnings=(),
    minutes: str = "",
    decisions: str = "",
    held: bool = False,
) -> DispatchMeeting:
    """Convene a dispatch meeting (调度会) on open warnings: the warnings are dispatched to it and
    their units called to it."""
    ensure_bureau(actor)
    if not title.strip():
        raise WorkflowError(_("Give the meeting a title."), field="title")
    if not chair.strip():
        raise WorkflowError(_("Name the city leader who chairs the meeting."), field="chair")
    warnings = list(warnings)
    for w in warnings:
        if w.status not in LIVE:
            raise WorkflowError(
                _("The warning {warning} is {status}; only open warnings are dispatched.").format(
                    warning=str(w), status=w.get_status_display()
                ),
                field="warnings",
            )
    unit_ids = {u.pk for u in units} | {w.unit_id for w in warnings}
    if not unit_ids:
        raise WorkflowError(_("Choose the units called to the meeting."), field="units")
    if Unit.objects.filter(pk__in=unit_ids).exclude(kind__in=REPORTING_KINDS).exists():
        raise WorkflowError(_("Only districts and zones are called to a dispatch meeting."), field="units")
    meeting = DispatchMeeting.objects.create(
        year=year,
        held_on=held_on,
        title=title.strip(),
        chair=chair.strip(),
        minutes=minutes.strip(),
        decisions=decisions.strip(),
        status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
        convened_by=actor,
    )
    meeting.units.set(unit_ids)
    for w in warnings:
        w.meeting, w.status = meeting, WarningStatus.DISPATCHED
        w.save()
    _event(
        actor,
        meeting,
        "dispatch meeting convened",
        held_on=held_on.isoformat(),
        units=sorted(Unit.objects.filter(pk__in=unit_ids).values_list("code", flat=True)),
        warnings=[w.pk for w in warnings],
    )
    return meeting


@transaction.atomic
def meeting_record(
    *, actor, meeting: DispatchMeeting, minutes: str, decisions: str, held: bool = True, held_on=None
) -> DispatchMeeting:
    """Record the minutes and decisions of a meeting (and that it was held)."""
    ensure_bureau(actor)
    meeting.minutes, meeting.decisions = (minutes or "").strip(), (decisions or "").strip()
    if held_on is not None:
        meeting.held_on = held_on
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.PLANNED
    if meeting.status == MeetingStatus.HELD and not meeting.decisions:
        raise WorkflowError(_("Record the decisions of the meeting."), field="decisions")
    meeting.save()
    _event(actor, meeting, "dispatch meeting recorded", status=meeting.status)
    return meeting


@transaction.atomic
def warning_resolve(
    *, actor, warning: DispatchWarning, note: str, at: dt.datetime | None = None
) -> DispatchWarning:
    """The bureau closes a warning, saying what settled it."""
    ensure_bureau(actor)
    warning = DispatchWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.status not in LIVE:
        raise WorkflowError(_("Only an open or dispatched warning can be resolved."))
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Say what settled the warning."), field="note")
    warning.status, warning.note, warning.resolved_at, warning.resolved_by = (
        WarningStatus.RESOLVED,
        note,
        now_or(at),
        actor,
    )
    warning.save()
    _event(actor, warning, "warning resolved", note=note)
    return warning


RECIPIENTS = {
    EscalationKind.SPECIAL_REPORT: "铜仁市人民政府",
    EscalationKind.BULLETIN: "铜仁市督促督办局",
}


@transaction.atomic
def escalation_create(
    *,
    actor,
    kind: str,
    unit: Unit,
    year: int,
    subject: str,
    body: str,
    sent_on: dt.date,
    recipient: str = "",
    warnings=(),
    order: FollowUpOrder | None = None,
    assignment: ItemAssignment | None = None,
) -> Escalation:
    """A written special report to the city government, or a bulletin requested from the city's
    supervision office, on one unit; the warnings it covers become escalated."""
    ensure_bureau(actor)
    if kind not in EscalationKind.values:
        raise WorkflowError(_("Unknown kind."), field="kind")
    if unit.kind not in REPORTING_KINDS:
        raise WorkflowError(_("Choose a district or a zone."), field="unit")
    if not subject.strip():
        raise WorkflowError(_("Give a subject."), field="subject")
    if not body.strip():
        raise WorkflowError(_("Write the text."), field="body")
    warnings = list(warnings)
    for w in warnings:
        if w.unit_id != unit.pk:
            raise WorkflowError(_("A warning of another unit was chosen."), field="warnings")
        if w.status not in LIVE:
            raise WorkflowError(_("Only open or dispatched warnings are escalated."), field="warnings")
    esc = Escalation.objects.create(
        kind=kind,
        unit=unit,
        year=year,
        subject=subject.strip(),
        body=body.strip(),
        recipient=(recipient or RECIPIENTS[kind]).strip(),
        sent_on=sent_on,
        created_by=actor,
        order=order,
        assignment=assignment,
    )
    for w in warnings:
        w.status, w.escalation = WarningStatus.ESCALATED, esc
        w.save()
    _event(actor, esc, f"{kind} sent", unit=unit.code, warnings=[w.pk for w in warnings])
    return esc


def bulletin_proposals(year: int, *, as_of: dt.date | None = None, units=None) -> list[dict]:
    """Units that failed to deliver on time (不按时、不按期、不按量), each with its reasons: monthly
    reports missing or late, follow-up orders unanswered past their date, key-task items overdue,
    and December warnings showing the year's target missed."""
    from dispatch.workflow.reports import reports_overview

    as_of = as_of or timezone.localdate()
    units = list(units if units is not None else reporting_units())
    reasons: dict[int, list[str]] = defaultdict(list)
    for month in range(1, 13):
        if dt.date(year, month, 1) > as_of:
            break
        for t in reports_overview(year, month, units=units, as_of=as_of):
            if t.state == "missing":
                reasons[t.unit.pk].append(
                    _("Monthly report of {period} missing ({days} days past due)").format(
                        period=f"{year}-{month:02d}", days=t.days_late
                    )
                )
            elif t.state == "late":
                reasons[t.unit.pk].append(
                    _("Monthly report of {period} {days} days late").format(
                        period=f"{year}-{month:02d}", days=t.days_late
                    )
                )
    for order in FollowUpOrder.objects.filter(year=year, unit__in=units, answered_at=None, due__lt=as_of):
        reasons[order.unit_id].append(
            _("Follow-up order {number} unanswered since {due}").format(
                number=order.number, due=order.due.isoformat()
            )
        )
    lagging = (
        ItemAssignment.objects.filter(item__task__plan__year=year, unit__in=units, deadline__lt=as_of)
        .exclude(status=ItemStatus.DONE)
        .select_related("item__task")
    )
    for a in lagging:
        reasons[a.unit_id].append(
            _("Key-task item {item} overdue since {due}").format(
                item=f"{a.item.task.label}{a.item.label}", due=a.deadline.isoformat()
            )
        )
    for w in DispatchWarning.objects.filter(
        year=year, month=12, unit__in=units, action=WarningAction.BULLETIN, status__in=LIVE
    ).select_related("indicator"):
        reasons[w.unit_id].append(
            _("{indicator}: the year's target was not met").format(indicator=w.indicator.name)
        )
    return [{"unit": u, "reasons": reasons[u.pk]} for u in units if reasons.get(u.pk)]
