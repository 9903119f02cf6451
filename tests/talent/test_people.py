"""The people registry: ID numbers validated (GB 11643, old 5222xx codes accepted), masked in
lists, exports and the API, revealed only through an audited action; scope by unit."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kechuang.core.models import Event, EventAction
from kechuang.core.roles import Role
from org.models import ApiToken
from talent import services
from talent.models import Designation, DesignationCategory, Person
from tests.talent.conftest import BIJIANG_ID, WANSHAN_ID, make_id


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user) -> Client:
    _token, raw = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# Services --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_validates_the_id_number_and_accepts_old_codes(users, units):
    district = users["district"]
    person = services.person_create(
        actor=district,
        data={"name": "王芳", "id_number": "522201198506150020", "unit": units["520602"]},
        designation={"category": DesignationCategory.SOCIAL, "designated_on": "2023-05-04"},
    )
    assert person.home_district == "520602"  # 县级铜仁市 5222 01 → 碧江区
    assert Designation.objects.get(person=person).category == "social"
    with pytest.raises(ValidationError) as info:
        services.person_create(
            actor=district, data={"name": "错号", "id_number": "340524198001010013", "unit": units["520602"]}
        )
    assert "id_number" in info.value.message_dict
    assert not Person.objects.filter(name="错号").exists()


@pytest.mark.django_db
def test_lowercase_x_is_stored_upper(users, units):
    person = services.person_create(
        actor=users["staff"],
        data={"name": "赵敏", "id_number": "11010519491231002x", "unit": units["520603"]},
    )
    assert person.id_number == "11010519491231002X"


@pytest.mark.django_db
def test_a_district_cannot_file_or_move_a_person_into_another_unit(users, units, people):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=users["district"], data={"name": "外区", "id_number": make_id(), "unit": units["520603"]}
        )
    assert not Person.objects.filter(name="外区").exists()
    own = people["bijiang"]
    with pytest.raises(PermissionDenied):
        services.person_update(actor=users["district"], person=own, data={"unit": units["520603"]})
    own.refresh_from_db()
    assert own.unit.code == "520602"


@pytest.mark.django_db
def test_change_log_keeps_the_id_number_masked(users, units):
    services.person_create(
        actor=users["staff"], data={"name": "孙强", "id_number": BIJIANG_ID, "unit": units["520602"]}
    )
    entry = LogEntry.objects.get(object_repr="孙强")
    text = str(entry.changes)
    assert BIJIANG_ID not in text and "5206**********0015" in text


# Lists, search and export ------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_masked_numbers_only_own_unit(users, people):
    body = login(users["district"]).get("/talent/people/").content.decode()
    assert "5206**********0015" in body and BIJIANG_ID not in body
    assert "李华" not in body and "5222**********001X" not in body
    staff = login(users["staff"]).get("/talent/people/").content.decode()
    assert "李华" in staff and WANSHAN_ID not in staff and "5222**********001X" in staff


@pytest.mark.django_db
def test_search_by_id_is_whole_number_only(users, people):
    client = login(users["staff"])
    assert "张明" in client.get("/talent/people/", {"q": BIJIANG_ID}).content.decode()
    # A part of the number finds nothing, so nobody can probe the digits one by one.
    assert "张明" not in client.get("/talent/people/", {"q": "52060219"}).content.decode()
    assert "张明" in client.get("/talent/people/", {"q": "铜仁学院"}).content.decode()


@pytest.mark.django_db
def test_list_filters_by_designation(users, people):
    Designation.objects.create(person=people["wanshan"], category="key", designated_on="2023-06-01")
    body = login(users["staff"]).get("/talent/people/", {"category": "key"}).content.decode()
    assert "李华" in body and "张明" not in body


@pytest.mark.django_db
def test_export_is_masked_scoped_neutralised_and_audited(users, people):
    from openpyxl import load_workbook

    people["bijiang"].organisation = '=HYPERLINK("http://x")'
    people["bijiang"].save()
    response = login(users["district"]).get("/talent/people/export/")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2  # header + the district's one person
    assert rows[1][0] == "张明" and rows[1][1] == "5206**********0015"
    assert rows[1][3].startswith("'=")
    event = Event.objects.get(action=EventAction.EXPORT)
    assert event.actor == users["district"] and event.data["rows"] == 1


# Detail, forms -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_is_masked_and_foreign_is_404(users, people):
    client = login(users["district"])
    page = client.get(f"/talent/people/{people['bijiang'].pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "5206**********0015" in body and BIJIANG_ID not in body
    assert client.get(f"/talent/people/{people['wanshan'].pk}/").status_code == 404
    assert client.get(f"/talent/people/{people['wanshan'].pk}/edit/").status_code == 404


@pytest.mark.django_db
def test_create_form_offers_only_own_units(users, units):
    client = login(users["district"])
    body = client.get("/talent/people/new/").content.decode()
    assert "碧江区" in body and "万山区" not in body
    response = client.post(
        "/talent/people/new/",
        {"name": "刘洋", "id_number": make_id(seq=33), "unit": units["520603"].pk, "max_load": 5},
    )
    assert response.status_code == 200  # the foreign unit is not a valid choice
    assert not Person.objects.filter(name="刘洋").exists()
    response = client.post(
        "/talent/people/new/",
        {
            "name": "刘洋",
            "id_number": make_id(seq=33),
            "unit": units["520602"].pk,
            "max_load": 5,
            "category": "social",
            "designated_on": "2023-04-02",
        },
    )
    person = Person.objects.get(name="刘洋")
    assert response.status_code == 302 and response["Location"] == f"/talent/people/{person.pk}/"
    assert person.designations.get().category == "social"


@pytest.mark.django_db
def test_form_names_a_bad_id_number(users, units):
    body = (
        login(users["staff"])
        .post(
            "/talent/people/new/",
            {"name": "周杰", "id_number": "340524198001010013", "unit": units["520602"].pk, "max_load": 5},
        )
        .content.decode()
    )
    assert "校验码" in body  # the check-character message, in Chinese
    assert not Person.objects.filter(name="周杰").exists()


@pytest.mark.django_db
def test_bureau_links_an_expert_account(users, people):
    client = login(users["staff"])
    person = people["bijiang"]
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "unit": person.unit_id,
        "max_load": 4,
        "is_expert": "on",
        "expert_tags": "新材料；锰",
        "account": "expert1",
    }
    assert client.post(f"/talent/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.user == users["expert"] and person.expert_tags == ["新材料", "锰"]
    # A district has no account field: it cannot link accounts.
    body = login(users["district"]).get(f"/talent/people/{person.pk}/edit/").content.decode()
    assert 'name="account"' not in body


@pytest.mark.django_db
def test_a_non_expert_account_is_refused(users, people):
    client = login(users["staff"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    person = people["bijiang"]
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "unit": person.unit_id,
        "max_load": 4,
        "account": "bijiang",
    }
    body = client.post(f"/talent/people/{person.pk}/edit/", data).content.decode()
    assert "No account with the expert role has this user name." in body
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.django_db
def test_designations_and_conflicts_are_added_on_the_page(users, people):
    client = login(users["district"])
    pk = people["bijiang"].pk
    client.post(f"/talent/people/{pk}/designations/", {"category": "key", "designated_on": "2023-07-01"})
    assert Designation.objects.get(person_id=pk).category == "key"
    Person.objects.filter(pk=pk).update(is_expert=True)
    client.post(f"/talent/people/{pk}/conflicts/", {"organisation": "碧江测试企业", "reason": "曾任职"})
    assert people["bijiang"].conflicts.get().organisation == "碧江测试企业"
    foreign = people["wanshan"].pk
    assert client.post(f"/talent/people/{foreign}/designations/", {"category": "key"}).status_code == 404
    assert client.post(f"/talent/people/{foreign}/conflicts/", {"organisation": "x"}).status_code == 404


# Reveal ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "staff", "district"])
def test_reveal_by_bureau_or_owning_district_is_audited(users, people, role):
    person = people["bijiang"]
    response = login(users[role]).post(f"/talent/people/{person.pk}/reveal/")
    assert response.status_code == 200 and BIJIANG_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = Event.objects.get(action="reveal")
    assert event.actor == users[role] and event.object_id == str(person.pk) and event.unit_code == "520602"
    assert BIJIANG_ID not in f"{event.message} {event.data} {event.object_repr}"


@pytest.mark.django_db
def test_reveal_fragment_for_htmx(users, people):
    response = login(users["staff"]).post(
        f"/talent/people/{people['bijiang'].pk}/reveal/", HTTP_HX_REQUEST="true"
    )
    assert response.content.decode().strip() == f"<code>{BIJIANG_ID}</code>"


@pytest.mark.django_db
def test_reveal_refused_elsewhere(users, people, make_user):
    district = login(users["district"])
    assert district.post(f"/talent/people/{people['wanshan'].pk}/reveal/").status_code == 404
    assert district.get(f"/talent/people/{people['bijiang'].pk}/reveal/").status_code == 405
    assert (
        login(users["enterprise"]).post(f"/talent/people/{people['bijiang'].pk}/reveal/").status_code == 404
    )
    # The person's own (expert) account reads its record but may not reveal the number.
    own = make_user("zhangming", Role.EXPERT)
    Person.objects.filter(pk=people["bijiang"].pk).update(user=own)
    client = login(own)
    assert client.get(f"/talent/people/{people['bijiang'].pk}/").status_code == 200
    assert client.post(f"/talent/people/{people['bijiang'].pk}/reveal/").status_code == 404
    # The leader reads the masked record but writes nothing and reveals nothing.
    leader = login(users["leader"])
    assert leader.get(f"/talent/people/{people['bijiang'].pk}/").status_code == 200
    assert leader.post(f"/talent/people/{people['bijiang'].pk}/reveal/").status_code == 404
    anonymous = Client().post(f"/talent/people/{people['bijiang'].pk}/reveal/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert not Event.objects.filter(action="reveal").exists()


# API -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "0123456789abcdeffedcba9876543210"])
def test_a_search_that_looks_like_a_ciphertext_finds_nothing(users, people, settings, key):
    """ "sm4:…" typed into a search (a person's ID matches whole) is refused on a write but is
    only text in a lookup: no row, not a server error, with the SM4 key off or on."""
    from talent.models import Person

    settings.KECHUANG_FIELD_KEY = key
    for q in ("sm4:abc", "sm4:" + "A" * 64):
        response = bearer(users["staff"]).get("/api/v1/talent/people", {"q": q})
        assert response.status_code == 200 and response.json()["count"] == 0
        assert not Person.objects.filter(id_number__in=[q, "x"]).exists()
    assert Person.objects.filter(id_number__in=["sm4:abc", BIJIANG_ID]).get() == people["bijiang"]


@pytest.mark.django_db
def test_api_lists_masked_and_scoped(users, people):
    body = bearer(users["district"]).get("/api/v1/talent/people").json()
    assert body["count"] == 1
    assert body["items"][0]["id_number"] == "5206**********0015" and body["items"][0]["unit"] == "520602"
    staff = bearer(users["staff"])
    assert staff.get("/api/v1/talent/people").json()["count"] == 2
    one = staff.get(f"/api/v1/talent/people/{people['wanshan'].pk}").json()
    assert one["id_number"] == "5222**********001X" and one["home_district"] == "520603"
    assert bearer(users["district"]).get(f"/api/v1/talent/people/{people['wanshan'].pk}").status_code == 404


@pytest.mark.django_db
def test_api_reveal_is_audited(users, people):
    client = bearer(users["district"])
    response = client.post(f"/api/v1/talent/people/{people['bijiang'].pk}/reveal")
    assert response.status_code == 200 and response.json() == {"id_number": BIJIANG_ID}
    assert Event.objects.filter(action="reveal", actor=users["district"]).count() == 1
    assert client.post(f"/api/v1/talent/people/{people['wanshan'].pk}/reveal").status_code == 404


@pytest.mark.django_db
def test_api_expert_pool(users, people):
    Person.objects.filter(pk=people["bijiang"].pk).update(
        is_expert=True, expert_tags=["新材料", "锰"], max_load=6, user=users["expert"]
    )
    body = bearer(users["staff"]).get("/api/v1/talent/experts").json()
    assert body["count"] == 1
    expert = body["items"][0]
    assert expert["org"] == "铜仁学院" and expert["fields"] == ["新材料", "锰"]
    assert expert["max_load"] == 6 and expert["user"] == "expert1" and "id_number" not in expert


@pytest.mark.django_db
def test_only_the_bureau_links_an_expert_account(users, people, make_user):
    person = people["bijiang"]
    with pytest.raises(PermissionDenied):
        services.person_update(actor=users["district"], person=person, data={"user": users["expert"]})
    with pytest.raises(ValidationError):
        services.person_update(actor=users["staff"], person=person, data={"user": users["district"]})
    services.person_update(actor=users["staff"], person=person, data={"user": users["expert"]})
    person.refresh_from_db()
    assert person.user == users["expert"]


@pytest.mark.django_db
def test_the_edit_page_never_shows_the_full_number(users, people):
    person = people["bijiang"]
    client = login(users["district"])
    body = client.get(f"/talent/people/{person.pk}/edit/").content.decode()
    assert BIJIANG_ID not in body and "5206**********0015" in body
    data = {"name": person.name, "unit": person.unit_id, "max_load": 5, "organisation": "新单位"}
    assert client.post(f"/talent/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.id_number == BIJIANG_ID and person.organisation == "新单位"
    corrected = make_id(seq=55)
    client.post(f"/talent/people/{person.pk}/edit/", {**data, "new_id_number": corrected})
    person.refresh_from_db()
    assert person.id_number == corrected
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.post(
        f"/talent/people/{person.pk}/edit/", {**data, "new_id_number": WANSHAN_ID}
    ).content.decode()
    assert "Another person is registered with this ID number." in body
    body = client.post(
        f"/talent/people/{person.pk}/edit/", {**data, "new_id_number": "340524198001010013"}
    ).content.decode()
    assert "The check character is wrong" in body
