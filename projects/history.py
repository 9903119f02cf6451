"""The workflow history of an object, from the audit events written by the services. Events keep
a fixed English message (searchable in the audit trail); pages show its translation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Event, EventAction

__all__ = ["EVENT_LABELS", "history"]

EVENT_LABELS = {
    "application drafted": _("Application drafted"),
    "application submitted": _("Application submitted"),
    "application resubmitted": _("Application resubmitted after correction"),
    "application withdrawn": _("Application withdrawn"),
    "formal check passed": _("Formal check passed"),
    "formal check: returned": _("Formal check: returned for correction"),
    "recommended by the district": _("Recommended by the district"),
    "not recommended by the district": _("Not recommended by the district"),
    "accepted for expert review": _("Accepted by the bureau for expert review"),
    "review scored": _("An expert's scores received"),
    "expert withdrew: conflict declared": _("An expert withdrew (conflict of interest declared)"),
    "review completed": _("Expert review completed"),
    "panel decision": _("Panel decision recorded"),
    "approved": _("Approved (立项)"),
    "not approved": _("Not approved"),
    "project approved": _("Project approved"),
    "task-book indicator added": _("Task-book indicator added"),
    "tranche planned": _("Tranche planned"),
    "tranche paid": _("Tranche paid"),
    "milestone planned": _("Milestone planned"),
    "milestone checked": _("Milestone checked"),
    "midterm checked": _("Mid-term check recorded"),
    "acceptance opened": _("Acceptance opened"),
    "acceptance decided": _("Acceptance decided"),
    "project extended": _("Project extended"),
    "project terminated": _("Project terminated"),
    "challenge contract signed": _("Challenge contract signed"),
    "gate passed": _("Passed the gate review"),
    "eliminated at the gate": _("Eliminated at the gate review"),
}


def history(obj) -> list[dict]:
    events = Event.objects.filter(
        action=EventAction.WORKFLOW, object_type=obj._meta.label, object_id=str(obj.pk)
    ).order_by("at", "id")
    return [
        {"at": e.at, "actor": e.actor_name, "label": EVENT_LABELS.get(e.message, e.message), "data": e.data}
        for e in events
    ]
