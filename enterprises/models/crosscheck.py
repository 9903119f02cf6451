"""The follow-up of the R&D statistics cross-check (不统、少统、漏统, plan (六)四是).

The findings themselves are computed from the records each time (rules/rd_crosscheck.py); what a
district does about a flagged enterprise is kept here, one row per enterprise and data year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models.enterprise import Enterprise
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec

__all__ = ["CrosscheckFlag", "CrosscheckFollowUp", "CrosscheckStatus"]


class CrosscheckFlag(models.TextChoices):
    """The codes of rules/rd_crosscheck.py."""

    NOT_REPORTED = "not_reported", _("Not reported to statistics")
    UNDER_REPORTED = "under_reported", _("Under-reported")
    MISSING = "missing", _("Missing from statistics")


class CrosscheckStatus(models.TextChoices):
    OPEN = "open", _("To verify")
    IN_PROGRESS = "in_progress", _("Verifying")
    CORRECTED = "corrected", _("Statistics corrected")
    EXPLAINED = "explained", _("Difference explained")


class CrosscheckFollowUp(BaseModel):
    """What the district found out about one enterprise flagged by the cross-check for one data
    year: the flag when it was last looked at, a status and a note."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="crosscheck_follow_ups",
        verbose_name=_("enterprise"),
    )
    year = models.PositiveSmallIntegerField(_("data year"))
    flag = models.CharField(_("flag"), max_length=16, choices=CrosscheckFlag.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CrosscheckStatus.choices, default=CrosscheckStatus.OPEN
    )
    note = models.TextField(_("note"), blank=True)

    # A work list of the bureau and the districts; the enterprise itself does not see it.
    scope = ScopeSpec(unit="enterprise__unit")

    class Meta:
        ordering = ["-year", "enterprise__unit__order", "enterprise__name"]
        verbose_name = _("R&D cross-check follow-up")
        verbose_name_plural = _("R&D cross-check follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="crosscheckfollowup_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"
