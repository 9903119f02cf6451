"""PhD talent projects (博士人才项目) and school–enterprise cooperation (校企合作), plan (八)三是
and 五是: counted for PHD_PROJECTS and SCHOOL_ENTERPRISE."""

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
from talent.models.people import Person

__all__ = ["AgreementStatus", "PhdProject", "PhdProjectStatus", "SchoolEnterpriseAgreement"]


class PhdProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("Under way")
    ACCEPTED = "accepted", _("Accepted")
    TERMINATED = "terminated", _("Terminated")


class PhdProject(Versioned, BaseModel):
    """A project a PhD carries out with a local enterprise (博士人才项目); counted for
    PHD_PROJECTS by the month of approval."""

    title = models.CharField(_("title"), max_length=200)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="phd_projects", verbose_name=_("PhD")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phd_projects",
        verbose_name=_("partner enterprise"),
    )
    partner = models.CharField(_("partner (if not a registered enterprise)"), max_length=200, blank=True)
    approved_on = models.DateField(_("approval date"))
    funding = models.DecimalField(
        _("funding (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PhdProjectStatus.choices, default=PhdProjectStatus.ONGOING
    )
    summary = models.TextField(_("summary"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-approved_on", "id"]
        verbose_name = _("PhD project")
        verbose_name_plural = _("PhD projects")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.approved_on and self.approved_on > dt.date.today():
            errors["approved_on"] = _("The date cannot be in the future.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The project ends before it starts.")
        if errors:
            raise ValidationError(errors)


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")


class SchoolEnterpriseAgreement(Versioned, BaseModel):
    """A cooperation agreement between a university or institute and an enterprise (校企合作:
    joint training bases, PhDs employed by the school and working in the enterprise); counted for
    SCHOOL_ENTERPRISE by the month it was signed."""

    school = models.CharField(_("university or institute"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="school_agreements",
        verbose_name=_("enterprise"),
    )
    enterprise_name = models.CharField(_("enterprise (if not registered)"), max_length=200, blank=True)
    signed_on = models.DateField(_("date signed"))
    expires_on = models.DateField(_("end of term"), null=True, blank=True)
    content = models.TextField(_("content of the cooperation"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-signed_on", "id"]
        verbose_name = _("school–enterprise agreement")
        verbose_name_plural = _("school–enterprise agreements")

    def __str__(self) -> str:
        return f"{self.school} — {self.partner_name}"

    @property
    def partner_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.enterprise_name

    def clean(self):
        errors = {}
        if not self.enterprise_id and not self.enterprise_name:
            errors["enterprise_name"] = _("Choose a registered enterprise or give the enterprise's name.")
        if self.signed_on and self.signed_on > dt.date.today():
            errors["signed_on"] = _("The date cannot be in the future.")
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            errors["expires_on"] = _("The term ends before the agreement was signed.")
        if errors:
            raise ValidationError(errors)
