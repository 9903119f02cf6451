"""Science and technology cooperation, plan (三) and (四)二是: agreements with universities and
institutes, the 东莞 and 苏州 partnerships and offshore incubation, with the projects under them;
and the investment attracted (招商到位资金, 万元) that INVESTMENT_FUNDS sums in 亿元."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = [
    "CooperationAgreement",
    "CooperationProject",
    "CooperationStatus",
    "Investment",
    "PartnerKind",
    "Programme",
    "ProjectStatus",
]


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    CITY = "city", _("Partner city")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class Programme(models.TextChoices):
    GENERAL = "general", _("University and institute cooperation")
    DONGGUAN = "dongguan", _("Dongguan–Tongren east–west cooperation")
    SUZHOU = "suzhou", _("Suzhou–Tongren S&T cooperation")
    OFFSHORE = "offshore", _("Offshore incubation")


class CooperationStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")


class CooperationAgreement(Versioned, BaseModel):
    """A cooperation agreement signed by a unit (or the bureau, in the host district) with a
    partner, within a programme."""

    title = models.CharField(_("title"), max_length=200)
    partner = models.CharField(_("partner"), max_length=200)
    partner_kind = models.CharField(_("kind of partner"), max_length=12, choices=PartnerKind.choices)
    programme = models.CharField(
        _("programme"), max_length=12, choices=Programme.choices, default=Programme.GENERAL
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    signed_on = models.DateField(_("date signed"))
    expires_on = models.DateField(_("end of term"), null=True, blank=True)
    content = models.TextField(_("content"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CooperationStatus.choices, default=CooperationStatus.ACTIVE
    )

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-signed_on", "id"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.signed_on and self.signed_on > dt.date.today():
            errors["signed_on"] = _("The date cannot be in the future.")
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            errors["expires_on"] = _("The term ends before the agreement was signed.")
        if errors:
            raise ValidationError(errors)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Under way")
    COMPLETED = "completed", _("Completed")


class CooperationProject(Versioned, BaseModel):
    """A project carried out under a cooperation agreement."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="projects", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cooperation_projects",
        verbose_name=_("local enterprise"),
    )
    undertaker = models.CharField(
        _("undertaker (if not a registered enterprise)"), max_length=200, blank=True
    )
    started_on = models.DateField(_("start"), null=True, blank=True)
    funding = models.DecimalField(
        _("funding (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.ONGOING
    )
    outcome = models.TextField(_("outcome"), blank=True)

    scope = ScopeSpec(unit="agreement__unit")

    class Meta:
        ordering = ["agreement", "-started_on", "id"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")

    def __str__(self) -> str:
        return self.title


class Investment(Versioned, BaseModel):
    """Funds attracted and received for a project of the S&T R&D industry chain (科技研发工程
    产业链招商到位资金), in 万元, dated the day they arrived."""

    project = models.CharField(_("project"), max_length=200)
    amount = models.DecimalField(
        _("amount received (10,000 yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    received_on = models.DateField(_("date received"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investments",
        verbose_name=_("receiving enterprise"),
    )
    chain = models.CharField(_("industry chain"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-received_on", "id"]
        verbose_name = _("investment received")
        verbose_name_plural = _("investments received")

    def __str__(self) -> str:
        return f"{self.project} {self.amount}"

    def clean(self):
        if self.received_on and self.received_on > dt.date.today():
            raise ValidationError({"received_on": _("The date cannot be in the future.")})
