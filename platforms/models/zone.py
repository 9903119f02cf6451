"""The national high-tech-zone application (申创国家高新区), plan (九): the checklist of materials
and works — 三规划一评价一报告 (planning documents, an evaluation, a report) and the working
group — each with an owner, a deadline and a status. The checklist is seeded from the plan by a
data migration; the meaning of 三规划一评价一报告 is the usual one (national-rules.md §9, to be
confirmed with the bureau)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = ["ChecklistCategory", "ChecklistStatus", "ZoneChecklistItem"]


class ChecklistCategory(models.TextChoices):
    WORKING_GROUP = "working_group", _("Working group")
    PLANNING = "planning", _("Planning document")
    EVALUATION = "evaluation", _("Evaluation")
    REPORT = "report", _("Application report")
    FACILITY = "facility", _("Facilities")
    LIAISON = "liaison", _("Liaison and submission")


class ChecklistStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class ZoneChecklistItem(Versioned, BaseModel):
    """One material or work of the application. Without a unit it is the bureau's own item;
    with one (the high-tech zone), that unit keeps it too."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=16, choices=ChecklistCategory.choices)
    title = models.CharField(_("title"), max_length=300)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ChecklistStatus.choices, default=ChecklistStatus.NOT_STARTED
    )
    done_on = models.DateField(_("date done"), null=True, blank=True)
    progress = models.TextField(_("progress"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("application checklist item")
        verbose_name_plural = _("application checklist items")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.status == ChecklistStatus.DONE and self.done_on is None:
            raise ValidationError({"done_on": _("Give the date the item was done.")})
