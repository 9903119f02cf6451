"""Importing the province's results (all or nothing, errors naming row and column), and the API:
the same scope as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from kechuang.core.imports import ImportFailed, import_file
from projects.models import ExternalApplication, Project
from tests.projects.conftest import login

HEADER = (
    "年度,级别,计划类别,项目名称,申报单位,所属单位,领域,农业科技园区企业,申报日期,结果,结果日期,支持经费\n"
)


def _csv(tmp_path, rows: str, name="results.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_adds_then_updates_results(tmp_path, plan, users):
    first = _csv(
        tmp_path,
        "2023,省级,省科技支撑计划,锰渣制备路基材料,铜仁锰业,520603,锰,否,2023-03-01,申报中,,\n"
        "2023,国家级,国家重点研发计划,高山茶病虫害绿色防控,石阡茶业,石阡县,农社,是,2023-02-15,立项,2023-08-01,300\n",
    )
    result = import_file("provincial_projects", first, actor=users["staff"])
    assert (result.created, result.updated) == (2, 0)
    second = _csv(
        tmp_path,
        "2023,省级,省科技支撑计划,锰渣制备路基材料,铜仁锰业,520603,锰,否,2023-03-01,立项,2023-09-12,80\n",
        "b.csv",
    )
    result = import_file("provincial_projects", second, actor=users["staff"])
    assert (result.created, result.updated) == (0, 1)
    mn = ExternalApplication.objects.get(title="锰渣制备路基材料")
    assert mn.result == "approved" and mn.result_on == dt.date(2023, 9, 12) and mn.funding == Decimal("80")
    agri = ExternalApplication.objects.get(level="national")
    assert agri.unit.code == "520623" and agri.in_agri_park and agri.domain == "agri_social"


@pytest.mark.django_db
def test_bad_rows_name_row_and_column_and_change_nothing(tmp_path, plan, users):
    bad = _csv(
        tmp_path,
        "2023,省级,省科技支撑计划,项目甲,单位甲,520699,锰,否,2023-03-01,立项,,\n"
        "2023,市级,省科技支撑计划,项目乙,单位乙,520602,锰,否,2023-03-01,未立项,2023-05-01,20\n",
    )
    with pytest.raises(ImportFailed) as exc:
        import_file("provincial_projects", bad, actor=users["staff"])
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "row 2, column 所属单位" in text and "row 2, column 结果日期" in text
    assert "row 3, column 级别" in text and "row 3, column 支持经费" in text
    assert not ExternalApplication.objects.exists()


@pytest.mark.django_db
def test_a_district_imports_only_its_own_rows(tmp_path, plan, users):
    path = _csv(tmp_path, "2023,省级,省科技支撑计划,万山项目,万山单位,520603,锰,否,2023-03-01,申报中,,\n")
    with pytest.raises(ImportFailed) as exc:
        import_file("provincial_projects", path, actor=users["district"])
    assert "outside your data scope" in str(exc.value.errors[0])


@pytest.mark.django_db
def test_cli_import(tmp_path, plan):
    path = _csv(
        tmp_path, "2023,省级,省科技支撑计划,项目丙,单位丙,520624,农社,否,2023-03-01,立项,2023-07-01,30\n"
    )
    call_command("import", "provincial_projects", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ExternalApplication.objects.get().result == "approved"


@pytest.mark.django_db
def test_api_lists_follow_the_scope(users, units, enterprises, guide, make_application):
    mine = make_application("bijiang")
    foreign = make_application("wanshan")
    for code, ent in (("520602", enterprises["bijiang"]), ("520603", enterprises["wanshan"])):
        Project.objects.create(
            number=f"P-{code}",
            title="x",
            year=2023,
            unit=units[code],
            enterprise=ent,
            undertaker=ent.name,
            budget=Decimal("10"),
            approved_on=dt.date(2023, 5, 1),
            starts_on=dt.date(2023, 5, 1),
            ends_on=dt.date(2024, 5, 1),
        )
    district = login(users["district"])
    assert [a["number"] for a in district.get("/api/v1/projects/applications").json()["items"]] == [
        mine.number
    ]
    assert district.get(f"/api/v1/projects/applications/{foreign.pk}").status_code == 404
    assert [p["number"] for p in district.get("/api/v1/projects/projects").json()["items"]] == ["P-520602"]
    staff = login(users["staff"])
    assert staff.get("/api/v1/projects/applications").json()["count"] == 2
    detail = staff.get(f"/api/v1/projects/applications/{foreign.pk}").json()
    assert detail["unit"] == "520603" and detail["status"] == "draft"
    assert login(users["enterprise"]).get("/api/v1/projects/projects").json()["count"] == 1
    assert login(users["expert"]).get("/api/v1/projects/applications").json()["count"] == 0
    assert staff.get("/api/v1/projects/guides/2023").json()["categories"][0]["code"] == "KY"


@pytest.mark.django_db
def test_exports_follow_the_scope(users, guide, make_application):
    import io

    from python_calamine import CalamineWorkbook

    mine = make_application("bijiang")
    make_application("wanshan")
    raw = b"".join(login(users["district"]).get("/projects/applications/export.xlsx").streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and rows[1][0] == mine.number and rows[0][0] == "申报编号"


CITY_HEADER = "项目编号,项目名称,年度,所属单位,承担单位,市级资金,已拨付,立项日期,结束日期,状态,延期至\n"


@pytest.mark.django_db
def test_city_projects_import_feeds_the_overdue_list(tmp_path, plan, users):
    """Three projects of 2020–2021: one ongoing and due 2022-12-31 (overdue), one extended to
    2099 (not overdue), one accepted. 30 of 50万元 paid: a paid tranche of 30, a planned one of 20."""
    path = tmp_path / "old.csv"
    path.write_text(
        CITY_HEADER
        + "TRKJ-2020-011,锰渣制砖,2020,520602,碧江测试企业,50,30,2020-07-01,2022-12-31,在研,\n"
        + "TRKJ-2021-002,茶叶加工,2021,520603,万山茶业,40,40,2021-06-01,2023-06-30,延期,2099-12-31\n"
        + "TRKJ-2021-003,食用菌,2021,520603,万山菌业,20,20,2021-06-01,2023-06-30,已验收,\n",
        encoding="utf-8",
    )
    result = import_file("city_projects", path, actor=users["staff"])
    assert (result.created, result.updated) == (3, 0)
    old = Project.objects.get(number="TRKJ-2020-011")
    assert [(t.amount, t.status) for t in old.tranches.order_by("seq")] == [
        (Decimal("30"), "paid"),
        (Decimal("20"), "planned"),
    ]
    overdue = login(users["staff"]).get("/projects/projects/overdue/").content.decode()
    assert "TRKJ-2020-011" in overdue and "TRKJ-2021-002" not in overdue and "TRKJ-2021-003" not in overdue
    # the district of 碧江 sees its own overdue project only
    district = login(users["district"]).get("/projects/projects/overdue/").content.decode()
    assert "TRKJ-2020-011" in district
    # again with a new status: updated, tranches untouched
    path.write_text(
        CITY_HEADER + "TRKJ-2020-011,锰渣制砖,2020,520602,碧江测试企业,50,30,2020-07-01,2022-12-31,终止,\n",
        encoding="utf-8",
    )
    result = import_file("city_projects", path, actor=users["staff"])
    assert (result.created, result.updated) == (0, 1)
    old.refresh_from_db()
    assert old.status == "terminated" and old.tranches.count() == 2


@pytest.mark.django_db
def test_city_projects_bad_rows(tmp_path, plan, users):
    path = tmp_path / "bad.csv"
    path.write_text(
        CITY_HEADER
        + "TRKJ-2020-011,锰渣制砖,2020,520602,碧江测试企业,50,60,2020-07-01,2019-12-31,在研,\n"
        + "TRKJ-2020-011,锰渣制砖,2020,520602,碧江测试企业,50,0,2020-07-01,2022-12-31,延期,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as exc:
        import_file("city_projects", path, actor=users["staff"])
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "row 2, column 已拨付" in text and "row 2, column 结束日期" in text
    assert "row 3, column 项目编号" in text and "row 3, column 状态" in text
    assert not Project.objects.exists()
    # a district cannot change another unit's project
    path.write_text(
        CITY_HEADER + "TRKJ-2020-012,茶,2020,520603,万山,10,0,2020-07-01,2022-12-31,在研,\n", encoding="utf-8"
    )
    import_file("city_projects", path, actor=users["staff"])
    with pytest.raises(ImportFailed) as exc:
        import_file("city_projects", path, actor=users["district"])
    assert Project.objects.get(number="TRKJ-2020-012").unit.code == "520603"
