"""The cultivation pool (高新技术企业培育库): source entries, matching, membership and stages.

Plan (二)三是: the pool takes this year's re-recognitions, expired HTEs, past applicants that
failed, registered tech SMEs, recipients of R&D subsidies and super-deduction claimants that are
not HTEs, and holders of IP in the HTE domains that are not HTEs. Lists merge on the USCC; a row
without a valid code is matched by normalised name and waits for a person to confirm it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.db import transaction
from django.db.models import Q

from enterprises.models import (
    ApplicationResult,
    Enterprise,
    HteApplication,
    HteCertificate,
    PoolMember,
    PoolSource,
    PoolSourceEntry,
    PoolStage,
    RdDeduction,
    Subsidy,
    SubsidyKind,
    TsmeRegistration,
)
from enterprises.models.pool import MatchStatus
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope
from rules.uscc import validate as uscc_validate

__all__ = [
    "STAGE_FLOW",
    "normalise_name",
    "pool_derive",
    "pool_entry_confirm",
    "pool_entry_reject",
    "pool_member_add",
    "pool_stage_set",
    "source_entries_write",
]

# Forms of the company suffix that vary between lists and say nothing about identity.
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司")
# Allowed moves between stages; a failed application may be coached again next round.
STAGE_FLOW = {
    PoolStage.ENTERED: {PoolStage.COACHING, PoolStage.APPLIED},
    PoolStage.COACHING: {PoolStage.APPLIED, PoolStage.ENTERED},
    PoolStage.APPLIED: {PoolStage.RECOGNIZED, PoolStage.FAILED},
    PoolStage.FAILED: {PoolStage.COACHING},
    PoolStage.RECOGNIZED: set(),
}


def normalise_name(name: str) -> str:
    """Full-width to half-width, no spaces or punctuation, no company-form suffix."""
    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"[\s\W_]+", "", text).lower()
    text = text.replace("(", "").replace(")", "")
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def pool_member_add(enterprise: Enterprise, year: int, source: str) -> tuple[PoolMember, bool]:
    """Put the enterprise in the year's pool (once) and record the source that put it there."""
    member, created = PoolMember.objects.get_or_create(year=year, enterprise=enterprise)
    if source not in member.sources:
        member.sources = [*member.sources, source]
        member.save(update_fields=["sources", "updated"])
    return member, created


def source_entries_write(rows: list[dict], *, year: int, source: str, import_run=None) -> dict[str, int]:
    """Store one source list's rows and match each: by code, else by normalised name (a
    candidate only), else unmatched. Returns counts by match status."""
    by_code = {}
    codes = [r["uscc"] for r in rows if r.get("uscc")]
    for i in range(0, len(codes), 900):
        by_code.update(Enterprise.objects.filter(uscc__in=codes[i : i + 900]).in_bulk(field_name="uscc"))
    by_name: dict[str, list[Enterprise]] = {}
    if any(not r.get("uscc") or r["uscc"] not in by_code for r in rows):
        for ent in Enterprise.objects.only("id", "name", "unit_id"):
            by_name.setdefault(normalise_name(ent.name), []).append(ent)
    counts = dict.fromkeys(MatchStatus.values, 0)
    entries = []
    for r in rows:
        code = r.get("uscc") or ""
        valid = bool(code) and uscc_validate(code)[0]
        ent = by_code.get(code) if valid else None
        candidate = None
        if ent is not None:
            match = MatchStatus.BY_CODE
        else:
            named = by_name.get(normalise_name(r["name"]), [])
            candidate = named[0] if len(named) == 1 else None
            match = MatchStatus.CANDIDATE if candidate else MatchStatus.UNMATCHED
        unit = r.get("unit") or (ent.unit if ent else candidate.unit if candidate else None)
        entries.append(
            PoolSourceEntry(
                year=year,
                source=source,
                import_run=import_run,
                row=r.get("row"),
                uscc=code,
                name=r["name"],
                unit=unit,
                enterprise=ent,
                candidate=candidate,
                match=match,
                detail=r.get("detail") or {},
            )
        )
        counts[match] += 1
        if ent is not None:
            pool_member_add(ent, year, source)
    PoolSourceEntry.objects.bulk_create(entries, batch_size=500)
    return counts


@transaction.atomic
def pool_entry_confirm(*, actor, entry: PoolSourceEntry, enterprise: Enterprise | None = None) -> PoolMember:
    """A person confirms that a listed row is this enterprise (the suggested one by default)."""
    enterprise = enterprise or entry.candidate
    if enterprise is None or entry.match not in (MatchStatus.CANDIDATE, MatchStatus.UNMATCHED):
        raise ValueError("nothing to confirm")
    entry.enterprise, entry.match, entry.unit = enterprise, MatchStatus.CONFIRMED, enterprise.unit
    entry.save(update_fields=["enterprise", "match", "unit", "updated"])
    ensure_in_scope(entry, actor)
    member, _ = pool_member_add(enterprise, entry.year, entry.source)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=entry,
        message="pool entry confirmed",
        data={"enterprise": enterprise.uscc, "source": entry.source},
    )
    return member


@transaction.atomic
def pool_entry_reject(*, actor, entry: PoolSourceEntry) -> None:
    entry.match, entry.candidate = MatchStatus.REJECTED, None
    entry.save(update_fields=["match", "candidate", "updated"])
    ensure_in_scope(entry, actor)
    record_event(EventAction.WORKFLOW, actor=actor, obj=entry, message="pool entry rejected")


@transaction.atomic
def pool_stage_set(*, actor, member: PoolMember, stage: str, note: str = "") -> PoolMember:
    """Move a member to the next stage the flow allows, with a dated guidance note."""
    if stage not in STAGE_FLOW[PoolStage(member.stage)]:
        raise ValueError(f"cannot move from {member.stage} to {stage}")
    previous = member.stage
    member.stage = stage
    if note:
        stamp = dt.date.today().isoformat()
        member.guidance = f"{member.guidance}\n{stamp} {note}".strip()
    member.save(update_fields=["stage", "guidance", "updated"])
    ensure_in_scope(member, actor)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=member,
        message=f"pool stage {previous} → {stage}",
        data={"from": previous, "to": stage},
    )
    return member


def _hte_holders(day: dt.date) -> set[int]:
    return set(
        HteCertificate.objects.filter(issued__lte=day, expires__gt=day).values_list(
            "enterprise_id", flat=True
        )
    )


@transaction.atomic
def pool_derive(*, actor, year: int) -> dict[str, int]:
    """Fill the year's pool from the registries kechuang already holds (sources 1–6; the IP
    list comes from an import). Idempotent: an enterprise is added to a source once."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    holders = _hte_holders(start)
    found: dict[str, set[int]] = {
        PoolSource.RE_RECOGNITION: set(
            HteCertificate.objects.filter(expires__range=(start, end)).values_list("enterprise_id", flat=True)
        ),
        PoolSource.EXPIRED_HTE: set(
            HteCertificate.objects.filter(expires__lt=start).values_list("enterprise_id", flat=True)
        )
        - holders,
        PoolSource.FAILED_APPLICANT: set(
            HteApplication.objects.filter(year__lt=year, result=ApplicationResult.FAILED).values_list(
                "enterprise_id", flat=True
            )
        )
        - holders,
        PoolSource.TSME: set(
            TsmeRegistration.objects.filter(
                Q(year=year) | Q(year=year - 1), revoked_on__isnull=True
            ).values_list("enterprise_id", flat=True)
        )
        - holders,
        PoolSource.RD_SUBSIDY: set(
            Subsidy.objects.filter(kind=SubsidyKind.RD_SUPPORT, year__gte=year - 1).values_list(
                "enterprise_id", flat=True
            )
        )
        - holders,
        PoolSource.SUPER_DEDUCTION: set(
            RdDeduction.objects.filter(year__gte=year - 1, amount__gt=0).values_list(
                "enterprise_id", flat=True
            )
        )
        - holders,
    }
    counts = {}
    members_before = PoolMember.objects.filter(year=year).count()
    for source, ids in found.items():
        counts[source] = len(ids)
        for ent in Enterprise.objects.filter(pk__in=ids):
            pool_member_add(ent, year, source)
    counts["members"] = PoolMember.objects.filter(year=year).count()
    counts["new_members"] = counts["members"] - members_before
    record_event(
        EventAction.WORKFLOW, actor=actor, message=f"pool {year} derived from registries", data=counts
    )
    return counts
