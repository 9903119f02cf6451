"""Helpers shared by the workflow pages (dispatch/views/{reports,warnings,followup,assessment}.py):
reading the year and month filters, running a workflow step with its outcome as a message, and
the event history of an object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.workflow.common import WorkflowError
from kechuang.core.models import Event, EventAction
from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of

__all__ = [
    "EVENT_LABELS",
    "history",
    "int_param",
    "is_bureau_user",
    "is_admin_user",
    "page_of",
    "run_step",
    "year_param",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The workflow events' messages, as the pages show them.
EVENT_LABELS = {
    "monthly report started": gettext_lazy("Report started"),
    "monthly report saved": gettext_lazy("Draft saved"),
    "monthly report uploaded": gettext_lazy("Template uploaded"),
    "monthly report submitted": gettext_lazy("Submitted"),
    "monthly report returned": gettext_lazy("Returned"),
    "monthly report accepted": gettext_lazy("Accepted"),
    "monthly report correction started": gettext_lazy("Correction started"),
    "follow-up order issued": gettext_lazy("Order issued"),
    "follow-up order acknowledged": gettext_lazy("Order acknowledged"),
    "follow-up order answered": gettext_lazy("Order answered"),
    "follow-up order closed": gettext_lazy("Order closed"),
    "follow-up item assigned": gettext_lazy("Item assigned"),
    "follow-up item changed": gettext_lazy("Item changed"),
    "follow-up update": gettext_lazy("Progress update"),
    "warning resolved": gettext_lazy("Warning resolved"),
    "dispatch meeting convened": gettext_lazy("Meeting convened"),
    "dispatch meeting recorded": gettext_lazy("Minutes recorded"),
}


def int_param(value, default: int | None, lo: int, hi: int) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if lo <= n <= hi else default


def year_param(request, default: int | None = None) -> int:
    return int_param(request.GET.get("year"), default or timezone.localdate().year, 2000, 2100)


def is_bureau_user(user) -> bool:
    return scope_of(user).sees_all(CHANGE)


def is_admin_user(user) -> bool:
    return scope_of(user).is_admin


def page_of(request, qs, per_page: int = 50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def run_step(request, step: Callable, success: str) -> bool:
    """Run a workflow step; its outcome becomes a message on the next page. True when done."""
    try:
        step()
    except WorkflowError as exc:
        messages.error(request, _("Not done: {reason}").format(reason=exc.message))
        return False
    except PermissionError:
        messages.error(request, _("Not done: this step is not yours to take."))
        return False
    messages.success(request, success)
    return True


def history(obj) -> list[dict]:
    """The workflow events of an object, oldest first."""
    rows = Event.objects.filter(
        action=EventAction.WORKFLOW, object_type=obj._meta.label, object_id=str(obj.pk)
    ).order_by("at", "id")
    return [
        {
            "at": e.at,
            "actor": e.actor_name or _("system"),
            "label": EVENT_LABELS.get(e.message, e.message),
            "data": e.data,
        }
        for e in rows
    ]


def today() -> dt.date:
    return timezone.localdate()
