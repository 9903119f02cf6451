"""Innovation platforms (科技创新平台), plan (四): key laboratories, technology innovation centres,
engineering research centres, new R&D institutions and industry institutes, at city, provincial
or national level, with their yearly evaluation. CITY_PLATFORMS counts the city-level platforms
approved in the year."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = [
    "EvaluationResult",
    "Platform",
    "PlatformEvaluation",
    "PlatformKind",
    "PlatformLevel",
    "PlatformStatus",
]


class PlatformKind(models.TextChoices):
    KEY_LAB = "key_lab", _("Key laboratory")
    INNOVATION_CENTRE = "innovation_centre", _("Technology innovation centre")
    ENGINEERING_CENTRE = "engineering_centre", _("Engineering research centre")
    NEW_RD = "new_rd", _("New R&D institution")
    INDUSTRY_INSTITUTE = "industry_institute", _("Industry institute")
    OTHER = "other", _("Other platform")


class PlatformLevel(models.TextChoices):
    CITY = "city", _("City level")
    PROVINCIAL = "provincial", _("Provincial level")
    NATIONAL = "national", _("National level")


class PlatformStatus(models.TextChoices):
    CULTIVATING = "cultivating", _("Being cultivated")
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Revoked")


class Platform(Versioned, BaseModel):
    """One platform at one level: an upgrade (city → provincial) is a new approval, a new row."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlatformKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=PlatformLevel.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    host_enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
        verbose_name=_("host enterprise"),
    )
    host_name = models.CharField(
        _("host institution"),
        max_length=200,
        blank=True,
        help_text=_("A university or institute, or an enterprise not in the registry."),
    )
    partners = models.TextField(_("partners"), blank=True, help_text=_("One per line."))
    field = models.CharField(_("technology field"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlatformStatus.choices, default=PlatformStatus.APPROVED
    )
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    approval_document = models.CharField(_("approval document"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-approved_on", "name"]
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")
        constraints = [models.UniqueConstraint(fields=["name", "level"], name="platform_once_per_level")]

    def __str__(self) -> str:
        return self.name

    @property
    def host(self) -> str:
        return self.host_enterprise.name if self.host_enterprise_id else self.host_name

    @property
    def partner_list(self) -> list[str]:
        return [p.strip() for p in self.partners.splitlines() if p.strip()]

    def clean(self):
        errors = {}
        if not self.host_enterprise_id and not self.host_name:
            errors["host_name"] = _("Choose the host enterprise or name the host institution.")
        if self.status != PlatformStatus.CULTIVATING and self.approved_on is None:
            errors["approved_on"] = _("An approved platform needs its approval date.")
        if self.approved_on and self.approved_on > dt.date.today():
            errors["approved_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class EvaluationResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class PlatformEvaluation(BaseModel):
    """A platform's yearly evaluation (年度考核评价)."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("platform")
    )
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    result = models.CharField(_("result"), max_length=10, choices=EvaluationResult.choices)
    evaluated_on = models.DateField(_("evaluation date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope = ScopeSpec(unit="platform__unit")

    class Meta:
        ordering = ["platform", "-year"]
        verbose_name = _("platform evaluation")
        verbose_name_plural = _("platform evaluations")
        constraints = [
            models.UniqueConstraint(fields=["platform", "year"], name="platform_evaluation_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.year} {self.get_result_display()}"
