"""The monthly report (一月一报, plan 四(二)三是).

A district or zone fills, for a month, the year-to-date figure of every reported indicator
(Indicator.source reported; ratio indicators are computed from their parts, never reported) and a
progress note on each key-task item it answers for. Steps: draft → submitted → returned (with a
reason) → accepted. Accepting writes the figures as dispatch.Actual rows (origin report) and the
notes as dated follow-up updates, in the same transaction; the report is then immutable and a
correction is a new revision with a reason, shown as a diff against the accepted one.

Checks (on saving a draft, on an uploaded template and again on submitting): a value is a
non-negative number; a year-to-date figure may not fall below the figure held for an earlier
month of the year (nor rise above a later one) unless the note says why; on submitting every
indicator has a figure and a correction has its reason.

Decisions where the brief is silent:
- The figure "last month" is the nearest earlier month of the same year held in dispatch.Actual
  (accepted reports and imports alike), so a gap in the reports does not switch the check off.
- Lateness is judged on the first submission of revision 1: a report returned and sent back
  was delivered on time if it was first sent on time; a correction is never late.
- A month's warnings are refreshed when its last expected report is accepted (ranks need every
  unit), and again on any later acceptance of that month (a correction).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dispatch.models import (
    Actual,
    ActualOrigin,
    DispatchWarning,
    ItemAssignment,
    ItemStatus,
    ItemUpdate,
    MonthlyReport,
    ReportFigure,
    ReportNote,
    ReportStatus,
)
from dispatch.workflow.common import (
    REPORTING_KINDS,
    WorkflowError,
    ensure_bureau,
    ensure_writer,
    now_or,
    report_due,
    reporting_units,
)
from dispatch.workflow.followup import unit_assignments
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope
from kechuang.tabular import neutralise
from org.models import Unit
from plan.models import Indicator, IndicatorKind, IndicatorSource

__all__ = [
    "FIGURE_COLUMNS",
    "NOTE_COLUMNS",
    "FigureInput",
    "NoteInput",
    "ReportInputError",
    "Timeliness",
    "item_key",
    "month_is_complete",
    "monthly_report_accept",
    "monthly_report_create",
    "monthly_report_fill",
    "monthly_report_return",
    "monthly_report_revise",
    "monthly_report_submit",
    "monthly_report_upload",
    "report_diff",
    "report_template",
    "reported_indicators",
    "reports_overview",
]

MAX_VALUE = Decimal(10) ** 14
FOUR = Decimal("0.0001")
MAX_UPLOAD = 5 * 1024 * 1024

# (canonical, English header, Chinese header) — either header, or the canonical name, is read.
FIGURE_COLUMNS = [
    ("unit", "Unit code", "单位代码"),
    ("period", "Period", "期间"),
    ("indicator", "Indicator code", "指标代码"),
    ("name", "Indicator", "指标名称"),
    ("measure", "Unit of measure", "计量单位"),
    ("kind", "Basis", "口径"),
    ("previous", "Last month", "上月数"),
    ("value", "This month", "本月数"),
    ("note", "Note", "说明"),
]
NOTE_COLUMNS = [
    ("unit", "Unit code", "单位代码"),
    ("period", "Period", "期间"),
    ("item", "Item", "事项编号"),
    ("text", "Item text", "事项内容"),
    ("status", "Status", "进展状态"),
    ("progress", "Progress", "进展情况"),
]


class ReportInputError(WorkflowError):
    """Figures or notes were refused; `errors` lists (where, message) pairs: where is a form
    field name (`value_CODE`, `note_CODE`, `progress_ID`, `status_ID`) or, for an uploaded file,
    `sheet S, row N, column C`. Nothing was written."""


@dataclass
class FigureInput:
    value: Decimal | None = None
    note: str = ""


@dataclass
class NoteInput:
    status: str = ""
    progress: str = ""


def reported_indicators() -> list[Indicator]:
    """The indicators a unit reports (ratios are computed from their parts)."""
    return list(
        Indicator.objects.filter(source=IndicatorSource.REPORTED)
        .exclude(kind=IndicatorKind.RATIO)
        .order_by("order", "code")
    )


def item_key(assignment: ItemAssignment) -> str:
    """The item's number in a template: task.item, e.g. 2.4 for (二)四是."""
    return f"{assignment.item.task.number}.{assignment.item.number}"


def _event(actor, report: MonthlyReport, message: str, **data) -> None:
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=report,
        message=message,
        data={"period": report.period, "revision": report.revision, **data},
    )


def _locked(report: MonthlyReport) -> MonthlyReport:
    """The report re-read under a row lock (the step is decided on the stored status)."""
    return MonthlyReport.objects.select_for_update().select_related("unit").get(pk=report.pk)


# ---------------------------------------------------------------------------------------------
# Creating and filling
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def monthly_report_create(*, actor, unit: Unit, year: int, month: int) -> MonthlyReport:
    """Start the report of a unit for a month that has begun: a draft with a row for every
    reported indicator and a note for every item the unit answers for."""
    ensure_writer(actor, unit)
    if unit.kind not in REPORTING_KINDS:
        raise WorkflowError(_("Only districts and zones file monthly reports."), field="unit")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise WorkflowError(_("Choose a month between 1 and 12."), field="month")
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise WorkflowError(_("The month has not begun yet."), field="month")
    if MonthlyReport.objects.filter(unit=unit, year=year, month=month).exists():
        raise WorkflowError(_("The report of this month exists already; open it."), field="month")
    report = MonthlyReport.objects.create(
        unit=unit, year=year, month=month, due=report_due(year, month), created_by=actor
    )
    ReportFigure.objects.bulk_create(
        [ReportFigure(report=report, indicator=i) for i in reported_indicators()]
    )
    for assignment in unit_assignments(unit, year):
        ReportNote.objects.create(report=report, assignment=assignment, status=assignment.status)
    if actor is not None:
        ensure_in_scope(report, actor)
    _event(actor, report, "monthly report started")
    return report


def _held_neighbours(report: MonthlyReport) -> dict[int, dict[int, Decimal]]:
    """indicator id -> {month: value} of the unit's held figures of the year, this month aside."""
    out: dict[int, dict[int, Decimal]] = {}
    rows = Actual.objects.filter(unit_id=report.unit_id, year=report.year).exclude(month=report.month)
    for ind_id, month, value in rows.values_list("indicator_id", "month", "value"):
        out.setdefault(ind_id, {})[month] = value
    return out


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _check_value(indicator: Indicator, fig: FigureInput, held: Mapping[int, Decimal], report) -> list[tuple]:
    """(field, message) pairs for one figure."""
    errors = []
    value = fig.value
    if value is None:
        return errors
    if value < 0:
        return [("value", _("The figure cannot be negative."))]
    if value >= MAX_VALUE:
        return [("value", _("The figure is too large."))]
    if indicator.kind != IndicatorKind.CUMULATIVE or fig.note.strip():
        return errors
    earlier = [m for m in held if m < report.month]
    later = [m for m in held if m > report.month]
    if earlier:
        m = max(earlier)
        if value < held[m]:
            errors.append(
                (
                    "value",
                    _(
                        "{value} is below the figure of {period} ({previous}); a year-to-date figure "
                        "cannot fall. Correct it, or give the reason in the note."
                    ).format(value=_plain(value), period=f"{report.year}-{m:02d}", previous=_plain(held[m])),
                )
            )
    if later:
        m = min(later)
        if value > held[m]:
            errors.append(
                (
                    "value",
                    _(
                        "{value} is above the figure held for {period} ({next}); a year-to-date figure "
                        "cannot fall. Correct it, or give the reason in the note."
                    ).format(value=_plain(value), period=f"{report.year}-{m:02d}", next=_plain(held[m])),
                )
            )
    return errors


def _figures_of(report: MonthlyReport) -> list[ReportFigure]:
    return list(report.figures.select_related("indicator").order_by("indicator__order", "indicator__code"))


def _notes_of(report: MonthlyReport) -> list[ReportNote]:
    return list(
        report.notes.select_related("assignment__item__task").order_by(
            "assignment__item__task__number", "assignment__item__number"
        )
    )


def _quantize(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(FOUR, rounding=ROUND_HALF_UP)


def _apply(report: MonthlyReport, figures: Mapping[str, FigureInput], notes: Mapping[int, NoteInput]) -> int:
    """Write the given figures (by indicator code) and notes (by assignment id); the number of
    rows changed."""
    changed = 0
    for fig in _figures_of(report):
        given = figures.get(fig.indicator.code)
        if given is None:
            continue
        value, note = _quantize(given.value), given.note.strip()
        if fig.value != value or fig.note != note:
            fig.value, fig.note = value, note
            fig.save()
            changed += 1
    for note in _notes_of(report):
        given = notes.get(note.assignment_id)
        if given is None:
            continue
        status, progress = given.status or "", given.progress.strip()
        if note.status != status or note.progress != progress:
            note.status, note.progress = status, progress
            note.save()
            changed += 1
    return changed


def _validate(report, figures: Mapping[str, FigureInput], notes: Mapping[int, NoteInput]) -> list[tuple]:
    held = _held_neighbours(report)
    errors = []
    indicators = {f.indicator.code: f.indicator for f in _figures_of(report)}
    for code, fig in figures.items():
        ind = indicators.get(code)
        if ind is None:
            errors.append((f"value_{code}", _("{code} is not reported in this report.").format(code=code)))
            continue
        for fieldname, message in _check_value(ind, fig, held.get(ind.pk, {}), report):
            errors.append((f"{fieldname}_{code}", message))
    known = {n.assignment_id for n in _notes_of(report)}
    for assignment_id, note in notes.items():
        if assignment_id not in known:
            errors.append((f"progress_{assignment_id}", _("This item is not in the report.")))
        elif note.status and note.status not in ItemStatus.values:
            errors.append((f"status_{assignment_id}", _("Unknown status.")))
    return errors


@transaction.atomic
def monthly_report_fill(
    *,
    actor,
    report: MonthlyReport,
    figures: Mapping[str, FigureInput] | None = None,
    notes: Mapping[int, NoteInput] | None = None,
) -> int:
    """Save figures and notes into a draft (or a returned report); every value checked first,
    nothing written when one is refused (ReportInputError)."""
    ensure_writer(actor, report.unit)
    report = _locked(report)
    if not report.editable:
        raise WorkflowError(_("Only a draft or a returned report can be changed."))
    figures, notes = dict(figures or {}), dict(notes or {})
    errors = _validate(report, figures, notes)
    if errors:
        raise ReportInputError(_("Some figures were refused; nothing was saved."), errors=errors)
    changed = _apply(report, figures, notes)
    if changed:
        report.save()  # the updated stamp
        _event(actor, report, "monthly report saved", changed=changed)
    return changed


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def monthly_report_submit(*, actor, report: MonthlyReport, at: dt.datetime | None = None) -> MonthlyReport:
    """Send the report to the bureau: every indicator has a figure, every figure passes."""
    ensure_writer(actor, report.unit)
    report = _locked(report)
    if not report.editable:
        raise WorkflowError(_("Only a draft or a returned report can be submitted."))
    figs = _figures_of(report)
    errors = [
        (f"value_{f.indicator.code}", _("Give the figure of {name}.").format(name=f.indicator.name))
        for f in figs
        if f.value is None
    ]
    errors += _validate(
        report, {f.indicator.code: FigureInput(f.value, f.note) for f in figs if f.value is not None}, {}
    )
    if report.revision > 1 and not report.reason.strip():
        errors.append(("reason", _("Say why the accepted report is corrected.")))
    if errors:
        raise ReportInputError(_("The report cannot be submitted yet."), errors=errors)
    when = now_or(at)
    report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, when, actor
    if report.first_submitted_at is None:
        report.first_submitted_at = when
    report.save()
    _event(actor, report, "monthly report submitted", late=report.revision == 1 and report.late)
    return report


@transaction.atomic
def monthly_report_return(
    *, actor, report: MonthlyReport, reason: str, at: dt.datetime | None = None
) -> MonthlyReport:
    """The bureau sends a submitted report back to the unit, saying why."""
    ensure_bureau(actor)
    report = _locked(report)
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be returned."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the report is returned."), field="reason")
    report.status, report.returned_at, report.returned_by, report.return_reason = (
        ReportStatus.RETURNED,
        now_or(at),
        actor,
        reason,
    )
    report.save()
    _event(actor, report, "monthly report returned", reason=reason)
    return report


@transaction.atomic
def monthly_report_accept(*, actor, report: MonthlyReport, at: dt.datetime | None = None) -> MonthlyReport:
    """The bureau accepts a submitted report: its figures become the unit's actuals (origin
    report) and its notes dated follow-up updates, in this transaction; the report is locked."""
    ensure_bureau(actor)
    report = _locked(report)
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be accepted."))
    when = now_or(at)
    held = {
        a.indicator_id: a
        for a in Actual.objects.filter(unit_id=report.unit_id, year=report.year, month=report.month)
    }
    written = []
    for fig in _figures_of(report):
        if fig.value is None:  # submitted reports are complete; kept for safety
            continue
        actual = held.get(fig.indicator_id)
        if actual is None:
            Actual.objects.create(
                unit_id=report.unit_id,
                indicator=fig.indicator,
                year=report.year,
                month=report.month,
                value=fig.value,
                origin=ActualOrigin.REPORT,
            )
            written.append([fig.indicator.code, None, str(fig.value)])
        elif actual.value != fig.value or actual.origin != ActualOrigin.REPORT:
            written.append([fig.indicator.code, str(actual.value), str(fig.value)])
            actual.value, actual.origin = fig.value, ActualOrigin.REPORT
            actual.save()
    for note in _notes_of(report):
        if not note.progress.strip():
            continue
        assignment = note.assignment
        status = note.status or assignment.status
        ItemUpdate.objects.create(
            assignment=assignment,
            on=timezone.localdate(when),
            text=note.progress,
            status=status,
            author=report.submitted_by,
            report=report,
        )
        if assignment.status != status:
            assignment.status = status
            assignment.done_on = timezone.localdate(when) if status == ItemStatus.DONE else None
            assignment.save()
    report.status, report.accepted_at, report.accepted_by = ReportStatus.ACCEPTED, when, actor
    report.save()
    _event(actor, report, "monthly report accepted", actuals=written)

    from dispatch.workflow.warnings import warnings_refresh

    if (
        month_is_complete(report.year, report.month)
        or DispatchWarning.objects.filter(year=report.year, month=report.month).exists()
    ):
        warnings_refresh(actor=None, year=report.year, month=report.month, at=when)
    return report


@transaction.atomic
def monthly_report_revise(*, actor, report: MonthlyReport, reason: str) -> MonthlyReport:
    """Start a correction of an accepted report: a new revision (a draft) holding the same
    figures and notes, with the reason; once accepted its figures replace the accepted ones."""
    ensure_writer(actor, report.unit)
    report = _locked(report)
    if report.status != ReportStatus.ACCEPTED:
        raise WorkflowError(_("Only an accepted report is corrected; change the draft itself."))
    siblings = MonthlyReport.objects.filter(unit_id=report.unit_id, year=report.year, month=report.month)
    if siblings.exclude(status=ReportStatus.ACCEPTED).exists():
        raise WorkflowError(_("A correction of this month is already open."))
    latest = siblings.aggregate(m=Max("revision"))["m"]
    if report.revision != latest:
        raise WorkflowError(_("Correct the latest accepted revision."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the accepted report is corrected."), field="reason")
    new = MonthlyReport.objects.create(
        unit=report.unit,
        year=report.year,
        month=report.month,
        revision=latest + 1,
        corrects=report,
        reason=reason,
        due=report.due,
        created_by=actor,
    )
    ReportFigure.objects.bulk_create(
        [
            ReportFigure(report=new, indicator=f.indicator, value=f.value, note=f.note)
            for f in _figures_of(report)
        ]
    )
    ReportNote.objects.bulk_create(
        [
            ReportNote(report=new, assignment=n.assignment, status=n.status, progress=n.progress)
            for n in _notes_of(report)
        ]
    )
    if actor is not None:
        ensure_in_scope(new, actor)
    _event(actor, new, "monthly report correction started", corrects=report.pk, reason=reason)
    return new


def report_diff(report: MonthlyReport) -> list[dict]:
    """The figures and notes of a correction against the accepted revision it corrects: one row
    per indicator or item with the old and new values and whether it changed."""
    if report.corrects_id is None:
        return []
    old_figs = {f.indicator_id: f for f in _figures_of(report.corrects)}
    rows = []
    for fig in _figures_of(report):
        old = old_figs.get(fig.indicator_id)
        old_value = old.value if old else None
        delta = fig.value - old_value if fig.value is not None and old_value is not None else None
        rows.append(
            {
                "kind": "figure",
                "label": fig.indicator.name,
                "measure": fig.indicator.measure,
                "old": old_value,
                "new": fig.value,
                "delta": delta,
                "old_note": old.note if old else "",
                "new_note": fig.note,
                "changed": old is None or old_value != fig.value or old.note != fig.note,
            }
        )
    old_notes = {n.assignment_id: n for n in _notes_of(report.corrects)}
    for note in _notes_of(report):
        old = old_notes.get(note.assignment_id)
        rows.append(
            {
                "kind": "note",
                "label": f"{note.assignment.item.task.label}{note.assignment.item.label}",
                "old": old.progress if old else "",
                "new": note.progress,
                "old_status": old.get_status_display() if old and old.status else "",
                "new_status": note.get_status_display() if note.status else "",
                "changed": old is None or old.progress != note.progress or old.status != note.status,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Lateness
# ---------------------------------------------------------------------------------------------


@dataclass
class Timeliness:
    """Where one unit's report of a month stands, for the bureau's list of late and missing
    reports."""

    unit: Unit
    due: dt.date
    report: MonthlyReport | None  # the latest revision
    first: MonthlyReport | None  # revision 1
    state: str  # on_time | late | missing | pending
    days_late: int = 0
    revisions: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Not started")


def _timeliness(unit, due, revisions, as_of: dt.date) -> Timeliness:
    first = next((r for r in revisions if r.revision == 1), None)
    latest = max(revisions, key=lambda r: r.revision) if revisions else None
    if first is not None and first.first_submitted_at is not None:
        sent = timezone.localdate(first.first_submitted_at)
        if sent <= due:
            return Timeliness(unit, due, latest, first, "on_time", 0, revisions)
        return Timeliness(unit, due, latest, first, "late", (sent - due).days, revisions)
    if as_of > due:
        return Timeliness(unit, due, latest, first, "missing", (as_of - due).days, revisions)
    return Timeliness(unit, due, latest, first, "pending", 0, revisions)


def reports_overview(year: int, month: int, *, units=None, as_of: dt.date | None = None) -> list[Timeliness]:
    """For each reporting unit (or those given): its report of the month and whether it came on
    time, late, is missing (due day passed, not submitted) or pending (not yet due)."""
    as_of = as_of or timezone.localdate()
    due = report_due(year, month)
    units = list(units if units is not None else reporting_units())
    by_unit: dict[int, list[MonthlyReport]] = {}
    for r in MonthlyReport.objects.filter(year=year, month=month, unit__in=units).order_by("revision"):
        by_unit.setdefault(r.unit_id, []).append(r)
    return [_timeliness(u, due, by_unit.get(u.pk, []), as_of) for u in units]


def month_is_complete(year: int, month: int) -> bool:
    """Every reporting unit has an accepted report of the month."""
    expected = reporting_units().count()
    accepted = (
        MonthlyReport.objects.filter(
            year=year, month=month, status=ReportStatus.ACCEPTED, unit__kind__in=REPORTING_KINDS
        )
        .values("unit")
        .distinct()
        .count()
    )
    return expected > 0 and accepted >= expected


# ---------------------------------------------------------------------------------------------
# Excel template and upload
# ---------------------------------------------------------------------------------------------


def _headers(columns) -> list[str]:
    """The header row in the reader's language: the Chinese labels, or the English ones (either is
    read back, whatever the uploader's language)."""
    chinese = (translation.get_language() or "").lower().startswith("zh")
    return [zh if chinese else english for _c, english, zh in columns]


def _kind_label(indicator: Indicator) -> str:
    return _("Year to date") if indicator.kind == IndicatorKind.CUMULATIVE else _("Month-end level")


def report_template(report: MonthlyReport) -> bytes:
    """The .xlsx template of a report: sheet 1 the figures (last month's held figure beside each
    for reference), sheet 2 the key-task items; the draft's values already filled in."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    held = _held_neighbours(report)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Indicators")[:31]
    ws.append(_headers(FIGURE_COLUMNS))
    for fig in _figures_of(report):
        before = [m for m in held.get(fig.indicator_id, {}) if m < report.month]
        previous = held[fig.indicator_id][max(before)] if before else None
        ws.append(
            [
                report.unit.code,
                report.period,
                fig.indicator.code,
                neutralise(fig.indicator.name),
                fig.indicator.measure,
                _kind_label(fig.indicator),
                float(previous) if previous is not None else None,
                float(fig.value) if fig.value is not None else None,
                neutralise(fig.note),
            ]
        )
    ws2 = wb.create_sheet(_("Key tasks")[:31])
    ws2.append(_headers(NOTE_COLUMNS))
    for note in _notes_of(report):
        ws2.append(
            [
                report.unit.code,
                report.period,
                item_key(note.assignment),
                neutralise(
                    f"{note.assignment.item.task.label}{note.assignment.item.label} {note.assignment.item.text}"
                ),
                str(ItemStatus(note.status).label) if note.status else "",
                neutralise(note.progress),
            ]
        )
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF4D6")
    for sheet, widths, editable in (
        (ws, (10, 9, 18, 30, 8, 10, 12, 12, 40), {8, 9}),
        (ws2, (10, 9, 8, 60, 10, 60), {5, 6}),
    ):
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[chr(64 + i)].width = width
        for cell in sheet[1]:
            cell.font = bold
            if cell.column in editable:
                cell.fill = fill
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_lookup(columns) -> dict[str, str]:
    lookup = {}
    for canonical, english, chinese in columns:
        for name in (canonical, english, chinese):
            lookup["".join(str(name).split()).lower()] = canonical
    return lookup


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _sheet_rows(sheet_data, columns, sheet_name: str, errors: list):
    """(row number, {canonical: text}) for the rows of a sheet; the header is row 1."""
    rows = [[_cell(v) for v in row] for row in sheet_data]
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        return [], {}
    lookup = _header_lookup(columns)
    header = rows[0]
    names, labels = [], {}
    for cell in header:
        name = lookup.get("".join(cell.split()).lower().lstrip("\ufeff"), "")
        names.append(name)
        if name:
            labels[name] = cell
    required = (
        {"unit", "period", "indicator", "value"} if columns is FIGURE_COLUMNS else {"unit", "period", "item"}
    )
    missing = [c for c in sorted(required) if c not in labels]
    if missing:
        errors.append(
            (
                "",
                _("sheet {sheet}, row 1: missing column(s) {columns}").format(
                    sheet=sheet_name, columns=", ".join(missing)
                ),
            )
        )
        return [], labels
    out = []
    for index, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        out.append((index, {n: (raw[i] if i < len(raw) else "") for i, n in enumerate(names) if n}))
    return out, labels


_PERIOD = re.compile(r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})(?:[-/.]\d{1,2})?|年\s*(\d{1,2})\s*月?)")


def _period_ok(text: str, report: MonthlyReport) -> bool:
    m = _PERIOD.fullmatch(text.strip())
    return bool(m) and (int(m[1]), int(m[2] or m[3])) == (report.year, report.month)


def _number(text: str) -> tuple[Decimal | None, str | None]:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, _("{text!r} is not a number").format(text=text)
    if not value.is_finite():
        return None, _("{text!r} is not a number").format(text=text)
    return value, None


_STATUS_WORDS = {
    **{s.value: s.value for s in ItemStatus},
    "未开始": ItemStatus.NOT_STARTED,
    "进行中": ItemStatus.IN_PROGRESS,
    "已完成": ItemStatus.DONE,
    "not started": ItemStatus.NOT_STARTED,
    "in progress": ItemStatus.IN_PROGRESS,
    "done": ItemStatus.DONE,
}


@transaction.atomic
def monthly_report_upload(*, actor, report: MonthlyReport, data: bytes, filename: str = "") -> int:
    """Fill a draft from its filled-in template (.xlsx): every row checked, every error named by
    sheet, row and column (ReportInputError), nothing written unless all rows pass. Empty value
    cells leave the figure as it is. The number of figures and notes changed."""
    ensure_writer(actor, report.unit)
    report = _locked(report)
    if not report.editable:
        raise WorkflowError(_("Only a draft or a returned report can be changed."))
    if len(data) > MAX_UPLOAD:
        raise WorkflowError(_("The file is larger than 5 MB."), field="file")
    if not data.startswith(b"PK\x03\x04"):
        raise WorkflowError(_("Upload the .xlsx template of this report."), field="file")
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            book.get_sheet_by_index(i).to_python(skip_empty_area=False) for i in range(len(book.sheet_names))
        ]
    except Exception as exc:  # calamine raises its own types for broken files
        raise WorkflowError(_("The file is not a readable .xlsx workbook."), field="file") from exc
    names = list(book.sheet_names)
    errors: list[tuple[str, str]] = []

    def where(sheet: str, row: int, label: str) -> str:
        return _("sheet {sheet}, row {row}, column {column}").format(sheet=sheet, row=row, column=label)

    figures: dict[str, FigureInput] = {}
    origin: dict[str, tuple[int, dict]] = {}
    indicators = {f.indicator.code: f.indicator for f in _figures_of(report)}
    by_name = {i.name: i for i in indicators.values()}
    fig_rows, fig_labels = _sheet_rows(
        sheets[0] if sheets else [], FIGURE_COLUMNS, names[0] if names else "1", errors
    )
    sheet = names[0] if names else "1"
    for n, row in fig_rows:
        ok = True
        if row.get("unit", "") != report.unit.code:
            errors.append(
                (
                    where(sheet, n, fig_labels["unit"]),
                    _("this file is for {unit}, not {given!r}").format(
                        unit=report.unit.code, given=row.get("unit", "")
                    ),
                )
            )
            ok = False
        if not _period_ok(row.get("period", ""), report):
            errors.append(
                (
                    where(sheet, n, fig_labels["period"]),
                    _("this file is for {period}, not {given!r}").format(
                        period=report.period, given=row.get("period", "")
                    ),
                )
            )
            ok = False
        code = row.get("indicator", "")
        ind = indicators.get(code.upper()) or by_name.get(code)
        if ind is None:
            errors.append(
                (
                    where(sheet, n, fig_labels["indicator"]),
                    _("{code!r} is not an indicator of this report").format(code=code),
                )
            )
            continue
        if ind.code in origin:
            errors.append(
                (
                    where(sheet, n, fig_labels["indicator"]),
                    _("the same indicator as row {row}").format(row=origin[ind.code][0]),
                )
            )
            continue
        value = None
        if row.get("value", ""):
            value, message = _number(row["value"])
            if message:
                errors.append((where(sheet, n, fig_labels["value"]), message))
                ok = False
        if not ok:
            continue
        origin[ind.code] = (n, row)
        if value is not None or row.get("note", ""):
            figures[ind.code] = FigureInput(value, row.get("note", ""))
    # A figure left empty keeps the draft's value (with the note given, if any).
    current = {f.indicator.code: f for f in _figures_of(report)}
    for code, fig in list(figures.items()):
        if fig.value is None:
            figures[code] = FigureInput(current[code].value, fig.note)
    held = _held_neighbours(report)
    for code, fig in figures.items():
        n, _row = origin[code]
        for fieldname, message in _check_value(
            indicators[code], fig, held.get(indicators[code].pk, {}), report
        ):
            errors.append((where(sheet, n, fig_labels.get(fieldname, fieldname)), message))

    notes: dict[int, NoteInput] = {}
    if len(sheets) > 1:
        sheet2 = names[1]
        note_rows, note_labels = _sheet_rows(sheets[1], NOTE_COLUMNS, sheet2, errors)
        by_key = {item_key(n.assignment): n for n in _notes_of(report)}
        seen: dict[str, int] = {}
        for n, row in note_rows:
            if row.get("unit", "") != report.unit.code:
                errors.append(
                    (
                        where(sheet2, n, note_labels["unit"]),
                        _("this file is for {unit}, not {given!r}").format(
                            unit=report.unit.code, given=row.get("unit", "")
                        ),
                    )
                )
                continue
            if not _period_ok(row.get("period", ""), report):
                errors.append(
                    (
                        where(sheet2, n, note_labels["period"]),
                        _("this file is for {period}, not {given!r}").format(
                            period=report.period, given=row.get("period", "")
                        ),
                    )
                )
                continue
            key = row.get("item", "")
            note = by_key.get(key)
            if note is None:
                errors.append(
                    (
                        where(sheet2, n, note_labels["item"]),
                        _("{item!r} is not an item of this report").format(item=key),
                    )
                )
                continue
            if key in seen:
                errors.append(
                    (
                        where(sheet2, n, note_labels["item"]),
                        _("the same item as row {row}").format(row=seen[key]),
                    )
                )
                continue
            seen[key] = n
            status = ""
            if row.get("status", ""):
                status = _STATUS_WORDS.get(row["status"].strip().lower()) or _STATUS_WORDS.get(
                    row["status"].strip(), ""
                )
                if not status:
                    errors.append(
                        (
                            where(sheet2, n, note_labels.get("status", "status")),
                            _("{text!r} is not a status (未开始, 进行中 or 已完成)").format(
                                text=row["status"]
                            ),
                        )
                    )
                    continue
            notes[note.assignment_id] = NoteInput(status or note.status, row.get("progress", ""))
    if errors:
        raise ReportInputError(_("The file was refused; nothing was saved."), errors=errors)
    changed = _apply(report, figures, notes)
    if changed:
        report.save()
    _event(actor, report, "monthly report uploaded", file=filename[:200], changed=changed)
    return changed
