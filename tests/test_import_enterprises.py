"""`kechuang import enterprises`: all-or-nothing, errors by row and column, encodings, xlsx."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise, EnterpriseYear
from kechuang.core.imports import ImportFailed, import_file
from kechuang.core.models import Event, EventAction, ImportRun

HEADER = "uscc,name,unit,industry,ht_domain,founded,year,employees,st_staff,revenue,total_assets,rd_expense,total_cost,ip_class1,ip_class2"
ROW_A22 = "91350200776049653A,甲公司,520602,C3240,新材料,2010-01-01,2022,100,20,3000,5000,200,2500,1,3"
ROW_A21 = "91350200776049653A,甲公司,520602,C3240,新材料,2010-01-01,2021,90,15,2500,4000,150,2100,0,3"
ROW_B22 = "913502000728319549,乙公司,万山区,,,,2022,50,5,800,900,10,700,0,0"


def write(tmp_path, lines, name="e.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


@pytest.mark.django_db
def test_import_creates_enterprises_and_years(plan, tmp_path):
    result = import_file("enterprises", write(tmp_path, [HEADER, ROW_A22, ROW_A21, ROW_B22]))
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    a = Enterprise.objects.get(uscc="91350200776049653A")
    assert a.unit.code == "520602" and a.ht_domain == "新材料"
    assert sorted(a.years.values_list("year", "employees")) == [(2021, 90), (2022, 100)]
    assert Enterprise.objects.get(uscc="913502000728319549").unit.code == "520603"  # unit given by name
    run = ImportRun.objects.get()
    assert run.rows == 3 and run.created_count == 3 and len(run.sha256) == 64
    assert Event.objects.filter(action=EventAction.IMPORT, data__sha256=run.sha256).exists()


@pytest.mark.django_db
def test_same_year_again_is_an_error_unless_update(plan, tmp_path):
    import_file("enterprises", write(tmp_path, [HEADER, ROW_A22]))
    again = write(tmp_path, [HEADER, ROW_A22.replace(",100,20,", ",120,20,")], name="again.csv")
    with pytest.raises(ImportFailed) as info:
        import_file("enterprises", again)
    assert str(info.value.errors[0]) == (
        "row 2, column year: 91350200776049653A already has figures for 2022 (use --update to replace them)"
    )
    result = import_file("enterprises", again, options={"update": True})
    assert (result.created, result.updated) == (0, 1)
    assert EnterpriseYear.objects.get().employees == 120


@pytest.mark.django_db
def test_every_bad_cell_is_named_and_nothing_is_written(plan, tmp_path):
    bad = [
        HEADER,
        ROW_A22,
        "91350200776049653B,丙,520699,,太空,2099-01-01,2022,-1,5,abc,1,1,1,0,0",
        ROW_A22,  # duplicate code and year in one file
        "913502000728319549,乙公司,520603,,,,2022,10,20,1,1,1,1,0,",
    ]
    with pytest.raises(ImportFailed) as info:
        import_file("enterprises", write(tmp_path, bad))
    messages = [str(e) for e in info.value.errors]
    assert "row 3, column uscc: '91350200776049653B': the check character is wrong (GB 32100)" in messages
    assert "row 3, column unit: unknown unit '520699' (use a code such as 520602)" in messages
    assert any(m.startswith("row 3, column ht_domain: '太空' is not one of") for m in messages)
    assert "row 3, column founded: 2099-01-01 is in the future" in messages
    assert "row 3, column employees: -1 is negative" in messages
    assert "row 3, column revenue: 'abc' is not a number" in messages
    assert "row 4, column uscc: the same code and year as row 2" in messages
    assert "row 5, column ip_class2: is empty" in messages
    assert Enterprise.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_cross_field_checks(plan, tmp_path):
    rows = [
        HEADER,
        ROW_B22.replace(",50,5,", ",5,50,"),
        ROW_A22.replace("甲公司,520602", "甲公司,520603"),
        ROW_A21,
    ]
    with pytest.raises(ImportFailed) as info:
        import_file("enterprises", write(tmp_path, rows))
    messages = [str(e) for e in info.value.errors]
    assert "row 2, column st_staff: more S&T staff than employees" in messages
    assert "row 4, column unit: differs from row 3 for the same code" in messages


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_headers_in_every_accepted_encoding(plan, tmp_path, encoding):
    header = "统一社会信用代码,企业名称,所属单位,年度,职工总数,科技人员数,销售收入,资产总额,研发费用,成本费用总额,I类知识产权,II类知识产权"
    row = "91350200776049653A,甲公司,碧江区,2022,100,20,3000,5000,200,2500,1,3"
    import_file("enterprises", write(tmp_path, [header, row], encoding=encoding))
    assert Enterprise.objects.get().name == "甲公司"


@pytest.mark.django_db
def test_other_encodings_are_refused_by_name(plan, tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(("\n".join([HEADER, ROW_A22]) + "\n").encode("utf-16"))
    with pytest.raises(ImportFailed) as info:
        import_file("enterprises", path)
    assert "neither UTF-8 nor GB18030" in str(info.value.errors[0])


@pytest.mark.django_db
def test_xlsx_first_sheet(plan, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append([*ROW_A22.split(",")[:6], 2022, 100, 20, 3000.5, 5000, 200, 2500, 1, 3])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    import_file("enterprises", path)
    year = EnterpriseYear.objects.get()
    assert str(year.revenue) == "3000.50" and year.employees == 100


@pytest.mark.django_db
def test_missing_column_is_named(plan, tmp_path):
    with pytest.raises(ImportFailed) as info:
        import_file(
            "enterprises", write(tmp_path, ["uscc,name,unit,year", "91350200776049653A,甲,520602,2022"])
        )
    assert "row 1: missing column(s) employees, st_staff" in str(info.value.errors[0])


@pytest.mark.django_db
def test_district_user_cannot_import_into_another_unit(plan, tmp_path, users):
    with pytest.raises(ImportFailed) as info:
        import_file("enterprises", write(tmp_path, [HEADER, ROW_B22]), actor=users["district"])
    assert [str(e) for e in info.value.errors] == ["row 2, column unit: outside your data scope"]
    result = import_file(
        "enterprises", write(tmp_path, [HEADER, ROW_A22], name="own.csv"), actor=users["district"]
    )
    assert result.created == 1


@pytest.mark.django_db
def test_cli_exit_codes_and_messages(plan, tmp_path, capsys):
    good = write(tmp_path, [HEADER, ROW_A22])
    call_command("import", "enterprises", str(good), "--dry-run")
    assert Enterprise.objects.count() == 0
    call_command("import", "enterprises", str(good))
    assert Enterprise.objects.count() == 1
    with pytest.raises(CommandError, match="1 problem; nothing was imported"):
        call_command("import", "enterprises", str(good))
    assert "row 2, column year:" in capsys.readouterr().err
