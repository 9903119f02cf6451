"""S&T commissioners (科技特派员), plan (八)四是: each year's selection is a set of assignments of a
person to a town, village or enterprise for a service period; the commissioner files service logs.
COMMISSIONERS counts city-level assignments (person-times, 人次) by the month of selection."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.concurrency import Versioned
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from talent.models.people import Person

__all__ = ["Assignment", "AssignmentLevel", "PlaceKind", "ServiceLog"]


class PlaceKind(models.TextChoices):
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")
    ENTERPRISE = "enterprise", _("Enterprise")


class AssignmentLevel(models.TextChoices):
    CITY = "city", _("City level")
    PROVINCIAL = "provincial", _("Provincial level")
    COUNTY = "county", _("County level")


class Assignment(Versioned, BaseModel):
    """One commissioner selected (选派) in a year and sent to serve one place in a unit."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("commissioner")
    )
    year = models.PositiveSmallIntegerField(_("selection year"))
    level = models.CharField(
        _("level"), max_length=12, choices=AssignmentLevel.choices, default=AssignmentLevel.CITY
    )
    selected_on = models.DateField(_("selection date"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit served"))
    place_kind = models.CharField(_("kind of place"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("place served"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commissioners",
        verbose_name=_("enterprise served"),
    )
    service_start = models.DateField(_("service from"))
    service_end = models.DateField(_("service until"))
    tasks = models.TextField(_("tasks"), blank=True)

    # The commissioner's own account reads its assignments and files their logs.
    scope = ScopeSpec(unit="unit", expert="person__user")

    class Meta:
        ordering = ["-year", "unit__order", "person__name", "id"]
        verbose_name = _("commissioner assignment")
        verbose_name_plural = _("commissioner assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "selected_on", "place"], name="assignment_once_per_place"
            ),
            models.CheckConstraint(
                condition=models.Q(service_end__gte=models.F("service_start")),
                name="assignment_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person} → {self.place}"

    def clean(self):
        errors = {}
        if self.service_start and self.service_end and self.service_end < self.service_start:
            errors["service_end"] = _("The service period ends before it starts.")
        if self.selected_on and self.year and self.selected_on.year != self.year:
            errors["selected_on"] = _("The selection date is not in the selection year.")
        if self.selected_on and self.selected_on > dt.date.today():
            errors["selected_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class ServiceLog(BaseModel):
    """One day of service: where, what was done, how many people were trained."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="logs", verbose_name=_("assignment")
    )
    served_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    content = models.TextField(_("what was done"))
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filed by"),
    )

    scope = ScopeSpec(unit="assignment__unit", expert="assignment__person__user")

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")

    def __str__(self) -> str:
        return f"{self.served_on} {self.place}"

    def clean(self):
        if self.served_on is None:
            return
        if self.served_on > dt.date.today():
            raise ValidationError({"served_on": _("The date cannot be in the future.")})
        a = self.assignment if self.assignment_id else None
        if a is not None and not a.service_start <= self.served_on <= a.service_end:
            raise ValidationError(
                {
                    "served_on": _("The date is outside the service period %(start)s – %(end)s.")
                    % {"start": a.service_start.isoformat(), "end": a.service_end.isoformat()}
                }
            )
