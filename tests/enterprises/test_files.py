"""The enterprise file: proposals confirmed by the district, direct edits, self-evaluation, export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from enterprises.models import EditStatus, EnterpriseEdit, EnterpriseYear, Evaluation
from kechuang.core.models import Event, EventAction


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FIGURES = {
    "year-year": "2022",
    "file-version": "1",
    "year-employees": "100",
    "year-st_staff": "12",
    "year-revenue": "3000",
    "year-total_income": "3100",
    "year-total_cost": "2600",
    "year-total_assets": "5000",
    "year-net_assets": "2000",
    "year-rd_expense": "150",
    "year-rd_domestic": "150",
    "year-ht_income": "2000",
    "year-ip_class1": "1",
    "year-ip_class2": "3",
    "year-transformations": "2",
}


@pytest.mark.django_db
def test_enterprise_proposes_and_district_confirms(users, enterprises):
    ent = enterprises["bijiang"]
    me = login(users["enterprise"])
    response = me.post(f"/enterprises/{ent.pk}/edit/", {"file-address": "碧江区新路1号", **FIGURES})
    assert response.status_code == 302
    edit = EnterpriseEdit.objects.get()
    assert edit.status == EditStatus.PENDING and edit.changes["address"] == "碧江区新路1号"
    ent.refresh_from_db()
    assert ent.address == "" and not EnterpriseYear.objects.exists()  # nothing applied yet
    # the enterprise cannot decide on its own proposal
    assert me.post(f"/enterprises/changes/{edit.pk}/decide/", {"decision": "confirm"}).status_code == 404
    district = login(users["district"])
    assert "碧江区新路1号" in district.get("/enterprises/changes/").content.decode()
    district.post(f"/enterprises/changes/{edit.pk}/decide/", {"decision": "confirm"})
    ent.refresh_from_db()
    assert ent.address == "碧江区新路1号"
    year = EnterpriseYear.objects.get(enterprise=ent, year=2022)
    assert year.st_staff == 12 and year.revenue == Decimal("3000")
    assert Event.objects.filter(action=EventAction.WORKFLOW, message="file change confirmed").exists()


@pytest.mark.django_db
def test_return_needs_a_reason(users, enterprises):
    ent = enterprises["bijiang"]
    login(users["enterprise"]).post(
        f"/enterprises/{ent.pk}/edit/", {"file-address": "x路", "year-year": "2022", "file-version": "1"}
    )
    edit = EnterpriseEdit.objects.get()
    district = login(users["district"])
    district.post(f"/enterprises/changes/{edit.pk}/decide/", {"decision": "reject", "reason": ""})
    edit.refresh_from_db()
    assert edit.status == EditStatus.PENDING
    district.post(f"/enterprises/changes/{edit.pk}/decide/", {"decision": "reject", "reason": "地址不实"})
    edit.refresh_from_db()
    assert edit.status == EditStatus.REJECTED and edit.reason == "地址不实"


@pytest.mark.django_db
def test_form_errors_name_the_field(users, enterprises):
    ent = enterprises["bijiang"]
    body = (
        login(users["district"])
        .post(
            f"/enterprises/{ent.pk}/edit/", {**FIGURES, "year-st_staff": "200", "file-founded": "2999-01-01"}
        )
        .content.decode()
    )
    assert "科技人员不能多于职工总数" in body or "S&amp;T staff cannot outnumber employees." in body
    assert not EnterpriseYear.objects.exists()


@pytest.mark.django_db
def test_district_edits_directly_and_the_change_is_audited(users, enterprises):
    from auditlog.models import LogEntry

    ent = enterprises["bijiang"]
    login(users["district"]).post(
        f"/enterprises/{ent.pk}/edit/", {"file-contact_phone": "0856-1234567", **FIGURES}
    )
    ent.refresh_from_db()
    assert ent.contact_phone == "0856-1234567"
    assert not EnterpriseEdit.objects.exists()
    assert LogEntry.objects.get_for_object(ent).filter(changes__icontains="contact_phone").exists()


@pytest.mark.django_db
def test_a_stored_phone_is_kept_replaced_or_removed_never_shown(users, enterprises):
    """The edit page shows the stored number masked, never in full; an empty input keeps it, a
    typed one replaces it, and the remove box beside it clears it."""
    ent = enterprises["bijiang"]
    ent.contact_phone = "0856-5222333"
    ent.save()
    client, url = login(users["district"]), f"/enterprises/{ent.pk}/edit/"
    page = client.get(url).content.decode()
    assert "0856-5222333" not in page and "085*****2333" in page
    assert 'name="file-contact_phone_remove"' in page

    def post(**fields) -> str:
        ent.refresh_from_db()  # each post carries the version it read, as the page does
        client.post(url, {**FIGURES, "file-version": ent.version, **fields})
        ent.refresh_from_db()
        return ent.contact_phone

    assert post(**{"file-contact_phone": ""}) == "0856-5222333"
    assert post(**{"file-contact_phone": "13812345678"}) == "13812345678"
    assert post(**{"file-contact_phone": "", "file-contact_phone_remove": "on"}) == ""
    assert 'name="file-contact_phone_remove"' not in client.get(url).content.decode()  # nothing to remove


@pytest.mark.django_db
def test_self_evaluation_shows_the_gap_in_plain_words(users, enterprises):
    import datetime as dt

    ent = enterprises["bijiang"]
    ent.founded = dt.date(2015, 1, 1)
    ent.ht_domain = "新材料"
    ent.save()
    for year, revenue, rd in ((2020, 2000, 60), (2021, 2500, 80), (2022, 3000, 100)):
        EnterpriseYear.objects.create(
            enterprise=ent,
            year=year,
            employees=100,
            st_staff=12,
            revenue=revenue,
            total_income=revenue,
            total_cost=revenue,
            total_assets=4000,
            rd_expense=rd,
            rd_domestic=rd,
            ht_income=revenue * 0.7,
            ip_class1=1,
            ip_class2=3,
        )
    me = login(users["enterprise"])
    me.post(f"/enterprises/{ent.pk}/evaluate/", {"year": "2023"})
    hte = Evaluation.objects.get(enterprise=ent, kind="hte", year=2023)
    # Σrd = 240 over Σrevenue = 7500 → 3.2 %; revenue_3 = 3000 ≤ 5000 → threshold 5 %;
    # the gap is 0.05 × 7500 − 240 = 135 万元.
    assert hte.result["c5"] == "fail" and abs(hte.result["rd_gap"] - 135) < 1e-6
    body = me.get(f"/enterprises/{ent.pk}/").content.decode()
    assert "135" in body and "3.20%" in body


@pytest.mark.django_db
def test_export_is_scoped_and_neutralised(users, enterprises):
    ent = enterprises["bijiang"]
    ent.address = '=HYPERLINK("http://x")'
    ent.save()
    response = login(users["district"]).get("/enterprises/export.xlsx")
    data = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 2 and sheet[1][0] == ent.uscc  # the 万山 enterprise is not exported
    assert sheet[1][6].startswith("'=")
    assert Event.objects.filter(action=EventAction.EXPORT).count() == 1


@pytest.mark.django_db
def test_list_filters(users, enterprises):
    import datetime as dt

    from enterprises.models import HteCertificate

    HteCertificate.objects.create(
        enterprise=enterprises["wanshan"],
        number="GR2022520001",
        issued=dt.date(2022, 1, 1),
        expires=dt.date(2099, 1, 1),
    )
    body = login(users["staff"]).get("/enterprises/?status=hte").content.decode()
    assert "万山测试企业" in body and "碧江测试企业" not in body


@pytest.mark.django_db
def test_list_rows_and_queries_do_not_grow_with_the_rows(users, enterprises, units):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enterprises.models import Enterprise

    client = login(users["staff"])

    def own_queries(url):
        client.get(url)  # the session, the language and the scope settle on the first request
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        tables = ('"enterprises_enterprise"', '"org_unit"')
        return [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in tables)], body

    few, body = own_queries("/enterprises/")
    bijiang = enterprises["bijiang"]
    row = next(tr for tr in body.split("<tr>") if "碧江测试企业" in tr)
    assert row.startswith(f'<td><a href="/enterprises/{bijiang.pk}/">碧江测试企业</a></td>')
    assert "<td><code>91350200776049653A</code></td><td>碧江区</td><td>—</td>" in row
    Enterprise.objects.filter(pk=bijiang.pk).update(ht_domain="新材料")
    Enterprise.objects.bulk_create(
        Enterprise(uscc=f"91520602MA{i:08d}", name=f"碧江测试企业{i:02d}", unit=units["520602"])
        for i in range(60)
    )
    many, body = own_queries("/enterprises/")
    assert "<td>碧江区</td><td>新材料</td>" in next(tr for tr in body.split("<tr>") if "碧江测试企业" in tr)
    # The units in order (1), the page unit by unit up to a full page (one query per unit), the
    # capped count and the filter's units: with 2 enterprises every unit's part is read; with 62
    # the page is full within 碧江区's part, so the units after it are not read.
    in_order = [u.code for u in sorted(units.values(), key=lambda u: (u.order, u.pk))]
    assert len(few) == 1 + len(in_order) + 2, few
    assert len(many) == 1 + in_order.index("520602") + 1 + 2 < len(few), many
    filtered, _body = own_queries("/enterprises/?unit=520603&ht_domain=新材料")
    assert len(filtered) == 4  # the one unit, its part, the count, the filter's units
