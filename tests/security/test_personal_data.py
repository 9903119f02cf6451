"""Personal data (security.md item 28): ID and phone numbers masked on every page, export and
API answer; the full value only through the audited reveal; never in a log record or the change
log. Generic: the pages walked are every parameterless URL and every object URL of the scope
walk, so a new list or export is covered without new code."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from enterprises.models import Enterprise
from kechuang.core.models import Event, Job
from kechuang.core.pii import (
    PersonalField,
    mask_any,
    mask_id,
    mask_phone,
    personal_fields,
    reveal_url_name,
)
from org.models import ApiToken
from talent.models import Person
from tests.conftest import PASSWORD
from tests.talent.conftest import make_id
from tests.test_scope_walk import OBJECT_URLS, _entries, _route_to_path, all_urls

ID = "52223019780312001X"  # the foreign person of tests/walk/talent.py
PERSON_PHONE = "13812345678"
ENTERPRISE_PHONE = "13987654321"
LEADER_PHONE = "13711112222"
FULL = (ID, PERSON_PHONE, ENTERPRISE_PHONE, LEADER_PHONE)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("330102199001011234", "3301**********1234"),
        ("52223019780312001X", "5222**********001X"),
        ("330102900101123", "3301*******1123"),  # a 15-digit number of before 1999
        ("123456789", "*********"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_mask(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0856-5222333", "085*****2333"),
        (" 13812345678 ", "138****5678"),
        ("5222333", "*******"),
        ("56223333", "****3333"),  # at least 4 hidden: 562*3333 showed 7 of 8 digits
        ("856223333", "8****3333"),
        ("0856223333", "08****3333"),
        ("", ""),
    ],
)
def test_phone_mask(value, masked):
    assert mask_phone(value) == masked


def test_change_log_mask_tells_id_from_phone():
    assert mask_any("330102199001011234") == "3301**********1234"
    assert mask_any("13812345678") == "138****5678"


def test_every_id_and_phone_column_is_a_personal_field():
    """The inventory the masking, the reveal and the encryption hang on. A new phone or ID
    column declared as a plain CharField fails here."""
    declared = {f"{m._meta.label}.{f.name}": f.kind for m, f in personal_fields()}
    assert declared == {
        "enterprises.Enterprise.contact_phone": "phone",
        "org.User.phone": "phone",
        "projects.Application.leader_phone": "phone",
        "talent.Person.id_number": "id_number",
        "talent.Person.phone": "phone",
    }
    from django.apps import apps

    suspicious = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if any(w in f.name for w in ("phone", "mobile", "id_number", "idcard"))
        and not isinstance(f, PersonalField)
        and f.model is m
    ]
    assert suspicious == []


@pytest.fixture
def world(users, enterprises, make_user, units):
    world = {"users": users, "enterprises": enterprises, "make_user": make_user, "units": units}
    for module in _entries():
        world.update(module.foreign(world))
    Person.objects.filter(pk=world["talent_person"].pk).update(phone=PERSON_PHONE)
    Enterprise.objects.filter(pk=world["foreign"].pk).update(contact_phone=ENTERPRISE_PHONE)
    type(world["p_application"]).objects.filter(pk=world["p_application"].pk).update(
        leader_phone=LEADER_PHONE
    )
    return world


def _body(response) -> str:
    """The text of a page, a JSON answer or a file: an .xlsx/.docx is a zip of XML parts, read
    whole (shared strings, sheets, the document's body)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if not raw.startswith(b"PK"):
        return raw.decode("utf-8", "replace")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.django_db
def test_no_page_export_or_api_answer_shows_a_full_number(world):
    """As the bureau admin (who sees every row): every list, export and API list, and the detail
    pages of the records holding the numbers. The masked forms do appear (not vacuous)."""
    admin = Client()
    admin.force_login(world["users"]["admin"])
    _token, raw = ApiToken.issue(world["users"]["admin"])
    leaks, seen = [], set()
    for name, route, _p in all_urls():
        if "<" in route:
            if name not in OBJECT_URLS:
                continue
            path = _route_to_path(route, OBJECT_URLS[name](world))
        else:
            path = _route_to_path(route, {})
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if (name or "").startswith("api:") else {}
        body = _body(admin.get(path, **headers))
        leaks += [f"GET {path}: {value}" for value in FULL if value in body]
        seen |= {value for value in FULL if (mask_id if value == ID else mask_phone)(value) in body}
    assert not leaks, leaks
    assert seen == set(FULL)  # each number is shown somewhere, masked


@pytest.mark.django_db
def test_reveal_shows_the_number_once_and_audits_it(world):
    admin = Client()
    admin.force_login(world["users"]["admin"])
    ent = world["foreign"]
    url = reverse(reveal_url_name(Enterprise, "contact_phone"), kwargs={"pk": ent.pk})
    assert admin.get(url).status_code == 405  # never a GET (no caching, no prefetch)
    response = admin.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().strip() == f"<code>{ENTERPRISE_PHONE}</code>"
    assert "no-cache" in response["Cache-Control"]
    event = Event.objects.get(action="reveal")
    assert (event.actor, event.object_type, event.object_id) == (
        world["users"]["admin"],
        "enterprises.Enterprise",
        str(ent.pk),
    )
    assert event.data == {"field": "contact_phone", "masked": "139****4321"}
    assert ENTERPRISE_PHONE not in json.dumps(event.data) + event.message
    # The detail page offers the button to whoever may reveal, and not to the leader.
    assert url in admin.get(f"/enterprises/{ent.pk}/").content.decode()
    leader = Client()
    leader.force_login(world["users"]["leader"])
    page = leader.get(f"/enterprises/{ent.pk}/").content.decode()
    assert "139****4321" in page and url not in page
    assert leader.post(url).status_code == 404
    assert Event.objects.filter(action="reveal").count() == 1


@pytest.mark.django_db
def test_the_keeping_district_may_reveal_its_own_people(world, units):
    district = Client()
    district.force_login(world["users"]["district"])
    own = Person.objects.create(
        name="碧江人才", id_number="520602199001010015", unit=units["520602"], phone="13600001111"
    )
    url = reverse(reveal_url_name(Person, "phone"), kwargs={"pk": own.pk})
    assert district.post(url, HTTP_HX_REQUEST="true").content.decode().strip() == "<code>13600001111</code>"
    foreign = reverse(reveal_url_name(Person, "phone"), kwargs={"pk": world["talent_person"].pk})
    assert district.post(foreign).status_code == 404
    assert list(Event.objects.filter(action="reveal").values_list("object_id", "data__masked")) == [
        (str(own.pk), "136****1111")
    ]


@pytest.mark.django_db
def test_the_change_log_keeps_numbers_masked(world):
    ent = Enterprise.objects.get(pk=world["foreign"].pk)
    ent.contact_phone = "13500009999"
    ent.save()
    person = Person.objects.get(pk=world["talent_person"].pk)
    person.phone = "13400008888"
    person.save()
    changes = " ".join(json.dumps(e.changes, ensure_ascii=False) for e in LogEntry.objects.all())
    assert "contact_phone" in changes and "135****9999" in changes and "134****8888" in changes
    assert "13500009999" not in changes and "13400008888" not in changes


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def captured_logs():
    """Every record of every logger, at DEBUG and above, while the test runs."""
    handler = _Capture()
    root = logging.getLogger()
    loggers = [root] + [
        logging.getLogger(n)
        for n, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    ]
    levels = [(lg, lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.propagate = True
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        for lg, level, propagate in levels:
            lg.setLevel(level)
            lg.propagate = propagate


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args), repr(getattr(record, "request", ""))]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    parts += [repr(v) for k, v in vars(record).items() if k not in ("msg", "args", "exc_info", "request")]
    return " ".join(parts)


@pytest.mark.django_db
def test_no_password_id_or_phone_reaches_a_log(world, captured_logs, settings):
    """Representative requests: sign-in (wrong then right password), reveals, a search by full
    ID number, a talent import with ID and phone numbers (one refused, one committed)."""
    settings.AXES_ENABLED = True
    staff = world["users"]["staff"]
    new_id = make_id(seq=33)
    new_phone = "15900001234"
    secrets = (PASSWORD, "Wrong-Passw0rd!x", *FULL, new_id, new_phone)

    client = Client(REMOTE_ADDR="10.0.0.9")
    client.post("/accounts/login/", {"username": staff.username, "password": "Wrong-Passw0rd!x"})
    assert (
        client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD}).status_code == 302
    )

    person = world["talent_person"]
    assert client.post(f"/talent/people/{person.pk}/reveal/").status_code == 200
    assert client.post(reverse(reveal_url_name(Person, "phone"), kwargs={"pk": person.pk})).status_code == 200
    assert client.get(f"/talent/people/?q={ID}").status_code == 200
    assert client.get(f"/api/v1/talent/people?q={ID}").status_code == 200

    header = "姓名,身份证号,所属单位,联系电话"
    bad = (
        f"坏号码,{new_id[:-1]}{'1' if new_id[-1] != '1' else '2'},520602,{new_phone}"  # wrong check character
    )
    upload = SimpleUploadedFile("t.csv", f"{header}\n{bad}\n".encode(), content_type="text/csv")
    client.post("/imports/upload/", {"kind": "talents", "file": upload})
    good = f"新人才,{new_id},520602,{new_phone}"
    upload = SimpleUploadedFile("t.csv", f"{header}\n{good}\n".encode(), content_type="text/csv")
    response = client.post("/imports/upload/", {"kind": "talents", "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response.url)  # the preview of the rows read
    assert page.status_code == 200 and new_id not in _body(page) and new_phone not in _body(page)
    job = Job.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])
    assert client.post(f"/imports/jobs/{job.pk}/commit/").status_code == 302
    assert Person.objects.get(id_number=new_id).phone == new_phone

    assert captured_logs, "no record captured: the capture is not working"
    leaks = [(r.name, secret) for r in captured_logs for secret in secrets if secret in _text(r)]
    assert not leaks, leaks
