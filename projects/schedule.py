"""The plan's schedule for city S&T projects ((七)四是): application and review done in the first
half year (by 30 June), approval and disbursement of every project before the end of the third
quarter (by 30 September). `schedule_findings(year)` lists the late items — for the page
/projects/schedule/ and for the dispatch module's follow-up (督办) warnings.

An item is late when it was done after its due date, or is still not done and the due date has
passed (as of `as_of`, default today; a step done after `as_of` counts as not yet done). What "done" means:
- review (due 30 June), for every application submitted to the year's guide and still in the
  pipeline: the review completed (reviewed_at), or the application otherwise settled before review
  (not recommended by the district, or not approved by the bureau without review);
- approval (due 30 September), for every application accepted for review: the approval (the
  project's approval date) or the decision not to approve;
- disbursement (due 30 September), for every project approved from the year's call: its first
  tranche paid;
- the guide itself (due 30 June): its submission window must close in time for the review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Application, ApplicationStatus, CallGuide, Project, ProjectKind, TrancheStatus

__all__ = ["Finding", "schedule_due", "schedule_findings"]

KINDS = ("guide", "review", "approval", "disbursement")


def schedule_due(year: int) -> dict[str, dt.date]:
    h1, q3 = dt.date(year, 6, 30), dt.date(year, 9, 30)
    return {"guide": h1, "review": h1, "approval": q3, "disbursement": q3}


@dataclass(frozen=True)
class Finding:
    """One late item: what (`kind`), which object, its unit code, the due date, when it was done
    (None: not yet) and how many days late as of the check."""

    kind: str
    unit: str
    object_label: str
    object_id: int
    number: str
    title: str
    due: dt.date
    done_on: dt.date | None
    days_late: int
    url: str

    @property
    def message(self) -> str:
        what = {
            "guide": _("Call guide {number}: applications close after the first half year ends"),
            "review": _("Application {number}: application and review not completed in the first half year"),
            "approval": _("Application {number}: approval not decided by the end of the third quarter"),
            "disbursement": _("Project {number}: first tranche not paid by the end of the third quarter"),
        }[self.kind].format(number=self.number)
        if self.done_on:
            return _("{what} (done on {done}, {days} days late)").format(
                what=what, done=self.done_on.isoformat(), days=self.days_late
            )
        return _("{what} (not done, {days} days late)").format(what=what, days=self.days_late)


def _date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def _finding(kind, obj, unit, number, title, due, done, as_of, url) -> Finding | None:
    if done is not None and done > as_of:
        done = None  # not yet done as of the check
    if done is not None and done <= due:
        return None
    if done is None and as_of <= due:
        return None
    late = ((done or as_of) - due).days
    return Finding(kind, unit, obj._meta.label, obj.pk, number, title, due, done, late, url)


def schedule_findings(year: int, as_of: dt.date | None = None) -> list[Finding]:
    """The late items of `year`'s city projects, by due date, unit and number. Unscoped (the
    system's view): callers showing them to a user filter by the user's units."""
    as_of = as_of or timezone.localdate()
    due = schedule_due(year)
    out: list[Finding] = []
    guide = CallGuide.objects.filter(year=year).select_related("unit").first()
    if guide is None:
        return out
    f = _finding(
        "guide",
        guide,
        guide.unit.code,
        str(guide.year),
        guide.title,
        due["guide"],
        # The window closing on time is "done" at its closing date.
        _date(guide.closes_at),
        as_of,
        reverse("projects_guide_detail", args=[guide.pk]),
    )
    if f:
        out.append(f)
    apps = (
        Application.objects.filter(guide=guide, submitted_at__isnull=False)
        .exclude(
            status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.RETURNED, ApplicationStatus.DRAFT]
        )
        .select_related("unit", "project")
        .order_by("number")
    )
    for app in apps:
        url = reverse("projects_application_detail", args=[app.pk])
        if app.status == ApplicationStatus.NOT_RECOMMENDED:
            reviewed = _date(app.recommended_at)
        elif app.reviewed_at is not None:
            reviewed = _date(app.reviewed_at)
        elif app.status == ApplicationStatus.REJECTED:
            reviewed = _date(app.decided_at)
        else:
            reviewed = None
        f = _finding("review", app, app.unit.code, app.number, app.title, due["review"], reviewed, as_of, url)
        if f:
            out.append(f)
        if app.accepted_at is None:
            continue
        if app.status == ApplicationStatus.APPROVED:
            decided = app.project.approved_on
        elif app.status == ApplicationStatus.REJECTED:
            decided = _date(app.decided_at)
        else:
            decided = None
        f = _finding(
            "approval", app, app.unit.code, app.number, app.title, due["approval"], decided, as_of, url
        )
        if f:
            out.append(f)
    projects = Project.objects.filter(kind=ProjectKind.CALL, application__guide=guide).select_related("unit")
    for p in projects.prefetch_related("tranches").order_by("number"):
        first = min(p.tranches.all(), key=lambda t: t.seq, default=None)
        paid = first.paid_on if first is not None and first.status == TrancheStatus.PAID else None
        f = _finding(
            "disbursement",
            p,
            p.unit.code,
            p.number,
            p.title,
            due["disbursement"],
            paid,
            as_of,
            reverse("projects_project_detail", args=[p.pk]),
        )
        if f:
            out.append(f)
    out.sort(key=lambda f: (f.due, KINDS.index(f.kind), f.unit, f.number))
    return out
