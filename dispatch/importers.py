"""Dispatch files for the import engine (CONTRACTS.md "Dispatch files and figures"): `targets`
and `actuals`. The web import page and `kechuang import targets|actuals FILE` use them directly;
`kechuang dispatch import-targets|import-actuals` reach them through dispatch/services.py.

The engine reads the file, names every problem `row N, column C: what is wrong` (the header is
row 1), writes all rows or none with the ImportRun and its audit event, and refuses rows outside
the acting user's scope. Cells are checked here, in the contract's column order, so each row's
messages come in that order whatever the file's.

Decisions where the contract is silent:
- Ratio (computed) indicators are refused in actuals files: they are recomputed from their parts.
  Registry-counted indicators are accepted (e.g. last year's counts, from before the registry);
  dispatch/figures.py uses them only for months in which the registry held no record yet.
- Values must be finite, non-negative numbers below 10^9 (rules.dispatch.MAX_VALUE, far beyond
  any figure in 亿元 or 家) and are rounded to the 4 decimals the database holds (a
  spreadsheet's 0.30000000000000004 is 0.3); `1,234.5` is accepted.
- A cumulative figure may not fall below the nearest earlier month's of the same unit, indicator
  and year, in the file or already held; the row named is the one that breaks the order.
- A figure that came from an accepted monthly report is not replaced by an import (the report is
  immutable; a correction is a revision of the report); the same value again is fine.
- A target row needs `target` or `target_growth` (a fraction; `20%` is also read as 0.2). Given
  only the growth, the target is actual(Y−1, 12) × (1 + growth) — the level the figures use
  (reported or counted, the city's figure or sum, a ratio from its parts) — rounded to 4 decimals.
- Targets are the bureau's: a district's targets file is refused row by row.
- What an import replaced (old and new values, up to 1,000 rows) and how many rows it left
  unchanged are kept with the import (ImportRun.options: `changes`, `unchanged`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dispatch.models import Actual, ActualOrigin
from kechuang.core.imports import Column, Importer, RowError, register
from kechuang.core.imports.engine import Context, ParsedRow
from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of
from kechuang.messages import Msg, gettext_noop
from org.models import Unit
from plan.models import Indicator, IndicatorKind, IndicatorSource, Target, TargetOrigin
from rules.dispatch import MAX_VALUE as _MAX_LEVEL

__all__ = ["ACTUAL_COLUMNS", "TARGET_COLUMNS", "ActualsImporter", "TargetsImporter"]

# Canonical name -> (label, *aliases): the Chinese headers accepted beside the English names.
TARGET_COLUMNS = {
    "unit": ("单位", "责任单位", "单位代码"),
    "indicator": ("指标", "指标代码", "指标名称"),
    "year": ("年度", "年份"),
    "target": ("目标值", "目标"),
    "target_growth": ("目标增速", "增速目标"),
}
ACTUAL_COLUMNS = {
    "unit": ("单位", "责任单位", "单位代码"),
    "indicator": ("指标", "指标代码", "指标名称"),
    "period": ("期间", "月份", "年月"),
    "value": ("数值", "累计值", "实际值"),
}
YEARS = range(2000, 2101)
MAX_VALUE = Decimal(_MAX_LEVEL)
MAX_GROWTH = Decimal(10) ** 4  # DecimalField(max_digits=10, decimal_places=6)
FOUR = Decimal("0.0001")
SIX = Decimal("0.000001")
# Old values of replaced rows kept with the import (bulk writes bypass the per-row log), up to
# this many; the counts are always complete.
MAX_AUDITED_CHANGES = 1000


# ---------------------------------------------------------------------------------------------
# Cell parsing: each returns (value, None) or (None, "what is wrong"); the message is a Msg, so
# the web page shows it in the uploader's language and the CLI in English.
# ---------------------------------------------------------------------------------------------


class _Lookups:
    """Units by code, name (either name of a zone known by two) or short login; indicators by
    code (any case) or name. Loaded once per file."""

    def __init__(self):
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.all():
            # "铜仁高新区(碧江高新区)" is also known by either of its two names.
            aliases = (
                [p for p in re.split(r"[()（）]", unit.name) if p]
                if "(" in unit.name or "（" in unit.name
                else []
            )
            for key in (*aliases, unit.code, unit.name, unit.short_name.lower()):
                self.units[key] = unit
        self.indicators: dict[str, Indicator] = {}
        for ind in Indicator.objects.select_related("numerator", "denominator"):
            self.indicators[ind.code.upper()] = ind
            self.indicators[ind.name] = ind

    def unit(self, text: str):
        if not text:
            return None, Msg(gettext_noop("the unit is empty"))
        unit = self.units.get(text) or self.units.get(text.lower())
        if unit is None:
            return None, Msg(
                gettext_noop("unknown unit {value} (a code such as 520602 or a unit name)"), value=repr(text)
            )
        return unit, None

    def indicator(self, text: str):
        if not text:
            return None, Msg(gettext_noop("the indicator is empty"))
        ind = self.indicators.get(text.upper()) or self.indicators.get(text)
        if ind is None:
            return None, Msg(gettext_noop("unknown indicator {value}"), value=repr(text))
        return ind, None


def _number(text: str) -> tuple[Decimal | None, str | None]:
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        return None, Msg(gettext_noop("{value} is not a number"), value=repr(text))
    return value, None


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    if not text:
        return None, Msg(gettext_noop("the value is empty"))
    value, error = _number(text)
    if error:
        return None, error
    if value < 0:
        return None, Msg(gettext_noop("{value} is negative"), value=text)
    if value >= MAX_VALUE:
        return None, Msg(gettext_noop("{value} is too large"), value=text)
    return value.quantize(FOUR, rounding=ROUND_HALF_UP), None


def _year(text: str) -> tuple[int | None, str | None]:
    if not text:
        return None, Msg(gettext_noop("the year is empty"))
    if not re.fullmatch(r"\d{4}", text):
        return None, Msg(gettext_noop("{value} is not a year (YYYY)"), value=repr(text))
    year = int(text)
    if year not in YEARS:
        return None, Msg(
            gettext_noop("year {year} is out of range ({first}–{last})"),
            year=year,
            first=YEARS.start,
            last=YEARS.stop - 1,
        )
    return year, None


_PERIOD = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/]\s*(?P<m1>\d{1,2})(?:[-/]\d{1,2}(?:[ T].*)?)?|年\s*(?P<m2>\d{1,2})\s*月?|(?P<m3>\d{2}))"
)


def _period(text: str) -> tuple[tuple[int, int] | None, str | None]:
    """YYYY-MM (also YYYY-M, YYYY/MM, YYYYMM, YYYY年M月, or a date cell YYYY-MM-DD)."""
    if not text:
        return None, Msg(gettext_noop("the period is empty"))
    match = _PERIOD.fullmatch(text.strip())
    if match is None:
        return None, Msg(gettext_noop("{value} is not a period (YYYY-MM)"), value=repr(text))
    year = int(match["y"])
    month = int(match["m1"] or match["m2"] or match["m3"])
    if not 1 <= month <= 12:
        return None, Msg(
            gettext_noop("period {value} is out of range (month {month})"), value=text, month=month
        )
    if year not in YEARS:
        return None, Msg(gettext_noop("period {value} is out of range (year {year})"), value=text, year=year)
    return (year, month), None


def _growth(text: str) -> tuple[Decimal | None, str | None]:
    percent = text.endswith("%")
    value, error = _number(text.rstrip("%"))
    if error:
        return None, Msg(
            gettext_noop("{value} is not a growth (a fraction such as 0.2, or 20%)"), value=repr(text)
        )
    if percent:
        value = value / 100
    if value <= -1:
        return None, Msg(gettext_noop("{value} would make the target zero or negative"), value=text)
    if abs(value) >= MAX_GROWTH:
        return None, Msg(gettext_noop("{value} is too large"), value=text)
    return value, None


def _text(value: str) -> str:
    return value


class _DispatchImporter(Importer):
    """Shared by both kinds: the unit is resolved by the engine's parse step (the engine checks
    it against the actor's scope); every other cell is checked by `check`."""

    names: dict[str, tuple[str, ...]]

    def build_columns(self) -> list[Column]:
        self.look = _Lookups()

        def unit(text: str) -> Unit:
            found, error = self.look.unit(text)
            if error:
                raise ValueError(error)
            return found

        return [
            Column(name, labels[0], unit if name == "unit" else _text, required=False, aliases=labels[1:])
            for name, labels in self.names.items()
        ]

    def _cells(self, rows: list[ParsedRow], ctx: Context, errors: list[RowError]):
        """(row, its raw cells, add) for each row; `add(column, message)` records a problem of
        that row, naming the column as the file does."""
        raw = dict(ctx.table.rows)
        for r in rows:

            def add(column: str, message: str, number: int = r.number) -> None:
                errors.append(RowError(number, ctx.label(column), message))

            yield r, raw.get(r.number, {}), add

    def _unit(self, r: ParsedRow, cells, add):
        """The row's unit; an empty cell is reported here (a bad one by the engine)."""
        if r.values["unit"] is None and not cells.get("unit"):
            add("unit", Msg(gettext_noop("the unit is empty")))
        return r.values["unit"]

    def _save_details(self, ctx: Context, unchanged: int, changes: list) -> None:
        ctx.run.options = {
            **ctx.run.options,
            "unchanged": unchanged,
            "changes": changes[:MAX_AUDITED_CHANGES],
            "changes_truncated": len(changes) > MAX_AUDITED_CHANGES,
        }


def _row_of(error: RowError) -> int:
    return error.row


# ---------------------------------------------------------------------------------------------
# Actuals
# ---------------------------------------------------------------------------------------------


@dataclass
class _ActualRow:
    row: int
    unit: Unit
    indicator: Indicator
    year: int
    month: int
    value: Decimal


@register
class ActualsImporter(_DispatchImporter):
    """Year-to-date figures (cumulative indicators) or month-end levels (stock indicators) of
    units, one row per unit, indicator and month: `unit, indicator, period, value`."""

    kind = "actuals"
    label = _("Dispatch actuals (history of the indicators)")
    names = ACTUAL_COLUMNS

    def check(self, rows: list[ParsedRow], ctx: Context) -> list[RowError]:
        errors: list[RowError] = []
        parsed: list[_ActualRow] = []
        seen: dict[tuple[int, int, int, int], int] = {}
        for r, cells, add in self._cells(rows, ctx, errors):
            unit = self._unit(r, cells, add)
            ok = unit is not None
            ind, e = self.look.indicator(cells.get("indicator", ""))
            if e:
                add("indicator", e)
                ok = False
            elif ind.kind == IndicatorKind.RATIO or ind.source == IndicatorSource.COMPUTED:
                parts = " / ".join(p.code for p in (ind.numerator, ind.denominator) if p is not None)
                add(
                    "indicator",
                    Msg(
                        gettext_noop("{code} is computed ({parts}); import its parts instead"),
                        code=ind.code,
                        parts=parts,
                    ),
                )
                ok = False
            period, e = _period(cells.get("period", ""))
            if e:
                add("period", e)
                ok = False
            value, e = _amount(cells.get("value", ""))
            if e:
                add("value", e)
                ok = False
            if not ok:
                continue
            key = (unit.pk, ind.pk, *period)
            if key in seen:
                add(
                    "period",
                    Msg(gettext_noop("the same unit, indicator and period as row {row}"), row=seen[key]),
                )
                continue
            seen[key] = r.number
            parsed.append(_ActualRow(r.number, unit, ind, period[0], period[1], value))
        held = _held_actuals(parsed)
        errors += _check_cumulative(parsed, held, ctx)
        errors += _check_reported(parsed, held, ctx)
        self.parsed = parsed
        return sorted(errors, key=_row_of)

    def write(self, rows: list[ParsedRow], ctx: Context) -> tuple[int, int]:
        held = _held_actuals(self.parsed)
        create, update, changes, unchanged = [], [], [], 0
        now = timezone.now()
        for r in self.parsed:
            old = held.get((r.unit.pk, r.indicator.pk, r.year, r.month))
            if old is None:
                create.append(
                    Actual(
                        unit=r.unit,
                        indicator=r.indicator,
                        year=r.year,
                        month=r.month,
                        value=r.value,
                        origin=ActualOrigin.IMPORT,
                    )
                )
            elif old.value != r.value:
                changes.append(
                    [r.unit.code, r.indicator.code, f"{r.year}-{r.month:02d}", str(old.value), str(r.value)]
                )
                old.value, old.origin, old.updated = r.value, ActualOrigin.IMPORT, now
                update.append(old)
            else:
                unchanged += 1
        Actual.objects.bulk_create(create, batch_size=2000)
        Actual.objects.bulk_update(update, ["value", "origin", "updated"], batch_size=2000)
        self._save_details(ctx, unchanged, changes)
        return len(create), len(update)


def _held_actuals(parsed: list[_ActualRow]) -> dict[tuple[int, int, int, int], Actual]:
    """The figures already held for the units, indicators and years of the file."""
    if not parsed:
        return {}
    qs = Actual.objects.filter(
        unit_id__in={r.unit.pk for r in parsed},
        indicator_id__in={r.indicator.pk for r in parsed},
        year__in={r.year for r in parsed},
    )
    return {(a.unit_id, a.indicator_id, a.year, a.month): a for a in qs}


def _check_cumulative(parsed: list[_ActualRow], held: dict, ctx: Context) -> list[RowError]:
    """A year-to-date figure cannot fall from one month to a later one (CONTRACTS.md: the value
    of a cumulative indicator is the 1–M cumulative figure)."""
    errors = []
    label = ctx.label("value")
    series: dict[tuple[int, int, int], dict[int, tuple[Decimal, int | None]]] = defaultdict(dict)
    for (unit_id, ind_id, year, month), actual in held.items():
        series[(unit_id, ind_id, year)][month] = (actual.value, None)
    cumulative = set()
    for r in parsed:
        if r.indicator.kind == IndicatorKind.CUMULATIVE:
            cumulative.add((r.unit.pk, r.indicator.pk, r.year))
            series[(r.unit.pk, r.indicator.pk, r.year)][r.month] = (r.value, r.row)
    for key in cumulative:
        months = sorted(series[key].items())
        for (m0, (v0, row0)), (m1, (v1, row1)) in zip(months, months[1:], strict=False):
            if v1 >= v0:
                continue
            year = key[2]
            if row0 is None and row1 is None:
                continue  # both held already: not this file's doing
            if row1 is not None:
                source = (
                    Msg(gettext_noop("row {row}"), row=row0)
                    if row0 is not None
                    else Msg(gettext_noop("the figure held"))
                )
                message = Msg(
                    gettext_noop(
                        "{value} is below {period} ({source}: {earlier}); a cumulative figure cannot fall"
                    ),
                    value=f"{v1.normalize():f}",
                    period=f"{year}-{m0:02d}",
                    source=source,
                    earlier=f"{v0.normalize():f}",
                )
                errors.append(RowError(row1, label, message))
            else:
                message = Msg(
                    gettext_noop(
                        "{value} is above the figure held for {period} ({later}); "
                        "a cumulative figure cannot fall"
                    ),
                    value=f"{v0.normalize():f}",
                    period=f"{year}-{m1:02d}",
                    later=f"{v1.normalize():f}",
                )
                errors.append(RowError(row0, label, message))
    return errors


def _check_reported(parsed: list[_ActualRow], held: dict, ctx: Context) -> list[RowError]:
    """An accepted monthly report's figure is not replaced by an import."""
    errors = []
    for r in parsed:
        old = held.get((r.unit.pk, r.indicator.pk, r.year, r.month))
        if old is not None and old.origin == ActualOrigin.REPORT and old.value != r.value:
            errors.append(
                RowError(
                    r.row,
                    ctx.label("value"),
                    Msg(
                        gettext_noop(
                            "{period} of {unit} {indicator} comes from an accepted monthly report ({value}); "
                            "correct it by a revision of the report"
                        ),
                        period=f"{r.year}-{r.month:02d}",
                        unit=r.unit.code,
                        indicator=r.indicator.code,
                        value=f"{old.value.normalize():f}",
                    ),
                )
            )
    return errors


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


@dataclass
class _TargetRow:
    row: int
    unit: Unit
    indicator: Indicator
    year: int
    value: Decimal | None
    growth: Decimal | None


_TARGET_FIELDS = ("value", "value_max", "growth", "growth_pp", "text", "origin")


@register
class TargetsImporter(_DispatchImporter):
    """Targets of units for a year, absolute or as a growth over last year's December figure:
    `unit, indicator, year, target, target_growth`. An imported target replaces the one held for
    the same unit, indicator and year (the plan's city targets included)."""

    kind = "targets"
    label = _("Dispatch targets (per unit and indicator)")
    names = TARGET_COLUMNS

    def out_of_scope(self, rows: list[ParsedRow], ctx: Context) -> list[RowError]:
        if ctx.actor is None or scope_of(ctx.actor).sees_all(CHANGE):
            return []
        message = Msg(gettext_noop("targets are set by the bureau"))
        return [RowError(r.number, ctx.label("unit"), message) for r in rows]

    def check(self, rows: list[ParsedRow], ctx: Context) -> list[RowError]:
        from dispatch.figures import levels_at

        errors: list[RowError] = []
        parsed: list[_TargetRow] = []
        seen: dict[tuple[int, int, int], int] = {}
        for r, cells, add in self._cells(rows, ctx, errors):
            unit = self._unit(r, cells, add)
            ok = unit is not None
            ind, e = self.look.indicator(cells.get("indicator", ""))
            if e:
                add("indicator", e)
                ok = False
            year, e = _year(cells.get("year", ""))
            if e:
                add("year", e)
                ok = False
            value = growth = None
            if cells.get("target"):
                value, e = _amount(cells["target"])
                if e:
                    add("target", e)
                    ok = False
            if cells.get("target_growth"):
                growth, e = _growth(cells["target_growth"])
                if e:
                    add("target_growth", e)
                    ok = False
            elif not cells.get("target"):
                add("target", Msg(gettext_noop("give a target or a target_growth")))
                ok = False
            if not ok:
                continue
            key = (unit.pk, ind.pk, year)
            if key in seen:
                add(
                    "year", Msg(gettext_noop("the same unit, indicator and year as row {row}"), row=seen[key])
                )
                continue
            seen[key] = r.number
            parsed.append(_TargetRow(r.number, unit, ind, year, value, growth))
        derive = [r for r in parsed if r.value is None]
        levels = levels_at((r.unit.code, r.indicator.code, r.year - 1, 12) for r in derive)
        label = ctx.label("target_growth")
        for r in derive:
            base = levels.get((r.unit.code, r.indicator.code, r.year - 1, 12))
            if base is None:
                message = Msg(
                    gettext_noop(
                        "no actual of {indicator} for {unit} in {year}-12 to apply the growth to; "
                        "import it first or give the target"
                    ),
                    indicator=r.indicator.code,
                    unit=r.unit.code,
                    year=r.year - 1,
                )
                errors.append(RowError(r.row, label, message))
                continue
            value = (Decimal(repr(base)) * (1 + r.growth)).quantize(FOUR, rounding=ROUND_HALF_UP)
            if value >= MAX_VALUE:
                errors.append(RowError(r.row, label, Msg(gettext_noop("the derived target is too large"))))
            r.value = value
        self.parsed = parsed
        return sorted(errors, key=_row_of)

    def write(self, rows: list[ParsedRow], ctx: Context) -> tuple[int, int]:
        parsed = self.parsed
        held = {
            (t.unit_id, t.indicator_id, t.year): t
            for t in Target.objects.filter(
                unit_id__in={r.unit.pk for r in parsed},
                indicator_id__in={r.indicator.pk for r in parsed},
                year__in={r.year for r in parsed},
            )
        }
        create, update, changes, unchanged = [], [], [], 0
        now = timezone.now()
        for r in parsed:
            growth = None if r.growth is None else r.growth.quantize(SIX, rounding=ROUND_HALF_UP)
            new = {
                "value": r.value,
                "value_max": None,
                "growth": growth,
                "growth_pp": None,
                "text": "",
                "origin": TargetOrigin.IMPORT,
            }
            old = held.get((r.unit.pk, r.indicator.pk, r.year))
            if old is None:
                create.append(Target(unit=r.unit, indicator=r.indicator, year=r.year, **new))
                continue
            before = {k: getattr(old, k) for k in new}
            if before == new:
                unchanged += 1
                continue
            changes.append([r.unit.code, r.indicator.code, r.year, _plain(before["value"]), _plain(r.value)])
            for k, v in new.items():
                setattr(old, k, v)
            old.updated = now
            update.append(old)
        Target.objects.bulk_create(create, batch_size=2000)
        Target.objects.bulk_update(update, [*_TARGET_FIELDS, "updated"], batch_size=2000)
        self._save_details(ctx, unchanged, changes)
        return len(create), len(update)


def _plain(value) -> str | None:
    return None if value is None else str(value)
