"""`kechuang rules tsme|hte|uscc` on files, as CONTRACTS.md describes them (no database needed)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from rules import hte, tsme

KECHUANG = str(Path(sys.executable).with_name("kechuang"))

TSME_HEADER = (
    "id,employees,st_staff,revenue,total_assets,rd_expense,total_cost,ip_class1,ip_class2,hte_valid,incident"
)
TSME_ROWS = [
    "A1,100,30,1000,800,60,900,0,0,,",  # 20 + 50 + 0 = 70: eligible by score
    "A2,100,25,1000,800,50,900,0,0,,",  # 16 + 40 + 0 = 56: short by 4
    "A3,100,,1000,800,60,900,0,0,,",  # S&T staff missing
    "A4,100,5,1000,800,0,900,0,0,是,",  # 0 points, direct route
    "A5,600,300,1000,800,60,900,1,0,,1",  # over 500 staff and an incident
]
TSME_EXPECTED = [
    ["A1", "20", "50", "0", "70", "true", "score", "0", ""],
    ["A2", "16", "40", "0", "56", "false", "", "4", "SCORE_BELOW_60"],
    ["A3", "", "50", "0", "", "", "", "", "MISSING_st_staff"],
    ["A4", "0", "0", "0", "0", "true", "direct", "60", "SCORE_BELOW_60;STAFF_SCORE_ZERO"],
    ["A5", "20", "50", "30", "100", "false", "", "0", "EMPLOYEES_OVER_500;INCIDENT"],
]
CHINESE_HEADER = "编号,从业人员(人),科技人员,销售收入（万元）,资产总额,研发费用,成本费用总额,I类知识产权,II类知识产权,有效高新技术企业,重大事故"


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def rules(*args) -> str:
    out = io.StringIO()
    call_command("rules", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_tsme_csv(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("\n".join([TSME_HEADER, *TSME_ROWS]) + "\n", encoding="utf-8")
    rules("tsme", "--input", source, "--output", tmp_path / "out.csv")
    assert read_csv(tmp_path / "out.csv") == [list(tsme.OUTPUT_COLUMNS), *TSME_EXPECTED]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_tsme_chinese_headers_with_bom_or_gb18030(tmp_path, encoding):
    source = tmp_path / "in.csv"
    source.write_bytes("\r\n".join([CHINESE_HEADER, *TSME_ROWS]).encode(encoding))
    rules("tsme", "--input", source, "--output", tmp_path / "out.csv")
    assert read_csv(tmp_path / "out.csv")[1:] == TSME_EXPECTED


def test_tsme_xlsx_in_and_out(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(CHINESE_HEADER.split(","))
    for row in TSME_ROWS:
        ws.append([int(c) if c.isdigit() else c or None for c in row.split(",")])
    wb.save(tmp_path / "in.xlsx")
    rules("tsme", "--input", tmp_path / "in.xlsx", "--output", tmp_path / "out.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[0] == list(tsme.OUTPUT_COLUMNS)
    # Numbers stay numbers in a workbook; booleans are written as CONTRACTS.md spells them.
    assert sheet[1] == ["A1", 20, 50, 0, 70, "true", "score", 0, ""]
    assert sheet[3] == ["A3", "", 50, 0, "", "", "", "", "MISSING_st_staff"]
    assert len(sheet) == 1 + len(TSME_ROWS)


def test_tsme_absent_column_is_missing_in_every_row_and_still_exits_0(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,employees,st_staff\nX,10,3\nY,10,1\n", encoding="utf-8")
    err = io.StringIO()
    call_command("rules", "tsme", "--input", str(source), "--output", str(tmp_path / "o.csv"), stderr=err)
    rows = read_csv(tmp_path / "o.csv")
    assert [r[0] for r in rows[1:]] == ["X", "Y"]
    assert rows[1][1] == "20" and rows[2][1] == "4"  # 30 % and 10 %
    assert rows[1][-1].endswith("MISSING_ip_class2") and rows[1][5] == ""
    assert "revenue" in err.getvalue()


def test_unreadable_input_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        rules("tsme", "--input", tmp_path / "nope.csv", "--output", tmp_path / "o.csv")


HTE_HEADER = (
    "id,registered,apply_date,ip_class1,ip_class2,ht_domain,employees,st_staff,revenue_1,revenue_2,revenue_3,"
    "rd_1,rd_2,rd_3,rd_domestic,ht_income,total_income,incident,tech_grade,support_grade,ip_source,"
    "standard_bonus,transfers_1,transfers_2,transfers_3,rd_mgmt,net_assets_1,net_assets_2,net_assets_3"
)
HTE_ROWS = [
    # all pass: score 72–86 (see test_hte.BASE)
    "H1,2020-03-01,2023-06-30,1,3,电子信息,200,40,4000,4500,5000,200,230,270,600,3500,5200,0,A,A,self,1,5,6,7,16,1000,1200,1500",
    # one year of figures, 19 of 200 S&T staff, R&D 4 % of 5000: fails c4 and c5
    "H2,2020-03-01,2023-06-30,1,3,新材料,200,19,,,5000,,,200,200,3500,5200,否,A,A,self,1,5,6,7,16,1000,1200,1500",
    # employees missing
    "H3,2020-03-01,2023-06-30,1,3,新材料,,19,,,5000,,,200,200,3500,5200,否,,,,,,,,,,,",
]


def test_hte_csv(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("\n".join([HTE_HEADER, *HTE_ROWS]) + "\n", encoding="utf-8")
    rules("hte", "--input", source, "--output", tmp_path / "out.csv")
    rows = [dict(zip(hte.OUTPUT_COLUMNS, r, strict=True)) for r in read_csv(tmp_path / "out.csv")[1:]]
    assert read_csv(tmp_path / "out.csv")[0] == list(hte.OUTPUT_COLUMNS)
    first, second, third = rows
    assert [first[f"c{i}"] for i in range(1, 9)] == ["pass"] * 8
    assert (first["verdict"], first["score_min"], first["score_max"], first["rd_threshold"]) == (
        "eligible",
        "72",
        "86",
        "0.05",
    )
    assert float(first["net_asset_growth"]) == pytest.approx(0.225)
    assert (second["c4"], second["c5"], second["verdict"]) == ("fail", "fail", "ineligible")
    assert (second["st_gap"], second["rd_gap"], second["st_ratio"]) == ("2", "50", "0.095")
    assert (third["c4"], third["verdict"], third["st_gap"], third["reasons"]) == (
        "unknown",
        "",
        "",
        "MISSING_employees",
    )
    # IP: grades 0–8 each, quantity 7–8, source 1–6, bonus 0–2 → 8–30 (capped); transformations
    # 0–30, management 0–20, net assets 0–10, sales 0 (one year): 8–90.
    assert (third["score_min"], third["score_max"]) == ("8", "90")


def test_hte_chinese_headers(tmp_path):
    header = HTE_HEADER.replace("registered", "注册日期").replace("apply_date", "申报日期")
    header = (
        header.replace("revenue_3", "第三年销售收入(万元)")
        .replace("rd_3", "研发费用3")
        .replace("employees", "职工总数")
    )
    source = tmp_path / "in.csv"
    source.write_bytes("\n".join([header, *HTE_ROWS]).encode("gb18030"))
    rules("hte", "--input", source, "--output", tmp_path / "out.csv")
    rows = read_csv(tmp_path / "out.csv")
    verdict = rows[0].index("verdict")
    assert [r[verdict] for r in rows[1:]] == ["eligible", "ineligible", ""]


def test_uscc_lines_and_exit_status():
    out = io.StringIO()
    call_command("rules", "uscc", "91350200776049653A", "913502000728319549", stdout=out)
    assert out.getvalue().splitlines() == ["91350200776049653A\tvalid", "913502000728319549\tvalid"]
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "rules",
            "uscc",
            "91350200776049653A",
            "91350203M0001QAY9B",
            "123",
            "9135020077604965IA",
            stdout=out,
        )
    assert failure.value.returncode == 1
    assert out.getvalue().splitlines() == [
        "91350200776049653A\tvalid",
        "91350203M0001QAY9B\tinvalid\tCHECK_DIGIT",
        "123\tinvalid\tLENGTH",
        "9135020077604965IA\tinvalid\tCHARSET",
    ]


def _console(args, tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_")}
    environ.update(
        {"KECHUANG_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "KECHUANG_VAR_DIR": str(tmp_path)}
    )
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [KECHUANG, "rules", *args], capture_output=True, text=True, env=environ, timeout=300
    )


def test_console_script_exit_codes(tmp_path):
    valid = _console(["uscc", "91440101MA5CJQ4N59"], tmp_path)
    assert (valid.returncode, valid.stdout) == (0, "91440101MA5CJQ4N59\tvalid\n")
    invalid = _console(["uscc", "91440101MA5CJQ4N59", "91350200776049653B"], tmp_path)
    assert invalid.returncode == 1
    assert invalid.stdout.splitlines()[1] == "91350200776049653B\tinvalid\tCHECK_DIGIT"
    source = tmp_path / "in.csv"
    source.write_text("\n".join([TSME_HEADER, *TSME_ROWS]) + "\n", encoding="utf-8")
    evaluated = _console(["tsme", "--input", str(source), "--output", str(tmp_path / "out.csv")], tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    assert read_csv(tmp_path / "out.csv")[1:] == TSME_EXPECTED


def test_header_only_file_gives_header_only_output(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(HTE_HEADER + "\n", encoding="utf-8")
    rules("hte", "--input", source, "--output", tmp_path / "out.csv")
    assert read_csv(tmp_path / "out.csv") == [list(hte.OUTPUT_COLUMNS)]


def test_optional_columns_may_be_absent_without_a_note(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "\n".join([TSME_HEADER.rsplit(",", 2)[0], *(r.rsplit(",", 2)[0] for r in TSME_ROWS[:2])]),
        encoding="utf-8",
    )
    err = io.StringIO()
    call_command("rules", "tsme", "--input", str(source), "--output", str(tmp_path / "o.csv"), stderr=err)
    assert err.getvalue() == ""
    assert read_csv(tmp_path / "o.csv")[1:] == TSME_EXPECTED[:2]
