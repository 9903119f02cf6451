"""The documents pages: generate as a job, list, download (audited), publish; who reads what."""

from __future__ import annotations

import pytest
from django.test import Client

from documents.models import Document
from documents.services import document_generate, document_publish
from kechuang.core.models import Event, EventAction, Job, JobStatus

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_generate_runs_as_a_job_with_progress(figures, users):
    client = login(users["staff"])
    page = client.get("/documents/")
    assert page.status_code == 200 and 'action="/documents/generate/"' in page.content.decode()
    response = client.post(
        "/documents/generate/", {"kind": "quarterly", "year": 2023, "month": 6, "next": "加快进度。"}
    )
    assert response.status_code == 302
    job = Job.objects.get(kind="document")
    assert job.status == JobStatus.DONE and job.total > 0 and job.done == job.total
    assert job.phase == "生成文件"  # the last phase, in the language of the page that started it
    doc = Document.objects.get()
    assert (doc.kind, doc.year, doc.month, doc.created_by) == ("quarterly", 2023, 6, users["staff"])
    assert doc.narrative == {"next": "加快进度。"}
    assert Event.objects.filter(action=EventAction.EXPORT, object_id=str(doc.pk)).count() == 1


def test_bad_generate_form_is_answered_on_the_page(users):
    client = login(users["staff"])
    response = client.post("/documents/generate/", {"kind": "weekly", "year": 2023, "month": 13})
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_only_the_bureau_generates(figures, users):
    for role in ("leader", "district", "enterprise", "expert"):
        client = login(users[role])
        assert (
            client.post("/documents/generate/", {"kind": "monthly", "year": 2023, "month": 6}).status_code
            == 404
        )
        assert 'action="/documents/generate/"' not in client.get("/documents/").content.decode()
    assert not Document.objects.exists()


def test_download_is_audited(figures, users):
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    client = login(users["leader"])
    response = client.get(f"/documents/{doc.pk}/download/docx/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(doc.docx)
    assert "attachment" in response["Content-Disposition"]
    xlsx = client.get(f"/documents/{doc.pk}/download/xlsx/")
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
    events = Event.objects.filter(action=EventAction.EXPORT, object_id=str(doc.pk), actor=users["leader"])
    assert sorted(e.data["format"] for e in events) == ["docx", "xlsx"]
    assert client.get(f"/documents/{doc.pk}/download/odt/").status_code == 404


def test_a_district_reads_a_document_once_published_to_it(figures, users):
    doc = document_generate(actor=users["staff"], kind="bulletin", year=2023, month=6)
    district, enterprise = login(users["district"]), login(users["enterprise"])
    assert district.get(f"/documents/{doc.pk}/").status_code == 404  # the bureau's draft
    assert district.get(f"/documents/{doc.pk}/download/docx/").status_code == 404
    assert doc.title.splitlines()[0] not in district.get("/documents/").content.decode()
    response = login(users["staff"]).post(f"/documents/{doc.pk}/publish/")
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.published and doc.recipients.filter(code="520602").exists()
    assert district.get(f"/documents/{doc.pk}/").status_code == 200
    assert district.get(f"/documents/{doc.pk}/download/docx/").status_code == 200
    assert enterprise.get(f"/documents/{doc.pk}/").status_code == 404  # no unit, no documents
    # A published document no longer changes.
    staff = login(users["staff"])
    staff.post(f"/documents/{doc.pk}/narrative/", {"requirements": "限期整改。"})
    doc.refresh_from_db()
    assert doc.narrative == {}
    assert district.post(f"/documents/{doc.pk}/narrative/", {"requirements": "x"}).status_code == 404


def test_detail_page_shows_the_data_version_and_figures(figures, users):
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    body = login(users["staff"]).get(f"/documents/{doc.pk}/").content.decode()
    assert doc.digest[:16] in body and "194.00" in body and "61.4%" in body
    response = login(users["staff"]).post(f"/documents/{doc.pk}/narrative/", {"next": "下月重点推进。"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.narrative == {"next": "下月重点推进。"}


def test_publish_to_chosen_units(figures, users, units):
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    document_publish(actor=users["staff"], document=doc, units=[units["520603"]])
    assert (
        login(users["district"]).get(f"/documents/{doc.pk}/").status_code == 404
    )  # 碧江区 is not a recipient
