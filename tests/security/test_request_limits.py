"""Oversized requests are refused with a clear message (security.md item 12): a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS, more files than
DATA_UPLOAD_MAX_NUMBER_FILES — a 413 that names the limit (HTML for pages, JSON for the API),
nothing written. Large uploads themselves are capped by the import page (MAX_UPLOAD) and, in
production, by the proxy (docs/deploy.md)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from transfer.models import TechContract


def digest() -> str:
    return json.dumps(list(TechContract.objects.order_by("pk").values()), default=str)


@pytest.fixture
def staff(users, client_for):
    return client_for(users["staff"])


def test_a_body_over_the_limit_is_a_413_naming_it(staff, settings, contract):
    before = digest()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = "note=" + "x" * (64 * 1024 + 1)
    with translation.override("zh-hans"):
        r = staff.post(
            f"/contracts/{contract.pk}/edit/", body, content_type="application/x-www-form-urlencoded"
        )
    assert r.status_code == 413
    page = r.content.decode()
    assert "请求过大" in page and "64.0" in page
    assert digest() == before


def test_too_many_fields_is_a_413(staff, settings, contract):
    before = digest()
    n = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    body = "&".join(f"f{i}=1" for i in range(n + 1))
    r = staff.post(f"/contracts/{contract.pk}/edit/", body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert str(n) in r.content.decode()
    assert digest() == before
    # one field fewer than the limit is not refused for its size
    body = "&".join(f"f{i}=1" for i in range(n - 1))
    r = staff.post(f"/contracts/{contract.pk}/edit/", body, content_type="application/x-www-form-urlencoded")
    assert r.status_code != 413


def test_too_many_files_is_a_413(staff, settings):
    n = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    files = {f"file{i}": SimpleUploadedFile(f"f{i}.csv", b"a,b\n1,2\n") for i in range(n + 1)}
    r = staff.post("/imports/upload/", files)
    assert r.status_code == 413
    assert str(n) in r.content.decode()


def test_the_api_answers_413_in_json(staff, settings, contract):
    before = digest()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    payload = json.dumps({"note": "x" * (64 * 1024 + 1), "version": contract.version})
    r = staff.patch(f"/api/v1/contracts/{contract.pk}", payload, content_type="application/json")
    assert r.status_code == 413
    assert "64.0" in r.json()["detail"]
    assert digest() == before


def test_a_plain_bad_request_is_a_generic_400(db):
    r = Client(HTTP_HOST="evil.example").get("/")
    assert r.status_code == 400
    assert b"Traceback" not in r.content
