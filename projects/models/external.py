"""Provincial and national applications organised by the bureau and the districts (组织申报国家、
省级项目) and their results; they feed PROV_PROJECTS_AGRI, PROV_PROJECTS_MN and PARK_PROJECTS."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from projects.models.guide import money_field

__all__ = ["ExternalApplication", "ExternalDomain", "ExternalLevel", "ExternalResult"]


class ExternalLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")


class ExternalDomain(models.TextChoices):
    AGRI_SOCIAL = "agri_social", _("Agriculture and social development (农社领域)")
    MANGANESE = "manganese", _("Manganese industry and manganese pollution control")
    OTHER = "other", _("Other")


class ExternalResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved (立项)")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExternalApplication(BaseModel):
    """One application to a provincial or national programme, with its result. Counted when
    approved, by the month of the result, in the unit where the project lands."""

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=ExternalLevel.choices)
    programme = models.CharField(_("programme"), max_length=100)
    title = models.CharField(_("project title"), max_length=200)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_applications",
        verbose_name=_("enterprise"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    domain = models.CharField(
        _("domain"), max_length=12, choices=ExternalDomain.choices, default=ExternalDomain.OTHER
    )
    in_agri_park = models.BooleanField(_("in the national agricultural S&T park"), default=False)
    applied_on = models.DateField(_("applied on"))
    result = models.CharField(
        _("result"), max_length=10, choices=ExternalResult.choices, default=ExternalResult.PENDING
    )
    result_on = models.DateField(_("result on"), null=True, blank=True)
    funding = money_field(_("funding granted (10,000 yuan)"), null=True, blank=True)
    reference = models.CharField(_("project number"), max_length=50, blank=True)

    scope = ScopeSpec(unit="unit", enterprise="enterprise")

    class Meta:
        ordering = ["-year", "-applied_on", "id"]
        verbose_name = _("provincial or national application")
        verbose_name_plural = _("provincial and national applications")
        constraints = [
            models.UniqueConstraint(fields=["year", "title", "applicant_name"], name="external_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(result__in=["pending", "withdrawn"]) | models.Q(result_on__isnull=False),
                name="external_result_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.title
