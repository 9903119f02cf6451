"""The plan's own deadlines checked against the project records (key task (十)一是: 上半年完成计划
项目申报及评审; 三季度前完成全年所有科技项目申报、评审、立项及资金拨付).

A deadline of the plan (plan.Deadline) is checked by what its text names:
- funding (its text names 拨付, paying the funds): every project of the year (projects.Project,
  `year`) is to be approved and have a tranche paid by the due date;
- review (its text names 评审 and not 拨付): every application to the year's call that the bureau
  took into expert review (`accepted_at` set, not withdrawn) is to have its review completed
  (`reviewed_at`) by the due date.
A deadline naming neither is not checked here (no record says when it is met).

State: `no_records` without a record to check; `met` when every record was done by the due date;
`missed` when the due date has passed and a record was done late or is not done; else `pending`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from plan.models import Deadline

__all__ = ["DeadlineCheck", "FUNDING", "REVIEW", "deadline_checks"]

REVIEW, FUNDING = "review", "funding"
MET, MISSED, PENDING, NO_RECORDS = "met", "missed", "pending", "no_records"


@dataclass(frozen=True)
class DeadlineCheck:
    deadline: Deadline
    kind: str
    total: int
    on_time: int  # done by the due date
    late: int  # done after it
    open: int  # not done
    state: str


def kind_of(text: str) -> str | None:
    if "拨付" in text:
        return FUNDING
    if "评审" in text:
        return REVIEW
    return None


def _review_counts(year: int, due: dt.date) -> tuple[int, int, int]:
    from projects.models import Application, ApplicationStatus

    tz = timezone.get_current_timezone()
    end = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time()), tz)
    row = (
        Application.objects.filter(guide__year=year, accepted_at__isnull=False)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .aggregate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(reviewed_at__lt=end)),
            late=Count("pk", filter=Q(reviewed_at__gte=end)),
        )
    )
    return row["total"], row["on_time"], row["late"]


def _funding_counts(year: int, due: dt.date) -> tuple[int, int, int]:
    from projects.models import Project, TrancheStatus

    rows = (
        Project.objects.filter(year=year)
        .annotate(first_paid=Min("tranches__paid_on", filter=Q(tranches__status=TrancheStatus.PAID)))
        .values_list("approved_on", "first_paid")
    )
    total = on_time = late = 0
    for approved, paid in rows:
        total += 1
        if paid is None:
            continue
        if approved <= due and paid <= due:
            on_time += 1
        else:
            late += 1
    return total, on_time, late


def deadline_checks(deadlines, year: int, *, today: dt.date | None = None) -> list[DeadlineCheck]:
    """The checks of the given plan deadlines (those of a kind this module knows), in order."""
    today = today or timezone.localdate()
    out = []
    for d in deadlines:
        kind = kind_of(d.text)
        if kind is None:
            continue
        total, on_time, late = (_funding_counts if kind == FUNDING else _review_counts)(year, d.due)
        open_ = total - on_time - late
        if total == 0:
            state = NO_RECORDS
        elif on_time == total:
            state = MET
        elif today > d.due:
            state = MISSED
        else:
            state = PENDING
        out.append(DeadlineCheck(d, kind, total, on_time, late, open_, state))
    return out
