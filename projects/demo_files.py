"""A small, valid PDF for demo attachments (no fonts needed: the text is in the metadata)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

__all__ = ["demo_pdf"]


def demo_pdf(name: str, title: str) -> SimpleUploadedFile:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"4 0 obj<</Title(" + title.encode("utf-16-be").hex().encode() + b")>>endobj\n"
        b"trailer<</Root 1 0 R/Info 4 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")
