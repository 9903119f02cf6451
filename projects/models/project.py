"""Approved projects (立项) and their execution: the task book's indicators, funding in tranches,
milestones and mid-term checks, acceptance (验收) and the clean-up of overdue projects
(到期未验收). Challenge contracts (揭榜挂帅) and horse-race teams (赛马制) are projects too, whose
tranches are gated by milestones."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from projects.models.application import Application
from projects.models.guide import GuideCategory, money_field

__all__ = [
    "OPEN_STATUSES",
    "Acceptance",
    "AcceptanceOutcome",
    "Milestone",
    "MilestoneKind",
    "MilestoneStatus",
    "Project",
    "ProjectKind",
    "ProjectStatus",
    "TaskIndicator",
    "Tranche",
    "TrancheStatus",
]


class ProjectKind(models.TextChoices):
    CALL = "call", _("City S&T plan project")
    CHALLENGE = "challenge", _("Open challenge contract (揭榜挂帅)")
    RACE = "race", _("Horse-race team (赛马制)")


class ProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("Under way")
    EXTENDED = "extended", _("Extended")
    ACCEPTED = "accepted", _("Accepted (passed)")
    FAILED = "failed", _("Failed acceptance")
    TERMINATED = "terminated", _("Terminated")


OPEN_STATUSES = (ProjectStatus.ONGOING, ProjectStatus.EXTENDED)


class Project(BaseModel):
    """An approved project with its budget (万元) and period. Overdue (到期未验收) when its due date
    (`extended_to`, else `ends_on`) has passed and it is still open."""

    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices, default=ProjectKind.CALL)
    number = models.CharField(_("project number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    application = models.OneToOneField(
        Application,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project",
        verbose_name=_("application"),
    )
    category = models.ForeignKey(
        GuideCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("category"),
    )
    challenge = models.ForeignKey(
        "projects.ChallengeList",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("challenge list"),
    )
    bid = models.OneToOneField(
        "projects.Bid",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project",
        verbose_name=_("bid"),
    )
    race = models.ForeignKey(
        "projects.HorseRace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("horse race"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("enterprise"),
    )
    undertaker = models.CharField(_("undertaking organisation"), max_length=200)
    leader = models.CharField(_("project leader"), max_length=50, blank=True)
    in_agri_park = models.BooleanField(_("in the national agricultural S&T park"), default=False)
    budget = money_field(_("city funding (10,000 yuan)"))
    self_funding = money_field(_("own funding (10,000 yuan)"), default=0)
    approved_on = models.DateField(_("approval date"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    contract_no = models.CharField(_("task book or contract number"), max_length=50, blank=True)
    signed_on = models.DateField(_("task book signed on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProjectStatus.choices,
        default=ProjectStatus.ONGOING,
        db_index=True,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)

    scope = ScopeSpec(unit="unit", enterprise="enterprise")

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def due_on(self) -> dt.date:
        return self.extended_to or self.ends_on

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < (today or timezone.localdate())


class TaskIndicator(BaseModel):
    """One indicator of the task book (任务书考核指标): what must be achieved, checked at
    acceptance."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project")
    )
    name = models.CharField(_("indicator"), max_length=200)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    achieved = models.DecimalField(_("achieved"), max_digits=14, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)

    scope = ScopeSpec(unit="project__unit", enterprise="project__enterprise")

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("task-book indicator")
        verbose_name_plural = _("task-book indicators")

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    MIDTERM = "midterm", _("Mid-term check")
    GATE = "gate", _("Gate review (赛马制)")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class Milestone(BaseModel):
    """A milestone, a mid-term check or a horse-race gate; a tranche may wait for it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MilestoneKind.choices, default=MilestoneKind.MILESTONE
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=8, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by"),
    )

    scope = ScopeSpec(unit="project__unit", enterprise="project__enterprise")

    class Meta:
        ordering = ["project", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on})"


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Tranche(BaseModel):
    """One payment of the city funding. A tranche gated by a milestone is paid only once the
    milestone has passed."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("project")
    )
    seq = models.PositiveSmallIntegerField(_("tranche"))
    amount = money_field(_("amount (10,000 yuan)"))
    planned_on = models.DateField(_("planned for"))
    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches",
        verbose_name=_("paid after"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher = models.CharField(_("payment voucher"), max_length=50, blank=True)

    scope = ScopeSpec(unit="project__unit", enterprise="project__enterprise")

    class Meta:
        ordering = ["project", "seq"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="tranche_seq_unique")]

    def __str__(self) -> str:
        return f"{self.project.number} #{self.seq}"


class AcceptanceOutcome(models.TextChoices):
    PASSED = "passed", _("Passed (通过)")
    FAILED = "failed", _("Not passed (不通过)")
    POSTPONED = "postponed", _("Postponed (延期)")
    TERMINATED = "terminated", _("Terminated (终止)")


class Acceptance(BaseModel):
    """One acceptance of a project: the checklist generated from the task-book indicators (plus
    the funds and documents items), the results entered against it and the outcome."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="acceptances", verbose_name=_("project")
    )
    opened_on = models.DateField(_("opened on"))
    checklist = models.JSONField(_("checklist"), default=list)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AcceptanceOutcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    remarks = models.TextField(_("remarks"), blank=True)
    new_due = models.DateField(_("postponed to"), null=True, blank=True)

    scope = ScopeSpec(unit="project__unit", enterprise="project__enterprise")

    class Meta:
        ordering = ["project", "-opened_on", "-id"]
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")

    def __str__(self) -> str:
        return f"{self.project.number} {self.opened_on}"
