"""The R&D statistics cross-check pages: hand-computed findings and district summaries, the
configurable ratio, follow-ups with their audit events, scope, and the Excel export."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from enterprises.demo import demo_uscc
from enterprises.models import (
    CrosscheckFollowUp,
    CrosscheckStatus,
    Enterprise,
    EnterpriseYear,
    RdDeduction,
    Subsidy,
    SubsidyKind,
)
from enterprises.services.crosscheck import crosscheck_ratio, crosscheck_rows
from kechuang.core.models import Event, EventAction

D = Decimal
YEAR = 2022


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def firms(units):
    """Seven enterprises with hand-picked 2022 figures (万元)."""
    rng = random.Random(7)

    def firm(name, code, stats=..., claim=None, subsidy=None, other_subsidy=None):
        ent = Enterprise.objects.create(uscc=demo_uscc(rng, code[:6]), name=name, unit=units[code])
        EnterpriseYear.objects.create(enterprise=ent, year=YEAR - 1, rd_expense=D(10))
        if stats is not ...:
            EnterpriseYear.objects.create(enterprise=ent, year=YEAR, rd_expense=stats)
        if claim is not None:
            RdDeduction.objects.create(enterprise=ent, year=YEAR, amount=claim)
        if subsidy is not None:
            Subsidy.objects.create(enterprise=ent, year=YEAR, kind=SubsidyKind.RD_SUPPORT, amount=subsidy)
            Subsidy.objects.create(enterprise=ent, year=YEAR, kind=SubsidyKind.RD_SUPPORT, amount=D(5))
        if other_subsidy is not None:
            Subsidy.objects.create(
                enterprise=ent, year=YEAR, kind=SubsidyKind.HTE_SUCCESS, amount=other_subsidy
            )
        return ent

    return {
        # 80 < 0.5 × 200: 少统, gap 120
        "under": firm("甲少统公司", "520602", stats=D(80), claim=D(200)),
        # a statistics row with R&D 0 against a claim of 150.50: 不统, gap 150.50
        "none": firm("乙不统公司", "520602", stats=D(0), claim=D("150.50")),
        # R&D subsidies 25 + 5, no 2022 statistics row: 漏统, no gap (a subsidy is no measure)
        "missing": firm("丙漏统公司", "520602", subsidy=D(25), other_subsidy=D(50)),
        # exactly half: not flagged
        "half": firm("丁正常公司", "520602", stats=D(100), claim=D(200)),
        # more than claimed: not flagged
        "more": firm("戊正常公司", "520602", stats=D(300), claim=D(200)),
        # only an HTE subsidy, which is no evidence of R&D: not flagged
        "hte_only": firm("己公司", "520602", stats=D(0), other_subsidy=D(20)),
        # in 万山区, a row with R&D left empty against a claim of 40: 不统, gap 40
        "wanshan": firm("万山不统公司", "520603", stats=None, claim=D(40)),
    }


def flags(rows):
    return {r.enterprise.name: (r.flag, r.gap) for r in rows}


@pytest.mark.django_db
def test_hand_computed_findings_for_the_bureau(users, firms):
    rows = crosscheck_rows(fetched_by=users["staff"], year=YEAR)
    assert flags(rows) == {
        "甲少统公司": ("under_reported", D("120.00")),
        "乙不统公司": ("not_reported", D("150.50")),
        "丙漏统公司": ("missing", None),
        "万山不统公司": ("not_reported", D("40.00")),
    }
    assert next(r for r in rows if r.flag == "missing").subsidy == D(30)
    response = login(users["staff"]).get(f"/enterprises/rd-crosscheck/?year={YEAR}")
    summary = {s.unit.code: s for s in response.context["units"]}
    bj, ws, total = summary["520602"], summary["520603"], response.context["total"]
    assert (bj.missing, bj.not_reported, bj.under_reported, bj.flagged, bj.gap) == (1, 1, 1, 3, D("270.50"))
    assert (ws.missing, ws.not_reported, ws.under_reported, ws.flagged, ws.gap) == (0, 1, 0, 1, D("40.00"))
    assert summary["520621"].flagged == 0  # every unit is listed, with zeros
    assert (total.flagged, total.gap) == (4, D("310.50"))
    body = response.content.decode()
    assert "甲少统公司" in body and "丁正常公司" not in body


@pytest.mark.django_db
def test_a_district_sees_its_own_unit_only(users, firms):
    response = login(users["district"]).get(f"/enterprises/rd-crosscheck/?year={YEAR}")
    assert [s.unit.code for s in response.context["units"]] == ["520602"]
    assert response.context["total"].flagged == 3
    assert "万山不统公司" not in response.content.decode()
    for role in ("enterprise", "expert"):
        assert login(users[role]).get("/enterprises/rd-crosscheck/").status_code == 404
        assert login(users[role]).get("/enterprises/rd-crosscheck/export.xlsx").status_code == 404


@pytest.mark.django_db
def test_the_ratio_is_configured_in_the_plan_and_can_be_tried_on_the_page(users, firms, plan):
    staff = login(users["staff"])
    # at 0.4, 80 of 200 is exactly the limit and no longer under-reported
    response = staff.get(f"/enterprises/rd-crosscheck/?year={YEAR}&ratio=0.4")
    assert "甲少统公司" not in {r.enterprise.name for r in response.context["page"].object_list}
    # at 0.6 the firm reporting 100 of 200 is under-reported too
    names = {
        r.enterprise.name
        for r in staff.get(f"/enterprises/rd-crosscheck/?year={YEAR}&ratio=0.6").context["page"]
    }
    assert {"甲少统公司", "丁正常公司"} <= names
    # a bad ratio is named and the configured one used
    response = staff.get(f"/enterprises/rd-crosscheck/?year={YEAR}&ratio=1.5")
    assert "ratio" in response.context["form"].errors and response.context["ratio"] == D("0.5")
    plan.rules = {**plan.rules, "rd_crosscheck": {"under_ratio": 0.3}}
    plan.save()
    assert crosscheck_ratio() == D("0.3")
    assert "甲少统公司" not in flags(crosscheck_rows(fetched_by=users["staff"], year=YEAR))


@pytest.mark.django_db
def test_follow_up_of_a_flagged_enterprise(users, firms):
    ent = firms["under"]
    client = login(users["district"])
    url = f"/enterprises/rd-crosscheck/{YEAR}/{ent.pk}/"
    assert "120" in client.get(url).content.decode()
    # a note is required
    response = client.post(url, {"status": "in_progress", "note": ""})
    assert response.status_code == 400 and "note" in response.context["form"].errors
    assert not CrosscheckFollowUp.objects.exists()
    response = client.post(url, {"status": "in_progress", "note": "已约谈企业财务负责人"})
    assert response.status_code == 302
    follow_up = CrosscheckFollowUp.objects.get()
    assert (follow_up.enterprise, follow_up.year, follow_up.flag, follow_up.status) == (
        ent,
        YEAR,
        "under_reported",
        CrosscheckStatus.IN_PROGRESS,
    )
    event = Event.objects.get(action=EventAction.WORKFLOW, object_type="enterprises.CrosscheckFollowUp")
    assert (
        event.data["to"] == "in_progress"
        and event.data["deduction"] == "200.00"
        and event.unit_code == "520602"
    )
    # the enterprise corrects its statistics: no longer flagged, still on the list as verified
    EnterpriseYear.objects.filter(enterprise=ent, year=YEAR).update(rd_expense=D(190))
    client.post(url, {"status": "corrected", "note": "企业已补报研发费用190万元"})
    rows = crosscheck_rows(fetched_by=users["district"], year=YEAR)
    row = next(r for r in rows if r.enterprise == ent)
    assert row.flag is None and row.status == CrosscheckStatus.CORRECTED
    follow_up.refresh_from_db()
    assert follow_up.flag == "under_reported"  # what it was flagged for
    response = client.get(f"/enterprises/rd-crosscheck/?year={YEAR}")
    assert response.context["total"].flagged == 2
    assert [
        (e.data["from"], e.data["to"])
        for e in Event.objects.filter(object_type="enterprises.CrosscheckFollowUp").order_by("id")
    ] == [("", "in_progress"), ("in_progress", "corrected")]


@pytest.mark.django_db
def test_nothing_to_follow_up_for_an_enterprise_not_flagged(users, firms):
    response = login(users["district"]).post(
        f"/enterprises/rd-crosscheck/{YEAR}/{firms['half'].pk}/", {"status": "in_progress", "note": "x"}
    )
    assert response.status_code == 400 and not CrosscheckFollowUp.objects.exists()


@pytest.mark.django_db
def test_foreign_case_is_404_on_every_method_and_the_leader_only_reads(users, firms):
    ws = firms["wanshan"]
    url = f"/enterprises/rd-crosscheck/{YEAR}/{ws.pk}/"
    for role in ("district", "enterprise", "expert"):
        client = login(users[role])
        for method in ("get", "post", "put", "patch", "delete"):
            got = getattr(client, method)(url).status_code
            missing = getattr(client, method)(f"/enterprises/rd-crosscheck/{YEAR}/999999/").status_code
            assert got == missing and got in (404, 405), (role, method, got)
    leader = login(users["leader"])
    assert leader.get(url).status_code == 200
    assert leader.post(url, {"status": "in_progress", "note": "x"}).status_code == 404
    assert not CrosscheckFollowUp.objects.exists()


@pytest.mark.django_db
def test_export_of_the_work_list(users, firms):
    firms["none"].name = "=乙不统公司"
    firms["none"].save()
    response = login(users["staff"]).get(f"/enterprises/rd-crosscheck/export.xlsx?year={YEAR}&unit=520602")
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    body = {r[1]: r for r in rows[1:]}
    assert set(body) == {"甲少统公司", "'=乙不统公司", "丙漏统公司"}
    assert body["甲少统公司"][3:8] == [80.0, 200.0, "", 120.0, 0.4]
    assert body["丙漏统公司"][3] == "无统计数据行" and body["丙漏统公司"][5] == 30.0
    event = Event.objects.get(action=EventAction.EXPORT)
    assert event.data["rows"] == 3 and event.data["year"] == YEAR
