"""The cultivation pool: source lists merged on the code, name matches confirmed by a person,
stages, derivation from the registries, evaluation and ranking; the status lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from enterprises.models import (
    ApplicationResult,
    Enterprise,
    EnterpriseYear,
    Evaluation,
    HteApplication,
    HteCertificate,
    PoolMember,
    PoolSourceEntry,
    TsmeRegistration,
)
from enterprises.models.pool import MatchStatus
from enterprises.services.pool import normalise_name, pool_derive, pool_entry_confirm, pool_stage_set
from kechuang.core.imports import ImportFailed, import_file


def write(tmp_path, text, name="list.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_normalised_names():
    assert normalise_name("贵州 梵净（锰业）有限公司") == normalise_name("贵州梵净(锰业)有限责任公司")
    assert normalise_name("碧江测试企业股份有限公司") == "碧江测试企业"


@pytest.mark.django_db
def test_a_source_list_merges_on_code_and_proposes_name_matches(enterprises, tmp_path):
    path = write(
        tmp_path,
        "统一社会信用代码,企业名称,补助金额\n"
        "91350200776049653A,碧江测试企业,12.5\n"
        "BAD-CODE,万山测试企业有限公司,8\n"
        ",不存在的公司,3\n",
    )
    result = import_file("pool-rd-subsidy", path, options={"year": 2023})
    assert result.created == 3
    entries = {e.name: e for e in PoolSourceEntry.objects.all()}
    assert entries["碧江测试企业"].match == MatchStatus.BY_CODE
    assert entries["碧江测试企业"].detail == {"补助金额": "12.5"}
    assert entries["万山测试企业有限公司"].match == MatchStatus.CANDIDATE
    assert entries["万山测试企业有限公司"].enterprise is None  # never merged silently
    assert entries["万山测试企业有限公司"].candidate == enterprises["wanshan"]
    assert entries["不存在的公司"].match == MatchStatus.UNMATCHED
    assert [m.enterprise for m in PoolMember.objects.all()] == [enterprises["bijiang"]]
    assert PoolMember.objects.get().sources == ["rd_subsidy"]


@pytest.mark.django_db
def test_confirming_a_name_match_adds_the_member(enterprises, users, tmp_path):
    import_file("pool-tsme", write(tmp_path, "企业名称\n万山测试企业\n"), options={"year": 2023})
    entry = PoolSourceEntry.objects.get()
    member = pool_entry_confirm(actor=users["staff"], entry=entry)
    assert member.enterprise == enterprises["wanshan"] and member.sources == ["tsme"]
    entry.refresh_from_db()
    assert entry.match == MatchStatus.CONFIRMED and entry.enterprise == enterprises["wanshan"]


@pytest.mark.django_db
def test_two_sources_one_member(enterprises, tmp_path):
    import_file("pool-tsme", write(tmp_path, "uscc,name\n91350200776049653A,甲\n"), options={"year": 2023})
    import_file(
        "pool-expired-hte",
        write(tmp_path, "uscc,name\n91350200776049653A,甲\n", "b.csv"),
        options={"year": 2023},
    )
    assert PoolMember.objects.get().sources == ["tsme", "expired_hte"]


@pytest.mark.django_db
def test_stages_follow_the_flow(enterprises, users):
    member = PoolMember.objects.create(year=2023, enterprise=enterprises["bijiang"])
    with pytest.raises(ValueError):
        pool_stage_set(actor=users["district"], member=member, stage="recognized")
    pool_stage_set(actor=users["district"], member=member, stage="coaching", note="辅导研发费用归集")
    pool_stage_set(actor=users["district"], member=member, stage="applied")
    member.refresh_from_db()
    assert member.stage == "applied" and "辅导研发费用归集" in member.guidance


@pytest.mark.django_db
def test_derive_from_the_registries(enterprises, units):
    bj, ws = enterprises["bijiang"], enterprises["wanshan"]
    HteCertificate.objects.create(
        enterprise=bj, number="GR2020520001", issued=dt.date(2020, 11, 1), expires=dt.date(2023, 11, 1)
    )  # re-recognition this year
    HteApplication.objects.create(
        enterprise=ws,
        year=2022,
        applied_on=dt.date(2022, 6, 1),
        result=ApplicationResult.FAILED,
        result_on=dt.date(2022, 11, 1),
    )
    TsmeRegistration.objects.create(enterprise=ws, year=2023, registered_on=dt.date(2023, 4, 1))
    counts = pool_derive(actor=None, year=2023)
    assert counts["re_recognition"] == 1 and counts["failed_applicant"] == 1 and counts["tsme"] == 1
    assert counts["members"] == 2
    assert PoolMember.objects.get(enterprise=ws).sources == ["failed_applicant", "tsme"]
    assert pool_derive(actor=None, year=2023)["new_members"] == 0


@pytest.mark.django_db
def test_status_lists_need_known_enterprises_and_respect_scope(enterprises, users, tmp_path):
    path = write(
        tmp_path,
        "统一社会信用代码,证书编号,发证日期\n"
        "91350200776049653A,GR2021520001,2021-12-01\n"
        "913502000728319549,GR2021520002,2021-12-01\n"
        "9135021359498494XQ,GR2021520003,2021-12-01\n",
    )
    with pytest.raises(ImportFailed) as info:
        import_file("hte-certificates", path, actor=users["district"])
    messages = [str(e) for e in info.value.errors]
    assert "row 3, column 统一社会信用代码: outside your data scope" in messages
    assert (
        "row 4, column 统一社会信用代码: no enterprise with this code in the registry (import it first)"
        in messages
    )
    ok = write(
        tmp_path, "统一社会信用代码,证书编号,发证日期\n91350200776049653A,GR2021520001,2021-12-01\n", "ok.csv"
    )
    import_file("hte-certificates", ok, actor=users["district"])
    cert = HteCertificate.objects.get()
    assert cert.expires == dt.date(2024, 12, 1)  # three years (national-rules §2.3)
    import_file("hte-certificates", ok, actor=users["district"])  # sent again: updated, not duplicated
    assert HteCertificate.objects.count() == 1


@pytest.mark.django_db
def test_application_results_need_dates(enterprises, tmp_path):
    path = write(
        tmp_path, "uscc,year,applied_on,result,result_on\n91350200776049653A,2023,2023-06-01,通过,\n"
    )
    with pytest.raises(ImportFailed) as info:
        import_file("hte-applications", path)
    assert str(info.value.errors[0]) == "row 2, column result_on: a result needs its date"


def _figures(ent, revenue, rd, st):
    for year in (2020, 2021, 2022):
        EnterpriseYear.objects.create(
            enterprise=ent,
            year=year,
            employees=100,
            st_staff=st,
            revenue=revenue,
            total_income=revenue,
            total_cost=revenue,
            total_assets=revenue,
            rd_expense=rd,
            rd_domestic=rd,
            ht_income=revenue * 0.8,
            ip_class1=1,
            ip_class2=0,
        )


@pytest.mark.django_db
def test_pool_page_ranks_by_closeness(enterprises, users):
    bj, ws = enterprises["bijiang"], enterprises["wanshan"]
    for ent in (bj, ws):
        ent.founded, ent.ht_domain = dt.date(2010, 1, 1), "新材料"
        ent.save()
        PoolMember.objects.create(year=2023, enterprise=ent)
    _figures(bj, 1000, 45, 12)  # R&D 4.5 % < 5 %: one condition short
    _figures(ws, 1000, 20, 5)  # R&D 2 %, staff 5 %: two conditions short
    staff = Client()
    staff.force_login(users["staff"])
    staff.post("/enterprises/pool/2023/evaluate/")
    assert Evaluation.objects.filter(year=2023, kind="hte").count() == 2
    body = staff.get("/enterprises/pool/2023/").content.decode()
    assert body.index("碧江测试企业") < body.index("万山测试企业")
    district = Client()
    district.force_login(users["district"])
    page = district.get("/enterprises/pool/2023/").content.decode()
    assert "碧江测试企业" in page and "万山测试企业" not in page
    assert Enterprise.objects.count() == 2


def test_the_model_and_the_rule_name_the_same_eight_domains():
    from enterprises.models import HtDomain
    from rules import hte

    assert tuple(HtDomain.values) == hte.HT_DOMAINS
