"""Key-task follow-up (督办): who answers for each item of the plan's key tasks, its deadline,
status and dated updates, and the follow-up orders (督办单) issued to a unit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Section, Unit
from plan.models import TaskItem

__all__ = [
    "FollowUpOrder",
    "ItemAssignment",
    "ItemState",
    "ItemStatus",
    "ItemUpdate",
    "OrderSource",
    "OrderStatus",
]


class ItemStatus(models.TextChoices):
    """The status a unit sets; 滞后 (lagging) is not set but computed (ItemState)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ItemState(models.TextChoices):
    """The status shown: the one set, or lagging when the deadline passed and it is not done."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    LAGGING = "lagging", _("Lagging")


class ItemAssignment(BaseModel):
    """One unit's responsibility for one item of the plan's key tasks (督办事项): the bureau
    itself (the city unit, through the item's owner section) or a district or zone that the plan
    names as co-owner or the bureau assigned it to."""

    item = models.ForeignKey(
        TaskItem, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("task item")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="item_assignments", verbose_name=_("responsible unit")
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("bureau section")
    )
    person = models.CharField(_("owner"), max_length=64, blank=True, help_text=_("The person responsible."))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_entered = models.BooleanField(_("deadline entered"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    # The bureau's own items (city) are visible to every unit; a district's are its own.
    scope = ScopeSpec(unit="unit", shared=Q(unit__kind="city"))

    class Meta:
        ordering = ["item__task__plan", "item__task__number", "item__number", "unit__order"]
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="itemassignment_unique")]

    def __str__(self) -> str:
        return f"{self.item.task.label}{self.item.label} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("followup_item", args=[self.pk])

    def state(self, as_of: dt.date | None = None) -> str:
        as_of = as_of or dt.date.today()
        if self.status != ItemStatus.DONE and self.deadline is not None and self.deadline < as_of:
            return ItemState.LAGGING
        return self.status

    def get_state_display(self, as_of: dt.date | None = None) -> str:
        return ItemState(self.state(as_of)).label

    @property
    def overdue(self) -> bool:
        return self.state() == ItemState.LAGGING


class ItemUpdate(BaseModel):
    """A dated progress note on a follow-up item: written on the page, or taken from a unit's
    accepted monthly report."""

    assignment = models.ForeignKey(
        ItemAssignment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("follow-up item")
    )
    on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    report = models.ForeignKey(
        "dispatch.MonthlyReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="item_updates",
        verbose_name=_("monthly report"),
    )

    scope = ScopeSpec(unit="assignment__unit", shared=Q(assignment__unit__kind="city"))

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")

    def __str__(self) -> str:
        return f"{self.on} {self.assignment}"


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class OrderSource(models.TextChoices):
    MANUAL = "manual", _("Issued by the bureau")
    RED_TWICE = "red_twice", _("Red warning two months running")
    OVERDUE_ITEM = "overdue_item", _("Overdue key-task item")


class FollowUpOrder(BaseModel):
    """A follow-up order (督办单) to a unit: what it must do and answer by when. Issued by the
    bureau, or opened by the system (a red warning two months running, an overdue item); the
    unit acknowledges and answers it, the bureau closes it."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="followup_orders", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what is required"))
    source = models.CharField(_("source"), max_length=16, choices=OrderSource.choices)
    warning = models.ForeignKey(
        "dispatch.DispatchWarning",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("warning"),
    )
    assignment = models.ForeignKey(
        ItemAssignment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("follow-up item"),
    )
    due = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    close_note = models.TextField(_("closing note"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("follow-up order")
        verbose_name_plural = _("follow-up orders")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("followup_order", args=[self.pk])

    def overdue(self, as_of: dt.date | None = None) -> bool:
        """Not answered and the answer date has passed."""
        as_of = as_of or dt.date.today()
        return self.answered_at is None and self.due < as_of
