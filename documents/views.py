"""Documents pages: the list with the Generate form (run as a job with progress), a document's
page (its data version, narrative, publication) and its downloads (.docx, .xlsx, PDF), each
download audited. Every read starts from `Document.objects.for_user`."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from documents.compose import KIND_NAMES, NARRATIVE_SLOTS, period
from documents.forms import GenerateForm, NarrativeForm
from documents.models import Document, DocumentKind
from documents.services import (
    FORMATS,
    DocumentError,
    document_file,
    document_generate,
    document_narrative_update,
    document_publish,
    pdf_available,
    verify_snapshot,
)
from kechuang.core.audit import client_ip
from kechuang.core.jobs import job_start
from kechuang.core.roles import CHANGE, Role
from kechuang.core.scope import get_scoped_or_404, scope_of


def _bureau(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or Role.STAFF in scope.roles


def _list_context(request, form: GenerateForm | None) -> dict:
    docs = Document.objects.for_user(request.user).defer("docx", "snapshot").select_related("created_by")
    kind = request.GET.get("kind", "")
    if kind in DocumentKind.values:
        docs = docs.filter(kind=kind)
    year = request.GET.get("year", "")
    if year.isdigit():
        docs = docs.filter(year=int(year))
    page = Paginator(docs, 30).get_page(request.GET.get("page"))
    can_generate = _bureau(request.user)
    if can_generate and form is None:
        form = GenerateForm(initial=GenerateForm.initial_for_today())
    return {
        "page": page,
        "form": form,
        "can_generate": can_generate,
        "kinds": DocumentKind.choices,
        "filters": {"kind": kind, "year": year},
    }


@require_safe
@login_required
def document_list(request):
    return render(request, "documents/list.html", _list_context(request, None))


# What the job page shows while a document is being made (the phases of documents.snapshot and
# documents.services).
PHASES = {
    "figures": gettext_lazy("Reading the month's figures"),
    "trends": gettext_lazy("Reading the figures of every month for the trends"),
    "records": gettext_lazy("Reading warnings, reports, key tasks and the assessment"),
    "snapshot": gettext_lazy("Storing the data version"),
    "rendering": gettext_lazy("Writing the document"),
}


def _generate_work(job, progress):
    p = job.params

    def report(phase: str, done: int, total: int) -> None:
        with translation.override(p.get("language") or settings.LANGUAGE_CODE):
            progress(str(PHASES.get(phase, phase)), done, total)

    document = document_generate(
        actor=job.owner,
        kind=p["kind"],
        year=p["year"],
        month=p["month"],
        narrative=p.get("narrative") or {},
        progress=report,
        ip=p.get("ip"),
        request_id=p.get("request_id"),
    )
    with translation.override(p.get("language") or settings.LANGUAGE_CODE):
        return {
            _("Document"): str(document),
            _("Data version"): document.digest[:12],
            "SHA-256": document.sha256[:12],
        }


@require_POST
@login_required
def document_generate_view(request):
    if not _bureau(request.user):
        raise Http404
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return render(request, "documents/list.html", _list_context(request, form), status=400)
    job = job_start(
        "document",
        _generate_work,
        owner=request.user,
        params={
            "kind": form.cleaned_data["kind"],
            "year": form.cleaned_data["year"],
            "month": form.cleaned_data["month"],
            "narrative": form.narrative(),
            "ip": client_ip(request),
            "language": translation.get_language(),
            "request_id": getattr(request, "request_id", ""),
            "back": request.build_absolute_uri(reverse("document_list")),
        },
    )
    return redirect("job_detail", job_id=job.pk)


def _preview(document: Document) -> list[list[str]]:
    """The city's rows of the document's headline table, as the document shows them."""
    from documents.builder.content import fmt_value
    from documents.compose import Ctx, city_table

    table = city_table(Ctx.of(document.snapshot, {}))
    # indicator, target, actual, completion, growth, forecast (the warnings stay in the file)
    return [[fmt_value(row[i], table.columns[i]) for i in range(6)] for row in table.rows]


@require_safe
@login_required
def document_detail(request, pk: int):
    document = get_scoped_or_404(Document.objects.defer("docx"), request.user, pk=pk)
    bureau = _bureau(request.user)
    slots = [key for key, _heading in NARRATIVE_SLOTS[document.kind]]
    form = (
        NarrativeForm(initial=document.narrative, slots=slots) if bureau and not document.published else None
    )
    try:
        verify_snapshot(document)
        rows = _preview(document)
    except DocumentError as exc:
        messages.error(request, str(exc))
        rows = []
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "kind_name": KIND_NAMES[document.kind],
            "period": f"{document.year}年{period(document.month)}",
            "bureau": bureau,
            "form": form,
            "rows": rows,
            "formats": [f for f in FORMATS if f != "pdf" or pdf_available()],
            "recipients": document.recipients.order_by("order", "code") if bureau else None,
            "same_data": Document.objects.for_user(request.user)
            .filter(digest=document.digest)
            .exclude(pk=document.pk)
            .defer("docx", "snapshot")[:10],
        },
    )


@require_safe
@login_required
def document_download(request, pk: int, fmt: str):
    if fmt not in FORMATS or (fmt == "pdf" and not pdf_available()):
        raise Http404
    document = get_scoped_or_404(Document, request.user, pk=pk)
    try:
        out = document_file(actor=request.user, document=document, fmt=fmt, request=request)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(document)
    return FileResponse(
        io.BytesIO(out.content), as_attachment=True, filename=out.name, content_type=out.content_type
    )


@require_POST
@login_required
def document_narrative(request, pk: int):
    if not _bureau(request.user):
        raise Http404
    document = get_scoped_or_404(Document.objects.defer("docx"), request.user, CHANGE, pk=pk)
    slots = [key for key, _heading in NARRATIVE_SLOTS[document.kind]]
    form = NarrativeForm(request.POST, slots=slots)
    if not form.is_valid():
        messages.error(request, _("A narrative paragraph may hold at most 5000 characters."))
        return redirect(document)
    try:
        document_narrative_update(
            actor=request.user, document=document, narrative=form.narrative(), request=request
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(
            request, _("The narrative is saved and the document rendered again from its own data.")
        )
    return redirect(document)


@require_POST
@login_required
def document_publish_view(request, pk: int):
    if not _bureau(request.user):
        raise Http404
    document = get_scoped_or_404(Document.objects.defer("docx"), request.user, CHANGE, pk=pk)
    try:
        document_publish(actor=request.user, document=document, request=request)
    except DocumentError as exc:
        messages.error(request, str(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("Published to every district and zone."))
    return redirect(document)
