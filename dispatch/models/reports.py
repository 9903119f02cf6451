"""The monthly report (一月一报, plan 四(二)三是): each district and zone gives, for a month, the
year-to-date figure of every reported indicator and a progress note on each key-task item it
answers for. Accepted reports are immutable; a correction is a new revision."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dispatch.models.followup import ItemAssignment, ItemStatus
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopedQuerySet, ScopeSpec
from org.models import Unit
from plan.models import Indicator

__all__ = ["LockedReportError", "MonthlyReport", "ReportFigure", "ReportNote", "ReportStatus"]


class LockedReportError(Exception):
    """An accepted report (or one of its figures or notes) was about to change."""


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


OPEN_STATUSES = (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED)


class _LockedQuerySet(ScopedQuerySet):
    """Bulk paths refuse an accepted report too (security.md item 5: `QuerySet.update()` and
    `delete()` skip `Model.save`/`delete`). `accepted` names the rows of the set that are locked.
    On PostgreSQL a trigger (migration 0004) also refuses raw SQL."""

    accepted = Q(status=ReportStatus.ACCEPTED)

    def _refuse_locked(self) -> None:
        if self.filter(self.accepted).exists():
            raise LockedReportError("an accepted report cannot change; start a correction")

    def update(self, **kwargs):
        self._refuse_locked()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_locked()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        self.filter(pk__in=[o.pk for o in objs])._refuse_locked()
        return super().bulk_update(objs, fields, batch_size=batch_size)


class _LockedPartQuerySet(_LockedQuerySet):
    accepted = Q(report__status=ReportStatus.ACCEPTED)

    @staticmethod
    def _refuse_target(report_ids) -> None:
        """Rows may not be added to, or moved into, an accepted report either."""
        ids = {getattr(r, "pk", r) for r in report_ids if r is not None}
        if ids and MonthlyReport.objects.filter(pk__in=ids, status=ReportStatus.ACCEPTED).exists():
            raise LockedReportError("an accepted report cannot change; start a correction")

    def update(self, **kwargs):
        self._refuse_target([kwargs.get("report", kwargs.get("report_id"))])
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        self._refuse_target([o.report_id for o in objs])
        return super().bulk_create(objs, *args, **kwargs)


class MonthlyReport(BaseModel):
    """One revision of a unit's report for one month. Revision 1 is the report; a later revision
    corrects the accepted one before it (`corrects`) and says why (`reason`). At most one revision
    of a unit's month is open (not accepted) at a time; the unit's figures are those of its latest
    accepted revision."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    objects = _LockedQuerySet.as_manager()

    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    due = models.DateField(_("due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("returned by"),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-year", "-month", "unit__order", "-revision"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "month", "revision"], name="monthlyreport_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "month"],
                condition=~Q(status="accepted"),
                name="monthlyreport_one_open",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="monthlyreport_month_range"
            ),
        ]

    def __str__(self) -> str:
        rev = f" (r{self.revision})" if self.revision > 1 else ""
        return f"{self.unit} {self.year}-{self.month:02d}{rev}"

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and MonthlyReport.objects.filter(pk=self.pk, status=ReportStatus.ACCEPTED).exists()
        ):
            raise LockedReportError("an accepted report cannot change; start a correction")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if (
            self.pk is not None
            and MonthlyReport.objects.filter(pk=self.pk, status=ReportStatus.ACCEPTED).exists()
        ):
            raise LockedReportError("an accepted report cannot be deleted")
        return super().delete(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def late(self) -> bool:
        """First submitted after the due day (or not submitted and the due day has passed)."""
        if self.first_submitted_at is not None:
            return _local_date(self.first_submitted_at) > self.due
        return dt.date.today() > self.due


def _local_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


class _ReportPart(BaseModel):
    """A row belonging to a report: locked with it once it is accepted."""

    objects = _LockedPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if MonthlyReport.objects.filter(pk=self.report_id, status=ReportStatus.ACCEPTED).exists():
            raise LockedReportError("an accepted report cannot change; start a correction")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if MonthlyReport.objects.filter(pk=self.report_id, status=ReportStatus.ACCEPTED).exists():
            raise LockedReportError("an accepted report cannot change; start a correction")
        return super().delete(*args, **kwargs)


class ReportFigure(_ReportPart):
    """The figure of one reported indicator in a report: year-to-date for cumulative indicators,
    the month-end level for stock ones; with a note (required where a cumulative figure falls
    below last month's)."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="figures", verbose_name=_("monthly report")
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("indicator"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    scope = ScopeSpec(unit="report__unit")

    class Meta:
        ordering = ["report", "indicator__order"]
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reportfigure_unique")]

    def __str__(self) -> str:
        return f"{self.report} {self.indicator.code}"


class ReportNote(_ReportPart):
    """The progress note of a report on one key-task item the unit answers for."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="notes", verbose_name=_("monthly report")
    )
    assignment = models.ForeignKey(
        ItemAssignment,
        on_delete=models.PROTECT,
        related_name="report_notes",
        verbose_name=_("follow-up item"),
    )
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, blank=True)
    progress = models.TextField(_("progress"), blank=True)

    scope = ScopeSpec(unit="report__unit")

    class Meta:
        ordering = ["report", "assignment__item__task__number", "assignment__item__number"]
        verbose_name = _("report progress note")
        verbose_name_plural = _("report progress notes")
        constraints = [models.UniqueConstraint(fields=["report", "assignment"], name="reportnote_unique")]

    def __str__(self) -> str:
        return f"{self.report} {self.assignment.item}"
