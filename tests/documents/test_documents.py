"""Each kind of document from the database: it opens, its tables show the figures of
`dispatch_figures` (= `kechuang dispatch status --json`) for the same month, and a document
generated before a correction still gives its old figures when rendered again."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from dispatch.figures import dispatch_figures
from dispatch.models import Actual
from documents.builder.docx import STYLE_NAMES
from documents.builder.xlsx import HEADER_ROW
from documents.compose import CITY_TABLE_TITLE, NARRATIVE_SLOTS, unit_table_title
from documents.services import document_generate, document_narrative_update, document_rebuild, render_file
from kechuang.core.models import Event, EventAction
from org.models import Unit
from plan.models import Indicator
from tests.documents.helpers import close, open_docx, tables

pytestmark = pytest.mark.django_db

KINDS = ["monthly", "bulletin", "quarterly", "half-year", "annual"]


def _status_json(year: int, month: int) -> list[dict]:
    out = io.StringIO()
    call_command("dispatch", "status", "--year", str(year), "--month", str(month), "--json", stdout=out)
    return json.loads(out.getvalue())["rows"]


def _city_table(data: bytes) -> list[list[str]]:
    return next(rows for title, rows in tables(data).items() if title and title.startswith(CITY_TABLE_TITLE))


def _assert_tables_match(data: bytes, rows: list[dict], *, month: int) -> int:
    """Every figure of every city row and every district/zone row of the document's tables
    equals the status row at the precision shown; returns how many figures were compared."""
    names = {u.code: u.name for u in Unit.objects.all()}
    inds = {i.code: i for i in Indicator.objects.all()}
    by_name = {(names[r["unit"]], inds[r["indicator"]].name): r for r in rows}
    got_tables = tables(data)
    compared = 0
    # The city table: one row per city figure, in the status order.
    city = _city_table(data)
    header = city[0]
    city_rows = [r for r in rows if r["unit"] == "520600"]
    assert len(city) - 1 == len(city_rows)
    for cells, row in zip(city[1:], city_rows, strict=True):
        ind = inds[row["indicator"]]
        assert cells[0].startswith(f"{ind.name}（{ind.measure}）")
        cell = dict(zip(header, cells, strict=True))
        d = ind.decimals
        assert close(cell["年度目标"], row["target"], d)
        assert close(cell[f"1—{month}月完成" if month > 1 else "1月完成"], row["actual"], d)
        assert close(cell["完成率"], row["completion"], 1, percent=True)
        assert close(cell["同比"], row["yoy"], *((2, False) if ind.kind == "ratio" else (1, True)))
        assert close(cell["全年预计"], row["forecast"], d)
        compared += 5
    # The unit tables, one per indicator that any district or zone has a figure for.
    for code, ind in inds.items():
        unit_rows = [r for r in rows if r["indicator"] == code and r["unit"] != "520600"]
        title = unit_table_title(ind.name)
        if not any(r["actual"] is not None or r["target"] is not None for r in unit_rows):
            assert title not in got_tables
            continue
        table = got_tables[title]
        header = table[0]
        assert len(table) - 1 == len(unit_rows)
        for cells in table[1:]:
            cell = dict(zip(header, cells, strict=True))
            row = by_name[(cell["单位"], ind.name)]
            d = ind.decimals
            assert close(cell[f"1—{month}月完成"], row["actual"], d)
            if "年度目标" in cell:
                assert close(cell["年度目标"], row["target"], d)
                assert close(cell["完成率"], row["completion"], 1, percent=True)
            assert close(cell["同比"], row["yoy"], *((2, False) if ind.kind == "ratio" else (1, True)))
            assert close(cell["增速回落"], row["growth_drop"], 1)
            assert cell["排位"] == ("—" if row["rank"] is None else str(row["rank"]))
            assert close(cell["全年预计"], row["forecast"], d)
            compared += 6
    return compared


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_opens_and_shows_the_status_figures(kind, figures, users):
    doc = document_generate(actor=users["staff"], kind=kind, year=2023, month=6)
    data = bytes(doc.docx)
    document = open_docx(data)  # python-docx reads it back
    texts = [p.text for p in document.paragraphs]
    assert doc.title.splitlines()[0] in texts  # the title
    assert document.core_properties.title == doc.title
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    # the issuing unit and the date (today's, the data's moment) close the text; the imprint,
    # the bureau's office printing it on that date, follows
    signature = [p.text for p in document.paragraphs if p.style.name == STYLE_NAMES["signature"]]
    day = timezone.localdate(doc.as_of)
    assert signature == ["铜仁市科学技术局", f"{day.year}年{day.month}月{day.day}日"]
    assert texts[-1] == f"铜仁市科学技术局办公室\t{signature[1]}印发"
    if kind != "bulletin":  # the 通报 lists what was not delivered, not every figure
        rows = _status_json(2023, 6)
        assert rows == dispatch_figures(2023, 6)
        assert _assert_tables_match(data, rows, month=6) > 50


def test_hand_computed_city_figures_in_the_monthly_bulletin(figures, users):
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    city = _city_table(bytes(doc.docx))
    row = dict(zip(city[0], next(r for r in city if r[0].startswith("高新技术产业产值")), strict=True))
    # City = the 10 districts: 130 + 55 + 9 = 194 (the zone's 26 is not added); last June
    # 100 + 50 + 10 = 160; target 316.
    assert row["1—6月完成"] == "194.00"
    assert row["完成率"] == "61.4%"  # 194 / 316
    assert row["同比"] == "21.3%"  # 194 / 160 − 1 = 0.2125 → 21.25%, shown at one decimal
    assert "时序进度50.0%" in next(t for t in tables(bytes(doc.docx)) if t.startswith(CITY_TABLE_TITLE))
    text = "\n".join(p.text for p in open_docx(bytes(doc.docx)).paragraphs)
    assert (
        "高新技术产业产值完成194.00亿元，为年度目标316亿元的61.4%，快于时序进度11.4个百分点，同比增长21.3%"
        in text
    )
    bijiang = tables(bytes(doc.docx))[unit_table_title("高新技术产业产值")][1]
    assert bijiang[0] == "碧江区" and bijiang[1] == "280.00" and bijiang[2] == "130.00"


def test_xlsx_holds_the_same_figures_at_full_precision(figures, users):
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    book = load_workbook(io.BytesIO(render_file(doc, "xlsx").content))
    sheet = book["全市指标"]
    header = [c.value for c in sheet[HEADER_ROW]]
    rows = {r["indicator"]: r for r in dispatch_figures(2023, 6) if r["unit"] == "520600"}
    names = {i.name: i.code for i in Indicator.objects.all()}
    seen = 0
    for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if not values[0] or str(values[0]).startswith("注："):
            continue
        cell = dict(zip(header, values, strict=False))
        code = names[str(values[0]).split("（")[0]]
        # Numbers as numbers, to the 15–16 significant digits a spreadsheet keeps.
        for column, key in (
            ("1—6月完成", "actual"),
            ("年度目标", "target"),
            ("完成率", "completion"),
            ("同比", "yoy"),
        ):
            expected = rows[code][key]
            assert cell[column] == (None if expected is None else pytest.approx(expected, rel=1e-14))
        seen += 1
    assert seen == len(rows)


def test_regenerating_after_a_correction_reproduces_the_old_figures(figures, users):
    old = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    # when 碧江区 corrects its June figure from 130 to 150
    actual = Actual.objects.get(unit__code="520602", indicator__code="HT_OUTPUT", year=2023, month=6)
    actual.value = 150
    actual.save()
    # then the old document, rendered again from its snapshot, is the same file with 194.00
    again = document_rebuild(old.snapshot, old.narrative)
    assert hashlib.sha256(again).hexdigest() == old.sha256
    row = next(r for r in _city_table(again) if r[0].startswith("高新技术产业产值"))
    assert row[2] == "194.00"
    # and a new document shows the corrected 214.00, with another data version
    new = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    row = next(r for r in _city_table(bytes(new.docx)) if r[0].startswith("高新技术产业产值"))
    assert row[2] == "214.00"
    assert new.digest != old.digest
    # the snapshot holds the status rows of the time, exactly
    assert old.snapshot["figures"] != dispatch_figures(2023, 6)
    assert new.snapshot["figures"] == dispatch_figures(2023, 6)


def test_the_same_data_gives_the_same_data_version(figures, users):
    a = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    b = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    assert a.digest == b.digest


def test_narrative_is_kept_and_the_figures_stay_those_of_the_snapshot(figures, users):
    doc = document_generate(
        actor=users["staff"],
        kind="quarterly",
        year=2023,
        month=6,
        narrative={"next": "加快推进研发投入统计。", "bogus": "x"},
    )
    assert doc.narrative == {"next": "加快推进研发投入统计。"}
    Actual.objects.filter(unit__code="520602", indicator__code="HT_OUTPUT", year=2023, month=6).update(
        value=999
    )
    doc = document_narrative_update(
        actor=users["staff"],
        document=doc,
        narrative={"problems": "部分区县报送滞后。", "next": "加快推进研发投入统计。"},
    )
    text = "\n".join(p.text for p in open_docx(bytes(doc.docx)).paragraphs)
    assert "存在的问题" in text and "部分区县报送滞后。" in text and "下步工作打算" in text
    row = next(r for r in _city_table(bytes(doc.docx)) if r[0].startswith("高新技术产业产值"))
    assert row[2] == "194.00"  # not 999 + …
    assert set(NARRATIVE_SLOTS["quarterly"][i][0] for i in range(3)) == {"work", "problems", "next"}
    assert Event.objects.filter(action=EventAction.WORKFLOW, object_id=str(doc.pk)).exists()


def test_generation_is_audited_as_an_export(figures, users):
    doc = document_generate(actor=users["staff"], kind="bulletin", year=2023, month=6)
    event = Event.objects.get(action=EventAction.EXPORT, object_id=str(doc.pk))
    assert event.actor == users["staff"]
    assert event.data["digest"] == doc.digest and event.data["sha256"] == doc.sha256


def test_summaries_have_trends_rankings_forecasts_and_assessment(figures, users):
    doc = document_generate(actor=users["staff"], kind="annual", year=2023, month=6)
    data = bytes(doc.docx)
    text = "\n".join(p.text for p in open_docx(data).paragraphs)
    got = tables(data)
    assert "全市高新技术产业产值逐月累计情况（亿元）" in got
    trend = got["全市高新技术产业产值逐月累计情况（亿元）"]
    assert trend[0] == ["月份", "2023年", "2022年同期", "同比", "完成率"]
    # May: 110 + 50 = 160 against 90 + 45 = 135; June 194 against 160.
    assert trend[5][1:3] == ["160.00", "135.00"] and trend[6][1:3] == ["194.00", "160.00"]
    assert "全市主要指标全年预判" in got
    assert "年底预研预判" in text and "考核情况" in text
    assert "前2名" in text and "不低于50万元" in text  # the plan's reward rule
    assert any(p.startswith("图") for p in text.splitlines())  # a chart, or its note


def test_a_draft_has_a_blank_number_and_publication_gives_the_next_one(figures, users):
    from documents.services import document_publish

    staff = users["staff"]
    first = document_generate(actor=staff, kind="bulletin", year=2023, month=5)
    texts = [p.text for p in open_docx(bytes(first.docx)).paragraphs]
    assert texts[0] == "铜仁市科学技术局文件"
    day = timezone.localdate(first.as_of)
    assert texts[3] == f"铜科通〔{day.year}〕\u3000\u3000号"  # a draft: the number left blank
    draft_sha = first.sha256
    first = document_publish(actor=staff, document=first)
    second = document_publish(
        actor=staff, document=document_generate(actor=staff, kind="bulletin", year=2023, month=6)
    )
    report = document_publish(
        actor=staff, document=document_generate(actor=staff, kind="quarterly", year=2023, month=6)
    )
    monthly = document_publish(
        actor=staff, document=document_generate(actor=staff, kind="monthly", year=2023, month=6)
    )
    # 通报 and reports are numbered in their own series; the monthly bulletin by issue.
    assert (first.reference, second.reference) == (f"铜科通〔{day.year}〕1号", f"铜科通〔{day.year}〕2号")
    assert report.reference == f"铜科报〔{day.year}〕1号"
    assert monthly.reference == f"{day.year}年第1期"
    # The issued file carries its number; rendering it again from its snapshot gives the same file.
    assert first.sha256 != draft_sha
    assert open_docx(bytes(second.docx)).paragraphs[3].text == f"铜科通〔{day.year}〕2号"
    lines = [p.text for p in open_docx(bytes(monthly.docx)).paragraphs[:5]]
    assert lines[0] == "科技创新工作动态" and lines[3] == f"{day.year}年第1期"
    assert lines[4] == f"铜仁市科学技术局编\t{day.year}年{day.month}月{day.day}日"
    again = document_rebuild(second.snapshot, second.narrative, second.reference)
    assert (
        hashlib.sha256(again).hexdigest() == second.sha256 == hashlib.sha256(bytes(second.docx)).hexdigest()
    )
    event = Event.objects.get(
        action=EventAction.WORKFLOW, object_id=str(second.pk), message="document published"
    )
    assert event.data["reference"] == second.reference


def test_a_number_taken_at_the_same_moment_is_refused(figures, users, monkeypatch):
    from documents import services

    staff = users["staff"]
    first = services.document_publish(
        actor=staff, document=document_generate(actor=staff, kind="bulletin", year=2023, month=6)
    )
    second = document_generate(actor=staff, kind="bulletin", year=2023, month=6)

    def same_number(document):  # as if the first publication were not seen yet
        document.series, document.serial_year = first.series, first.serial_year
        document.serial, document.reference = first.serial, first.reference

    monkeypatch.setattr(services, "_number", same_number)
    with pytest.raises(services.DocumentError):
        services.document_publish(actor=staff, document=second)
    second.refresh_from_db()
    assert not second.published and second.reference == "" and second.serial is None
