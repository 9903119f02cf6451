"""The dispatch workflow's records a document reports on: warnings and what was done about them,
report timeliness, key-task items, follow-up orders, dispatch meetings, escalations and the
yearly assessment. Each reader returns plain JSON-ready data for the document's snapshot, with
`available: False` where the workflow module that keeps such records is not installed (the
document then says there is no data, never a made-up figure).

All reads are unscoped: documents are the bureau's, covering every unit; who may read a document
is decided on the document (documents.models.Document)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone, translation

__all__ = [
    "assessment_of",
    "escalations_of",
    "items_of",
    "meetings_of",
    "orders_of",
    "timeliness_of",
    "warnings_of",
]

UNAVAILABLE = {"available": False, "rows": []}


def _day(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.isoformat()


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def warnings_of(year: int, months: list[int]) -> dict:
    """The warnings kept for the months, with their status and what was done: the dispatch
    meeting, the escalation, the follow-up orders, the note."""
    try:
        from dispatch.models import DispatchWarning
    except ImportError:
        return UNAVAILABLE
    rows = []
    qs = (
        DispatchWarning.objects.filter(year=year, month__in=months)
        .select_related("unit", "indicator", "meeting", "escalation")
        .prefetch_related("orders")
        .order_by("month", "unit__order", "indicator__order")
    )
    for w in qs:
        rows.append(
            {
                "unit": w.unit.code,
                "indicator": w.indicator.code,
                "month": w.month,
                "codes": list(w.codes or []),
                "level": w.level,
                "level_label": _zh(w.get_level_display()),
                "status": w.status,
                "status_label": _zh(w.get_status_display()),
                "action_label": _zh(w.get_action_display()),
                "meeting": (
                    {"title": w.meeting.title, "held_on": _day(w.meeting.held_on), "status": w.meeting.status}
                    if w.meeting
                    else None
                ),
                "escalation": (
                    {
                        "kind_label": _zh(w.escalation.get_kind_display()),
                        "subject": w.escalation.subject,
                        "sent_on": _day(w.escalation.sent_on),
                    }
                    if w.escalation
                    else None
                ),
                "orders": [
                    {"number": o.number, "status_label": _zh(o.get_status_display())} for o in w.orders.all()
                ],
                "resolved_on": _day(w.resolved_at),
                "note": w.note,
            }
        )
    return {"available": True, "rows": rows}


def timeliness_of(year: int, months: list[int], as_of: dt.date) -> dict:
    """For each month, every reporting unit's report: on time, late (and by how many days),
    missing (due day passed, not submitted) or pending (not yet due)."""
    try:
        from dispatch.workflow.reports import reports_overview
    except ImportError:
        return UNAVAILABLE
    rows = []
    for month in months:
        for t in reports_overview(year, month, as_of=as_of):
            first = t.first.first_submitted_at if t.first is not None else None
            rows.append(
                {
                    "unit": t.unit.code,
                    "month": month,
                    "due": _day(t.due),
                    "state": t.state,
                    "days_late": t.days_late,
                    "submitted": _day(first),
                }
            )
    return {"available": True, "rows": rows}


def items_of(year: int, as_of: dt.date) -> dict:
    """Key-task items of the year's plan with the state at `as_of` (lagging: deadline passed and
    not done), counted by state, and the lagging ones listed with their latest update."""
    try:
        from dispatch.models import ItemAssignment, ItemUpdate
    except ImportError:
        return UNAVAILABLE
    qs = (
        ItemAssignment.objects.filter(item__task__plan__year=year)
        .select_related("item__task", "unit", "section")
        .order_by("item__task__number", "item__number", "unit__order")
    )
    counts: Counter[str] = Counter()
    lagging = []
    for a in qs:
        state = a.state(as_of)
        counts[state] += 1
        if state != "lagging":
            continue
        update = (
            ItemUpdate.objects.filter(assignment=a, on__lte=as_of)
            .order_by("-on", "-id")
            .only("text", "on")
            .first()
        )
        lagging.append(
            {
                "item": f"{a.item.task.label}{a.item.label}",
                "text": a.item.text,
                "unit": a.unit.code,
                "section": a.section.name if a.section else "",
                "person": a.person,
                "deadline": _day(a.deadline),
                "status_label": _zh(a.get_status_display()),
                "days_overdue": (as_of - a.deadline).days if a.deadline else None,
                "latest_update": update.text if update else "",
                "latest_update_on": _day(update.on) if update else None,
            }
        )
    return {"available": True, "counts": dict(sorted(counts.items())), "rows": lagging}


def orders_of(year: int, as_of: dt.date) -> dict:
    """Follow-up orders of the year counted by status, and those not answered by their date."""
    try:
        from dispatch.models import FollowUpOrder
    except ImportError:
        return UNAVAILABLE
    counts: Counter[str] = Counter()
    overdue = []
    for o in FollowUpOrder.objects.filter(year=year).select_related("unit").order_by("due", "number"):
        counts[o.status] += 1
        if o.answered_at is None and o.due < as_of and o.status != "closed":
            overdue.append(
                {
                    "number": o.number,
                    "unit": o.unit.code,
                    "subject": o.subject,
                    "due": _day(o.due),
                    "status_label": _zh(o.get_status_display()),
                    "days_overdue": (as_of - o.due).days,
                }
            )
    return {"available": True, "counts": dict(sorted(counts.items())), "rows": overdue}


def meetings_of(year: int, months: list[int]) -> dict:
    try:
        from dispatch.models import DispatchMeeting
    except ImportError:
        return UNAVAILABLE
    rows = []
    qs = DispatchMeeting.objects.filter(year=year, held_on__year=year, held_on__month__in=months)
    for m in qs.prefetch_related("units").order_by("held_on", "id"):
        rows.append(
            {
                "held_on": _day(m.held_on),
                "title": m.title,
                "chair": m.chair,
                "units": [u.code for u in sorted(m.units.all(), key=lambda u: (u.order, u.code))],
                "status": m.status,
                "status_label": _zh(m.get_status_display()),
                "decisions": m.decisions,
            }
        )
    return {"available": True, "rows": rows}


def escalations_of(year: int, months: list[int]) -> dict:
    try:
        from dispatch.models import Escalation
    except ImportError:
        return UNAVAILABLE
    rows = []
    qs = Escalation.objects.filter(year=year, sent_on__year=year, sent_on__month__in=months)
    for e in qs.select_related("unit").order_by("sent_on", "id"):
        rows.append(
            {
                "kind": e.kind,
                "kind_label": _zh(e.get_kind_display()),
                "unit": e.unit.code,
                "subject": e.subject,
                "recipient": e.recipient,
                "sent_on": _day(e.sent_on),
            }
        )
    return {"available": True, "rows": rows}


def assessment_of(year: int) -> dict:
    """The latest assessment run of the year (the one shown), with every unit's score."""
    try:
        from dispatch.models import Assessment
    except ImportError:
        return {"available": False, "run": None, "rows": []}
    run = Assessment.objects.filter(year=year).order_by("-created", "-id").first()
    if run is None:
        return {"available": True, "run": None, "rows": []}
    rows = []
    for s in run.scores.select_related("unit").order_by("group", "rank", "unit__order"):
        rows.append(
            {
                "unit": s.unit.code,
                "group": s.group,
                "rank": s.rank,
                "total": s.total,
                "indicator_part": s.indicator_part,
                "followup_part": s.followup_part,
                "reward": s.reward,
                "reward_amount": float(s.reward_amount) if s.reward_amount is not None else None,
                "no_post_subsidy": s.no_post_subsidy,
            }
        )
    config = run.config or {}
    return {
        "available": True,
        "run": {
            "as_of_month": run.as_of_month,
            "as_of": _day(run.as_of),
            "computed_on": _day(run.created),
            "top_n": config.get("top_n"),
            "reward_amount": config.get("reward_amount"),
        },
        "rows": rows,
    }
