"""Attachments are checked by type, size and content and stored under random names; submissions
are refused outside the window (with the time shown), without the required files, or beyond the
limit per applicant."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects.access import Refused
from projects.models import ApplicationStatus, Attachment
from projects.services import applications as svc
from tests.projects.conftest import docx_bytes, fill, login


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


ACCEPTED = [
    ("申报书.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj"),
    ("申报书.docx", docx_bytes()),
    ("预算表.xlsx", _xlsx()),
    ("执照.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    ("执照.JPEG", b"\xff\xd8\xff\xe1" + b"\x00" * 64),
    ("现场.png", _png()),
]
REFUSED = [
    ("病毒.exe", b"MZ\x90\x00", "只接受"),
    ("伪装.pdf", b"MZ\x90\x00\x03", "内容"),  # an executable renamed
    ("伪装.docx", b"%PDF-1.4 not a word file", "内容"),
    ("空壳.docx", b"PK\x03\x04" + b"\x00" * 40, "内容"),  # not a real archive
    ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "内容"),  # encrypted Office (OLE)
    ("表格.xlsx", docx_bytes(), "内容"),  # a Word file named .xlsx
    ("脚本.html", b"<script>alert(1)</script>", "只接受"),
    ("无扩展名", b"%PDF-1.4", "只接受"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_types_are_stored_under_random_names(users, make_application, settings, name, content):
    app = make_application(actor=users["enterprise"])
    client = login(users["enterprise"])
    client.post(
        f"/projects/applications/{app.pk}/files/",
        {"kind": "other", "file": SimpleUploadedFile(name, content)},
    )
    att = Attachment.objects.get()
    assert att.original_name == name and att.size == len(content)
    stored = Path(settings.VAR_DIR) / "uploads" / "projects" / att.stored_name
    assert stored.read_bytes() == content
    assert name.rsplit(".", 1)[0] not in att.stored_name and len(att.stored_name.split(".")[0]) == 32
    response = client.get(f"/projects/files/{att.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_by_type_or_content(users, make_application, settings, name, content, words):
    app = make_application(actor=users["enterprise"])
    client = login(users["enterprise"])
    response = client.post(
        f"/projects/applications/{app.pk}/files/",
        {"kind": "other", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert words in response.content.decode()
    assert not Attachment.objects.exists()
    assert (
        not list((Path(settings.VAR_DIR) / "uploads").rglob("*.*"))
        if (Path(settings.VAR_DIR) / "uploads").exists()
        else True
    )


@pytest.mark.django_db
def test_refused_above_20_mb(users, make_application):
    app = make_application(actor=users["enterprise"])
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4" + b"0" * (20 * 1024 * 1024 - 7))
    response = login(users["enterprise"]).post(
        f"/projects/applications/{app.pk}/files/", {"kind": "other", "file": big}, follow=True
    )
    assert "20MB" in response.content.decode()
    assert not Attachment.objects.exists()
    ok = SimpleUploadedFile("刚好.pdf", b"%PDF-1.4" + b"0" * (20 * 1024 * 1024 - 8))
    login(users["enterprise"]).post(f"/projects/applications/{app.pk}/files/", {"kind": "other", "file": ok})
    assert Attachment.objects.get().size == 20 * 1024 * 1024


@pytest.mark.django_db
def test_another_enterprise_cannot_read_the_file(users, make_application, make_user, enterprises):
    from kechuang.core.roles import Role

    app = make_application(actor=users["enterprise"])
    fill(app, users["enterprise"])
    att = Attachment.objects.first()
    other = make_user("ent-wanshan", Role.ENTERPRISE, enterprise=enterprises["wanshan"])
    assert login(other).get(f"/projects/files/{att.pk}/").status_code == 404
    assert login(users["district"]).get(f"/projects/files/{att.pk}/").status_code == 200


@pytest.mark.django_db
def test_late_submission_is_refused_with_the_time(users, guide, make_application):
    app = make_application(actor=users["enterprise"])
    fill(app, users["enterprise"])
    closes = timezone.make_aware(dt.datetime(2023, 4, 30, 17, 0))
    guide.opens_at = timezone.make_aware(dt.datetime(2023, 3, 1, 9, 0))
    guide.closes_at = closes
    guide.save()
    response = login(users["enterprise"]).post(f"/projects/applications/{app.pk}/submit/", follow=True)
    body = response.content.decode()
    assert "2023-04-30 17:00" in body
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT and app.submitted_at is None
    # one second before the close it is accepted
    svc.application_submit(actor=users["enterprise"], application=app, now=closes - dt.timedelta(seconds=1))
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_submission_at_the_exact_close_is_late(users, guide, make_application):
    app = make_application(actor=users["enterprise"])
    fill(app, users["enterprise"])
    with pytest.raises(Refused, match="Late|逾期|不再受理"):
        svc.application_submit(actor=users["enterprise"], application=app, now=guide.closes_at)


@pytest.mark.django_db
def test_submission_needs_files_cap_and_one_per_applicant(users, guide, make_application):
    app = make_application(actor=users["enterprise"], requested="150")
    with pytest.raises(Refused) as exc:
        svc.application_submit(actor=users["enterprise"], application=app)
    assert len(exc.value.messages) == 3  # no application form, no licence, over the 100 万元 cap
    svc.application_update(actor=users["enterprise"], application=app, requested=Decimal("100"))
    fill(app, users["enterprise"])
    svc.application_submit(actor=users["enterprise"], application=app)
    second = make_application(actor=users["enterprise"], category="NY", requested="40", title="第二个项目")
    fill(second, users["enterprise"])
    with pytest.raises(Refused, match="1"):
        svc.application_submit(actor=users["enterprise"], application=second)


# The application edit page's fields, as a browser posts them (the title comes with each test).
EDIT_FORM = {
    "tech_fields": "锰系材料",
    "leader": "张工",
    "summary": "x",
    "requested": "80",
    "self_funding": "0",
    "months": "24",
}


@pytest.mark.django_db
def test_fields_outside_the_form_cannot_be_set(users, make_application):
    app = make_application(actor=users["enterprise"])
    with pytest.raises(Refused):
        svc.application_update(actor=users["enterprise"], application=app, status="approved")
    login(users["enterprise"]).post(
        f"/projects/applications/{app.pk}/edit/",
        {**EDIT_FORM, "title": "新题目", "status": "approved", "unit": "520603", "number": "X"},
    )
    app.refresh_from_db()
    assert (
        app.title == "新题目"
        and app.status == "draft"
        and app.unit.code == "520602"
        and app.number.startswith("2023-KY-")
    )


@pytest.mark.django_db
def test_the_leaders_phone_is_kept_replaced_or_removed(users, make_application):
    """The edit page saves only the changed fields (form.changed_data): the masked phone counts
    as changed against the stored number, not against its empty input."""
    app = make_application(actor=users["enterprise"])
    svc.application_update(actor=users["enterprise"], application=app, leader_phone="0856-5222333")
    client, url = login(users["enterprise"]), f"/projects/applications/{app.pk}/edit/"

    def post(**extra) -> str:
        client.post(url, {**EDIT_FORM, "title": app.title, **extra})
        app.refresh_from_db()
        return app.leader_phone

    assert "0856-5222333" not in client.get(url).content.decode()
    assert post(leader_phone="") == "0856-5222333"
    assert post(leader_phone="13812345678") == "13812345678"
    assert post(leader_phone="", leader_phone_remove="on") == ""
