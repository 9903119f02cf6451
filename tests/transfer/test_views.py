"""Contract pages per role: the list with filters and totals, the export, the form (unit choices
from the scope, the import's rules), the follow-up and duplicate lists, and empty states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client

from kechuang.core.models import Event, EventAction
from plan.models import Target
from transfer.models import ContractStatus, TechContract


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "status": "registered",
    "registration_no": "2023520602000500",
    "seller_uscc": "",
    "seller_name": "铜仁学院",
    "buyer_name": "贵州某公司",
    "title": "",
    "type": "技术咨询",
    "sub_kind": "可行性论证",
    "contract_value": "45",
    "tech_value": "45",
    "signed": "2023-05-01",
    "valid_until": "",
    "registered": "2023-05-20",
    "unit": "",
    "refusal_reason": "",
    "follow_up_owner": "",
    "follow_up_note": "",
    "note": "",
}


@pytest.fixture
def registry(make_contract, units):
    return {
        "bj": make_contract("520602", "500", dt.date(2023, 2, 15), seller_name="碧江卖方甲"),
        "bj2": make_contract(
            "520602", "1500", dt.date(2023, 11, 2), seller_name="碧江卖方乙", type="技术开发"
        ),
        "ws": make_contract("520603", "1200", dt.date(2023, 3, 31), seller_name="万山卖方丙"),
        "lead": make_contract(
            "520602",
            "60",
            status=ContractStatus.SIGNED_UNREGISTERED,
            seller_name="碧江待登记卖方",
            follow_up_owner="张明",
            valid_until=dt.date(2020, 1, 1),
        ),
    }


@pytest.mark.django_db
def test_list_per_role(users, registry):
    staff = client_for(users["staff"]).get("/contracts/").content.decode()
    assert "碧江卖方甲" in staff and "万山卖方丙" in staff and "技术合同" in staff
    district = client_for(users["district"]).get("/contracts/").content.decode()
    assert "碧江卖方甲" in district and "万山卖方丙" not in district
    assert "登记一份合同" in district  # the district may record contracts
    leader = client_for(users["leader"]).get("/contracts/").content.decode()
    assert "万山卖方丙" in leader and "登记一份合同" not in leader
    expert = client_for(users["expert"]).get("/contracts/").content.decode()
    assert "碧江卖方甲" not in expert and "尚无技术合同" in expert


@pytest.mark.django_db
def test_year_summary_against_the_target(users, registry, plan):
    # 碧江区 registered 500 + 1500 万元 = 0.2 亿元 in 2023; 万山区 0.12 亿元; the city target is 21
    Target.objects.filter(indicator__code="TECH_CONTRACT_VALUE", year=2023, unit__code="520600").update(
        value=21
    )
    page = client_for(users["staff"]).get("/contracts/?year=2023").context
    summary = page["summary"]
    assert summary["city"]["yi"] == Decimal("0.32") and summary["city"]["target"] == 21
    assert summary["city"]["completion"] == Decimal("0.0152")
    bj = next(r for r in summary["rows"] if r["unit__code"] == "520602")
    assert (bj["n"], bj["yi"]) == (2, Decimal("0.2"))
    district = client_for(users["district"]).get("/contracts/?year=2023").context["summary"]
    assert district["city"] is None and [r["unit__code"] for r in district["rows"]] == ["520602"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "sellers"),
    [
        ("type=技术开发", {"碧江卖方乙"}),
        ("year=2023&month=2", {"碧江卖方甲"}),
        ("status=signed_unregistered", {"碧江待登记卖方"}),
        ("unit=520603", {"万山卖方丙"}),
        ("q=卖方乙", {"碧江卖方乙"}),
    ],
)
def test_filters(users, registry, query, sellers):
    page = client_for(users["staff"]).get(f"/contracts/?{query}").context["page"]
    assert {c.seller_name for c in page.object_list} == sellers


@pytest.mark.django_db
def test_pagination(users, make_contract):
    for i in range(55):
        make_contract("520602", "1", dt.date(2023, 1, 1) + dt.timedelta(days=i))
    client = client_for(users["district"])
    response = client.get("/contracts/")
    first = response.context["page"]
    assert len(first.object_list) == 50 and response.context["count"] == 55
    # Keyset pages: the next page starts after the last row shown, newest registration first.
    second = client.get(f"/contracts/?after={first.next_cursor}").context["page"]
    expected = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in (4, 3, 2, 1, 0)]
    assert [c.registered for c in second.object_list] == expected
    assert not second.has_next and second.has_previous
    back = client.get(f"/contracts/?before={second.previous_cursor}").context["page"]
    assert [c.pk for c in back.object_list] == [c.pk for c in first.object_list]


@pytest.mark.django_db
def test_export_is_the_filtered_scoped_list_with_formulas_neutralised(users, registry, make_contract):
    from openpyxl import load_workbook

    make_contract("520602", "9", dt.date(2023, 2, 20), seller_name='=HYPERLINK("x")')
    response = client_for(users["district"]).get("/contracts/export.xlsx?year=2023&month=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "登记编号" and len(rows) == 3  # header + the two February contracts of 碧江区
    sellers = {r[3] for r in rows[1:]}
    assert sellers == {"碧江卖方甲", '\'=HYPERLINK("x")'}
    assert all(isinstance(r[8], (int, float)) for r in rows[1:])  # amounts stay numbers
    event = Event.objects.get(action=EventAction.EXPORT)
    assert event.data == {"kind": "contracts", "rows": 2, "filters": {"year": "2023", "month": "2"}}
    assert event.actor == users["district"]


@pytest.mark.django_db
def test_detail_and_foreign_detail(users, registry):
    district = client_for(users["district"])
    assert district.get(f"/contracts/{registry['bj'].pk}/").status_code == 200
    assert district.get(f"/contracts/{registry['ws'].pk}/").status_code == 404
    assert client_for(users["leader"]).get(f"/contracts/{registry['ws'].pk}/").status_code == 200


@pytest.mark.django_db
def test_form_unit_choices_come_from_the_scope(users, units):
    district = client_for(users["district"]).get("/contracts/new/").context["form"]
    assert [u.code for u in district.fields["unit"].queryset] == ["520602"]
    staff = client_for(users["staff"]).get("/contracts/new/").context["form"]
    assert "520603" in {u.code for u in staff.fields["unit"].queryset}
    assert "520600" not in {u.code for u in staff.fields["unit"].queryset}


@pytest.mark.django_db
def test_district_records_a_contract(users, units):
    client = client_for(users["district"])
    response = client.post("/contracts/new/", {**FORM, "unit": units["520602"].pk})
    assert response.status_code == 302
    contract = TechContract.objects.get()
    assert response["Location"] == f"/contracts/{contract.pk}/"
    assert (contract.unit.code, contract.sub_kind, contract.contract_value) == (
        "520602",
        "可行性论证",
        Decimal("45"),
    )


@pytest.mark.django_db
def test_district_cannot_file_for_another_unit(users, units):
    response = client_for(users["district"]).post("/contracts/new/", {**FORM, "unit": units["520603"].pk})
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert TechContract.objects.count() == 0


@pytest.mark.django_db
def test_form_shows_the_rules(users, units, registry):
    data = {
        **FORM,
        "unit": units["520602"].pk,
        "tech_value": "50",
        "registered": "2023-04-01",
        "sub_kind": "技术培训",
        "registration_no": registry["bj"].registration_no,
    }
    response = client_for(users["staff"]).post("/contracts/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"tech_value", "registered", "sub_kind", "registration_no"} <= set(errors)
    assert "技术交易额" in " ".join(errors["tech_value"])  # in Chinese
    assert TechContract.objects.count() == 4


@pytest.mark.django_db
def test_edit_registers_a_follow_up_item(users, units, registry):
    lead = registry["lead"]
    data = {
        **FORM,
        "unit": units["520602"].pk,
        "seller_name": lead.seller_name,
        "follow_up_owner": "张明",
        "registration_no": "2023520602000901",
    }
    response = client_for(users["district"]).post(f"/contracts/{lead.pk}/edit/", data)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "registered" and lead.registration_no == "2023520602000901"
    assert Event.objects.filter(
        action=EventAction.WORKFLOW, object_id=str(lead.pk), data__step="registered"
    ).exists()


@pytest.mark.django_db
def test_writes_per_role(users, registry):
    own = registry["bj"]
    assert client_for(users["leader"]).get("/contracts/new/").status_code == 403
    assert client_for(users["leader"]).get(f"/contracts/{own.pk}/edit/").status_code == 404
    assert client_for(users["expert"]).post(f"/contracts/{own.pk}/delete/").status_code == 404
    assert client_for(users["district"]).get(f"/contracts/{registry['ws'].pk}/edit/").status_code == 404
    assert client_for(users["district"]).post(f"/contracts/{own.pk}/delete/").status_code == 302
    assert not TechContract.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_follow_up_list(users, registry):
    response = client_for(users["district"]).get("/contracts/follow-up/")
    body = response.content.decode()
    assert "碧江待登记卖方" in body and "张明" in body and "已过合同期" in body
    assert "碧江卖方甲" not in body


@pytest.mark.django_db
def test_duplicates(users, make_contract):
    kwargs = {"seller_name": "重复卖方", "buyer_name": "重复买方", "signed": dt.date(2023, 1, 3)}
    a = make_contract("520602", "88", dt.date(2023, 2, 1), **kwargs)
    b = make_contract("520602", "88", dt.date(2023, 2, 9), **kwargs)
    make_contract("520602", "89", dt.date(2023, 2, 9), **kwargs)  # another value: not a duplicate
    make_contract("520603", "88", dt.date(2023, 2, 9), **kwargs)  # foreign: not shown to 碧江区
    groups = client_for(users["district"]).get("/contracts/duplicates/").context["groups"]
    assert [[c.pk for c in g] for g in groups] == [[a.pk, b.pk]]
    assert len(client_for(users["staff"]).get("/contracts/duplicates/").context["groups"][0]) == 3


@pytest.mark.django_db
def test_empty_states_say_what_to_do(users):
    body = client_for(users["staff"]).get("/contracts/").content.decode()
    assert "kechuang import contracts FILE" in body
    assert "没有需要跟进" in client_for(users["staff"]).get("/contracts/follow-up/").content.decode()


@pytest.mark.django_db
def test_nav_entries(users):
    body = client_for(users["district"]).get("/").content.decode()
    assert 'href="/contracts/"' in body and 'href="/achievements/"' in body
    assert 'href="/contracts/"' not in client_for(users["expert"]).get("/").content.decode()


def _view_queries(captured) -> list[str]:
    """The list's own queries: those reading contracts, targets or units (the session, the
    user, the scope's grants and the savepoints are the middleware's and every page's)."""
    tables = ('"transfer_techcontract"', '"plan_target"', '"org_unit"')
    return [q["sql"] for q in captured if any(t in q["sql"] for t in tables)]


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_the_rows(users, make_contract):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["staff"])

    def queries(url):
        client.get(url)  # the session, the language and the scope settle on the first request
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries), _view_queries(ctx.captured_queries)

    make_contract("520602", "10")
    make_contract("520603", "20", status=ContractStatus.SIGNED_UNREGISTERED)
    few_total, few = queries("/contracts/")
    for i in range(60):
        make_contract("520602", "1", dt.date(2023, 1, 1) + dt.timedelta(days=i), sub_kind="")
    many_total, many = queries("/contracts/")
    # Unfiltered, 62 contracts: the registered part fills the page (1), the latest registration
    # (2), the capped count (3), the follow-up count (4), the totals (5, under the cap), the
    # year's capped count (6) and sums by unit (7), the targets (8), the duplicate groups (9, a
    # small registry), the units of the filter (10). With two contracts the page also reads the
    # second part: 11.
    assert (len(few), len(many)) == (11, 10), many
    assert many_total == few_total - 1
    # Filtered by year: no latest registration, but the registry's size for the duplicates is a
    # capped count of its own: 10 again (61 registered in 碧江区 in 2023 fill the first part).
    with CaptureQueriesContext(connection) as ctx:
        client.get("/contracts/?year=2023&unit=520602")
    assert len(_view_queries(ctx.captured_queries)) == 10


@pytest.mark.django_db
def test_list_rows_show_the_contract(users, make_contract):
    c = make_contract("520602", "1234.5000", sub_kind="可行性论证", type="技术咨询", seller_name="甲卖方")
    make_contract("520602", "60", status=ContractStatus.SIGNED_UNREGISTERED, seller_name="乙卖方")
    body = client_for(users["staff"]).get("/contracts/").content.decode()
    row = body[body.index(f'href="/contracts/{c.pk}/"') :].split("</tr>")[0]
    assert f">{c.registration_no}</a>" in row and "<td>甲卖方</td>" in row
    assert "技术咨询 · 可行性论证" in row and '<td class="num">1234.5</td>' in row
    assert "<td>2022-12-01</td><td>2023-05-10</td><td>碧江区</td>" in row and "已登记" in row
    other = next(tr for tr in body.split("<tr>") if "乙卖方" in tr)
    assert "（无编号）" in other and "<td>—</td>" in other and 'class="tag warn"' in other


@pytest.mark.django_db
def test_export_link_keeps_the_filters(users, registry):
    body = client_for(users["staff"]).get("/contracts/?year=2023&unit=520602").content.decode()
    assert 'href="/contracts/export.xlsx?unit=520602&amp;year=2023"' in body


@pytest.mark.django_db
def test_year_summary_past_the_cap_is_computed_on_request(users, registry, monkeypatch):
    monkeypatch.setattr("transfer.views.contracts.SUMMARY_CAP", 2)
    client = client_for(users["staff"])
    page = client.get("/contracts/?year=2023")
    # Three registrations in 2023 (碧江区 two, 万山区 one) are past a cap of two.
    assert page.context["summary"]["rows"] == [] and page.context["summary"]["over"] == 2
    assert 'href="?year=2023&amp;summary=all"' in page.content.decode()
    summary = client.get("/contracts/?year=2023&summary=all").context["summary"]
    assert [(r["unit__code"], r["n"], r["yi"]) for r in summary["rows"]] == [
        ("520602", 2, Decimal("0.2")),
        ("520603", 1, Decimal("0.12")),
    ]
