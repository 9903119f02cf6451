"""The enterprise file (一企一档): one enterprise, keyed by its USCC, and its yearly figures."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.pii import PHONE, PersonalField
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = ["HT_DOMAINS", "EditStatus", "Enterprise", "EnterpriseEdit", "EnterpriseYear", "HtDomain"]


class HtDomain(models.TextChoices):
    """国家重点支持的高新技术领域, the eight top-level domains (national-rules.md §2.4)."""

    ELECTRONICS = "电子信息", _("Electronic information")
    BIO = "生物与新医药", _("Biology and new medicine")
    AEROSPACE = "航空航天", _("Aerospace")
    MATERIALS = "新材料", _("New materials")
    SERVICES = "高技术服务", _("High-tech services")
    ENERGY = "新能源与节能", _("New energy and energy saving")
    ENVIRONMENT = "资源与环境", _("Resources and environment")
    MANUFACTURING = "先进制造与自动化", _("Advanced manufacturing and automation")


HT_DOMAINS = tuple(HtDomain.values)


class Enterprise(Versioned, BaseModel):
    """An enterprise known to the bureau, in the unit (district or zone) where it is located."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("unit")
    )
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=8, blank=True)
    ht_domain = models.CharField(_("high-tech domain"), max_length=16, choices=HtDomain.choices, blank=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = PersonalField(_("contact phone"), kind=PHONE, max_length=20, blank=True)

    scope = ScopeSpec(unit="unit", enterprise="pk")

    class Meta:
        ordering = ["unit__order", "name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["unit", "name"]),
            # The list filtered by unit and domain: its page in name order and its capped count
            # read this index alone (by (unit, name) the count read 100,000 rows of a unit at 1M).
            models.Index(fields=["unit", "ht_domain", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enterprise_detail", args=[self.pk])


def _amount(label):
    return models.DecimalField(
        label, max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )


def _count(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


class EnterpriseYear(Versioned, BaseModel):
    """One enterprise's figures for one year (money in 万元)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="years", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    employees = _count(_("employees"))
    st_staff = _count(_("S&T staff"))
    revenue = _amount(_("revenue"))
    total_income = _amount(_("total income"))
    total_cost = _amount(_("total cost"))
    total_assets = _amount(_("total assets"))
    net_assets = _amount(_("net assets"))
    rd_expense = _amount(_("R&D expense"))
    rd_domestic = _amount(_("domestic R&D expense"))
    ht_income = _amount(_("high-tech product and service income"))
    ip_class1 = _count(_("class I IP"))
    ip_class2 = _count(_("class II IP"))
    transformations = _count(_("achievement transformations"))

    scope = ScopeSpec(unit="enterprise__unit", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("enterprise year")
        verbose_name_plural = _("enterprise years")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="enterpriseyear_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class EditStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the district")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Returned")


class EnterpriseEdit(BaseModel):
    """Changes an enterprise proposes to its own file; they apply when its district confirms."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="edits", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("figures year"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=EditStatus.choices, default=EditStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        "org.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("proposed by")
    )
    decided_by = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    scope = ScopeSpec(unit="enterprise__unit", enterprise="enterprise")

    class Meta:
        ordering = ["-created"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_status_display()}"
