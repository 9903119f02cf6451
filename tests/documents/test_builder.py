"""The document builder: GB/T 9704 layout of the .docx (paper, margins, fonts with their East
Asian names, heading numbers, line spacing, page numbers, issuing unit and date), the same tables
in the .xlsx with formulas neutralised, reproducible bytes, and charts that degrade with a note."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from documents.builder import Cell, Column, Content, Figure, Heading, Para, Table, render_docx, render_xlsx
from documents.builder.content import NUMBER, PERCENT, POINTS, fmt_value
from documents.builder.docx import STYLE_NAMES
from documents.builder.numbering import HeadingCounter, cn_number, heading_label
from documents.builder.xlsx import HEADER_ROW
from tests.documents.helpers import open_docx, tables


def sample(**kwargs) -> Content:
    content = Content(
        title="2023年6月全市科技创新工作动态",
        issuer="铜仁市科学技术局",
        date=dt.date(2023, 7, 5),
        addressee="市人民政府",
        created=dt.datetime(2023, 7, 5, 10, 0),
        **kwargs,
    )
    content.add(
        Heading(1, "主要指标运行情况"),
        Para("1—6月，全市高新技术产业产值完成194.00亿元。"),
        Heading(2, "高新技术产业"),
        Heading(3, "产值"),
        Heading(4, "细项"),
        Heading(4, "细项二"),
        Heading(3, "增速"),
        Heading(2, "研发投入"),
        Heading(1, "预警及处置情况"),
        Table(
            "全市主要指标完成情况",
            [
                Column("指标"),
                Column("年度目标", NUMBER),
                Column("完成率", PERCENT, 1),
                Column("同比", PERCENT, 1),
            ],
            [
                ["高新技术产业产值（亿元）", Cell(316, NUMBER, 0), 0.61392, 0.2126],
                ["研发投入强度（%）", Cell(0.61, NUMBER, 2), None, Cell(-0.0913, POINTS, 2)],
                ['=HYPERLINK("http://x")', None, None, None],
            ],
            note="“—”表示无数据。",
        ),
    )
    return content


def test_heading_numbers():
    assert [cn_number(n) for n in (1, 9, 10, 11, 19, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十九", "二十", "二十一", "九十九",
    ]  # fmt: skip
    assert [heading_label(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]
    counter = HeadingCounter()
    labels = [counter.next(level) for level in (1, 2, 3, 4, 4, 3, 2, 1, 2)]
    assert labels == ["一、", "（一）", "1.", "（1）", "（2）", "2.", "（二）", "二、", "（一）"]
    with pytest.raises(ValueError):
        heading_label(5, 1)


def test_cell_text():
    assert fmt_value(0.61392, Column("x", PERCENT, 1)) == "61.4%"
    assert fmt_value(None, Column("x", NUMBER)) == "—"
    assert fmt_value(Cell(-0.001, POINTS, 2), Column("x", PERCENT, 1)) == "0.00"  # not -0.00
    assert fmt_value(Cell(136.3149, NUMBER, 2), Column("x", PERCENT, 1)) == "136.31"


def test_page_margins_and_page_numbers():
    doc = open_docx(render_docx(sample()))
    section = doc.sections[0]

    # Word stores lengths in twentieths of a point: equal to a hundredth of a millimetre.
    def mm(length):
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment.name.lower() == align
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml


def _east(run_or_style_element) -> str | None:
    rpr = run_or_style_element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_fonts_sizes_and_line_spacing():
    doc = open_docx(render_docx(sample()))
    paragraphs = doc.paragraphs
    title = paragraphs[0]
    assert title.style.name == STYLE_NAMES["title"]
    assert title.runs[0].font.size == Pt(22)
    assert _east(title.runs[0]._r) == "方正小标宋简体"
    assert _east(title.style.element) == "方正小标宋简体"
    body = next(p for p in paragraphs if p.text.startswith("1—6月"))
    assert body.style.name == "Normal"
    assert body.runs[0].font.size == Pt(16)
    assert _east(body.runs[0]._r) == "仿宋_GB2312"
    assert body.runs[0].font.name == "Times New Roman"  # digits and Latin
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= normal.line_spacing <= Pt(29)
    assert normal.first_line_indent == Pt(32)  # two characters
    # No theme font may override the named East Asian font.
    for el in doc.styles.element.iter(qn("w:rFonts")):
        assert el.get(qn("w:eastAsiaTheme")) is None
    # The font table names what stands in for an absent official font.
    table = next(p for p in doc.part.package.parts if str(p.partname) == "/word/fontTable.xml").blob.decode()
    assert 'w:name="仿宋_GB2312"' in table and 'w:val="仿宋"' in table and 'w:val="86"' in table


def test_headings_numbered_in_official_fonts():
    doc = open_docx(render_docx(sample()))
    headings = [
        (p.style.name, p.text, _east(p.runs[0]._r))
        for p in doc.paragraphs
        if p.style.name in STYLE_NAMES.values() and p.style.name.endswith("级标题")
    ]
    assert headings == [
        ("一级标题", "一、主要指标运行情况", "黑体"),
        ("二级标题", "（一）高新技术产业", "楷体_GB2312"),
        ("三级标题", "1.产值", "仿宋_GB2312"),
        ("四级标题", "（1）细项", "仿宋_GB2312"),
        ("四级标题", "（2）细项二", "仿宋_GB2312"),
        ("三级标题", "2.增速", "仿宋_GB2312"),
        ("二级标题", "（二）研发投入", "楷体_GB2312"),
        ("一级标题", "二、预警及处置情况", "黑体"),
    ]
    outline = doc.styles["一级标题"].element.find(qn("w:pPr")).find(qn("w:outlineLvl"))
    assert outline.get(qn("w:val")) == "0"


def test_addressee_issuer_and_date_close_the_document():
    doc = open_docx(render_docx(sample()))
    texts = [p.text for p in doc.paragraphs]
    assert "市人民政府：" in texts
    unit, date = doc.paragraphs[-2], doc.paragraphs[-1]
    assert (unit.text, date.text) == ("铜仁市科学技术局", "2023年7月5日")
    for p in (unit, date):
        assert (p.alignment or p.style.paragraph_format.alignment).name == "RIGHT"
    # The unit two characters in from the right; the date (6 characters wide) starts two
    # characters to the right of the unit's first (8 wide): also two in from the right.
    assert unit.paragraph_format.right_indent == Pt(32)
    assert date.paragraph_format.right_indent == Pt(32)


def test_tables_in_docx_and_xlsx_agree_and_formulas_are_neutralised():
    content = sample()
    got = tables(render_docx(content))["全市主要指标完成情况"]
    assert got[0] == ["指标", "年度目标", "完成率", "同比"]
    assert got[1] == ["高新技术产业产值（亿元）", "316", "61.4%", "21.3%"]
    assert got[2] == ["研发投入强度（%）", "0.61", "—", "-0.09"]
    book = load_workbook(io.BytesIO(render_xlsx(content)))
    assert book.sheetnames[0] == "说明"
    sheet = book[book.sheetnames[1]]
    assert [c.value for c in sheet[HEADER_ROW]] == ["指标", "年度目标", "完成率", "同比"]
    row = [c.value for c in sheet[HEADER_ROW + 1]]
    assert row == ["高新技术产业产值（亿元）", 316, 0.61392, 0.2126]  # numbers at full precision
    assert sheet.cell(HEADER_ROW + 1, 3).number_format == "0.0%"
    assert sheet.cell(HEADER_ROW + 3, 1).value.startswith("'=")  # not a formula
    assert sheet.cell(HEADER_ROW + 3, 1).data_type == "s"


def test_same_content_same_bytes():
    a, b = render_docx(sample()), render_docx(sample())
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()
    assert render_xlsx(sample()) == render_xlsx(sample())
    props = open_docx(a).core_properties
    assert props.created.replace(tzinfo=None) == dt.datetime(2023, 7, 5, 10, 0)
    assert props.title == "2023年6月全市科技创新工作动态"


def test_a_missing_chart_leaves_a_note():
    content = sample()
    content.add(Figure("全市高新技术产业产值逐月累计情况", None, "服务器未安装中文字体"))
    texts = [p.text for p in open_docx(render_docx(content)).paragraphs]
    assert "图1  全市高新技术产业产值逐月累计情况" in texts
    assert "（图略：服务器未安装中文字体）" in texts


def test_charts_are_pngs_or_say_why_not(monkeypatch):
    from documents.builder import charts

    problem = charts.chart_problem()
    if problem is None:
        png = charts.line_chart(
            title="高新技术产业产值", x_labels=["1月", "2月"], series=[("2023年", [1.0, 2.0])], unit="亿元"
        )
        assert png.startswith(b"\x89PNG")
        assert png == charts.line_chart(
            title="高新技术产业产值", x_labels=["1月", "2月"], series=[("2023年", [1.0, 2.0])], unit="亿元"
        )
        bars = charts.bar_chart(
            title="排位", items=[("碧江区", 0.3), ("万山区", None)], percent=True, reference=0.2
        )
        assert bars.startswith(b"\x89PNG")
    # Without a CJK font no chart is drawn, and the reason is a sentence for the document.
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    reason = charts.chart_problem()
    assert reason is not None and ("中文字体" in reason or "Pillow" in reason)
    with pytest.raises(charts.ChartUnavailable):
        charts.line_chart(title="x", x_labels=["1月"], series=[("a", [1.0])], unit="")


def test_nice_ticks():
    from documents.builder.charts import nice_ticks

    assert nice_ticks(0, 316) == [0, 100, 200, 300, 400]
    assert nice_ticks(-0.04, 0.3) == [-0.1, 0.0, 0.1, 0.2, 0.3]


def test_masthead_in_red_with_the_number_and_a_red_rule():
    from documents.builder import Masthead
    from documents.builder.docx import mark_size

    data = render_docx(sample(masthead=Masthead("铜仁市科学技术局文件", "铜科通〔2023〕3号")))
    doc = open_docx(data)
    mark, number = doc.paragraphs[0], doc.paragraphs[3]
    assert mark.text == "铜仁市科学技术局文件" and mark.style.name == STYLE_NAMES["mark"]
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    assert _east(mark.runs[0]._r) == "方正小标宋简体"
    # Ten characters across the 156 mm (442 pt) text block: 44 pt; a short mark stops at 48 pt.
    assert mark.runs[0].font.size == Pt(44) and mark_size("工作动态") == 48
    assert number.text == "铜科通〔2023〕3号" and number.alignment is None
    assert number.style.paragraph_format.alignment.name == "CENTER"
    rule = number._p.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (rule.get(qn("w:color")), rule.get(qn("w:sz"))) == ("FF0000", "18")
    # The title two lines below the rule.
    assert [p.text for p in doc.paragraphs[4:7]] == ["", "", "2023年6月全市科技创新工作动态"]


def test_brief_masthead_and_imprint():
    from documents.builder import Imprint, Masthead

    content = sample(
        masthead=Masthead("科技创新工作动态", "2023年第6期", left="铜仁市科学技术局编", right="2023年7月5日"),
        imprint=Imprint("铜仁市科学技术局办公室", dt.date(2023, 7, 5), copy_to="市人民政府办公室"),
    )
    doc = open_docx(render_docx(content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[3:5] == ["2023年第6期", "铜仁市科学技术局编\t2023年7月5日"]
    assert texts[-2:] == ["抄送：市人民政府办公室。", "铜仁市科学技术局办公室\t2023年7月5日印发"]
    # The imprint's rules: black, the outer ones thicker (0.35 mm) than the one between.
    copy, printed = doc.paragraphs[-2], doc.paragraphs[-1]
    border = copy._p.find(qn("w:pPr")).find(qn("w:pBdr"))
    assert (
        border.find(qn("w:top")).get(qn("w:sz")) == "8" and border.find(qn("w:bottom")).get(qn("w:sz")) == "6"
    )
    last = printed._p.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (last.get(qn("w:sz")), last.get(qn("w:color"))) == ("8", "000000")
    # The signature still closes the text, before the imprint.
    assert texts[texts.index("铜仁市科学技术局") :][:2] == ["铜仁市科学技术局", "2023年7月5日"]
    book = load_workbook(io.BytesIO(render_xlsx(content)))
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert about["文号"] == "2023年第6期"
