"""SM4 encryption at rest of ID and phone numbers (security.md item 30, switch 1,
KECHUANG_FIELD_KEY): the column holds ciphertext, the model and every lookup see plaintext, a
changed ciphertext is refused, the conversion command goes both ways, and with the switch off
nothing changes."""

from __future__ import annotations

import io

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from enterprises.models import Enterprise
from kechuang.core import crypto
from kechuang.core.imports import import_file
from talent.models import Person
from tests.talent.conftest import make_id

KEY = "0123456789abcdeffedcba9876543210"
ID = "520602199001010015"
PHONE = "13812345678"


def test_sm4_and_sm3_are_the_national_algorithms():
    """Known answers: GB/T 32907-2016 appendix A.1 (SM4) and GB/T 32905-2016 appendix A.1 (SM3)."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (the standard's one-block vector)
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _stored(model, pk, *columns) -> tuple:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} WHERE id = %s",  # noqa: S608 (names from the model)
            [pk],
        )
        return cursor.fetchone()


def _set_stored(model, pk, column, value) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )


@pytest.fixture
def key_on(settings):
    settings.KECHUANG_FIELD_KEY = KEY


@pytest.mark.django_db
def test_switch_off_stores_plaintext(units, settings):
    settings.KECHUANG_FIELD_KEY = ""
    person = Person.objects.create(name="张明", id_number=ID, phone=PHONE, unit=units["520602"])
    assert _stored(Person, person.pk, "id_number", "phone") == (ID, PHONE)
    assert Person.objects.get(id_number=ID).phone == PHONE


@pytest.mark.django_db
def test_column_holds_ciphertext_and_plaintext_lookups_work(units, enterprises, key_on):
    person = Person.objects.create(name="张明", id_number=ID, phone=PHONE, unit=units["520602"])
    stored_id, stored_phone = _stored(Person, person.pk, "id_number", "phone")
    for stored, plain in ((stored_id, ID), (stored_phone, PHONE)):
        assert stored.startswith("sm4:") and plain not in stored and plain[-4:] not in stored
    assert len(stored_id) == 4 + 64  # base64 of a 16-byte IV and two SM4 blocks
    assert crypto.field_decrypt(stored_id) == ID
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (ID, PHONE)
    assert Person.objects.get(id_number=ID).pk == person.pk
    assert list(Person.objects.filter(id_number__in=[ID, "x"]).values_list("id_number", "phone")) == [
        (ID, PHONE)
    ]
    assert Person.objects.filter(phone="").count() == 0  # empty stays empty, findable
    # The same number gives the same ciphertext: the unique constraint still holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="另一人", id_number=ID, unit=units["520602"])
    ent = enterprises["bijiang"]
    Enterprise.objects.filter(pk=ent.pk).update(contact_phone=PHONE)
    assert _stored(Enterprise, ent.pk, "contact_phone")[0] == stored_phone
    assert Enterprise.objects.get(pk=ent.pk).contact_phone == PHONE


@pytest.mark.django_db
def test_an_import_matches_people_through_the_ciphertext(plan, tmp_path, units, key_on):
    """The talent import looks people up by `id_number__in` and `person__id_number`: with the
    key on, a known person is found (updated, not duplicated)."""
    Person.objects.create(name="张明", id_number=ID, unit=units["520602"])
    new = make_id(seq=45)
    path = tmp_path / "t.csv"
    path.write_text(
        f"姓名,身份证号,所属单位,联系电话\n张明,{ID},520602,{PHONE}\n王芳,{new},520602,\n", encoding="utf-8"
    )
    result = import_file("talents", path)
    assert (result.created, result.updated) == (1, 1)
    assert Person.objects.get(id_number=ID).phone == PHONE
    assert _stored(Person, Person.objects.get(id_number=new).pk, "id_number")[0].startswith("sm4:")


@pytest.mark.django_db
def test_an_altered_ciphertext_is_refused(units, key_on):
    person = Person.objects.create(name="张明", id_number=ID, phone=PHONE, unit=units["520602"])
    other = Person.objects.create(
        name="李华", id_number=make_id(seq=47), phone="13900000000", unit=units["520602"]
    )
    stored = _stored(Person, person.pk, "phone")[0]
    flipped = stored[:10] + ("A" if stored[10] != "A" else "B") + stored[11:]
    _set_stored(Person, person.pk, "phone", flipped)
    with pytest.raises(crypto.FieldCipherError):
        Person.objects.get(pk=person.pk)
    # Another row's ciphertext of another field decrypts, but to that row's value, not this one's.
    _set_stored(Person, person.pk, "phone", _stored(Person, other.pk, "phone")[0])
    assert Person.objects.get(pk=person.pk).phone == "13900000000"


@pytest.mark.django_db
def test_ciphertext_without_the_key_is_a_clear_error(units, settings):
    settings.KECHUANG_FIELD_KEY = KEY
    person = Person.objects.create(name="张明", id_number=ID, unit=units["520602"])
    settings.KECHUANG_FIELD_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="KECHUANG_FIELD_KEY is not set"):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_the_command_encrypts_existing_rows_and_decrypts_them_back(units, enterprises, settings):
    settings.KECHUANG_FIELD_KEY = ""
    with pytest.raises(CommandError, match="KECHUANG_FIELD_KEY is not set"):
        call_command("pii-encrypt")
    person = Person.objects.create(name="张明", id_number=ID, phone=PHONE, unit=units["520602"])
    Person.objects.create(name="李华", id_number=make_id(seq=49), unit=units["520602"])  # no phone
    Enterprise.objects.filter(pk=enterprises["bijiang"].pk).update(contact_phone="0856-5222333")

    settings.KECHUANG_FIELD_KEY = KEY
    out = io.StringIO()
    call_command("pii-encrypt", stdout=out)
    assert out.getvalue().splitlines() == [
        "enterprises.Enterprise.contact_phone: 1 encrypted",
        "org.User.phone: 0 encrypted",
        "projects.Application.leader_phone: 0 encrypted",
        "talent.Person.id_number: 2 encrypted",
        "talent.Person.phone: 1 encrypted",
        "4 values encrypted.",
    ]
    assert all(v.startswith("sm4:") for v in _stored(Person, person.pk, "id_number", "phone"))
    assert _stored(Enterprise, enterprises["bijiang"].pk, "contact_phone")[0].startswith("sm4:")
    assert Person.objects.get(id_number=ID).phone == PHONE
    out = io.StringIO()
    call_command("pii-encrypt", stdout=out)
    assert out.getvalue().splitlines()[-1] == "0 values encrypted."

    out = io.StringIO()
    call_command("pii-encrypt", "--decrypt", stdout=out)
    assert out.getvalue().splitlines()[-1] == "4 values decrypted."
    assert _stored(Person, person.pk, "id_number", "phone") == (ID, PHONE)
    settings.KECHUANG_FIELD_KEY = ""
    assert Enterprise.objects.get(pk=enterprises["bijiang"].pk).contact_phone == "0856-5222333"
    from kechuang.core.models import Event

    assert list(
        Event.objects.filter(action__startswith="pii-").values_list("action", flat=True).order_by("id")
    ) == [
        "pii-encrypt",
        "pii-encrypt",
        "pii-decrypt",
    ]


@pytest.mark.django_db
def test_a_key_set_before_the_conversion_still_finds_the_plaintext_rows(units, settings):
    """The key turned on before `kechuang pii-encrypt` has run: rows written before stay
    plaintext until then, and a lookup by value (a search, an import matching people on file,
    the uniqueness check) finds them as well as the rows written encrypted since."""
    settings.KECHUANG_FIELD_KEY = ""
    before = Person.objects.create(name="张明", id_number=ID, phone=PHONE, unit=units["520602"])
    settings.KECHUANG_FIELD_KEY = KEY
    since = Person.objects.create(name="李华", id_number=make_id(seq=51), unit=units["520602"])
    assert _stored(Person, before.pk, "id_number", "phone") == (ID, PHONE)
    assert _stored(Person, since.pk, "id_number")[0].startswith("sm4:")

    assert Person.objects.get(id_number=ID).pk == before.pk
    assert Person.objects.get(phone=PHONE).pk == before.pk
    assert Person.objects.get(id_number=make_id(seq=51)).pk == since.pk
    found = Person.objects.filter(id_number__in=[ID, make_id(seq=51), make_id(seq=52)])
    assert sorted(found.values_list("pk", flat=True)) == sorted([before.pk, since.pk])
    # The model's uniqueness check sees the plaintext row: no second person with the same ID.
    twin = Person(name="张明", id_number=ID, unit=units["520602"])
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "id_number" in caught.value.message_dict

    call_command("pii-encrypt", stdout=io.StringIO())
    assert _stored(Person, before.pk, "id_number")[0].startswith("sm4:")
    assert Person.objects.get(id_number=ID).pk == before.pk
