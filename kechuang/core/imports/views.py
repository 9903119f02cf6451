"""Import pages: upload → check (preview, errors by row and column, progress) → commit."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.core.audit import client_ip, record_event
from kechuang.core.imports import ImportFailed, import_file, registered_kinds
from kechuang.core.jobs import job_start
from kechuang.core.models import EventAction, ImportRun, Job, JobStatus
from kechuang.core.pii import mask_row
from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of
from kechuang.messages import localize

MAX_UPLOAD = 50 * 1024 * 1024
SUFFIXES = {".csv", ".xlsx"}


def _kinds_for(user) -> dict:
    """Import kinds the user may use: the bureau all; a district those with a unit column."""
    scope = scope_of(user)
    kinds = {}
    for kind, cls in registered_kinds().items():
        importer = cls()
        if scope.sees_all(CHANGE) or (scope.unit_ids and importer.for_districts()):
            kinds[kind] = importer
    return kinds


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _work(job: Job, progress) -> dict:
    p = job.params
    try:
        result = import_file(
            p["kind"],
            p["path"],
            actor=job.owner,
            dry_run=p["dry_run"],
            options=p["options"],
            progress=progress,
            display_name=p["file_name"],
            origin=p.get("origin"),
        )
    except ImportFailed as exc:
        # In the language of the person who uploaded the file (the job may run in another thread
        # or process, where no request activated it).
        with translation.override(p.get("language") or settings.LANGUAGE_CODE):
            errors = [localize(e) for e in exc.errors[:500]]
        return {"ok": False, "errors": errors, "error_count": len(exc.errors)}
    finally:
        if not p["dry_run"]:
            Path(p["path"]).unlink(missing_ok=True)
    return {
        "ok": True,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "dry_run": result.dry_run,
        "run_id": result.run_id,
        # Stored in the job and shown on the page: personal columns masked (security.md #28).
        "preview": [mask_row({k: _plain(v) for k, v in row.items()}) for row in result.preview],
    }


def _own_job(request, job_id) -> Job:
    job = Job.objects.filter(pk=job_id, kind="import").first()
    if job is None or (job.owner_id != request.user.pk and not scope_of(request.user).is_admin):
        raise Http404
    return job


@require_safe
@login_required
def import_home(request):
    kinds = _kinds_for(request.user)
    if not kinds:
        raise Http404
    runs = (
        ImportRun.objects.all()
        if scope_of(request.user).sees_all(CHANGE)
        else ImportRun.objects.filter(actor=request.user)
    )
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(request, "core/imports.html", {"kinds": kinds, "page": page})


@require_POST
@login_required
def import_upload(request):
    kinds = _kinds_for(request.user)
    kind, upload = request.POST.get("kind", ""), request.FILES.get("file")
    error = None
    if kind not in kinds:
        error = _("Choose what the file contains.")
    elif upload is None:
        error = _("Choose a file.")
    elif Path(upload.name).suffix.lower() not in SUFFIXES:
        error = _("Only .xlsx and .csv files can be imported.")
    elif upload.size > MAX_UPLOAD:
        error = _("The file is larger than 50 MB.")
    if error:
        return render(request, "core/import_job.html", {"error": error}, status=400)
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    options = {"update": True} if request.POST.get("update") else {}
    job = job_start(
        "import",
        _work,
        owner=request.user,
        params={
            "kind": kind,
            "path": str(path),
            "file_name": Path(upload.name).name[:200],
            "dry_run": True,
            "options": options,
            "language": translation.get_language(),
        },
    )
    return redirect("import_job", job_id=job.pk)


@require_safe
@login_required
def import_job(request, job_id):
    job = _own_job(request, job_id)
    template = "core/import_job_panel.html" if request.headers.get("HX-Request") else "core/import_job.html"
    return render(
        request, template, {"job": job, "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    )


@require_POST
@login_required
def import_commit(request, job_id):
    checked = _own_job(request, job_id)
    if not (checked.status == JobStatus.DONE and checked.result.get("ok") and checked.params.get("dry_run")):
        raise Http404
    if not Path(checked.params["path"]).exists():  # committed already, or discarded
        return redirect("import_job", job_id=checked.pk)
    params = {
        **checked.params,
        "dry_run": False,
        "origin": {"ip": client_ip(request), "request_id": getattr(request, "request_id", "")},
    }
    job = job_start("import", _work, owner=request.user, params=params)
    return redirect("import_job", job_id=job.pk)


@require_safe
@login_required
def import_template(request, kind):
    kinds = _kinds_for(request.user)
    if kind not in kinds:
        raise Http404
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = kind[:31]
    columns = kinds[kind].columns
    ws.append([c.label for c in columns])
    for cell, column in zip(ws[1], columns, strict=True):
        cell.font = Font(bold=True)
        # The English name and whether a value is needed, as a note on the header cell.
        cell.comment = Comment(f"{column.name}{'' if column.required else ' (optional)'}", "kechuang")
    for i, _c in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 16
    buffer = BytesIO()
    wb.save(buffer)
    record_event(EventAction.EXPORT, request=request, message=f"import template {kind}")
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
