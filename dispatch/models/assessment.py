"""The yearly assessment (考核, plan 四(三)): each run stores the settings it used and, per unit,
the inputs, so every score can be recomputed from stored data (rules/assessment.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = ["Assessment", "AssessmentScore"]


class Assessment(BaseModel):
    """One computation of a year's assessment: as of which month and date, by whom, with which
    settings. The latest run of a year is the one shown; earlier ones stay for the record."""

    year = models.PositiveSmallIntegerField(_("year"))
    as_of_month = models.PositiveSmallIntegerField(_("figures of month"), default=12)
    as_of = models.DateField(_("follow-up as of"))
    config = models.JSONField(_("settings used"), default=dict)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("computed by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    # Every signed-in user reads the runs; their scores are scoped by unit.
    scope = ScopeSpec(shared=~Q(pk=None))

    class Meta:
        ordering = ["-year", "-created", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.year} ({self.created:%Y-%m-%d %H:%M})" if self.created else str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("assessment_run", args=[self.pk])


class AssessmentScore(BaseModel):
    """One unit's score in one assessment run, with the inputs it was computed from and its
    breakdown."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assessment_scores", verbose_name=_("unit")
    )
    group = models.CharField(_("group"), max_length=16)
    inputs = models.JSONField(_("inputs"), default=dict)
    breakdown = models.JSONField(_("breakdown"), default=dict)
    indicator_part = models.FloatField(_("indicator part"), null=True, blank=True)
    followup_part = models.FloatField(_("follow-up part"))
    total = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank in group"))
    reward = models.BooleanField(_("rewarded"), default=False)
    reward_amount = models.DecimalField(
        _("reward (万元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    no_post_subsidy = models.BooleanField(_("no R&D post-subsidy"), null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["assessment", "group", "rank", "unit__order"]
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="assessmentscore_unique")]

    def __str__(self) -> str:
        return f"{self.assessment.year} {self.unit} {self.total:.2f}"

    def get_absolute_url(self) -> str:
        return reverse("assessment_score", args=[self.pk])
