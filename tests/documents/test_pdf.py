"""PDF via LibreOffice: tested only where `soffice` is installed."""

from __future__ import annotations

import pytest

from documents.builder.pdf import docx_to_pdf, soffice
from tests.documents.test_builder import sample

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def test_docx_converts_to_pdf():
    from documents.builder import render_docx

    pdf = docx_to_pdf(render_docx(sample()))
    assert pdf.startswith(b"%PDF-")


@pytest.mark.django_db
def test_pdf_download(figures, users, client):
    from documents.services import document_generate

    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    client.force_login(users["staff"])
    response = client.get(f"/documents/{doc.pk}/download/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
