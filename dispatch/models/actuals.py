"""Reported and imported actuals of the plan's indicators."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from plan.models import Indicator

__all__ = ["Actual", "ActualOrigin"]


class ActualOrigin(models.TextChoices):
    REPORT = "report", _("Monthly report")
    IMPORT = "import", _("Import")
    DEMO = "demo", _("Demo data")


class Actual(BaseModel):
    """The figure of one unit for one indicator at one month: the year-to-date cumulative value
    for cumulative indicators (1–M月累计), the month-end level for stock indicators."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="actuals", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    origin = models.CharField(_("origin"), max_length=8, choices=ActualOrigin.choices)

    # Districts read their own figures and the city's.
    scope = ScopeSpec(unit="unit", shared=Q(unit__kind="city"))

    class Meta:
        ordering = ["year", "month", "indicator__order", "unit__order"]
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator", "year", "month"], name="actual_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="actual_month_range"),
        ]
        indexes = [models.Index(fields=["indicator", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator} {self.year}-{self.month:02d}"
