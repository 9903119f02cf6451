"""Imports of dispatch files (CONTRACTS.md "Dispatch files and figures"): targets and actuals.

Each import reads the whole file through kechuang.tabular, validates every row (every error is
reported as `row N, column C: what is wrong`, the header being row 1), and writes all rows or
none, in one transaction with its audit event (file sha256 and counts). `dry_run` validates
against the database and writes nothing.

Decisions where the contract is silent:
- Ratio (computed) indicators are refused in actuals files: they are recomputed from their parts.
  Registry-counted indicators are accepted (e.g. last year's counts, from before the registry).
- Values must be finite, non-negative numbers below 10^14 and are rounded to the 4 decimals the
  database holds (a spreadsheet's 0.30000000000000004 is 0.3); `1,234.5` is accepted.
- A cumulative figure may not fall below the nearest earlier month's of the same unit, indicator
  and year, in the file or already held; the row named is the one that breaks the order.
- A target row needs `target` or `target_growth` (a fraction; `20%` is also read as 0.2). Given
  only the growth, the target is actual(Y−1, 12) × (1 + growth) — the level the figures use
  (the city's reported or summed figure, a ratio from its parts) — rounded to 4 decimals.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from dispatch.figures import levels_at
from dispatch.models import Actual, ActualOrigin
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.tabular import TableError, read_table
from org.models import Unit
from plan.models import Indicator, IndicatorKind, IndicatorSource, Target, TargetOrigin

__all__ = [
    "ACTUAL_COLUMNS",
    "TARGET_COLUMNS",
    "DispatchImportError",
    "ImportResult",
    "actuals_import",
    "targets_import",
]

TARGET_COLUMNS = {
    "unit": ["单位", "责任单位", "单位代码"],
    "indicator": ["指标", "指标代码", "指标名称"],
    "year": ["年度", "年份"],
    "target": ["目标值", "目标"],
    "target_growth": ["目标增速", "增速目标"],
}
ACTUAL_COLUMNS = {
    "unit": ["单位", "责任单位", "单位代码"],
    "indicator": ["指标", "指标代码", "指标名称"],
    "period": ["期间", "月份", "年月"],
    "value": ["数值", "累计值", "实际值"],
}
YEARS = range(2000, 2101)
MAX_VALUE = Decimal(10) ** 14  # DecimalField(max_digits=18, decimal_places=4)
MAX_GROWTH = Decimal(10) ** 4  # DecimalField(max_digits=10, decimal_places=6)
FOUR = Decimal("0.0001")
SIX = Decimal("0.000001")


class DispatchImportError(Exception):
    """The file was refused as a whole; `errors` holds one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    kind: str
    file: str
    sha256: str
    rows: int
    dry_run: bool
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})


# ---------------------------------------------------------------------------------------------
# Cell parsing: each returns (value, None) or (None, "what is wrong")
# ---------------------------------------------------------------------------------------------


class _Lookups:
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
            return None, "the unit is empty"
        unit = self.units.get(text) or self.units.get(text.lower())
        if unit is None:
            return None, f"unknown unit {text!r} (a code such as 520602 or a unit name)"
        return unit, None

    def indicator(self, text: str):
        if not text:
            return None, "the indicator is empty"
        ind = self.indicators.get(text.upper()) or self.indicators.get(text)
        if ind is None:
            return None, f"unknown indicator {text!r}"
        return ind, None


def _number(text: str) -> tuple[Decimal | None, str | None]:
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"{text!r} is not a number"
    if not value.is_finite():
        return None, f"{text!r} is not a number"
    return value, None


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    if not text:
        return None, "the value is empty"
    value, error = _number(text)
    if error:
        return None, error
    if value < 0:
        return None, f"{text} is negative"
    if value >= MAX_VALUE:
        return None, f"{text} is too large"
    return value.quantize(FOUR, rounding=ROUND_HALF_UP), None


def _year(text: str) -> tuple[int | None, str | None]:
    if not re.fullmatch(r"\d{4}", text or ""):
        return None, f"{text!r} is not a year (YYYY)" if text else "the year is empty"
    year = int(text)
    if year not in YEARS:
        return None, f"year {year} is out of range ({YEARS.start}–{YEARS.stop - 1})"
    return year, None


_PERIOD = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/]\s*(?P<m1>\d{1,2})(?:[-/]\d{1,2}(?:[ T].*)?)?|年\s*(?P<m2>\d{1,2})\s*月?|(?P<m3>\d{2}))"
)


def _period(text: str) -> tuple[tuple[int, int] | None, str | None]:
    """YYYY-MM (also YYYY-M, YYYY/MM, YYYYMM, YYYY年M月, or a date cell YYYY-MM-DD)."""
    if not text:
        return None, "the period is empty"
    match = _PERIOD.fullmatch(text.strip())
    if match is None:
        return None, f"{text!r} is not a period (YYYY-MM)"
    year = int(match["y"])
    month = int(match["m1"] or match["m2"] or match["m3"])
    if not 1 <= month <= 12:
        return None, f"period {text} is out of range (month {month})"
    if year not in YEARS:
        return None, f"period {text} is out of range (year {year})"
    return (year, month), None


def _growth(text: str) -> tuple[Decimal | None, str | None]:
    percent = text.endswith("%")
    value, error = _number(text.rstrip("%"))
    if error:
        return None, f"{text!r} is not a growth (a fraction such as 0.2, or 20%)"
    if percent:
        value = value / 100
    if value <= -1:
        return None, f"{text} would make the target zero or negative"
    if abs(value) >= MAX_GROWTH:
        return None, f"{text} is too large"
    return value, None


def _read(path: Path, columns: dict[str, list[str]]):
    try:
        table = read_table(path, aliases=columns, required=columns)
    except TableError as exc:
        raise DispatchImportError([str(exc)]) from exc
    return table


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Errors(list):
    def __init__(self, labels: dict[str, str]):
        super().__init__()
        self.labels = labels

    def add(self, row: int, column: str, message: str) -> None:
        self.append(f"row {row}, column {self.labels.get(column, column)}: {message}")


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


def actuals_import(path: str | Path, *, actor=None, dry_run: bool = False) -> ImportResult:
    """Import an actuals file (unit, indicator, period, value), all or nothing."""
    path = Path(path)
    table = _read(path, ACTUAL_COLUMNS)
    digest = _digest(path)
    look = _Lookups()
    errors = _Errors(table.labels)
    parsed: list[_ActualRow] = []
    seen: dict[tuple[int, int, int, int], int] = {}
    for n, row in table.rows:
        ok = True
        unit, e = look.unit(row["unit"])
        if e:
            errors.add(n, "unit", e)
            ok = False
        ind, e = look.indicator(row["indicator"])
        if e:
            errors.add(n, "indicator", e)
            ok = False
        elif ind.kind == IndicatorKind.RATIO or ind.source == IndicatorSource.COMPUTED:
            parts = " / ".join(p.code for p in (ind.numerator, ind.denominator) if p is not None)
            errors.add(n, "indicator", f"{ind.code} is computed ({parts}); import its parts instead")
            ok = False
        period, e = _period(row["period"])
        if e:
            errors.add(n, "period", e)
            ok = False
        value, e = _amount(row["value"])
        if e:
            errors.add(n, "value", e)
            ok = False
        if not ok:
            continue
        key = (unit.pk, ind.pk, *period)
        if key in seen:
            errors.add(n, "period", f"the same unit, indicator and period as row {seen[key]}")
            continue
        seen[key] = n
        parsed.append(_ActualRow(n, unit, ind, period[0], period[1], value))

    result = ImportResult("actuals", path.name, digest, len(table.rows), dry_run)
    with transaction.atomic():
        held = _held_actuals(parsed)
        _check_cumulative(parsed, held, errors)
        if errors:
            raise DispatchImportError(sorted(errors, key=_row_of))
        create, update, changes = [], [], []
        now = timezone.now()
        for r in parsed:
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
                result.counts["unchanged"] += 1
        result.counts["created"], result.counts["updated"] = len(create), len(update)
        if dry_run:
            return result
        Actual.objects.bulk_create(create, batch_size=2000)
        Actual.objects.bulk_update(update, ["value", "origin", "updated"], batch_size=2000)
        _audit("actuals", result, actor, changes)
    return result


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


def _check_cumulative(parsed: list[_ActualRow], held: dict, errors: _Errors) -> None:
    """A year-to-date figure cannot fall from one month to a later one (CONTRACTS.md: the value
    of a cumulative indicator is the 1–M cumulative figure)."""
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
                source = f"row {row0}" if row0 is not None else "the figure held"
                errors.add(
                    row1,
                    "value",
                    f"{v1.normalize():f} is below {year}-{m0:02d} ({source}: {v0.normalize():f}); "
                    "a cumulative figure cannot fall",
                )
            else:
                errors.add(
                    row0,
                    "value",
                    f"{v0.normalize():f} is above the figure held for {year}-{m1:02d} "
                    f"({v1.normalize():f}); a cumulative figure cannot fall",
                )


def _row_of(message: str) -> int:
    # Stable sort by row only: a row's errors stay in column order.
    match = re.match(r"row (\d+)", message)
    return int(match[1]) if match else 0


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


def targets_import(path: str | Path, *, actor=None, dry_run: bool = False) -> ImportResult:
    """Import a targets file (unit, indicator, year, target, target_growth), all or nothing. An
    imported target replaces the one held for the same unit, indicator and year."""
    path = Path(path)
    table = _read(path, TARGET_COLUMNS)
    digest = _digest(path)
    look = _Lookups()
    errors = _Errors(table.labels)
    parsed: list[_TargetRow] = []
    seen: dict[tuple[int, int, int], int] = {}
    for n, row in table.rows:
        ok = True
        unit, e = look.unit(row["unit"])
        if e:
            errors.add(n, "unit", e)
            ok = False
        ind, e = look.indicator(row["indicator"])
        if e:
            errors.add(n, "indicator", e)
            ok = False
        year, e = _year(row["year"])
        if e:
            errors.add(n, "year", e)
            ok = False
        value = growth = None
        if row["target"]:
            value, e = _amount(row["target"])
            if e:
                errors.add(n, "target", e)
                ok = False
        if row["target_growth"]:
            growth, e = _growth(row["target_growth"])
            if e:
                errors.add(n, "target_growth", e)
                ok = False
        elif not row["target"]:
            errors.add(n, "target", "give a target or a target_growth")
            ok = False
        if not ok:
            continue
        key = (unit.pk, ind.pk, year)
        if key in seen:
            errors.add(n, "year", f"the same unit, indicator and year as row {seen[key]}")
            continue
        seen[key] = n
        parsed.append(_TargetRow(n, unit, ind, year, value, growth))

    result = ImportResult("targets", path.name, digest, len(table.rows), dry_run)
    with transaction.atomic():
        derive = [r for r in parsed if r.value is None]
        levels = levels_at((r.unit.code, r.indicator.code, r.year - 1, 12) for r in derive)
        for r in derive:
            base = levels.get((r.unit.code, r.indicator.code, r.year - 1, 12))
            if base is None:
                errors.add(
                    r.row,
                    "target_growth",
                    f"no actual of {r.indicator.code} for {r.unit.code} in {r.year - 1}-12 to apply "
                    "the growth to; import it first or give the target",
                )
                continue
            value = (Decimal(repr(base)) * (1 + r.growth)).quantize(FOUR, rounding=ROUND_HALF_UP)
            if value >= MAX_VALUE:
                errors.add(r.row, "target_growth", "the derived target is too large")
            r.value = value
        if errors:
            raise DispatchImportError(sorted(errors, key=_row_of))
        held = {
            (t.unit_id, t.indicator_id, t.year): t
            for t in Target.objects.filter(
                unit_id__in={r.unit.pk for r in parsed},
                indicator_id__in={r.indicator.pk for r in parsed},
                year__in={r.year for r in parsed},
            )
        }
        create, update, changes = [], [], []
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
                result.counts["unchanged"] += 1
                continue
            changes.append([r.unit.code, r.indicator.code, r.year, _plain(before["value"]), _plain(r.value)])
            for k, v in new.items():
                setattr(old, k, v)
            old.updated = now
            update.append(old)
        result.counts["created"], result.counts["updated"] = len(create), len(update)
        if dry_run:
            return result
        Target.objects.bulk_create(create, batch_size=2000)
        Target.objects.bulk_update(update, [*_TARGET_FIELDS, "updated"], batch_size=2000)
        _audit("targets", result, actor, changes)
    return result


_TARGET_FIELDS = ("value", "value_max", "growth", "growth_pp", "text", "origin")


def _plain(value) -> str | None:
    return None if value is None else str(value)


# Old values of replaced rows go into the audit event (bulk writes bypass the per-row log),
# up to this many; the counts are always complete.
MAX_AUDITED_CHANGES = 1000


def _audit(kind: str, result: ImportResult, actor, changes: list) -> None:
    record_event(
        EventAction.IMPORT,
        actor=actor,
        message=f"dispatch {kind}: {result.file}",
        data={
            "kind": f"dispatch.{kind}",
            "file": result.file,
            "sha256": result.sha256,
            "rows": result.rows,
            **result.counts,
            "changes": changes[:MAX_AUDITED_CHANGES],
            "changes_truncated": len(changes) > MAX_AUDITED_CHANGES,
        },
    )
