"""Key-task follow-up (督办): the ledger of every item of the plan with its unit, owner, deadline and
status (滞后 computed when overdue), dated updates, and follow-up orders issued, acknowledged,
answered and closed — each step audited, each in the unit's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dispatch.models import FollowUpOrder, ItemAssignment, ItemState, ItemStatus, OrderSource, OrderStatus
from dispatch.workflow.common import WorkflowError
from dispatch.workflow.followup import (
    assignment_update,
    followup_check,
    followup_sync,
    item_assign,
    item_update_add,
    order_acknowledge,
    order_answer,
    order_close,
    order_issue,
)
from dispatch.workflow.reports import monthly_report_create
from kechuang.core.models import Event, EventAction
from plan.models import TaskItem


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


@pytest.fixture
def ledger(users, plan):
    followup_sync(actor=users["staff"], plan=plan)
    return plan


def item(task: int, number: int, unit: str) -> ItemAssignment:
    return ItemAssignment.objects.get(item__task__number=task, item__number=number, unit__code=unit)


def test_the_ledger_holds_every_item_with_its_owners(users, ledger, plan):
    # 33 items for the bureau; (二)四是, (六)四是, (八)四是 for the 10 districts; (九)一至三是 for the 2 zones
    assert ItemAssignment.objects.filter(unit__code="520600").count() == TaskItem.objects.count() == 33
    assert ItemAssignment.objects.filter(unit__kind="district").count() == 30
    assert ItemAssignment.objects.filter(unit__kind="zone").count() == 6
    # the plan's own deadline (上半年完成申报及评审) else the end of the year; the item's section
    assert item(7, 4, "520600").deadline == dt.date(2023, 6, 30)
    assert item(2, 4, "520602").deadline == dt.date(2023, 12, 31)
    assert item(7, 4, "520600").section.code == "planning"
    assert item(2, 4, "520602").section is None
    assert followup_sync(actor=users["staff"], plan=plan) == 0  # idempotent
    with pytest.raises(PermissionError):
        followup_sync(actor=users["district"], plan=plan)


def test_lagging_is_computed_when_overdue(ledger):
    a = item(7, 4, "520600")
    assert a.state(dt.date(2023, 6, 30)) == ItemState.NOT_STARTED
    assert a.state(dt.date(2023, 7, 1)) == ItemState.LAGGING
    a.status = ItemStatus.IN_PROGRESS
    assert a.state(dt.date(2023, 7, 1)) == ItemState.LAGGING
    a.status, a.done_on = ItemStatus.DONE, dt.date(2023, 7, 5)
    assert a.state(dt.date(2023, 7, 10)) == ItemState.DONE


def test_the_unit_keeps_its_own_items_and_only_the_bureau_moves_deadlines(users, ledger):
    own, other, bureau = item(2, 4, "520602"), item(2, 4, "520603"), item(7, 4, "520600")
    assignment_update(actor=users["district"], assignment=own, person="张三", status=ItemStatus.IN_PROGRESS)
    own.refresh_from_db()
    assert (own.person, own.status) == ("张三", ItemStatus.IN_PROGRESS)
    with pytest.raises(WorkflowError) as exc:
        assignment_update(actor=users["district"], assignment=own, deadline=dt.date(2024, 1, 31))
    assert exc.value.field == "deadline"
    for target in (other, bureau):
        with pytest.raises(PermissionError):
            assignment_update(actor=users["district"], assignment=target, status=ItemStatus.DONE)
    with pytest.raises(PermissionError):
        assignment_update(actor=users["leader"], assignment=own, status=ItemStatus.DONE)
    assignment_update(actor=users["staff"], assignment=own, deadline=dt.date(2023, 9, 30))
    own.refresh_from_db()
    assert own.deadline == dt.date(2023, 9, 30) and own.deadline_entered
    changes = Event.objects.filter(
        action=EventAction.WORKFLOW, message="follow-up item changed", object_id=str(own.pk)
    )
    assert changes.count() == 2


def test_dated_updates_set_the_status(users, ledger):
    own = item(2, 4, "520602")
    with pytest.raises(WorkflowError):
        item_update_add(actor=users["district"], assignment=own, text=" ", status=ItemStatus.IN_PROGRESS)
    item_update_add(
        actor=users["district"],
        assignment=own,
        text="组织申报高企12家",
        status=ItemStatus.IN_PROGRESS,
        on=dt.date(2023, 5, 2),
    )
    item_update_add(
        actor=users["district"],
        assignment=own,
        text="全部完成",
        status=ItemStatus.DONE,
        on=dt.date(2023, 11, 20),
    )
    own.refresh_from_db()
    assert (own.status, own.done_on) == (ItemStatus.DONE, dt.date(2023, 11, 20))
    assert [u.on for u in own.updates.all()] == [dt.date(2023, 11, 20), dt.date(2023, 5, 2)]
    assert own.updates.first().author == users["district"]


def test_the_bureau_assigns_an_item_which_then_appears_in_the_units_report(users, ledger, units):
    one = TaskItem.objects.get(task__number=1, number=1)
    with pytest.raises(PermissionError):
        item_assign(actor=users["district"], item=one, unit=units["520602"])
    a = item_assign(actor=users["staff"], item=one, unit=units["520602"], person="李四")
    assert a.deadline == dt.date(2023, 12, 31) and not a.deadline_entered
    with pytest.raises(WorkflowError):
        item_assign(actor=users["staff"], item=one, unit=units["520602"])
    report = monthly_report_create(actor=users["district"], unit=units["520602"], year=2023, month=4)
    assert report.notes.filter(assignment=a).exists() and report.notes.count() == 4


def test_order_path_issue_acknowledge_answer_close(users, ledger, units):
    staff, district = users["staff"], users["district"]
    own = item(2, 4, "520602")
    with pytest.raises(WorkflowError) as exc:
        order_issue(
            actor=staff,
            unit=units["520602"],
            subject="s",
            body="b",
            due=dt.date(2023, 1, 1),
            at=at("2023-05-01"),
        )
    assert exc.value.field == "due"
    with pytest.raises(WorkflowError):
        order_issue(
            actor=staff,
            unit=units["520600"],
            subject="s",
            body="b",
            due=dt.date(2023, 6, 1),
            at=at("2023-05-01"),
        )
    with pytest.raises(PermissionError):
        order_issue(actor=district, unit=units["520602"], subject="s", body="b", due=dt.date(2023, 6, 1))
    order = order_issue(
        actor=staff,
        unit=units["520602"],
        subject="高企申报进度滞后",
        body="请于5月15日前报送整改措施",
        due=dt.date(2023, 5, 15),
        assignment=own,
        at=at("2023-05-05"),
    )
    assert order.number == "督办〔2023〕1号" and order.status == OrderStatus.ISSUED
    second = order_issue(
        actor=staff, unit=units["520603"], subject="s", body="b", due=dt.date(2023, 6, 1), at=at("2023-05-06")
    )
    assert second.number == "督办〔2023〕2号"
    with pytest.raises(PermissionError):  # another unit's order
        order_acknowledge(actor=district, order=second)
    with pytest.raises(WorkflowError):  # not answered yet
        order_close(actor=staff, order=order)
    order_acknowledge(actor=district, order=order, at=at("2023-05-06"))
    with pytest.raises(WorkflowError):
        order_acknowledge(actor=district, order=order)
    with pytest.raises(WorkflowError) as exc:
        order_answer(actor=district, order=order, answer="")
    assert exc.value.field == "answer"
    order_answer(actor=district, order=order, answer="已完成12家申报", at=at("2023-05-14"))
    with pytest.raises(PermissionError):
        order_close(actor=district, order=order)
    order_close(actor=staff, order=order, note="同意办结", at=at("2023-05-16"))
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_by == staff and order.close_note == "同意办结"
    assert not order.overdue(dt.date(2023, 6, 1))
    steps = list(
        Event.objects.filter(
            action=EventAction.WORKFLOW, object_id=str(order.pk), object_type="dispatch.FollowUpOrder"
        )
        .order_by("at", "id")
        .values_list("message", flat=True)
    )
    assert steps == [
        "follow-up order issued",
        "follow-up order acknowledged",
        "follow-up order answered",
        "follow-up order closed",
    ]


def test_an_answer_acknowledges_and_a_late_answer_is_noted(users, ledger, units):
    order = order_issue(
        actor=users["staff"],
        unit=units["520602"],
        subject="s",
        body="b",
        due=dt.date(2023, 5, 15),
        at=at("2023-05-05"),
    )
    assert order.overdue(dt.date(2023, 5, 16))
    order_answer(actor=users["district"], order=order, answer="迟复", at=at("2023-05-20"))
    order.refresh_from_db()
    assert order.acknowledged_at == at("2023-05-20") and order.status == OrderStatus.ANSWERED
    assert Event.objects.get(message="follow-up order answered").data == {"late": True}


def test_overdue_items_of_districts_get_an_order_by_themselves(users, ledger):
    own, bureau = item(2, 4, "520602"), item(7, 4, "520600")
    assignment_update(actor=users["staff"], assignment=own, deadline=dt.date(2023, 6, 30))
    opened = followup_check(actor=users["staff"], year=2023, as_of=dt.date(2023, 7, 3), at=at("2023-07-03"))
    assert [o.assignment for o in opened] == [
        own
    ]  # the bureau's own overdue item is flagged, not sent an order
    assert opened[0].source == OrderSource.OVERDUE_ITEM and opened[0].due == dt.date(2023, 7, 13)
    assert bureau.state(dt.date(2023, 7, 3)) == ItemState.LAGGING
    assert (
        followup_check(actor=users["staff"], year=2023, as_of=dt.date(2023, 7, 4), at=at("2023-07-04")) == []
    )
    assert FollowUpOrder.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_ledger_page_filters_and_empty_state(users, plan):
    staff = client_for(users["staff"])
    body = staff.get("/dispatch/followup/?year=2023").content.decode()
    assert 'action="/dispatch/followup/sync/"' in body  # the empty ledger says what to do
    assert staff.post("/dispatch/followup/sync/", {"plan": plan.pk}).status_code == 302
    assert ItemAssignment.objects.count() == 69
    # every 2023 deadline has passed today: all lagging but the one marked done
    done = item(7, 4, "520600")
    assignment_update(
        actor=users["staff"], assignment=done, status=ItemStatus.DONE, done_on=dt.date(2023, 6, 20)
    )
    page = staff.get("/dispatch/followup/?year=2023&state=lagging")
    assert page.status_code == 200 and page.context["page"].paginator.count == 68
    assert [a.pk for a in staff.get("/dispatch/followup/?year=2023&state=done").context["page"]] == [done.pk]
    district = client_for(users["district"])
    page = district.get("/dispatch/followup/?year=2023")
    units = {a.unit.code for a in page.context["page"].paginator.object_list}
    assert units == {"520600", "520602"}  # the bureau's items and its own
    assert district.post("/dispatch/followup/sync/", {"plan": plan.pk}).status_code == 404


def test_item_pages(users, ledger):
    own, other = item(2, 4, "520602"), item(2, 4, "520603")
    district = client_for(users["district"])
    assert district.get(f"/dispatch/followup/items/{own.pk}/").status_code == 200
    assert district.get(f"/dispatch/followup/items/{other.pk}/").status_code == 404
    r = district.post(
        f"/dispatch/followup/items/{own.pk}/update/",
        {"on": "2023-05-02", "status": "in_progress", "text": ""},
    )
    assert r.status_code == 200 and r.context["update_form"].errors["text"]
    r = district.post(
        f"/dispatch/followup/items/{own.pk}/update/",
        {"on": "2023-05-02", "status": "in_progress", "text": "进展"},
    )
    assert r.status_code == 302
    r = district.post(f"/dispatch/followup/items/{own.pk}/edit/", {"person": "王五", "status": "in_progress"})
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.person == "王五" and own.deadline == dt.date(2023, 12, 31)


def test_order_pages(users, ledger, units):
    staff, district = client_for(users["staff"]), client_for(users["district"])
    r = staff.post(
        "/dispatch/orders/new/", {"unit": units["520602"].pk, "subject": "", "body": "b", "due": "2099-01-01"}
    )
    assert r.status_code == 200 and r.context["form"].errors["subject"]
    r = staff.post(
        f"/dispatch/orders/new/?assignment={item(2, 4, '520602').pk}",
        {"unit": units["520602"].pk, "subject": "督办", "body": "请报送进展", "due": "2099-01-01"},
    )
    assert r.status_code == 302
    order = FollowUpOrder.objects.get()
    assert order.assignment == item(2, 4, "520602")
    assert district.post("/dispatch/orders/new/", {}).status_code == 404
    assert "督办" in district.get(f"/dispatch/orders/?year={order.year}").content.decode()
    assert district.post(f"/dispatch/orders/{order.pk}/acknowledge/").status_code == 302
    r = district.post(f"/dispatch/orders/{order.pk}/answer/", {"answer": ""})
    assert r.status_code == 200 and r.context["answer_form"].errors["answer"]
    assert district.post(f"/dispatch/orders/{order.pk}/answer/", {"answer": "已落实"}).status_code == 302
    r = district.post(f"/dispatch/orders/{order.pk}/close/", {"note": ""})
    assert r.status_code == 200 and r.context["close_form"].errors
    assert staff.post(f"/dispatch/orders/{order.pk}/close/", {"note": "办结"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    api = district.get(f"/api/v1/dispatch/orders/{order.pk}").json()
    assert api["status"] == "closed" and api["unit"] == "520602"
