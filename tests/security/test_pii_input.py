"""A typed value that looks like a ciphertext ("sm4:...") is never stored as one (security.md
items 28/30): it would make every read of the row fail (from_db_value decrypts it), on every page
that loads the row. Phone numbers are checked the same way on the model, the forms and imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kechuang.core.crypto import FieldCipherError
from kechuang.core.imports import ImportFailed, import_file
from org.models import User
from talent.models import Person
from tests.talent.conftest import make_id

KEY = "0123456789abcdeffedcba9876543210"


@pytest.mark.django_db
def test_the_model_refuses_a_fake_ciphertext_and_a_non_phone(make_user):
    user = make_user("someone", "staff")
    field = User._meta.get_field("phone")
    for bad in ("sm4:x", "sm4:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "call me", "12"):
        with pytest.raises(ValidationError):
            field.clean(bad, user)
    assert field.clean("0856-5222333", user) == "0856-5222333"
    id_field = Person._meta.get_field("id_number")
    with pytest.raises(ValidationError):
        id_field.clean("sm4:x", None)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", KEY])
def test_a_fake_ciphertext_never_reaches_the_database(make_user, settings, key):
    settings.KECHUANG_FIELD_KEY = key
    user = make_user("someone", "staff")
    with pytest.raises((ValueError, FieldCipherError)), transaction.atomic():
        User.objects.filter(pk=user.pk).update(phone="sm4:x")
    settings.KECHUANG_FIELD_KEY = ""
    assert User.objects.get(pk=user.pk).phone == ""  # the row still reads


@pytest.mark.django_db
def test_an_import_names_a_bad_phone(units, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        f"姓名,身份证号,所属单位,联系电话\n新人才,{make_id(seq=31)},520602,sm4:x\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed) as info:
        import_file("talents", path)
    assert [str(e) for e in info.value.errors] == ["row 2, column 联系电话: 'sm4:x' is not a phone number"]
    assert not Person.objects.exists()
