"""R&D statistics cross-check (不统、少统、漏统, plan (六)四是): the work list of a year, per
district, and the follow-up of each flagged enterprise.

The comparison is rules/rd_crosscheck.py (vectorised path over every enterprise in the user's
scope). Its three inputs are kept apart, as national-rules.md §3 asks: EnterpriseYear.rd_expense
(R&D reported to statistics), RdDeduction.amount (the super-deduction claim) and Subsidy of kind
rd_support (R&D subsidies, summed per enterprise and year).

The under-reporting ratio is configurable: `rules.rd_crosscheck.under_ratio` in the latest plan
(the plan file's rules of section 四), 0.5 when absent; a page may try another ratio.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from enterprises.models import (
    CrosscheckFlag,
    CrosscheckFollowUp,
    CrosscheckStatus,
    Enterprise,
    EnterpriseYear,
    RdDeduction,
    Subsidy,
    SubsidyKind,
)
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE, VIEW, Role
from kechuang.core.scope import ensure_in_scope, scope_of
from org.models import Unit, UnitKind
from org.units import CITY_CODE
from rules.rd_crosscheck import (
    DEFAULT_RATIO,
    RdEvidence,
    check,
    check_frame,
    findings_from_frame,
    frame_of,
    ratio_basis_points,
)

__all__ = [
    "RESOLVED",
    "CrosscheckRow",
    "UnitSummary",
    "can_read",
    "can_work",
    "crosscheck_follow_up",
    "crosscheck_ratio",
    "crosscheck_rows",
    "crosscheck_summary",
    "crosscheck_years",
    "default_year",
    "enterprise_crosscheck",
]

RESOLVED = (CrosscheckStatus.CORRECTED, CrosscheckStatus.EXPLAINED)
_FLAG_ORDER = {CrosscheckFlag.MISSING: 0, CrosscheckFlag.NOT_REPORTED: 1, CrosscheckFlag.UNDER_REPORTED: 2}


def can_read(user) -> bool:
    """The bureau and the leader read every district's list; a district its own."""
    scope = scope_of(user)
    return scope.sees_all(VIEW) or (Role.DISTRICT in scope.roles and bool(scope.unit_ids))


def can_work(user) -> bool:
    scope = scope_of(user)
    return scope.sees_all(CHANGE) or (Role.DISTRICT in scope.roles and bool(scope.unit_ids))


def crosscheck_ratio() -> Decimal:
    """The configured under-reporting ratio (see the module docstring)."""
    from plan.models import Plan

    plan = Plan.objects.order_by("-year").first()
    configured = ((plan.rules or {}).get("rd_crosscheck") or {}).get("under_ratio") if plan else None
    if configured is None:
        return DEFAULT_RATIO
    ratio_basis_points(configured)  # a bad configuration fails loudly, not silently as 0.5
    return Decimal(str(configured))


def crosscheck_years(*, fetched_by) -> list[int]:
    """Years that have any R&D evidence the user can see, newest first."""
    years = set(RdDeduction.objects.for_user(fetched_by).values_list("year", flat=True).distinct())
    years |= set(
        Subsidy.objects.for_user(fetched_by)
        .filter(kind=SubsidyKind.RD_SUPPORT)
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(years, reverse=True)


@dataclass
class CrosscheckRow:
    enterprise: Enterprise
    has_stats: bool
    stats: Decimal | None
    deduction: Decimal | None
    subsidy: Decimal | None
    flag: str | None
    gap: Decimal | None
    share: float | None
    follow_up: CrosscheckFollowUp | None = None

    @property
    def flag_label(self) -> str:
        return str(CrosscheckFlag(self.flag).label) if self.flag else ""

    @property
    def status(self) -> str:
        return self.follow_up.status if self.follow_up else CrosscheckStatus.OPEN

    @property
    def status_label(self) -> str:
        return str(CrosscheckStatus(self.status).label)

    @property
    def resolved(self) -> bool:
        return self.status in RESOLVED

    @property
    def share_percent(self) -> Decimal | None:
        return None if self.share is None else round(Decimal(self.share) * 100, 1)


def _scoped_enterprises(user, unit: str = ""):
    qs = Enterprise.objects.for_user(user)
    if unit == CITY_CODE:
        return qs.filter(unit__kind=UnitKind.DISTRICT)
    return qs.filter(unit__code=unit) if unit else qs


def crosscheck_rows(*, fetched_by, year: int, ratio=None, unit: str = "") -> list[CrosscheckRow]:
    """Every enterprise in the user's scope that the check flags for `year`, and every one with
    a follow-up that year (a corrected one stays on the list, no longer flagged)."""
    ratio = crosscheck_ratio() if ratio is None else ratio
    ents = _scoped_enterprises(fetched_by, unit)
    deductions = dict(
        RdDeduction.objects.for_user(fetched_by)
        .filter(year=year, enterprise__in=ents)
        .values_list("enterprise_id", "amount")
    )
    subsidies = dict(
        Subsidy.objects.for_user(fetched_by)
        .filter(year=year, kind=SubsidyKind.RD_SUPPORT, enterprise__in=ents)
        .values("enterprise_id")
        .annotate(total=Sum("amount"))
        .values_list("enterprise_id", "total")
    )
    follow_ups = {
        f.enterprise_id: f
        for f in CrosscheckFollowUp.objects.for_user(fetched_by).filter(year=year, enterprise__in=ents)
    }
    ids = set(deductions) | set(subsidies) | set(follow_ups)
    if not ids:
        return []
    stats = dict(
        EnterpriseYear.objects.for_user(fetched_by)
        .filter(year=year, enterprise__in=ents)
        .values_list("enterprise_id", "rd_expense")
    )
    records = [
        RdEvidence(i, i in stats, stats.get(i), deductions.get(i), subsidies.get(i)) for i in sorted(ids)
    ]
    findings = findings_from_frame(check_frame(frame_of(records), ratio))
    keep = {f.id: f for f in findings if f.flag or f.id in follow_ups}
    by_id = Enterprise.objects.select_related("unit").in_bulk(list(keep))
    rows = []
    for r in records:
        f = keep.get(r.id)
        if f is None:
            continue
        rows.append(
            CrosscheckRow(
                enterprise=by_id[r.id],
                has_stats=r.has_stats,
                stats=r.stats,
                deduction=r.deduction,
                subsidy=r.subsidy,
                flag=f.flag,
                gap=f.gap,
                share=f.share,
                follow_up=follow_ups.get(r.id),
            )
        )
    rows.sort(
        key=lambda x: (
            x.enterprise.unit.order,
            _FLAG_ORDER.get(x.flag, 9),
            -(x.gap or 0),
            x.enterprise.name,
        )
    )
    return rows


@dataclass
class UnitSummary:
    unit: Unit | None  # None: the total of the units listed
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CrosscheckFlag.values, 0))
    flagged: int = 0
    resolved: int = 0
    gap: Decimal = Decimal(0)

    @property
    def missing(self) -> int:
        return self.counts[CrosscheckFlag.MISSING]

    @property
    def not_reported(self) -> int:
        return self.counts[CrosscheckFlag.NOT_REPORTED]

    @property
    def under_reported(self) -> int:
        return self.counts[CrosscheckFlag.UNDER_REPORTED]


def crosscheck_summary(rows: list[CrosscheckRow], *, fetched_by) -> tuple[list[UnitSummary], UnitSummary]:
    """Counts per unit (every unit the user reads, with zeros) and their total."""
    scope = scope_of(fetched_by)
    units = Unit.objects.exclude(kind=UnitKind.CITY)
    if not scope.sees_all(VIEW):
        units = units.filter(pk__in=scope.unit_ids)
    per_unit = {u.pk: UnitSummary(u) for u in units}
    total = UnitSummary(None)
    for row in rows:
        if not row.flag:
            continue
        unit = per_unit.get(row.enterprise.unit_id)
        for target in (unit, total) if unit else (total,):
            target.counts[row.flag] += 1
            target.flagged += 1
            target.resolved += row.resolved
            target.gap += row.gap or 0
    return list(per_unit.values()), total


def enterprise_crosscheck(enterprise: Enterprise, year: int, ratio=None) -> CrosscheckRow:
    """The figures and the finding for one enterprise (per-record path); the caller has checked
    that the enterprise is in the user's scope."""
    ratio = crosscheck_ratio() if ratio is None else ratio
    stats_row = EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()
    claim = (
        RdDeduction.objects.filter(enterprise=enterprise, year=year).values_list("amount", flat=True).first()
    )
    subsidy = Subsidy.objects.filter(enterprise=enterprise, year=year, kind=SubsidyKind.RD_SUPPORT).aggregate(
        s=Sum("amount")
    )["s"]
    record = RdEvidence(
        enterprise.pk, stats_row is not None, stats_row.rd_expense if stats_row else None, claim, subsidy
    )
    finding = check(record, ratio)
    return CrosscheckRow(
        enterprise=enterprise,
        has_stats=record.has_stats,
        stats=record.stats,
        deduction=claim,
        subsidy=subsidy,
        flag=finding.flag,
        gap=finding.gap,
        share=finding.share,
        follow_up=CrosscheckFollowUp.objects.filter(enterprise=enterprise, year=year).first(),
    )


@transaction.atomic
def crosscheck_follow_up(
    *, actor, enterprise: Enterprise, year: int, status: str, note: str, ratio=None
) -> CrosscheckFollowUp:
    """Record what was found out about a flagged enterprise: a status and a note, audited as a
    workflow event. An enterprise the check does not flag (and that has no follow-up) has
    nothing to follow up."""
    if not can_work(actor):
        raise PermissionDenied("not allowed for this role")
    if status not in CrosscheckStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what was found out or done.")})
    row = enterprise_crosscheck(enterprise, year, ratio)
    follow_up = row.follow_up
    if follow_up is None and not row.flag:
        raise ValidationError(
            _("The cross-check does not flag this enterprise for {year}.").format(year=year)
        )
    if follow_up is None:
        follow_up = CrosscheckFollowUp(enterprise=enterprise, year=year)
    before = follow_up.status if follow_up.pk else ""
    if row.flag:
        follow_up.flag = row.flag
    follow_up.status, follow_up.note = status, note
    follow_up.save()
    ensure_in_scope(follow_up, actor)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=follow_up,
        message=f"R&D cross-check {year}: {before or 'new'} → {status}",
        data={
            "from": before,
            "to": status,
            "note": note,
            "flag": row.flag or "",
            "stats": None if row.stats is None else str(row.stats),
            "deduction": None if row.deduction is None else str(row.deduction),
            "subsidy": None if row.subsidy is None else str(row.subsidy),
        },
    )
    return follow_up


def default_year(*, fetched_by) -> int:
    years = crosscheck_years(fetched_by=fetched_by)
    return years[0] if years else dt.date.today().year - 1
