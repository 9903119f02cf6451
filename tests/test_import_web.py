"""Import pages: check with preview, errors by row and column, commit, history, templates."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from enterprises.models import Enterprise
from kechuang.core.models import Event, EventAction, ImportRun, Job
from tests.test_import_enterprises import HEADER, ROW_A22, ROW_B22

# Codes other than the fixture enterprises' own.
ROW_A22 = ROW_A22.replace("91350200776049653A", "9135021359498494XQ")
ROW_B22 = ROW_B22.replace("913502000728319549", "91350200MA31E12PXF")


def csv(*lines) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@pytest.fixture
def district(users):
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(users["district"])
    return client


@pytest.mark.django_db
def test_check_then_commit(district):
    response = district.post("/imports/upload/", {"kind": "enterprises", "file": csv(HEADER, ROW_A22)})
    assert response.status_code == 302
    page = district.get(response.url).content.decode()
    assert "9135021359498494XQ" in page and "甲公司" in page  # the preview
    assert not Enterprise.objects.filter(uscc="9135021359498494XQ").exists()  # nothing saved yet
    job = Job.objects.get()
    done = district.post(f"/imports/jobs/{job.pk}/commit/")
    assert done.status_code == 302
    assert Enterprise.objects.get(uscc="9135021359498494XQ").name == "甲公司"
    event = Event.objects.get(action=EventAction.IMPORT)
    assert event.ip == "10.0.0.7" and event.actor.username == "bijiang"
    history = district.get("/imports/").content.decode()
    assert "list.csv" in history and ImportRun.objects.get().created_count == 1
    # a second commit of the same check does nothing more
    district.post(f"/imports/jobs/{job.pk}/commit/")
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_errors_are_listed_and_nothing_is_saved(district):
    response = district.post("/imports/upload/", {"kind": "enterprises", "file": csv(HEADER, ROW_B22)})
    page = district.get(response.url).content.decode()
    # The page speaks Chinese (the CLI keeps CONTRACTS.md's English `row N, column C: ...`).
    assert "第 2 行，“unit”列：超出您的数据范围" in page
    job = Job.objects.get()
    assert district.post(f"/imports/jobs/{job.pk}/commit/").status_code == 404
    assert not Enterprise.objects.filter(uscc="91350200MA31E12PXF").exists()


@pytest.mark.django_db
def test_cell_and_file_errors_read_in_the_uploaders_language_with_the_files_own_name(district):
    bad = ROW_A22.replace("9135021359498494XQ", "9135021359498494XR").replace(",100,", ",一百,")
    response = district.post("/imports/upload/", {"kind": "enterprises", "file": csv(HEADER, bad)})
    page = district.get(response.url).content.decode()
    assert "第 2 行，“uscc”列：&#x27;9135021359498494XR&#x27;：校验码错误（GB 32100）" in page
    assert "第 2 行，“employees”列：&#x27;一百&#x27; 不是整数" in page
    # A file without the required columns names the columns by the template's Chinese headers,
    # under the name the user uploaded (not the stored copy's).
    response = district.post("/imports/upload/", {"kind": "enterprises", "file": csv("uscc,name", "x,y")})
    page = district.get(response.url).content.decode()
    assert "list.csv：第 1 行缺少列：所属单位、年度、职工总数" in page, page
    district.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = district.post("/imports/upload/", {"kind": "enterprises", "file": csv(HEADER, bad)})
    page = district.get(response.url).content.decode()
    assert "row 2, column uscc: &#x27;9135021359498494XR&#x27;: the check character is wrong" in page


@pytest.mark.django_db
def test_bad_upload_is_refused_with_a_message(district):
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = district.post("/imports/upload/", {"kind": "enterprises", "file": bad})
    assert response.status_code == 400 and "xlsx" in response.content.decode()


@pytest.mark.django_db
def test_someone_elses_job_is_404(district, users):
    district.post("/imports/upload/", {"kind": "enterprises", "file": csv(HEADER, ROW_A22)})
    job = Job.objects.get()
    other = Client()
    other.force_login(users["staff"])
    assert other.get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert other.post(f"/imports/jobs/{job.pk}/commit/").status_code == 404


@pytest.mark.django_db
def test_template_has_the_chinese_headers(district):
    response = district.get("/imports/template/enterprises/")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["统一社会信用代码", "企业名称", "所属单位"]


@pytest.mark.django_db
def test_roles_without_imports_get_404(users):
    for role in ("leader", "expert", "enterprise"):
        client = Client()
        client.force_login(users[role])
        assert client.get("/imports/").status_code == 404
        assert client.get("/imports/template/enterprises/").status_code == 404
