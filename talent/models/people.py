"""The people registry (科技专家人才信息库): one row per person, the designations that count them
for the plan's talent indicators, and the expert-pool fields the project review reads.

A person's 公民身份号码 is personal data (security.md #28): lists, exports and the API show it
masked; the full number is shown only through an audited reveal. Its address code may be an old
铜仁地区 5222xx code; `home_district` maps it to today's district (national-rules.md §6, §7)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.pii import ID_NUMBER, PHONE, PersonalField
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from rules import idnumber
from talent.validators import validate_id_number

__all__ = ["DeclaredConflict", "Designation", "DesignationCategory", "Education", "Person"]


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    OTHER = "other", _("Other")


class Person(Versioned, BaseModel):
    """A person known to the bureau: a talent, an expert, a commissioner, or several at once.

    `unit` is the responsible unit that keeps the record. `is_expert` puts the person in the expert
    pool that project review draws from (tags, max_load, declared conflicts, linked account)."""

    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_number = PersonalField(
        _("ID number"), kind=ID_NUMBER, max_length=18, unique=True, validators=[validate_id_number]
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people", verbose_name=_("unit"))
    phone = PersonalField(_("phone"), kind=PHONE, max_length=20, blank=True)
    field = models.CharField(_("field"), max_length=50, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    education = models.CharField(_("education"), max_length=12, choices=Education.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    is_expert = models.BooleanField(_("in the expert pool"), default=False, db_index=True)
    expert_tags = models.JSONField(_("expert fields"), default=list, blank=True)
    max_load = models.PositiveSmallIntegerField(
        _("maximum reviews per round"), default=5, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("linked account"),
    )

    # A person's own account (an expert or a commissioner) reads its own record.
    scope = ScopeSpec(unit="unit", expert="user")

    class Meta:
        ordering = ["unit__order", "name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def home_district(self) -> str | None:
        """Today's Tongren district code of the ID's address code (old 5222xx included)."""
        return idnumber.tongren_district(self.id_number)

    @property
    def tags_text(self) -> str:
        return "; ".join(self.expert_tags or [])


class DesignationCategory(models.TextChoices):
    """The plan's talent categories ((八)); each designation counts for one indicator."""

    KEY = "key", _("Key talent of the S&T R&D innovation project")
    SOCIAL = "social", _("Social-undertaking talent (other)")
    PHD = "phd", _("Introduced innovative PhD")
    TEAM = "team", _("Innovation team member")


class Designation(BaseModel):
    """A person designated (认定, 入选 or 引进) in one category on a date. TALENT_KEY, TALENT_SOCIAL
    and PHD_INTRODUCED count these by the month of `designated_on`, in the person's unit."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="designations", verbose_name=_("person")
    )
    category = models.CharField(_("category"), max_length=8, choices=DesignationCategory.choices)
    designated_on = models.DateField(_("date designated"))
    team = models.CharField(_("team"), max_length=100, blank=True)
    reference = models.CharField(_("document or batch"), max_length=100, blank=True)

    scope = ScopeSpec(unit="person__unit", expert="person__user")

    class Meta:
        ordering = ["-designated_on", "id"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category", "designated_on"], name="designation_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_category_display()} {self.designated_on}"

    def clean(self):
        if self.designated_on and self.designated_on > dt.date.today():
            raise ValidationError({"designated_on": _("The date cannot be in the future.")})


class DeclaredConflict(BaseModel):
    """An organisation an expert declares a conflict of interest with (a former employer, a
    relative's company); review assignment keeps the expert off its applications."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("expert")
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    declared_on = models.DateField(_("declared on"))

    scope = ScopeSpec(unit="person__unit", expert="person__user")

    class Meta:
        ordering = ["person", "organisation"]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self) -> str:
        return f"{self.person} ↔ {self.organisation}"
