"""Key-task follow-up (督办, plan 四(二)三是 and key tasks (九)(十)): the ledger of every item with
its responsible unit, owner, deadline and status; dated updates; follow-up orders issued by the
bureau or opened by the system, acknowledged and answered by the unit, closed by the bureau."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dispatch.models import (
    FollowUpOrder,
    ItemAssignment,
    ItemStatus,
    ItemUpdate,
    OrderSource,
    OrderStatus,
)
from dispatch.workflow.common import (
    WorkflowError,
    ensure_bureau,
    ensure_writer,
    is_bureau,
    now_or,
    plan_of,
)
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope
from org.models import Unit, UnitKind
from org.units import CITY_CODE
from plan.models import Plan, TaskItem

__all__ = [
    "ORDER_ANSWER_DAYS",
    "assignment_update",
    "followup_check",
    "followup_sync",
    "item_assign",
    "item_update_add",
    "order_acknowledge",
    "order_answer",
    "order_close",
    "order_issue",
    "unit_assignments",
]

# An order opened by the system is to be answered within this many days.
ORDER_ANSWER_DAYS = 10
# co_owners of the plan file that name groups of units rather than bureau sections.
GROUP_OWNERS = {"districts": UnitKind.DISTRICT, "zones": UnitKind.ZONE}


def _in_scope(obj, actor) -> None:
    if actor is not None:
        ensure_in_scope(obj, actor)


def _event(actor, obj, message: str, **data) -> None:
    record_event(EventAction.WORKFLOW, actor=actor, obj=obj, message=message, data=data)


def _default_deadline(item: TaskItem, year: int) -> dt.date:
    """The earliest deadline the plan names for the item, else the end of the plan's year."""
    dues = [d.due for d in item.deadlines.all()]
    return min(dues) if dues else dt.date(year, 12, 31)


def _ensure_assignments(plan: Plan) -> list[ItemAssignment]:
    """Create the missing ledger rows of a plan: the bureau (city unit, through the item's owner
    section) for every item, and every district or zone the item names as co-owner."""
    city = Unit.objects.get(code=CITY_CODE)
    groups = {kind: list(Unit.objects.filter(kind=kind)) for kind in GROUP_OWNERS.values()}
    items = (
        TaskItem.objects.filter(task__plan=plan)
        .select_related("owner", "task__owner")
        .prefetch_related("deadlines")
    )
    held = set(ItemAssignment.objects.filter(item__task__plan=plan).values_list("item_id", "unit_id"))
    created = []
    for item in items:
        deadline = _default_deadline(item, plan.year)
        units = [city]
        for owner in item.co_owners or []:
            units.extend(groups.get(GROUP_OWNERS.get(owner), []))
        for unit in units:
            if (item.pk, unit.pk) in held:
                continue
            created.append(
                ItemAssignment.objects.create(
                    item=item,
                    unit=unit,
                    section=(item.owner or item.task.owner) if unit.pk == city.pk else None,
                    deadline=deadline,
                )
            )
            held.add((item.pk, unit.pk))
    return created


@transaction.atomic
def followup_sync(*, actor, plan: Plan) -> int:
    """Bring the follow-up ledger in line with the plan (idempotent); the number of rows added."""
    ensure_bureau(actor)
    created = _ensure_assignments(plan)
    if created:
        _event(actor, plan, "follow-up ledger created", added=len(created), year=plan.year)
    return len(created)


def unit_assignments(unit: Unit, year: int) -> list[ItemAssignment]:
    """The items a unit answers for in the plan of `year` (created for the plan's co-owners when
    missing: called from a write, never from a read)."""
    plan = plan_of(year)
    if plan is None:
        return []
    if not ItemAssignment.objects.filter(item__task__plan=plan).exists():
        _ensure_assignments(plan)
    return list(ItemAssignment.objects.filter(item__task__plan=plan, unit=unit).select_related("item__task"))


@transaction.atomic
def item_assign(
    *, actor, item: TaskItem, unit: Unit, person: str = "", deadline: dt.date | None = None
) -> ItemAssignment:
    """The bureau makes a unit responsible for an item (beyond the plan's own co-owners)."""
    ensure_bureau(actor)
    if ItemAssignment.objects.filter(item=item, unit=unit).exists():
        raise WorkflowError(_("This unit is already responsible for the item."), field="unit")
    entered = deadline is not None
    assignment = ItemAssignment.objects.create(
        item=item,
        unit=unit,
        person=person.strip(),
        deadline=deadline or _default_deadline(item, item.task.plan.year),
        deadline_entered=entered,
    )
    _in_scope(assignment, actor)
    _event(actor, assignment, "follow-up item assigned", unit=unit.code, item=item.pk)
    return assignment


@transaction.atomic
def assignment_update(
    *,
    actor,
    assignment: ItemAssignment,
    person: str | None = None,
    deadline: dt.date | None = None,
    status: str | None = None,
    done_on: dt.date | None = None,
) -> ItemAssignment:
    """Change the owner, deadline or status of a ledger row. The unit sets its owner and status;
    only the bureau moves a deadline."""
    ensure_writer(actor, assignment.unit)
    changes = {}
    if person is not None and person.strip() != assignment.person:
        changes["person"] = (assignment.person, person.strip())
        assignment.person = person.strip()
    if deadline is not None and deadline != assignment.deadline:
        if not is_bureau(actor):
            raise WorkflowError(_("Only the bureau can move a deadline."), field="deadline")
        changes["deadline"] = (str(assignment.deadline), str(deadline))
        assignment.deadline, assignment.deadline_entered = deadline, True
    if status is not None and status != assignment.status:
        if status not in ItemStatus.values:
            raise WorkflowError(_("Unknown status."), field="status")
        changes["status"] = (assignment.status, status)
        assignment.status = status
    if assignment.status == ItemStatus.DONE:
        assignment.done_on = done_on or assignment.done_on or dt.date.today()
    else:
        assignment.done_on = None
    if not changes:
        return assignment
    assignment.save()
    _in_scope(assignment, actor)
    _event(
        actor,
        assignment,
        "follow-up item changed",
        changes={k: [str(a), str(b)] for k, (a, b) in changes.items()},
    )
    return assignment


@transaction.atomic
def item_update_add(
    *,
    actor,
    assignment: ItemAssignment,
    text: str,
    status: str,
    on: dt.date | None = None,
    report=None,
) -> ItemUpdate:
    """A dated progress update; the item takes its status (done: done on that date)."""
    ensure_writer(actor, assignment.unit)
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Write what was done."), field="text")
    if status not in ItemStatus.values:
        raise WorkflowError(_("Unknown status."), field="status")
    on = on or dt.date.today()
    update = ItemUpdate.objects.create(
        assignment=assignment, on=on, text=text, status=status, author=actor, report=report
    )
    if assignment.status != status or (status == ItemStatus.DONE and assignment.done_on is None):
        assignment.status = status
        assignment.done_on = on if status == ItemStatus.DONE else None
        assignment.save()
    _in_scope(update, actor)
    _event(actor, assignment, "follow-up update", status=status, on=on.isoformat(), update=update.pk)
    return update


# ---------------------------------------------------------------------------------------------
# Follow-up orders (督办单)
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"〔(\d{4})〕(\d+)号")


def _next_number(year: int) -> str:
    """督办〔YEAR〕N号, N one more than the highest of the year."""
    highest = 0
    for number in FollowUpOrder.objects.filter(year=year).values_list("number", flat=True):
        m = _NUMBER.search(number)
        if m and int(m[1]) == year:
            highest = max(highest, int(m[2]))
    return f"督办〔{year}〕{highest + 1}号"


@transaction.atomic
def order_issue(
    *,
    actor,
    unit: Unit,
    subject: str,
    body: str,
    due: dt.date,
    year: int | None = None,
    source: str = OrderSource.MANUAL,
    warning=None,
    assignment: ItemAssignment | None = None,
    at: dt.datetime | None = None,
) -> FollowUpOrder:
    """Issue a follow-up order to a district or zone (actor None: opened by the system)."""
    ensure_bureau(actor)
    if unit.kind not in (UnitKind.DISTRICT, UnitKind.ZONE):
        raise WorkflowError(_("A follow-up order goes to a district or a zone."), field="unit")
    if not subject.strip():
        raise WorkflowError(_("Give the order a subject."), field="subject")
    if not body.strip():
        raise WorkflowError(_("Say what the unit must do."), field="body")
    issued = now_or(at)
    if due < issued.date():
        raise WorkflowError(_("The answer date is in the past."), field="due")
    year = year or issued.year
    order = FollowUpOrder.objects.create(
        number=_next_number(year),
        unit=unit,
        year=year,
        subject=subject.strip(),
        body=body.strip(),
        source=source,
        warning=warning,
        assignment=assignment,
        due=due,
        issued_at=issued,
        issued_by=actor,
    )
    _in_scope(order, actor)
    _event(actor, order, "follow-up order issued", source=source, unit=unit.code, due=due.isoformat())
    return order


def _ensure_addressee(actor, order: FollowUpOrder) -> None:
    ensure_writer(actor, order.unit)


@transaction.atomic
def order_acknowledge(*, actor, order: FollowUpOrder, at: dt.datetime | None = None) -> FollowUpOrder:
    """The unit confirms it received the order (签收)."""
    _ensure_addressee(actor, order)
    if order.status != OrderStatus.ISSUED:
        raise WorkflowError(_("The order has been acknowledged already."))
    order.status, order.acknowledged_at, order.acknowledged_by = OrderStatus.ACKNOWLEDGED, now_or(at), actor
    order.save()
    _in_scope(order, actor)
    _event(actor, order, "follow-up order acknowledged")
    return order


@transaction.atomic
def order_answer(*, actor, order: FollowUpOrder, answer: str, at: dt.datetime | None = None) -> FollowUpOrder:
    """The unit answers what it did (an unacknowledged order is acknowledged by the answer)."""
    _ensure_addressee(actor, order)
    if order.status not in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED):
        raise WorkflowError(_("The order has been answered already."))
    answer = (answer or "").strip()
    if not answer:
        raise WorkflowError(_("Write the answer."), field="answer")
    when = now_or(at)
    if order.acknowledged_at is None:
        order.acknowledged_at, order.acknowledged_by = when, actor
    order.status, order.answer, order.answered_at, order.answered_by = (
        OrderStatus.ANSWERED,
        answer,
        when,
        actor,
    )
    order.save()
    _in_scope(order, actor)
    _event(actor, order, "follow-up order answered", late=when.date() > order.due)
    return order


@transaction.atomic
def order_close(
    *, actor, order: FollowUpOrder, note: str = "", at: dt.datetime | None = None
) -> FollowUpOrder:
    """The bureau closes an answered order (办结)."""
    ensure_bureau(actor)
    if order.status != OrderStatus.ANSWERED:
        raise WorkflowError(_("Only an answered order can be closed."))
    order.status, order.closed_at, order.closed_by, order.close_note = (
        OrderStatus.CLOSED,
        now_or(at),
        actor,
        (note or "").strip(),
    )
    order.save()
    _in_scope(order, actor)
    _event(actor, order, "follow-up order closed")
    return order


@transaction.atomic
def followup_check(
    *, actor=None, year: int, as_of: dt.date | None = None, at: dt.datetime | None = None
) -> list[FollowUpOrder]:
    """Open an order on every overdue item of a district or zone that has no open order yet (the
    bureau's own items are flagged on the ledger, not sent an order)."""
    ensure_bureau(actor)
    issued = now_or(at)
    as_of = as_of or issued.date()
    due = max(as_of, issued.date()) + dt.timedelta(days=ORDER_ANSWER_DAYS)
    opened = []
    overdue = (
        ItemAssignment.objects.filter(
            item__task__plan__year=year,
            unit__kind__in=(UnitKind.DISTRICT, UnitKind.ZONE),
            deadline__lt=as_of,
        )
        .exclude(status=ItemStatus.DONE)
        .exclude(orders__status__in=(OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED, OrderStatus.ANSWERED))
        .select_related("item__task", "unit")
        .distinct()
    )
    for a in overdue:
        try:
            with transaction.atomic():
                opened.append(
                    order_issue(
                        actor=actor,
                        unit=a.unit,
                        year=year,
                        subject=_("Overdue key-task item {item}").format(
                            item=f"{a.item.task.label}{a.item.label}"
                        ),
                        body=_(
                            "The item was due on {due} and is not done. Report what has been done, what is "
                            "left and by when it will be done."
                        ).format(due=a.deadline.isoformat()),
                        due=due,
                        source=OrderSource.OVERDUE_ITEM,
                        assignment=a,
                        at=issued,
                    )
                )
        except IntegrityError:  # a concurrent run numbered the same order: skip, the next run opens it
            continue
    return opened
