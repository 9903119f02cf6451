"""Key-task follow-up (督办) pages: the ledger of every item with its unit, owner, deadline and
status (滞后 when overdue), an item with its dated updates and orders, and the follow-up orders
(督办单): issue, acknowledge, answer, close. Writes go through dispatch/workflow/followup.py."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dispatch.models import (
    DispatchWarning,
    FollowUpOrder,
    ItemAssignment,
    ItemState,
    ItemStatus,
    OrderSource,
    OrderStatus,
)
from dispatch.workflow import followup as svc
from dispatch.workflow.common import WorkflowError, plan_of, reporting_units, reporting_units_for
from dispatch.workflow.deadlines import deadline_checks
from dispatch.workflow.forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ItemEditForm,
    ItemUpdateForm,
    OrderForm,
    add_workflow_error,
    run_form_step,
)
from dispatch.workflow.web import history, int_param, is_bureau_user, page_of, run_step, today
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from plan.models import Plan, Task, TaskItem


def _plan_for(request) -> Plan | None:
    plans = Plan.objects.for_user(request.user)
    year = int_param(request.GET.get("year"), None, 2000, 2100)
    if year is not None:
        return plans.filter(year=year).order_by("-updated").first()
    return plans.order_by("-year", "-updated").first()


def _state_filter(qs, state: str, as_of: dt.date):
    lagging = Q(deadline__lt=as_of) & ~Q(status=ItemStatus.DONE)
    if state == ItemState.LAGGING:
        return qs.filter(lagging)
    if state in ItemStatus.values:
        return qs.filter(status=state).exclude(lagging)
    return qs


@require_safe
@login_required
def followup_list(request):
    plan = _plan_for(request)
    now = today()
    filters = {k: request.GET.get(k, "").strip() for k in ("task", "unit", "state", "q")}
    qs = ItemAssignment.objects.for_user(request.user).select_related("item__task", "unit", "section")
    qs = qs.filter(item__task__plan=plan) if plan is not None else qs.none()
    task = int_param(filters["task"], None, 1, 99)
    if task:
        qs = qs.filter(item__task__number=task)
    if filters["unit"]:
        qs = qs.filter(unit__code=filters["unit"])
    if filters["q"]:
        qs = qs.filter(Q(item__text__contains=filters["q"]) | Q(person__contains=filters["q"]))
    qs = _state_filter(qs, filters["state"], now)
    qs = qs.annotate(last_update=Max("updates__on")).order_by(
        "item__task__number", "item__number", "unit__order"
    )
    ledger_empty = plan is not None and not ItemAssignment.objects.filter(item__task__plan=plan).exists()
    lagging = (
        ItemAssignment.objects.for_user(request.user)
        .filter(item__task__plan=plan, deadline__lt=now)
        .exclude(status=ItemStatus.DONE)
        .count()
        if plan
        else 0
    )
    units = [u for u in reporting_units_for(request.user)]
    return render(
        request,
        "dispatch/followup/list.html",
        {
            "plan": plan,
            "page": page_of(request, qs),
            "filters": filters,
            "tasks": Task.objects.filter(plan=plan) if plan else [],
            "units": units,
            "states": ItemState.choices,
            "ledger_empty": ledger_empty,
            "lagging": lagging,
            "is_bureau": is_bureau_user(request.user),
            "today": now,
        },
    )


@require_POST
@login_required
def followup_sync(request):
    if not is_bureau_user(request.user):
        raise Http404
    plan = Plan.objects.filter(pk=int_param(request.POST.get("plan"), 0, 0, 10**9)).first()
    if plan is None:
        raise Http404
    run_step(
        request,
        lambda: svc.followup_sync(actor=request.user, plan=plan),
        _("The follow-up ledger holds every item of the plan."),
    )
    return redirect(f"/dispatch/followup/?year={plan.year}")


@require_POST
@login_required
def followup_check(request):
    if not is_bureau_user(request.user):
        raise Http404
    year = int_param(request.POST.get("year"), today().year, 2000, 2100)
    opened: list = []
    run_step(
        request,
        lambda: opened.extend(svc.followup_check(actor=request.user, year=year)),
        _("Overdue items checked."),
    )
    if opened:
        messages.info(request, _("{n} follow-up orders were issued on overdue items.").format(n=len(opened)))
    return redirect("order_list")


def _item_page(request, assignment, *, edit_form=None, update_form=None, status=200):
    can_change = ItemAssignment.objects.for_user(request.user, CHANGE).filter(pk=assignment.pk).exists()
    bureau = is_bureau_user(request.user)
    edit_form = edit_form or ItemEditForm(
        initial={
            "person": assignment.person,
            "deadline": assignment.deadline,
            "status": assignment.status,
            "done_on": assignment.done_on,
        },
        bureau=bureau,
    )
    update_form = update_form or ItemUpdateForm(initial={"on": today(), "status": assignment.status})
    item = assignment.item
    return render(
        request,
        "dispatch/followup/item.html",
        {
            "a": assignment,
            "item": item,
            "deadlines": item.deadlines.all(),
            "deadline_checks": deadline_checks(item.deadlines.all(), item.task.plan.year),
            "targets": item.targets.all(),
            "others": ItemAssignment.objects.for_user(request.user)
            .filter(item=item)
            .exclude(pk=assignment.pk)
            .select_related("unit"),
            "updates": assignment.updates.select_related("author", "report"),
            "orders": FollowUpOrder.objects.for_user(request.user).filter(assignment=assignment),
            "history": history(assignment),
            "can_change": can_change,
            "is_bureau": bureau,
            "edit_form": edit_form,
            "update_form": update_form,
        },
        status=status,
    )


def _assignment(request, pk, action=None):
    qs = ItemAssignment.objects.select_related("item__task__plan", "unit", "section")
    return get_scoped_or_404(qs, request.user, action or "view", pk=pk)


@require_safe
@login_required
def followup_item(request, pk: int):
    return _item_page(request, _assignment(request, pk))


@require_POST
@login_required
def followup_item_edit(request, pk: int):
    assignment = _assignment(request, pk, CHANGE)
    form = ItemEditForm(request.POST, bureau=is_bureau_user(request.user))
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.assignment_update(
                actor=request.user,
                assignment=assignment,
                person=d["person"],
                deadline=d["deadline"] if is_bureau_user(request.user) else None,
                status=d["status"],
                done_on=d["done_on"],
            )
        except WorkflowError as exc:
            add_workflow_error(form, exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The item was changed."))
            return redirect("followup_item", pk=pk)
    return _item_page(request, assignment, edit_form=form, status=200)


@require_POST
@login_required
def followup_item_update(request, pk: int):
    assignment = _assignment(request, pk, CHANGE)
    form = ItemUpdateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if d["on"] > today():
            form.add_error("on", _("The date cannot be in the future."))
        else:
            try:
                svc.item_update_add(
                    actor=request.user, assignment=assignment, text=d["text"], status=d["status"], on=d["on"]
                )
            except WorkflowError as exc:
                add_workflow_error(form, exc)
            except PermissionError as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("The update was recorded."))
                return redirect("followup_item", pk=pk)
    return _item_page(request, assignment, update_form=form, status=200)


@require_http_methods(["GET", "POST"])
@login_required
def followup_assign(request):
    if not is_bureau_user(request.user):
        raise Http404
    plan = (
        _plan_for(request)
        if request.method == "GET"
        else plan_of(int_param(request.POST.get("year"), 0, 0, 2100))
    )
    if plan is None:
        messages.error(request, _("There is no plan for that year."))
        return redirect("followup_list")
    items = TaskItem.objects.filter(task__plan=plan).select_related("task").order_by("task__number", "number")
    form = AssignForm(request.POST or None, items=items, units=reporting_units())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = svc.item_assign(
                actor=request.user, item=d["item"], unit=d["unit"], person=d["person"], deadline=d["deadline"]
            )
        except WorkflowError as exc:
            add_workflow_error(form, exc)
        else:
            messages.success(request, _("The unit now answers for the item."))
            return redirect("followup_item", pk=a.pk)
    return render(request, "dispatch/followup/assign.html", {"form": form, "plan": plan})


# ---------------------------------------------------------------------------------------------
# Follow-up orders
# ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def order_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "unit", "source", "overdue")}
    qs = FollowUpOrder.objects.for_user(request.user).select_related(
        "unit", "warning__indicator", "assignment__item__task"
    )
    latest = qs.aggregate(y=Max("year"))["y"]
    year = int_param(request.GET.get("year"), latest or today().year, 2000, 2100)
    qs = qs.filter(year=year)
    if filters["status"] in OrderStatus.values:
        qs = qs.filter(status=filters["status"])
    if filters["source"] in OrderSource.values:
        qs = qs.filter(source=filters["source"])
    if filters["unit"]:
        qs = qs.filter(unit__code=filters["unit"])
    if filters["overdue"]:
        qs = qs.filter(answered_at=None, due__lt=today())
    return render(
        request,
        "dispatch/followup/orders.html",
        {
            "page": page_of(request, qs),
            "filters": filters,
            "year": year,
            "statuses": OrderStatus.choices,
            "sources": OrderSource.choices,
            "units": reporting_units_for(request.user),
            "is_bureau": is_bureau_user(request.user),
            "today": today(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def order_create(request):
    if not is_bureau_user(request.user):
        raise Http404
    # An order may start from an item or a warning the bureau is looking at.
    assignment = warning = None
    source_id = request.GET.get("assignment") or request.POST.get("assignment")
    if source_id:
        assignment = get_scoped_or_404(
            ItemAssignment.objects.select_related("item__task", "unit"), request.user, pk=source_id
        )
    warning_id = request.GET.get("warning") or request.POST.get("warning")
    if warning_id:
        warning = get_scoped_or_404(
            DispatchWarning.objects.select_related("unit", "indicator"), request.user, pk=warning_id
        )
    initial = {"due": today() + dt.timedelta(days=svc.ORDER_ANSWER_DAYS)}
    if assignment is not None:
        initial.update(
            unit=assignment.unit if assignment.unit.kind != "city" else None,
            subject=_("Key-task item {item}").format(
                item=f"{assignment.item.task.label}{assignment.item.label}"
            ),
        )
    if warning is not None:
        initial.update(
            unit=warning.unit,
            subject=_("{indicator}: warning of {period}").format(
                indicator=warning.indicator.name, period=warning.period
            ),
        )
    form = OrderForm(request.POST or None, initial=initial, units=reporting_units())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = svc.order_issue(
                actor=request.user,
                unit=d["unit"],
                subject=d["subject"],
                body=d["body"],
                due=d["due"],
                warning=warning,
                assignment=assignment,
            )
        except WorkflowError as exc:
            add_workflow_error(form, exc)
        else:
            messages.success(request, _("Order {number} was issued.").format(number=order.number))
            return redirect("followup_order", pk=order.pk)
    return render(
        request,
        "dispatch/followup/order_form.html",
        {"form": form, "assignment": assignment, "warning": warning},
    )


def _order(request, pk, action="view"):
    qs = FollowUpOrder.objects.select_related(
        "unit", "warning__indicator", "assignment__item__task", "issued_by", "answered_by", "closed_by"
    )
    return get_scoped_or_404(qs, request.user, action, pk=pk)


def _order_page(request, order, *, answer_form=None, close_form=None, status=200):
    can_change = FollowUpOrder.objects.for_user(request.user, CHANGE).filter(pk=order.pk).exists()
    return render(
        request,
        "dispatch/followup/order.html",
        {
            "order": order,
            "history": history(order),
            "can_change": can_change,
            "is_bureau": is_bureau_user(request.user),
            "answer_form": answer_form or AnswerForm(),
            "close_form": close_form or CloseForm(),
            "overdue": order.overdue(today()),
        },
        status=status,
    )


@require_safe
@login_required
def followup_order(request, pk: int):
    return _order_page(request, _order(request, pk))


@require_POST
@login_required
def order_acknowledge(request, pk: int):
    order = _order(request, pk, CHANGE)
    run_step(
        request,
        lambda: svc.order_acknowledge(actor=request.user, order=order),
        _("The order was acknowledged."),
    )
    return redirect("followup_order", pk=pk)


@require_POST
@login_required
def order_answer(request, pk: int):
    order = _order(request, pk, CHANGE)
    form = AnswerForm(request.POST)
    if run_form_step(
        request,
        form,
        lambda d: svc.order_answer(actor=request.user, order=order, answer=d["answer"]),
        refused=_("Only the unit itself or the bureau answers an order."),
        success=_("The answer was sent to the bureau."),
    ):
        return redirect("followup_order", pk=pk)
    return _order_page(request, order, answer_form=form)


@require_POST
@login_required
def order_close(request, pk: int):
    order = _order(request, pk, CHANGE)
    form = CloseForm(request.POST)
    if run_form_step(
        request,
        form,
        lambda d: svc.order_close(actor=request.user, order=order, note=d["note"]),
        refused=_("Only the bureau closes an order."),
        success=_("The order was closed."),
    ):
        return redirect("followup_order", pk=pk)
    return _order_page(request, order, close_form=form)


urlpatterns = [
    path("dispatch/followup/", followup_list, name="followup_list"),
    path("dispatch/followup/sync/", followup_sync, name="followup_sync"),
    path("dispatch/followup/check/", followup_check, name="followup_check"),
    path("dispatch/followup/assign/", followup_assign, name="followup_assign"),
    path("dispatch/followup/items/<int:pk>/", followup_item, name="followup_item"),
    path("dispatch/followup/items/<int:pk>/edit/", followup_item_edit, name="followup_item_edit"),
    path("dispatch/followup/items/<int:pk>/update/", followup_item_update, name="followup_item_update"),
    path("dispatch/orders/", order_list, name="order_list"),
    path("dispatch/orders/new/", order_create, name="order_create"),
    path("dispatch/orders/<int:pk>/", followup_order, name="followup_order"),
    path("dispatch/orders/<int:pk>/acknowledge/", order_acknowledge, name="order_acknowledge"),
    path("dispatch/orders/<int:pk>/answer/", order_answer, name="order_answer"),
    path("dispatch/orders/<int:pk>/close/", order_close, name="order_close"),
]
