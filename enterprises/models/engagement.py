"""千企面对面 visits and the technology demands they collect (TECH_DEMANDS)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models.enterprise import Enterprise
from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = ["DemandStatus", "FollowUp", "TechDemand", "Visit"]


class FollowUp(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Visit(Versioned, BaseModel):
    """One 千企面对面 visit to an enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="visits", verbose_name=_("enterprise")
    )
    visited_on = models.DateField(_("visit date"))
    visitors = models.CharField(_("visitors"), max_length=200)
    problems = models.TextField(_("problems raised"), blank=True)
    follow_up = models.CharField(
        _("follow-up"), max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN
    )
    follow_up_note = models.TextField(_("follow-up note"), blank=True)

    scope = ScopeSpec(unit="enterprise__unit", enterprise="enterprise")

    class Meta:
        ordering = ["-visited_on"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise}"


class DemandStatus(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    IN_GUIDE = "in_guide", _("In the call guide")
    MATCHED = "matched", _("Matched with a solver")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class TechDemand(Versioned, BaseModel):
    """A technology demand collected from an enterprise; counted for TECH_DEMANDS by the month it
    was collected."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
        verbose_name=_("enterprise"),
    )
    visit = models.ForeignKey(
        Visit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
        verbose_name=_("source visit"),
    )
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=50)
    description = models.TextField(_("description"))
    budget = models.DecimalField(
        _("budget (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deadline = models.DateField(_("wanted by"), null=True, blank=True)
    collected_on = models.DateField(_("collected on"))
    status = models.CharField(
        _("status"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.COLLECTED
    )

    scope = ScopeSpec(unit="unit", enterprise="enterprise")

    class Meta:
        ordering = ["-collected_on"]
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")

    def __str__(self) -> str:
        return self.title
