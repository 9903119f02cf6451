"""Business actions on documents: generate (read the data once into a snapshot, compose, render,
store), edit the narrative (re-rendered from the stored snapshot, never from today's data),
publish to the districts, and hand out a file (audited as an export)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.builder.docx import render_docx
from documents.builder.pdf import PdfUnavailable, docx_to_pdf, soffice
from documents.builder.xlsx import render_xlsx
from documents.compose import NARRATIVE_SLOTS, SERIES, compose, reference_of, title_of
from documents.models import Document, DocumentKind
from documents.snapshot import collect, digest, sign, signature_state
from kechuang.core.audit import record_event
from kechuang.core.crypto import snapshot_key
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE, Role
from kechuang.core.scope import ensure_in_scope, scope_of

__all__ = [
    "FORMATS",
    "DocumentError",
    "SnapshotAltered",
    "DocumentFile",
    "document_file",
    "document_generate",
    "document_narrative_update",
    "document_publish",
    "document_rebuild",
    "pdf_available",
    "render_file",
    "validate_request",
    "verify_snapshot",
]

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
NARRATIVE_MAX = 5000
YEARS = (2000, 2100)


class DocumentError(ValueError):
    """A request that cannot be met; the message says why in plain words."""


@dataclass(frozen=True)
class DocumentFile:
    content: bytes
    name: str
    content_type: str


def validate_request(kind: str, year, month) -> tuple[str, int, int]:
    """The kind, year and month, checked; one clear message for the first thing wrong."""
    kinds = DocumentKind.values
    if kind not in kinds:
        raise DocumentError(
            _("Unknown document kind {kind!r}: choose {kinds}.").format(kind=kind, kinds=", ".join(kinds))
        )
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError) as exc:
        raise DocumentError(_("The year and the month must be whole numbers.")) from exc
    if not YEARS[0] <= year <= YEARS[1]:
        raise DocumentError(
            _("The year must be between {low} and {high}, not {year}.").format(
                low=YEARS[0], high=YEARS[1], year=year
            )
        )
    if not 1 <= month <= 12:
        raise DocumentError(_("The month must be between 1 and 12, not {month}.").format(month=month))
    return kind, year, month


def _ensure_bureau(actor) -> None:
    """Documents are drafted and issued by the bureau (its admin and staff)."""
    scope = scope_of(actor)
    if not (scope.is_admin or Role.STAFF in scope.roles):
        raise PermissionDenied("only the bureau generates and issues documents")


def clean_narrative(kind: str, narrative: dict | None) -> dict:
    slots = [key for key, _heading in NARRATIVE_SLOTS[kind]]
    out = {}
    for key in slots:
        text = (narrative or {}).get(key)
        if isinstance(text, str) and text.strip():
            if len(text) > NARRATIVE_MAX:
                raise DocumentError(
                    _("A narrative paragraph may hold at most {n} characters.").format(n=NARRATIVE_MAX)
                )
            out[key] = text.strip().replace("\r\n", "\n")
    return out


@contextlib.contextmanager
def _consistent_read():
    """On PostgreSQL, read the whole snapshot in one REPEATABLE READ transaction, so every figure
    and record is of one moment even while reports are being accepted. (SQLite, the laptop
    database, has a single writer; when already inside a transaction — a test, a caller's
    block — that transaction's own view is used.)"""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _file_name(document_title: str, fmt: str) -> str:
    return document_title.replace("\n", "") + f".{fmt}"


class SnapshotAltered(DocumentError):
    """The stored snapshot does not match its HMAC-SM3 (or has none while the switch is on)."""


def verify_snapshot(document: Document) -> None:
    """With KECHUANG_SNAPSHOT_KEY set, refuse a document whose snapshot was changed after it was
    generated, or that carries no signature (sign those made before the switch with
    `kechuang snapshots-verify --sign-unsigned`). Off: nothing is checked."""
    state = signature_state(document.snapshot, document.snapshot_mac)
    if state == "altered":
        raise SnapshotAltered(
            _(
                "The data of this document was altered after it was generated; it is not used. "
                "Report this to the system administrator ('kechuang snapshots-verify')."
            )
        )
    if state == "unsigned":
        raise SnapshotAltered(
            _(
                "The data of this document carries no signature; it is not used until the "
                "administrator signs it ('kechuang snapshots-verify --sign-unsigned')."
            )
        )


def document_rebuild(snapshot: dict, narrative: dict | None, reference: str = "") -> bytes:
    """The .docx of a snapshot, a narrative and the number it was issued under: the same bytes
    every time for the same three."""
    return render_docx(compose(snapshot, narrative, reference))


def document_generate(
    *,
    actor,
    kind: str,
    year: int,
    month: int,
    narrative: dict | None = None,
    as_of: dt.datetime | None = None,
    progress=None,
    request=None,
    ip: str | None = None,
    request_id: str | None = None,
) -> Document:
    """Read the data (a snapshot as of now), compose and render the document, store it with its
    snapshot and narrative, and record the export. `actor=None` is the command line."""
    kind, year, month = validate_request(kind, year, month)
    if actor is not None:
        _ensure_bureau(actor)
    narrative = clean_narrative(kind, narrative)
    with _consistent_read():
        snapshot = collect(kind, year, month, as_of=as_of or timezone.now(), progress=progress)
    if progress is not None:
        progress("rendering", 0, 1)
    data = document_rebuild(snapshot, narrative)
    title = title_of(kind, year, month)
    with transaction.atomic():
        document = Document.objects.create(
            kind=kind,
            year=year,
            month=month,
            title=title,
            as_of=dt.datetime.fromisoformat(snapshot["as_of"]),
            snapshot=snapshot,
            digest=digest(snapshot),
            narrative=narrative,
            docx=data,
            file_name=_file_name(title, "docx"),
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            created_by=actor,
        )
        key = snapshot_key()
        if key is not None:
            # Signed as the database gives it back (a JSON column may normalise numbers), so a
            # later read verifies against exactly what is stored.
            stored = Document.objects.values_list("snapshot", flat=True).get(pk=document.pk)
            document.snapshot_mac = sign(stored, key)
            Document.objects.filter(pk=document.pk).update(snapshot_mac=document.snapshot_mac)
        record_event(
            EventAction.EXPORT,
            actor=actor,
            actor_name=None if actor is not None else "(command line)",
            request=request,
            ip=ip,
            request_id=request_id,
            obj=document,
            message="document generated",
            data={
                "kind": kind,
                "year": year,
                "month": month,
                "digest": document.digest,
                "sha256": document.sha256,
            },
        )
    if progress is not None:
        progress("rendering", 1, 1)
    return document


@transaction.atomic
def document_narrative_update(*, actor, document: Document, narrative: dict, request=None) -> Document:
    """New narrative paragraphs, the file re-rendered from the document's own snapshot (the
    figures stay those of its data version). A published document is issued: it no longer
    changes; generate a new one."""
    _ensure_bureau(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.published:
        raise DocumentError(_("A published document no longer changes; generate a new one."))
    narrative = clean_narrative(document.kind, narrative)
    verify_snapshot(document)
    data = document_rebuild(document.snapshot, narrative, document.reference)
    document.narrative = narrative
    document.docx = data
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.size = len(data)
    document.save(update_fields=["narrative", "docx", "sha256", "size", "updated"])
    ensure_in_scope(document, actor)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        request=request,
        obj=document,
        message="document narrative updated",
        data={"sha256": document.sha256, "slots": sorted(narrative)},
    )
    return document


@transaction.atomic
def document_publish(*, actor, document: Document, units=None, request=None) -> Document:
    """Publish to districts and zones (every one by default): they can then read and download it."""
    from org.models import Unit, UnitKind

    _ensure_bureau(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.published:
        raise DocumentError(_("This document is already published."))
    targets = (
        list(units)
        if units is not None
        else list(Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]))
    )
    if not targets:
        raise DocumentError(_("Choose at least one unit to publish to."))
    verify_snapshot(document)
    _number(document)
    data = document_rebuild(document.snapshot, document.narrative, document.reference)
    document.docx = data
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.size = len(data)
    document.published_at = timezone.now()
    document.published_by = actor
    fields = ["reference", "series", "serial_year", "serial", "docx", "sha256", "size"]
    try:
        with transaction.atomic():
            document.save(update_fields=[*fields, "published_at", "published_by", "updated"])
    except IntegrityError as exc:
        raise DocumentError(
            _("Another document took the same number at the same moment; publish again.")
        ) from exc
    document.recipients.set(targets)
    if not Document.objects.for_user(actor, CHANGE).filter(pk=document.pk).exists():
        raise PermissionDenied("The row would leave your data scope.")
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        request=request,
        obj=document,
        message="document published",
        data={
            "units": sorted(u.code for u in targets),
            "reference": document.reference,
            "sha256": document.sha256,
        },
    )
    return document


def _number(document: Document) -> None:
    """The next number of the document's series in the year of its date (铜科通〔2023〕3号):
    one more than the highest given. The numbers already given are locked while it is taken;
    two first numbers of a series taken at the same moment are stopped by the unique constraint
    (the second publication is refused and can be repeated), never issued twice."""
    series = SERIES[document.kind]
    year = dt.date.fromisoformat(document.snapshot["date"]).year
    issued = Document.objects.select_for_update().filter(
        series=series, serial_year=year, serial__isnull=False
    )
    serial = max(issued.values_list("serial", flat=True), default=0) + 1
    document.series, document.serial_year, document.serial = series, year, serial
    document.reference = reference_of(document.kind, document.snapshot["plan"]["issuer"], year, serial)


def pdf_available() -> bool:
    return soffice() is not None


def render_file(document: Document, fmt: str) -> DocumentFile:
    """The document as .docx (as stored), .xlsx (its tables, from the snapshot) or PDF
    (LibreOffice, where installed)."""
    if fmt not in FORMATS:
        raise DocumentError(_("Unknown format {fmt!r}: choose docx, xlsx or pdf.").format(fmt=fmt))
    verify_snapshot(document)
    if fmt == "docx":
        content = bytes(document.docx)
    elif fmt == "xlsx":
        content = render_xlsx(compose(document.snapshot, document.narrative, document.reference))
    else:
        try:
            content = docx_to_pdf(bytes(document.docx))
        except PdfUnavailable as exc:
            raise DocumentError(_("No PDF can be made here: {reason}").format(reason=exc)) from exc
    return DocumentFile(content, _file_name(document.title, fmt), FORMATS[fmt])


def document_file(*, actor, document: Document, fmt: str, request=None) -> DocumentFile:
    """A file of a document the caller may read (the view looks it up in the caller's scope),
    recorded as an export."""
    out = render_file(document, fmt)
    record_event(
        EventAction.EXPORT,
        actor=actor,
        request=request,
        obj=document,
        message="document downloaded",
        data={"format": fmt, "sha256": hashlib.sha256(out.content).hexdigest()},
    )
    return out
