"""Home page per role, health check and the audit trail search."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from kechuang.core.models import Event, EventAction
from kechuang.core.roles import Role
from kechuang.core.scope import scope_of
from kechuang.core.selectors import home_summary


@require_safe
@login_required
def home(request):
    return render(request, "core/home.html", {"summary": home_summary(fetched_by=request.user)})


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _change_rows(changes: dict) -> list[tuple[str, object, object]]:
    """(field, before, after) per changed field; a many-to-many change (a dict) shows what was
    added or removed. Built here because a field named like a dict method ("items") would hide
    the dict's own method from the template."""
    rows = []
    for field, change in changes.items():
        if isinstance(change, dict):
            rows.append((field, change.get("operation", ""), change.get("objects", "")))
        elif isinstance(change, (list, tuple)) and len(change) == 2:
            rows.append((field, change[0], change[1]))
        else:
            rows.append((field, "", change))
    return rows


def can_read_audit(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or Role.AUDITOR in scope.roles


@require_safe
@login_required
def audit_search(request):
    """The audit trail, searchable by the bureau admin and the auditor only; for anyone else it
    does not exist (404, like any object outside one's scope)."""
    if not can_read_audit(request.user):
        raise Http404
    tab = request.GET.get("tab", "changes")
    user = request.GET.get("user", "").strip()
    unit = request.GET.get("unit", "").strip()
    rid = request.GET.get("request_id", "").strip()
    since, until = _parse_date(request.GET.get("since")), _parse_date(request.GET.get("until"))
    if tab == "events":
        qs = Event.objects.all()
        if user:
            qs = qs.filter(actor_name__icontains=user)
        if unit:
            qs = qs.filter(unit_code=unit)
        if rid:
            qs = qs.filter(request_id=rid)
        action = request.GET.get("action", "")
        if action:
            qs = qs.filter(action=action)
        date_field = "at"
    else:
        qs = LogEntry.objects.select_related("actor", "content_type")
        if user:
            qs = qs.filter(actor__username__icontains=user)
        if unit:
            qs = qs.filter(additional_data__unit=unit)
        if rid:
            qs = qs.filter(cid=rid)
        date_field = "timestamp"
    if since:
        qs = qs.filter(**{f"{date_field}__date__gte": since})
    if until:
        qs = qs.filter(**{f"{date_field}__date__lte": until})
    page = Paginator(qs.order_by(f"-{date_field}", "-id"), 50).get_page(request.GET.get("page"))
    if tab != "events":
        for entry in page.object_list:
            entry.change_rows = _change_rows(entry.changes_dict)
    return render(
        request,
        "core/audit.html",
        {
            "tab": tab,
            "page": page,
            "actions": EventAction.choices,
            "filters": request.GET,
            "roles": Role,
        },
    )


@require_safe
@login_required
def job_detail(request, job_id):
    """Progress of a long job, polled by the page; only its owner (or the admin) sees it."""
    from kechuang.core.models import Job, JobStatus

    job = Job.objects.filter(pk=job_id).first()
    if job is None or (job.owner_id != request.user.pk and not scope_of(request.user).is_admin):
        raise Http404
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    template = "core/job_panel.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job, "running": running})


class PasswordChange(auth_views.PasswordChangeView):
    """The user's own password change: the new password counts as chosen (not initial), the
    session stays signed in, and the page says why it was asked for."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        from kechuang.core.passwords import password_change_due

        context = super().get_context_data(**kwargs)
        context["due"] = password_change_due(self.request.user)
        return context

    def form_valid(self, form):
        from kechuang.core.passwords import chosen_by_user

        with chosen_by_user():
            response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response
