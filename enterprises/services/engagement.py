"""千企面对面 visits and the technology demands they collect (plan (二)一是): reads for a user
and the business actions.

Who does what:
- the bureau (admin, staff) logs visits and files demands for any enterprise; a district does so
  for its own unit's enterprises; the leader reads;
- an enterprise user may file a demand of its own and edit it while it is still `collected`;
- follow-ups of visits and the status of demands are moved by the district or the bureau.

Demands are counted for TECH_DEMANDS by the month they were collected (enterprises/indicators.py);
`demand_list(year=, month=)` returns exactly the rows behind that figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enterprises.indicators import COUNTERS
from enterprises.models import DemandStatus, Enterprise, FollowUp, TechDemand, Visit
from kechuang.core.audit import record_event
from kechuang.core.models import Event, EventAction
from kechuang.core.roles import CHANGE, VIEW, Role
from kechuang.core.scope import ensure_in_scope, scope_of
from org.models import Unit, UnitKind
from org.units import CITY_CODE

__all__ = [
    "DEMAND_TRANSITIONS",
    "FOLLOW_UP_TRANSITIONS",
    "NOTE_REQUIRED",
    "TECH_DEMANDS",
    "can_file_demands",
    "can_log_visits",
    "demand_create",
    "demand_list",
    "demand_set_status",
    "demand_units",
    "demand_update",
    "history",
    "visit_create",
    "visit_follow_up",
    "visit_list",
    "visit_update",
]

TECH_DEMANDS = next(c for c in COUNTERS if c.indicator == "TECH_DEMANDS")

# The follow-up of a visit only moves forward; a note can be added while it is in progress.
FOLLOW_UP_TRANSITIONS = {
    FollowUp.OPEN: (FollowUp.IN_PROGRESS, FollowUp.DONE),
    FollowUp.IN_PROGRESS: (FollowUp.IN_PROGRESS, FollowUp.DONE),
    FollowUp.DONE: (),
}
# collected → in the call guide → matched with a solver → solved; closed from any open step.
DEMAND_TRANSITIONS = {
    DemandStatus.COLLECTED: (DemandStatus.IN_GUIDE, DemandStatus.CLOSED),
    DemandStatus.IN_GUIDE: (DemandStatus.MATCHED, DemandStatus.CLOSED),
    DemandStatus.MATCHED: (DemandStatus.SOLVED, DemandStatus.CLOSED),
    DemandStatus.SOLVED: (),
    DemandStatus.CLOSED: (),
}
# Matching names the solver; closing says why.
NOTE_REQUIRED = (DemandStatus.MATCHED, DemandStatus.CLOSED)


# --- who may do what --------------------------------------------------------------------------


def can_log_visits(user) -> bool:
    """The bureau, and district staff for their units; this also moves follow-ups and demands."""
    scope = scope_of(user)
    return scope.sees_all(CHANGE) or (Role.DISTRICT in scope.roles and bool(scope.unit_ids))


def can_file_demands(user) -> bool:
    scope = scope_of(user)
    return can_log_visits(user) or (Role.ENTERPRISE in scope.roles and bool(scope.enterprise_ids))


def demand_units(user) -> QuerySet:
    """The units a user may file a demand under: the bureau every district and zone, a district
    its own. Never the city: a city row would read as a figure reported for the city directly."""
    scope = scope_of(user)
    units = Unit.objects.exclude(kind=UnitKind.CITY)
    if scope.sees_all(CHANGE):
        return units
    if Role.DISTRICT in scope.roles and scope.unit_ids:
        return units.filter(pk__in=scope.unit_ids)
    return units.none()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("not allowed for this role")


# --- reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilters:
    unit: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    follow_up: str = ""
    enterprise: int | None = None
    q: str = ""


def visit_list(*, fetched_by, filters: VisitFilters | None = None) -> QuerySet:
    f = filters or VisitFilters()
    qs = Visit.objects.for_user(fetched_by).select_related("enterprise__unit")
    if f.unit == CITY_CODE:
        qs = qs.filter(enterprise__unit__kind=UnitKind.DISTRICT)
    elif f.unit:
        qs = qs.filter(enterprise__unit__code=f.unit)
    if f.since:
        qs = qs.filter(visited_on__gte=f.since)
    if f.until:
        qs = qs.filter(visited_on__lte=f.until)
    if f.follow_up:
        qs = qs.filter(follow_up=f.follow_up)
    if f.enterprise:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.q:
        qs = qs.filter(Q(enterprise__name__contains=f.q) | Q(enterprise__uscc=f.q.upper()))
    return qs.annotate(demand_count=Count("demands")).order_by("-visited_on", "-id")


@dataclass(frozen=True)
class DemandFilters:
    unit: str = ""
    field: str = ""
    status: str = ""
    year: int | None = None
    month: int | None = None
    only_month: bool = False
    enterprise: int | None = None
    visit: int | None = None
    q: str = ""


def demand_list(*, fetched_by, filters: DemandFilters | None = None) -> QuerySet:
    """The demands a user sees, filtered. With `year` (and `month`) and no `only_month`, the
    rows are those TECH_DEMANDS counts for that unit, year to date up to the month (the whole
    year without a month); unit 520600 is the city figure, the sum of the 10 districts."""
    f = filters or DemandFilters()
    qs = TechDemand.objects.for_user(fetched_by).select_related("unit", "enterprise", "visit")
    if f.year and not f.only_month:
        counted = TECH_DEMANDS.rows(f.year, f.month or 12, None if f.unit == CITY_CODE else f.unit or None)
        qs = qs.filter(pk__in=counted.values("pk"))
    elif f.year:
        qs = qs.filter(collected_on__year=f.year)
        if f.month:
            qs = qs.filter(collected_on__month=f.month)
    if f.unit == CITY_CODE:
        qs = qs.filter(unit__kind=UnitKind.DISTRICT)
    elif f.unit:
        qs = qs.filter(unit__code=f.unit)
    if f.field:
        qs = qs.filter(field=f.field)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.enterprise:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.visit:
        qs = qs.filter(visit_id=f.visit)
    if f.q:
        qs = qs.filter(Q(title__contains=f.q) | Q(enterprise__name__contains=f.q))
    return qs.order_by("-collected_on", "-id")


def demand_fields(*, fetched_by) -> list[str]:
    """Fields already used in the user's demands, for the filter and the form's suggestions."""
    used = TechDemand.objects.for_user(fetched_by).values_list("field", flat=True).distinct()
    return sorted(set(used))


def history(obj) -> QuerySet:
    """The workflow events of one object, oldest first (follow-ups, status changes)."""
    return Event.objects.filter(
        object_type=obj._meta.label, object_id=str(obj.pk), action=EventAction.WORKFLOW
    ).order_by("at", "id")


# --- visits ----------------------------------------------------------------------------------


def _not_future(day: dt.date, field: str) -> None:
    if day > dt.date.today():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def visit_create(
    *, actor, enterprise: Enterprise, visited_on: dt.date, visitors: str, problems: str = ""
) -> Visit:
    _require(can_log_visits(actor))
    _not_future(visited_on, "visited_on")
    visit = Visit.objects.create(
        enterprise=enterprise, visited_on=visited_on, visitors=visitors.strip(), problems=problems.strip()
    )
    ensure_in_scope(visit, actor)
    return visit


@transaction.atomic
def visit_update(
    *, actor, visit: Visit, enterprise: Enterprise, visited_on: dt.date, visitors: str, problems: str = ""
) -> Visit:
    _require(can_log_visits(actor))
    _not_future(visited_on, "visited_on")
    if enterprise.pk != visit.enterprise_id and visit.demands.exists():
        raise ValidationError(
            {"enterprise": _("Demands were recorded from this visit; it stays with its enterprise.")}
        )
    visit.enterprise, visit.visited_on = enterprise, visited_on
    visit.visitors, visit.problems = visitors.strip(), problems.strip()
    visit.save()
    ensure_in_scope(visit, actor)
    return visit


@transaction.atomic
def visit_follow_up(*, actor, visit: Visit, status: str, note: str) -> Visit:
    """Move the follow-up forward (open → in progress → done) with a note of what was done."""
    _require(can_log_visits(actor))
    note = note.strip()
    if status not in FOLLOW_UP_TRANSITIONS.get(visit.follow_up, ()):
        raise ValidationError(
            {
                "follow_up": _("A follow-up that is “{current}” cannot become “{new}”.").format(
                    current=visit.get_follow_up_display(), new=dict(FollowUp.choices).get(status, status)
                )
            }
        )
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    before = visit.follow_up
    visit.follow_up, visit.follow_up_note = status, note
    visit.save(update_fields=["follow_up", "follow_up_note", "updated"])
    ensure_in_scope(visit, actor)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=visit,
        message=f"visit follow-up {before} → {status}",
        data={"from": before, "to": status, "note": note},
    )
    return visit


# --- demands ---------------------------------------------------------------------------------


def _check_demand(*, unit: Unit | None, enterprise: Enterprise | None, visit: Visit | None, data: dict):
    """The unit follows the enterprise (and the enterprise the visit); returns the unit."""
    if visit is not None:
        if enterprise is not None and enterprise.pk != visit.enterprise_id:
            raise ValidationError({"enterprise": _("The demand's enterprise must be the visited one.")})
        enterprise = visit.enterprise
    if enterprise is not None:
        if unit is not None and unit.pk != enterprise.unit_id:
            raise ValidationError(
                {"unit": _("{enterprise} is in {unit}.").format(enterprise=enterprise, unit=enterprise.unit)}
            )
        unit = enterprise.unit
    if unit is None:
        raise ValidationError(
            {"unit": _("Choose the enterprise or, for a demand of no one enterprise, the unit.")}
        )
    if unit.kind == UnitKind.CITY:
        raise ValidationError({"unit": _("File the demand under a district or a zone, not the city.")})
    collected, deadline = data.get("collected_on"), data.get("deadline")
    if collected is not None:
        _not_future(collected, "collected_on")
        if visit is not None and collected < visit.visited_on:
            raise ValidationError({"collected_on": _("A demand cannot be collected before its visit.")})
    if collected is not None and deadline is not None and deadline < collected:
        raise ValidationError({"deadline": _("The wanted-by date is before the collection date.")})
    budget = data.get("budget")
    if budget is not None and Decimal(budget) < 0:
        raise ValidationError({"budget": _("The budget cannot be negative.")})
    return enterprise, unit


_DEMAND_FIELDS = ("title", "field", "description", "budget", "deadline", "collected_on")


@transaction.atomic
def demand_create(
    *,
    actor,
    title: str,
    field: str,
    description: str,
    collected_on: dt.date,
    unit: Unit | None = None,
    enterprise: Enterprise | None = None,
    visit: Visit | None = None,
    budget: Decimal | None = None,
    deadline: dt.date | None = None,
) -> TechDemand:
    _require(can_file_demands(actor))
    data = {
        "title": title.strip(),
        "field": field.strip(),
        "description": description.strip(),
        "budget": budget,
        "deadline": deadline,
        "collected_on": collected_on,
    }
    enterprise, unit = _check_demand(unit=unit, enterprise=enterprise, visit=visit, data=data)
    demand = TechDemand.objects.create(unit=unit, enterprise=enterprise, visit=visit, **data)
    ensure_in_scope(demand, actor)
    return demand


def _district_or_bureau(actor) -> bool:
    return can_log_visits(actor)


@transaction.atomic
def demand_update(
    *, actor, demand: TechDemand, unit: Unit | None = None, enterprise: Enterprise | None = None, **data
) -> TechDemand:
    """Change what the demand says; its status moves only through `demand_set_status`. The
    enterprise may edit its own demand while it is still collected."""
    _require(can_file_demands(actor))
    if not _district_or_bureau(actor) and demand.status != DemandStatus.COLLECTED:
        raise ValidationError(_("The demand is being handled; ask your district to change it."))
    unknown = set(data) - set(_DEMAND_FIELDS)
    if unknown:
        raise ValueError(f"these fields cannot be changed here: {', '.join(sorted(unknown))}")
    values = {f: data.get(f, getattr(demand, f)) for f in _DEMAND_FIELDS}
    for f in ("title", "field", "description"):
        values[f] = (values[f] or "").strip()
    if demand.visit_id is not None:
        enterprise, unit = demand.visit.enterprise, None
    enterprise, unit = _check_demand(unit=unit, enterprise=enterprise, visit=demand.visit, data=values)
    for f, v in values.items():
        setattr(demand, f, v)
    demand.enterprise, demand.unit = enterprise, unit
    demand.save()
    ensure_in_scope(demand, actor)
    return demand


@transaction.atomic
def demand_set_status(*, actor, demand: TechDemand, status: str, note: str = "") -> TechDemand:
    """One step of the demand's flow, audited as a workflow event with its note."""
    _require(_district_or_bureau(actor))
    note = note.strip()
    if status not in DEMAND_TRANSITIONS.get(demand.status, ()):
        raise ValidationError(
            {
                "status": _("A demand that is “{current}” cannot become “{new}”.").format(
                    current=demand.get_status_display(), new=dict(DemandStatus.choices).get(status, status)
                )
            }
        )
    if status in NOTE_REQUIRED and not note:
        raise ValidationError(
            {
                "note": _("Name the solver it was matched with.")
                if status == DemandStatus.MATCHED
                else _("Say why the demand is closed.")
            }
        )
    before = demand.status
    demand.status = status
    demand.save(update_fields=["status", "updated"])
    ensure_in_scope(demand, actor)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=demand,
        message=f"tech demand {before} → {status}",
        data={"from": before, "to": status, "note": note},
    )
    return demand


def visible_units(user) -> QuerySet:
    """Units offered in a list's filter: every unit for those who see the whole city, else the
    user's own (a filter on another unit would show nothing anyway)."""
    scope = scope_of(user)
    units = Unit.objects.all()
    if scope.sees_all(VIEW):
        return units
    return units.filter(pk__in=scope.unit_ids)
