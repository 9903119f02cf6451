"""The work plan as data: indicators, targets, key tasks, their items, targets and deadlines."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Section, Unit

__all__ = [
    "Deadline",
    "Indicator",
    "IndicatorKind",
    "IndicatorSource",
    "ItemTarget",
    "Plan",
    "Target",
    "TargetOrigin",
    "Task",
    "TaskItem",
]


class Plan(BaseModel):
    """One year's work plan of the bureau, loaded from a YAML plan file (`kechuang loadplan`)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100)
    source = models.CharField(_("source"), max_length=200, blank=True)
    guiding_idea = models.TextField(_("guiding idea"), blank=True)
    rules = models.JSONField(_("rules of section 四"), default=dict, blank=True)
    file_hash = models.CharField(_("file hash"), max_length=64, blank=True)

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self) -> str:
        return self.title


class IndicatorKind(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative (year to date)")
    STOCK = "stock", _("Stock (month-end level)")
    RATIO = "ratio", _("Ratio of two indicators")


class IndicatorSource(models.TextChoices):
    REPORTED = "reported", _("Reported by units")
    COUNTED = "counted", _("Counted from a registry")
    SUMMED = "summed", _("Summed from a registry")
    COMPUTED = "computed", _("Computed from other indicators")


class Indicator(BaseModel):
    """An indicator (指标) and how its actual is obtained. Codes are stable across years."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    measure = models.CharField(_("unit of measure"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=IndicatorSource.choices)
    direction = models.CharField(_("direction"), max_length=8, default="up")
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    reference = models.BooleanField(_("reference only"), default=False)
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("numerator")
    )
    denominator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("denominator"),
    )
    registry = models.CharField(_("registry"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class TargetOrigin(models.TextChoices):
    PLAN = "plan", _("Plan file")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Entered")


class Target(BaseModel):
    """The target of one unit for one indicator and year: an absolute value and/or a growth."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("indicator"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(_("upper target"), max_digits=18, decimal_places=4, null=True, blank=True)
    growth = models.DecimalField(_("growth target"), max_digits=10, decimal_places=6, null=True, blank=True)
    growth_pp = models.DecimalField(
        _("growth target (points)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    text = models.CharField(_("text"), max_length=200, blank=True)
    origin = models.CharField(
        _("origin"), max_length=8, choices=TargetOrigin.choices, default=TargetOrigin.PLAN
    )

    # A district sees its own targets and the city's.
    scope = ScopeSpec(unit="unit", shared=Q(unit__kind="city"))

    class Meta:
        ordering = ["year", "indicator__order", "unit__order"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["year", "unit", "indicator"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.indicator}"


class Task(BaseModel):
    """A key task (重点工作) of a plan: (一) … (十)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=16)
    title = models.TextField(_("title"))
    owner = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("owner")
    )

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_unique")]

    def __str__(self) -> str:
        return f"{self.label}{self.title[:30]}"


class TaskItem(BaseModel):
    """A numbered item (一是、二是 …) of a key task, with its owner."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="items", verbose_name=_("key task"))
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=16)
    text = models.TextField(_("text"))
    owner = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("owner")
    )
    co_owners = models.JSONField(_("co-owners"), default=list, blank=True)
    documents = models.JSONField(_("documents to draft"), default=list, blank=True)

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["task", "number"]
        verbose_name = _("task item")
        verbose_name_plural = _("task items")
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="taskitem_unique")]

    def __str__(self) -> str:
        return f"{self.task.label}{self.label}"


class ItemTarget(BaseModel):
    """A quantified target named in an item's text (征集技术需求不少于30项 …)."""

    item = models.ForeignKey(
        TaskItem, on_delete=models.CASCADE, related_name="targets", verbose_name=_("item")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("text"), max_length=200)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("indicator")
    )
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(_("upper target"), max_digits=18, decimal_places=4, null=True, blank=True)
    measure = models.CharField(_("unit of measure"), max_length=16, blank=True)
    at_least = models.BooleanField(_("at least"), default=False)

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("item target")
        verbose_name_plural = _("item targets")
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="itemtarget_unique")]

    def __str__(self) -> str:
        return self.text


class Deadline(BaseModel):
    """A deadline named in an item's text (上半年完成申报及评审 → 2023-06-30)."""

    item = models.ForeignKey(
        TaskItem, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("item")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("text"), max_length=200)
    due = models.DateField(_("due"))

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="deadline_unique")]

    def __str__(self) -> str:
        return f"{self.due} {self.text}"
