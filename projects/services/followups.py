"""Late items of the plan's schedule become follow-up orders (督办单) in the dispatch module.

The plan ((七)四是) wants application and review done in the first half year and approval and
disbursement of every project before the end of the third quarter; `schedule_findings` lists what
is late. `schedule_followups` sends each district or zone one order per kind of late item (review,
approval, disbursement), listing the items, through dispatch's own `order_issue` (so the order is
numbered, audited and followed up like any other). It is safe to run again: a unit that already
has the order of that year and kind is not sent another, and items of the city itself (no district
to answer) are left to the bureau and returned as such."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Unit, UnitKind
from projects.access import is_bureau, require
from projects.schedule import Finding, schedule_findings

__all__ = ["FollowupResult", "followup_subject", "schedule_followups"]

ANSWER_DAYS = 15


def followup_subject(year: int, kind: str) -> str:
    return {
        "guide": _("City S&T projects {year}: the call guide closed late"),
        "review": _("City S&T projects {year}: application and review not completed in the first half year"),
        "approval": _("City S&T projects {year}: approval not decided by the end of the third quarter"),
        "disbursement": _("City S&T projects {year}: funds not paid by the end of the third quarter"),
    }[kind].format(year=year)


@dataclass
class FollowupResult:
    issued: list = field(default_factory=list)  # the FollowUpOrder objects made now
    already: int = 0  # (unit, kind) pairs that had their order already
    city_items: list[Finding] = field(default_factory=list)  # the bureau's own late items


@transaction.atomic
def schedule_followups(*, actor, year: int, as_of: dt.date | None = None) -> FollowupResult:
    from dispatch.models import FollowUpOrder
    from dispatch.workflow.followup import order_issue

    require(is_bureau(actor))
    as_of = as_of or timezone.localdate()
    findings = schedule_findings(year, as_of=as_of)
    units = {u.code: u for u in Unit.objects.filter(code__in={f.unit for f in findings})}
    groups: dict[tuple[str, str], list[Finding]] = {}
    result = FollowupResult()
    for f in findings:
        unit = units[f.unit]
        if unit.kind not in (UnitKind.DISTRICT, UnitKind.ZONE):
            result.city_items.append(f)
            continue
        groups.setdefault((f.unit, f.kind), []).append(f)
    for (code, kind), items in sorted(groups.items()):
        unit = units[code]
        subject = followup_subject(year, kind)
        if FollowUpOrder.objects.filter(unit=unit, year=year, subject=subject).exists():
            result.already += 1
            continue
        body = "\n".join(f"{n}. {f.message}" for n, f in enumerate(items, start=1))
        body += "\n" + _("Complete these items and answer what was done.")
        result.issued.append(
            order_issue(
                actor=actor,
                unit=unit,
                subject=subject,
                body=body,
                due=timezone.localdate() + dt.timedelta(days=ANSWER_DAYS),
                year=year,
            )
        )
    return result
