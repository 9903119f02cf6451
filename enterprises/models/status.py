"""An enterprise's status history: HTE certificates and applications, tech-SME registrations,
subsidies and R&D super-deduction claims. These rows feed HTE_APPLIED, HTE_RECOGNIZED and
TSME_REGISTERED, and the cultivation pool's source lists."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models.enterprise import Enterprise
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec

__all__ = [
    "ApplicationResult",
    "HteApplication",
    "HteCertificate",
    "RdDeduction",
    "Subsidy",
    "SubsidyKind",
    "TsmeRegistration",
]

_OWNED = ScopeSpec(unit="enterprise__unit", enterprise="enterprise")


def _enterprise_fk(related_name: str):
    return models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name=related_name, verbose_name=_("enterprise")
    )


class HteCertificate(BaseModel):
    """A 高新技术企业 certificate; valid for 3 years from its issue date (national-rules.md §2.3)."""

    enterprise = _enterprise_fk("hte_certificates")
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    issued = models.DateField(_("issue date"))
    expires = models.DateField(_("expiry date"))

    scope = _OWNED

    class Meta:
        ordering = ["enterprise", "-issued"]
        verbose_name = _("HTE certificate")
        verbose_name_plural = _("HTE certificates")

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day) -> bool:
        return self.issued <= day < self.expires


class ApplicationResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    RECOGNIZED = "recognized", _("Recognized")
    FAILED = "failed", _("Not recognized")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HteApplication(BaseModel):
    """One application for HTE recognition; counted for HTE_APPLIED in the month it was filed and
    for HTE_RECOGNIZED in the month of a positive result."""

    enterprise = _enterprise_fk("hte_applications")
    year = models.PositiveSmallIntegerField(_("year"))
    applied_on = models.DateField(_("application date"))
    result = models.CharField(
        _("result"), max_length=12, choices=ApplicationResult.choices, default=ApplicationResult.PENDING
    )
    result_on = models.DateField(_("result date"), null=True, blank=True)
    certificate = models.ForeignKey(
        HteCertificate, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("certificate")
    )

    scope = _OWNED

    class Meta:
        ordering = ["enterprise", "-applied_on"]
        verbose_name = _("HTE application")
        verbose_name_plural = _("HTE applications")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="hteapplication_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class TsmeRegistration(BaseModel):
    """A 科技型中小企业 registration (入库); the number is valid for its year (national-rules.md §1.4)."""

    enterprise = _enterprise_fk("tsme_registrations")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("registration number"), max_length=32, blank=True)
    registered_on = models.DateField(_("registration date"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    scope = _OWNED

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("tech-SME registration")
        verbose_name_plural = _("tech-SME registrations")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="tsme_once_a_year")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class SubsidyKind(models.TextChoices):
    RD_SUPPORT = "rd_support", _("R&D activity subsidy for industrial firms")
    HTE_SUCCESS = "hte_success", _("HTE application subsidy (recognized)")
    HTE_FAILURE = "hte_failure", _("HTE application subsidy (not recognized)")
    OTHER = "other", _("Other")


class Subsidy(BaseModel):
    """A subsidy paid to an enterprise (万元)."""

    enterprise = _enterprise_fk("subsidies")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=SubsidyKind.choices)
    amount = models.DecimalField(
        _("amount (10,000 yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = _OWNED

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("subsidy")
        verbose_name_plural = _("subsidies")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.get_kind_display()}"


class RdDeduction(BaseModel):
    """R&D expense the enterprise claimed for the tax super-deduction in a year (万元). Kept apart
    from statistical R&D: the definitions differ (national-rules.md §3)."""

    enterprise = _enterprise_fk("rd_deductions")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("R&D expense claimed (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    scope = _OWNED

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("R&D super-deduction claim")
        verbose_name_plural = _("R&D super-deduction claims")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="rddeduction_once_a_year")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"
