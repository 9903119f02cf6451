"""Achievement transformation and awards (plan (五)二是): transformation projects (TRANSFER_PROJECTS),
provincial S&T award applications and results (PROVINCIAL_AWARDS), and nominations for the
Guizhou top-ten S&T innovation achievements (TOP10_ACHIEVEMENTS)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = [
    "AwardApplication",
    "AwardCategory",
    "AwardGrade",
    "AwardResult",
    "ProjectLevel",
    "ProjectStatus",
    "Top10Nomination",
    "Top10Status",
    "TransferProject",
]

_SCOPE = ScopeSpec(unit="unit", enterprise="enterprise")


def _unit_fk(related_name: str):
    return models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name=related_name, verbose_name=_("unit")
    )


def _enterprise_fk(related_name: str):
    return models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        verbose_name=_("enterprise"),
    )


class ProjectLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


class ProjectStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TransferProject(Versioned, BaseModel):
    """An application for an S&T achievement transformation project (科技成果转化项目), organised by
    a unit; counted for TRANSFER_PROJECTS in the month it was filed (withdrawn ones do not count)."""

    unit = _unit_fk("transfer_projects")
    title = models.CharField(_("project title"), max_length=200)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    enterprise = _enterprise_fk("transfer_projects")
    partner = models.CharField(
        _("source of the achievement"),
        max_length=200,
        blank=True,
        help_text=_("The university, institute or enterprise whose achievement is transformed."),
    )
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    level = models.CharField(
        _("level"), max_length=12, choices=ProjectLevel.choices, default=ProjectLevel.PROVINCIAL
    )
    applied_on = models.DateField(_("application date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.APPLIED
    )
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    funding = models.DecimalField(
        _("funding granted (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("note"), blank=True)

    scope = _SCOPE

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("transformation project")
        verbose_name_plural = _("transformation projects")
        indexes = [models.Index(fields=["unit", "applied_on"])]

    def __str__(self) -> str:
        return self.title


class AwardCategory(models.TextChoices):
    """The five provincial awards after Guizhou's 2017 reform."""

    HIGHEST = "highest", _("Highest S&T award")
    NATURAL_SCIENCE = "natural_science", _("Natural science award")
    INVENTION = "invention", _("Technological invention award")
    PROGRESS = "progress", _("S&T progress award")
    COOPERATION = "cooperation", _("S&T cooperation award")


class AwardResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AwardGrade(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")


class AwardApplication(Versioned, BaseModel):
    """An application (nomination) for a Guizhou provincial S&T award and its result; counted for
    PROVINCIAL_AWARDS in the month it was filed (withdrawn ones do not count)."""

    unit = _unit_fk("award_applications")
    title = models.CharField(_("achievement"), max_length=200)
    lead_org = models.CharField(_("lead organisation"), max_length=200)
    enterprise = _enterprise_fk("award_applications")
    category = models.CharField(_("award"), max_length=16, choices=AwardCategory.choices)
    year = models.PositiveSmallIntegerField(_("award year"))
    applied_on = models.DateField(_("application date"))
    result = models.CharField(
        _("result"), max_length=12, choices=AwardResult.choices, default=AwardResult.PENDING
    )
    grade = models.CharField(_("grade"), max_length=8, choices=AwardGrade.choices, blank=True)
    result_on = models.DateField(_("result date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    scope = _SCOPE

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("provincial award application")
        verbose_name_plural = _("provincial award applications")
        indexes = [models.Index(fields=["unit", "applied_on"])]

    def __str__(self) -> str:
        return self.title


class Top10Status(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Top10Nomination(Versioned, BaseModel):
    """An achievement put forward for the Guizhou top-ten S&T innovation achievements
    (贵州省十大科技创新成果); counted for TOP10_ACHIEVEMENTS in the month it was selected."""

    unit = _unit_fk("top10_nominations")
    title = models.CharField(_("achievement"), max_length=200)
    holder = models.CharField(_("completed by"), max_length=200)
    enterprise = _enterprise_fk("top10_nominations")
    year = models.PositiveSmallIntegerField(_("selection year"))
    nominated_on = models.DateField(_("nomination date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Top10Status.choices, default=Top10Status.NOMINATED
    )
    selected_on = models.DateField(_("award date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    scope = _SCOPE

    class Meta:
        ordering = ["-year", "-nominated_on", "-id"]
        verbose_name = _("top-ten achievement nomination")
        verbose_name_plural = _("top-ten achievement nominations")

    def __str__(self) -> str:
        return self.title
