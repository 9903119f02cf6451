"""Scope-walk entries for the documents (see tests/walk/core.py). The foreign object is a
document the bureau published to 万山区 (520603) alone: for the walking district (碧江区) it is
another unit's document, for enterprises and experts there is no document at all, and the
leader, who reads every document, may change none."""

from __future__ import annotations

from documents.models import Document
from documents.services import document_generate, document_publish


def foreign(world) -> dict:
    staff = world["users"]["staff"]
    document = document_generate(actor=staff, kind="monthly", year=2023, month=6)
    document_publish(actor=staff, document=document, units=[world["units"]["520603"]])
    return {"foreign_document": document}


OBJECT_URLS = {
    "document_detail": lambda w: {"pk": w["foreign_document"].pk},
    "document_download": lambda w: {"pk": w["foreign_document"].pk, "fmt": "docx"},
    "document_narrative": lambda w: {"pk": w["foreign_document"].pk},
    "document_publish": lambda w: {"pk": w["foreign_document"].pk},
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    document = world["foreign_document"]
    return [
        Document.objects.filter(pk=document.pk),
        Document.recipients.through.objects.filter(document=document),
    ]
