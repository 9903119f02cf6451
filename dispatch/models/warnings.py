"""Warnings (预警) persisted from the figures, and the escalation the plan prescribes (四(二)):
a dispatch meeting (调度会) convened by the city leader in charge, a written special report
(专题报告) to the city government, a bulletin (通报)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from plan.models import Indicator

__all__ = [
    "DispatchMeeting",
    "DispatchWarning",
    "Escalation",
    "EscalationKind",
    "MeetingStatus",
    "WarningAction",
    "WarningCode",
    "WarningLevel",
    "WarningStatus",
]


class WarningCode(models.TextChoices):
    """The codes of CONTRACTS.md (rules/dispatch.py WARNINGS)."""

    NEGATIVE_GROWTH = "NEGATIVE_GROWTH", _("Negative growth")
    GROWTH_DROP = "GROWTH_DROP", _("Large growth drop")
    BOTTOM_RANK = "BOTTOM_RANK", _("Bottom rank")
    BEHIND_SCHEDULE = "BEHIND_SCHEDULE", _("Behind schedule")
    AT_RISK = "AT_RISK", _("Year-end target at risk")


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISPATCHED = "dispatched", _("Dispatched")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")


class WarningAction(models.TextChoices):
    """What the plan prescribes next (四(二)二是、三是)."""

    WATCH = "watch", _("Keep watching")
    DISPATCH_MEETING = "DISPATCH_MEETING", _("Propose a dispatch meeting")
    SPECIAL_REPORT = "SPECIAL_REPORT", _("Written special report to the city government")
    BULLETIN = "BULLETIN", _("Bulletin")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class DispatchMeeting(BaseModel):
    """A dispatch meeting (调度会) convened by the city leader in charge on the warnings of some
    units: when, who chairs, which units, the minutes and the decisions."""

    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    chair = models.CharField(_("chair"), max_length=64, help_text=_("The city leader in charge."))
    units = models.ManyToManyField(Unit, related_name="dispatch_meetings", verbose_name=_("units"))
    status = models.CharField(
        _("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("convened by"),
    )

    # A unit sees the meetings it was called to.
    scope = ScopeSpec(unit="units", distinct=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("dispatch meeting")
        verbose_name_plural = _("dispatch meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])

    @property
    def audit_unit(self):
        """A meeting concerns several units: its audit rows name none (the event data lists them)."""
        return None


class EscalationKind(models.TextChoices):
    SPECIAL_REPORT = "special_report", _("Special report")
    BULLETIN = "bulletin", _("Bulletin")


class Escalation(BaseModel):
    """A written special report (专题报告) to the city government on a unit that made no progress
    after dispatch, or a bulletin (通报) on a unit that did not deliver on time."""

    kind = models.CharField(_("kind"), max_length=16, choices=EscalationKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    recipient = models.CharField(_("to"), max_length=64)
    sent_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    order = models.ForeignKey(
        "dispatch.FollowUpOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("follow-up order"),
    )
    assignment = models.ForeignKey(
        "dispatch.ItemAssignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("follow-up item"),
    )

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} {self.sent_on}"

    def get_absolute_url(self) -> str:
        return reverse("escalation_detail", args=[self.pk])


class DispatchWarning(BaseModel):
    """The warnings of one unit on one indicator at one month, as the figures raised them: the
    codes, a level, the figures behind them, the action the plan prescribes and where it stands
    (open → dispatched → resolved, or escalated)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    codes = models.JSONField(_("warnings"), default=list)
    level = models.CharField(_("level"), max_length=8, choices=WarningLevel.choices)
    figures = models.JSONField(_("figures"), default=dict)
    action = models.CharField(_("prescribed action"), max_length=16, choices=WarningAction.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    meeting = models.ForeignKey(
        DispatchMeeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warnings",
        verbose_name=_("dispatch meeting"),
    )
    escalation = models.ForeignKey(
        Escalation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warnings",
        verbose_name=_("escalation"),
    )
    cleared = models.BooleanField(_("cleared by the figures"), default=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    note = models.TextField(_("note"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-year", "-month", "unit__order", "indicator__order"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "year", "month"], name="dispatchwarning_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="dispatchwarning_month_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "month", "level"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator.code} {self.year}-{self.month:02d}"

    def get_absolute_url(self) -> str:
        return reverse("warning_detail", args=[self.pk])

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def code_labels(self) -> list[str]:
        return [WarningCode(c).label if c in WarningCode.values else c for c in self.codes]
