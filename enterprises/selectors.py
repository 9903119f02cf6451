"""Reads for the enterprise file, starting from the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, EnterpriseYear

__all__ = ["TimelineItem", "enterprise_timeline"]


@dataclass(frozen=True)
class TimelineItem:
    day: dt.date
    kind: str
    text: str

    @property
    def label(self) -> str:
        labels = {
            "hte": _("HTE"),
            "tsme": _("Tech SME"),
            "subsidy": _("Subsidy"),
            "pool": _("Cultivation pool"),
            "visit": _("Visit"),
            "demand": _("Demand"),
            "edit": _("Proposed change"),
            "change": _("File change"),
        }
        return labels.get(self.kind, self.kind)


# Bookkeeping columns say nothing to a reader of the file.
_QUIET_FIELDS = {"id", "created", "updated", "version", "enterprise"}


def _change_text(entry: LogEntry, model) -> str:
    """'碧江区 admin changed 成立日期、高新技术领域' rather than the raw field names of the log."""
    who = str(entry.actor) if entry.actor else _("the system")
    subject = model._meta.verbose_name
    if model is EnterpriseYear and entry.changes_dict.get("year"):
        subject = _("figures of {year}").format(year=entry.changes_dict["year"][-1])
    if entry.action == LogEntry.Action.CREATE:
        return _("{who} created the {subject}").format(who=who, subject=subject)
    if entry.action == LogEntry.Action.DELETE:
        return _("{who} deleted the {subject}").format(who=who, subject=subject)
    names = []
    for field in entry.changes_dict or {}:
        if field in _QUIET_FIELDS:
            continue
        try:
            names.append(str(model._meta.get_field(field).verbose_name))
        except Exception:  # a field since removed from the model still shows by its name
            names.append(field)
    if not names:
        return _("{who} saved the {subject}").format(who=who, subject=subject)
    return _("{who} changed {fields}").format(who=who, fields="、".join(names))


def enterprise_timeline(enterprise: Enterprise, *, fetched_by, limit: int = 200) -> list[TimelineItem]:
    """Everything that happened to the enterprise, newest first: certificates, applications,
    registrations, subsidies, pool stages, visits, demands, proposed edits and field changes."""
    items: list[TimelineItem] = []
    add = items.append
    for c in enterprise.hte_certificates.all():
        add(TimelineItem(c.issued, "hte", _("HTE certificate {number} issued").format(number=c.number)))
        add(TimelineItem(c.expires, "hte", _("HTE certificate {number} expires").format(number=c.number)))
    for a in enterprise.hte_applications.all():
        add(TimelineItem(a.applied_on, "hte", _("Applied for HTE recognition ({year})").format(year=a.year)))
        if a.result_on:
            add(
                TimelineItem(
                    a.result_on,
                    "hte",
                    _("HTE application result: {result}").format(result=a.get_result_display()),
                )
            )
    for r in enterprise.tsme_registrations.all():
        add(
            TimelineItem(
                r.registered_on, "tsme", _("Registered as a tech SME {number}").format(number=r.number)
            )
        )
    for s in enterprise.subsidies.all():
        add(
            TimelineItem(
                s.granted_on or dt.date(s.year, 12, 31),
                "subsidy",
                _("{kind}: {amount} (10,000 yuan)").format(kind=s.get_kind_display(), amount=s.amount),
            )
        )
    for m in enterprise.pool_memberships.all():
        add(
            TimelineItem(
                m.created.date(),
                "pool",
                _("Entered the {year} cultivation pool ({stage})").format(
                    year=m.year, stage=m.get_stage_display()
                ),
            )
        )
    for v in enterprise.visits.all():
        add(TimelineItem(v.visited_on, "visit", _("Visited by {visitors}").format(visitors=v.visitors)))
    for d in enterprise.demands.all():
        add(TimelineItem(d.collected_on, "demand", _("Technology demand: {title}").format(title=d.title)))
    for e in enterprise.edits.all():
        add(
            TimelineItem(
                e.created.date(), "edit", _("Change proposed: {status}").format(status=e.get_status_display())
            )
        )
    types = ContentType.objects.get_for_models(Enterprise, EnterpriseYear)
    year_ids = [str(pk) for pk in enterprise.years.values_list("pk", flat=True)]
    changes = LogEntry.objects.filter(
        content_type=types[Enterprise], object_pk=str(enterprise.pk)
    ) | LogEntry.objects.filter(content_type=types[EnterpriseYear], object_pk__in=year_ids)
    models = {types[Enterprise].pk: Enterprise, types[EnterpriseYear].pk: EnterpriseYear}
    for entry in changes.select_related("actor").order_by("-timestamp")[:50]:
        add(
            TimelineItem(entry.timestamp.date(), "change", _change_text(entry, models[entry.content_type_id]))
        )
    items.sort(key=lambda i: i.day, reverse=True)
    return items[:limit]
