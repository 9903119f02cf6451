"""Platforms, cooperation, investment and the zone-application checklist: counters equal direct
sums over the registry; scope by unit; forms, exports, API and imports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.indicators import counters
from kechuang.core.models import Event, EventAction
from org.models import ApiToken
from platforms import services
from platforms.models import Investment, Platform, PlatformEvaluation, ZoneChecklistItem


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user) -> Client:
    _token, raw = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# Counters ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_city_platforms_counts_city_level_approvals_by_month(registry, units):
    bj = units["520602"]
    Platform.objects.create(
        name="省级研究院",
        kind="industry_institute",
        level="provincial",
        unit=bj,
        host_name="x",
        approved_on=dt.date(2023, 6, 1),
    )
    Platform.objects.create(
        name="培育中心", kind="innovation_centre", level="city", unit=bj, host_name="x", status="cultivating"
    )
    Platform.objects.create(
        name="去年中心",
        kind="innovation_centre",
        level="city",
        unit=bj,
        host_name="x",
        approved_on=dt.date(2022, 12, 31),
    )
    monthly = counters()["CITY_PLATFORMS"].monthly(2023)
    for unit in ("520602", "520603"):
        for month in range(1, 13):
            direct = Platform.objects.filter(
                level="city", unit__code=unit, approved_on__year=2023, approved_on__month__lte=month
            ).count()
            assert monthly.get((unit, month), 0) == direct
    assert monthly[("520602", 4)] == 0 and monthly[("520602", 5)] == 1 and monthly[("520602", 12)] == 1
    assert monthly[("520603", 2)] == 1


@pytest.mark.django_db
def test_investment_funds_sums_in_hundred_million_yuan(registry, units):
    Investment.objects.create(
        project="二期", amount=Decimal("2000"), received_on=dt.date(2023, 4, 20), unit=units["520602"]
    )
    Investment.objects.create(
        project="旧", amount=Decimal("999"), received_on=dt.date(2022, 4, 20), unit=units["520602"]
    )
    monthly = counters()["INVESTMENT_FUNDS"].monthly(2023)
    # 碧江: 1200.50 + 2000 万元 in April = 0.32005 亿元; 万山: 800 万元 in June = 0.08 亿元.
    assert monthly[("520602", 3)] == 0
    assert monthly[("520602", 4)] == Decimal("0.32005") == monthly[("520602", 12)]
    assert monthly[("520603", 5)] == 0 and monthly[("520603", 6)] == Decimal("0.08")
    for unit in ("520602", "520603"):
        for month in range(1, 13):
            total = sum(
                i.amount
                for i in Investment.objects.filter(
                    unit__code=unit, received_on__year=2023, received_on__month__lte=month
                )
            )
            assert monthly.get((unit, month), Decimal(0)) == total * Decimal("0.0001")


# Scope -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_district_lists_only_its_unit(users, registry):
    client = login(users["district"])
    for url, own, foreign in (
        ("/platforms/", "铜仁市锰系材料重点实验室", "万山汞治理工程中心"),
        ("/platforms/cooperation/", "东莞—铜仁科技协作", "万山—贵州大学合作"),
        ("/platforms/investment/", "高纯硫酸锰", "锰渣综合利用"),
    ):
        body = client.get(url).content.decode()
        assert own in body and foreign not in body, url
    api = bearer(users["district"])
    assert [p["name"] for p in api.get("/api/v1/platforms").json()["items"]] == ["铜仁市锰系材料重点实验室"]
    assert api.get("/api/v1/platforms/investment").json()["count"] == 1
    assert bearer(users["staff"]).get("/api/v1/platforms/investment").json()["count"] == 2


@pytest.mark.django_db
def test_foreign_rows_are_404_on_every_page(users, registry):
    client = login(users["district"])
    for key, base in (
        ("foreign_platform", "/platforms"),
        ("foreign_agreement", "/platforms/cooperation"),
        ("foreign_investment", "/platforms/investment"),
    ):
        pk = registry[key].pk
        assert client.get(f"{base}/{pk}/").status_code == 404
        assert client.get(f"{base}/{pk}/edit/").status_code == 404
        assert client.post(f"{base}/{pk}/edit/", {"name": "x"}).status_code == 404
    assert (
        client.post(f"/platforms/{registry['foreign_platform'].pk}/evaluate/", {"year": 2023}).status_code
        == 404
    )
    assert (
        client.post(
            f"/platforms/cooperation/{registry['foreign_agreement'].pk}/projects/", {"title": "x"}
        ).status_code
        == 404
    )
    assert Platform.objects.get(pk=registry["foreign_platform"].pk).name == "万山汞治理工程中心"


@pytest.mark.django_db
def test_a_district_cannot_move_a_row_to_another_unit(users, registry, units):
    with pytest.raises(PermissionDenied):
        services.investment_update(
            actor=users["district"], investment=registry["investment"], data={"unit": units["520603"]}
        )
    registry["investment"].refresh_from_db()
    assert registry["investment"].unit.code == "520602"


# Forms and pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_platform_form(users, units, enterprises):
    client = login(users["district"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/platforms/new/").content.decode()
    assert "碧江测试企业" in page and "万山测试企业" not in page and "万山区" not in page
    data = {
        "name": "碧江新型研发机构",
        "kind": "new_rd",
        "level": "city",
        "unit": units["520602"].pk,
        "status": "approved",
    }
    # the recognition is the bureau's to record (tests/security/test_decisions.py for a district)
    client = login(users["staff"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.post("/platforms/new/", data).content.decode()
    assert "Choose the host enterprise or name the host institution." in body
    assert "An approved platform needs its approval date." in body
    data.update(host_enterprise=enterprises["bijiang"].pk, approved_on="2023-09-01")
    response = client.post("/platforms/new/", data)
    platform = Platform.objects.get(name="碧江新型研发机构")
    assert response["Location"] == f"/platforms/{platform.pk}/" and platform.host == "碧江测试企业"


@pytest.mark.django_db
def test_evaluation_and_project_on_the_detail_pages(users, registry):
    client = login(users["district"])
    pk = registry["platform"].pk
    client.post(f"/platforms/{pk}/evaluate/", {"year": 2023, "result": "good"})
    client.post(f"/platforms/{pk}/evaluate/", {"year": 2023, "result": "excellent"})  # replaces
    assert list(PlatformEvaluation.objects.values_list("year", "result")) == [(2023, "excellent")]
    assert "优秀" in client.get(f"/platforms/{pk}/").content.decode()
    apk = registry["agreement"].pk
    client.post(
        f"/platforms/cooperation/{apk}/projects/",
        {"title": "锂电正极中试", "undertaker": "铜仁学院", "status": "ongoing"},
    )
    detail = bearer(users["district"]).get(f"/api/v1/platforms/cooperation/{apk}").json()
    assert detail["projects"][0]["title"] == "锂电正极中试" and detail["programme"] == "dongguan"


@pytest.mark.django_db
def test_investment_list_shows_the_total_in_yi(users, registry):
    body = login(users["staff"]).get("/platforms/investment/", {"year": "2023"}).content.decode()
    assert "0.2001" in body  # (1200.50 + 800) 万元 = 0.2001 亿元


@pytest.mark.django_db
def test_export_is_scoped_neutralised_and_audited(users, registry):
    from openpyxl import load_workbook

    Investment.objects.filter(pk=registry["investment"].pk).update(investor="@SUM(A1:A9)")
    response = login(users["district"]).get("/platforms/investment/export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "高纯硫酸锰"
    assert rows[1][1] == 1200.5  # a number stays a number
    assert rows[1][4] == "'@SUM(A1:A9)"
    assert Event.objects.get(action=EventAction.EXPORT).data["rows"] == 1


# The zone-application checklist --------------------------------------------------------------------


@pytest.mark.django_db
def test_checklist_is_seeded_from_the_plan_and_kept_by_the_bureau(users, units):
    items = list(ZoneChecklistItem.objects.order_by("order"))
    assert len(items) == 10
    titles = " ".join(i.title for i in items)
    for words in ("工作专班", "发展规划", "产业发展规划", "空间", "评价", "申请报告"):
        assert words in titles
    assert {i.category for i in items} >= {"working_group", "planning", "evaluation", "report"}
    assert all(i.unit is None for i in items)
    staff = login(users["staff"])
    assert "实质性运行国家高新区申创工作专班" in staff.get("/platforms/zone-application/").content.decode()
    # Items of no unit are the bureau's: a district neither sees nor edits them.
    district = login(users["district"])
    assert "申创工作专班" not in district.get("/platforms/zone-application/").content.decode()
    assert district.get(f"/platforms/zone-application/{items[0].pk}/edit/").status_code == 404
    # The bureau hands an item to the zone and marks progress.
    item = items[0]
    data = {
        "order": 1,
        "category": "working_group",
        "title": item.title,
        "owner": "高新区管委会",
        "unit": units["520602-GX"].pk,
        "status": "done",
        "done_on": "2023-03-20",
    }
    assert staff.post(f"/platforms/zone-application/{item.pk}/edit/", data).status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.unit.code == "520602-GX"


@pytest.mark.django_db
def test_checklist_done_needs_a_date(users):
    item = ZoneChecklistItem.objects.order_by("order").first()
    client = login(users["staff"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    data = {"order": 1, "category": "working_group", "title": item.title, "status": "done"}
    assert (
        "Give the date the item was done."
        in client.post(f"/platforms/zone-application/{item.pk}/edit/", data).content.decode()
    )


# Imports -------------------------------------------------------------------------------------------


def write(tmp_path, lines, name="p.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_platform_import(plan, tmp_path, enterprises):
    header = "平台名称,平台类型,级别,所属单位,依托单位信用代码,依托单位,认定日期,合作单位"
    path = write(
        tmp_path,
        [
            header,
            "铜仁市茶产业技术创新中心,技术创新中心,市级,520621,,铜仁学院,2023-06-01,贵州大学；铜仁学院",
            f"碧江材料中心,工程技术研究中心,市级,碧江区,{enterprises['bijiang'].uscc},,2023-07-01,",
        ],
    )
    assert import_file("platforms", path).created == 2
    tea = Platform.objects.get(name="铜仁市茶产业技术创新中心")
    assert tea.kind == "innovation_centre" and tea.partner_list == ["贵州大学", "铜仁学院"]
    assert Platform.objects.get(name="碧江材料中心").host_enterprise == enterprises["bijiang"]


@pytest.mark.django_db
def test_bad_platform_rows_are_named(plan, tmp_path, registry):
    header = "平台名称,平台类型,级别,所属单位,依托单位信用代码,依托单位,认定日期"
    path = write(
        tmp_path,
        [
            header,
            "铜仁市锰系材料重点实验室,重点实验室,市级,520602,,铜仁学院,2023-05-18",  # already registered
            "新中心,研究所,区级,520699,91350200776049653B,,2099-01-01",
            "无依托,重点实验室,省级,520602,,,",
        ],
    )
    with pytest.raises(ImportFailed) as info:
        import_file("platforms", path)
    messages = [str(e) for e in info.value.errors]
    assert messages == [
        "row 2, column 平台名称: this platform is already registered at this level",
        "row 3, column 平台类型: '研究所' is not one of: "
        "engineering_centre, industry_institute, innovation_centre, key_lab, new_rd, other, 产业研究院, 其他, "
        "工程技术研究中心, 工程研究中心, 技术创新中心, 新型研发机构, 重点实验室",
        "row 3, column 级别: '区级' is not one of: city, national, provincial, 国家级, 市级, 省级",
        "row 3, column 所属单位: unknown unit '520699' (use a code such as 520602)",
        "row 3, column 依托单位信用代码: '91350200776049653B': the check character is wrong (GB 32100)",
        "row 3, column 认定日期: 2099-01-01 is in the future",
        "row 3, column 依托单位: give the host enterprise's code or the host's name",
        "row 3, column 认定日期: an approved platform needs its approval date",
        "row 4, column 依托单位: give the host enterprise's code or the host's name",
        "row 4, column 认定日期: an approved platform needs its approval date",
    ]
    assert Platform.objects.count() == 2


@pytest.mark.django_db
def test_investment_import_and_scope(plan, tmp_path, users, enterprises):
    header = "项目名称,到位资金,到位日期,所属单位,投资方,落地企业信用代码"
    good = write(
        tmp_path, [header, f"锂电前驱体,1800,2023-03-15,520602,广东某公司,{enterprises['bijiang'].uscc}"]
    )
    result = import_file("investment", good, actor=users["district"])
    assert result.created == 1 and Investment.objects.get().enterprise == enterprises["bijiang"]
    bad = write(
        tmp_path,
        [
            header,
            "锂电前驱体,1800,2023-03-15,520602,,",  # already registered
            "万山项目,-5,2023-03-15,520603,,",  # negative; another unit
            f"碧江项目,10,2023-03-16,520602,,{enterprises['wanshan'].uscc}",  # a foreign enterprise
            "碧江项目二,abc,,520602,,",
        ],
        name="bad.csv",
    )
    with pytest.raises(ImportFailed) as info:
        import_file("investment", bad, actor=users["district"])
    assert [str(e) for e in info.value.errors] == [
        "row 2, column 项目名称: this receipt is already registered",
        "row 3, column 到位资金: -5 is negative",
        "row 3, column 所属单位: outside your data scope",
        f"row 4, column 落地企业信用代码: {enterprises['wanshan'].uscc} is not a registered enterprise you can reach",
        "row 5, column 到位资金: 'abc' is not a number",
        "row 5, column 到位日期: is empty",
    ]
    assert Investment.objects.count() == 1
