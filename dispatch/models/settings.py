"""The bureau's settings of the dispatch mechanism for one year: the monthly report's due day,
the warning thresholds and the assessment's weights (plan section 四)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec

__all__ = ["DEFAULT_DUE_DAY", "DispatchSettings"]

DEFAULT_DUE_DAY = 5


class DispatchSettings(BaseModel):
    """The settings of one year. Missing keys fall back to the plan's `rules` and then to the
    defaults of CONTRACTS.md (thresholds) and rules/assessment.py (weights). Only the bureau admin
    changes them; every change is audited."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    report_due_day = models.PositiveSmallIntegerField(
        _("monthly report due day"),
        default=DEFAULT_DUE_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the next month by which a monthly report is due."),
    )
    thresholds = models.JSONField(_("warning thresholds"), default=dict, blank=True)
    assessment = models.JSONField(_("assessment settings"), default=dict, blank=True)

    # Everyone signed in reads the rules of the game; only the bureau admin writes them.
    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("dispatch settings")
        verbose_name_plural = _("dispatch settings")

    def __str__(self) -> str:
        return f"{self.year}"
