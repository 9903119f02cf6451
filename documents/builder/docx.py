"""Lay a `Content` out as an official document after GB/T 9704—2012, with python-docx.

- Paper A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, which leaves
  the standard text block of 156 × 225 mm (§5.2.1).
- Title: 2号 (22 pt) 方正小标宋简体, centred (§7.3.2). Body: 3号 (16 pt) 仿宋_GB2312, first line
  indented two characters, line spacing fixed at 28.95 pt, so a page holds 22 lines of 28
  characters (§7.1). East Asian font names are set with w:rFonts/@w:eastAsia on the styles and on
  every run (python-docx's `font.name` sets only the Latin ones).
- Headings 一、 in 黑体, （一） in 楷体_GB2312, 1. and （1） in 仿宋_GB2312 (§7.3.3), on paragraph
  styles with an outline level, so Word's navigation pane lists them.
- Page numbers: 4号 宋体 Arabic numerals between one-character lines, "— 1 —", below the text
  block; odd pages on the right, even pages on the left, one character in from the edge (§7.5).
- The masthead (版头, §7.2): the issuing authority's mark in red 小标宋, centred, as large as
  fits the text block (at most 初号-plus, 48 pt); two lines below it the document number
  (铜科通〔2023〕3号) centred in 3号 仿宋, or for a bulletin of the 简报 kind the issue number
  centred and the editing unit and the date on one line; then a red rule the width of the text
  block; the title two lines below the rule.
- The issuing unit and the date close the text (§7.3.5.2): the unit two characters in from the
  right, the date on the next line with its first character two to the right of the unit's (or
  two characters in from the right where the date is longer); dates in Arabic numerals.
- The imprint (版记, §7.4): 抄送 and the printing unit with the date of printing (…印发) in 4号
  仿宋, one character in from each side, between black rules (the first and last thicker).

The file is reproducible: its properties carry the document's own date, and the archive is
written with fixed timestamps, so the same content gives the same bytes (and SHA-256).

python-docx has no API for fields, outline levels, repeated header rows or the font table; those
few elements are built with its element API (OxmlElement / qn), inserted in schema order."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from documents.builder.content import (
    TEXT,
    Content,
    Figure,
    Heading,
    Imprint,
    Masthead,
    Note,
    Para,
    Table,
    fmt_value,
)
from documents.builder.fonts import FALLBACKS, OFFICIAL, FontProfile
from documents.builder.numbering import HeadingCounter

__all__ = [
    "BODY_LINE",
    "BODY_PT",
    "MARGINS_MM",
    "STYLE_NAMES",
    "TITLE_PT",
    "render_docx",
    "set_run_fonts",
]

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四
WIDE_TABLE_PT = 10.5  # 五号, for tables of more than seven columns
BODY_LINE = Pt(28.95)  # 225 mm / 22 lines
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
RED = "FF0000"
MARK_MAX_PT = 48

STYLE_NAMES = {
    "title": "公文标题",
    1: "一级标题",
    2: "二级标题",
    3: "三级标题",
    4: "四级标题",
    "caption": "图表标题",
    "table": "表格文字",
    "note": "注释",
    "signature": "落款",
    "mark": "发文机关标志",
    "number": "发文字号",
    "imprint": "版记",
}

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# ---------------------------------------------------------------------------------------------
# Fonts on runs and styles
# ---------------------------------------------------------------------------------------------


def _set_rfonts(rpr, east: str, latin: str) -> None:
    """Latin and East Asian font names on a w:rPr; theme references removed, since a theme font
    attribute takes precedence over the named one in the same w:rFonts."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in rfonts.attrib:
            del rfonts.attrib[key]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def set_run_fonts(run, east: str, latin: str, size: float, bold: bool | None = None) -> None:
    run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    _set_rfonts(run._element.get_or_add_rPr(), east, latin)


def _style_font(style, east: str, latin: str, size: float, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _set_rfonts(rpr, east, latin)
    _set_lang(rpr)


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    existing = ppr.find(qn("w:outlineLvl"))
    if existing is not None:
        ppr.remove(existing)
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.insert_element_before(el, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _paragraph_format(style, *, indent: float | None, align, line=BODY_LINE, keep_next: bool = False):
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.first_line_indent = Pt(indent) if indent is not None else Pt(0)
    pf.left_indent = Pt(0)
    pf.right_indent = Pt(0)
    pf.alignment = align
    pf.keep_with_next = keep_next
    pf.widow_control = True


def _styles(doc, fonts: FontProfile) -> None:
    styles = doc.styles
    # Defaults below every style: no theme fonts, Chinese as the East Asian language.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rfonts in defaults.iter(qn("w:rFonts")):
            for attr in _THEME_ATTRS:
                rfonts.attrib.pop(qn(attr), None)
            rfonts.set(qn("w:ascii"), fonts.latin)
            rfonts.set(qn("w:hAnsi"), fonts.latin)
            rfonts.set(qn("w:cs"), fonts.latin)
            rfonts.set(qn("w:eastAsia"), fonts.body)
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")

    # Built-in styles (Heading 1, Title …) name theme fonts: without them they inherit ours.
    for rfonts in styles.element.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)

    normal = styles["Normal"]
    _style_font(normal, fonts.body, fonts.latin, BODY_PT)
    _paragraph_format(normal, indent=2 * BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def add(name: str):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        return style

    title = add(STYLE_NAMES["title"])
    _style_font(title, fonts.title, fonts.latin, TITLE_PT)
    _paragraph_format(title, indent=None, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35), keep_next=True)

    for level, east in ((1, fonts.heading1), (2, fonts.heading2), (3, fonts.body), (4, fonts.body)):
        style = add(STYLE_NAMES[level])
        _style_font(style, east, fonts.latin, BODY_PT)
        _paragraph_format(style, indent=2 * BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, keep_next=True)
        _outline(style, level - 1)

    caption = add(STYLE_NAMES["caption"])
    _style_font(caption, fonts.heading1, fonts.latin, PAGE_NUMBER_PT)
    _paragraph_format(caption, indent=None, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)

    table = add(STYLE_NAMES["table"])
    _style_font(table, fonts.body, fonts.latin, TABLE_PT)
    _paragraph_format(table, indent=None, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(TABLE_PT * 1.3))

    note = add(STYLE_NAMES["note"])
    _style_font(note, fonts.body, fonts.latin, TABLE_PT)
    _paragraph_format(note, indent=None, align=WD_ALIGN_PARAGRAPH.LEFT, line=Pt(20))

    signature = add(STYLE_NAMES["signature"])
    _style_font(signature, fonts.body, fonts.latin, BODY_PT)
    _paragraph_format(signature, indent=None, align=WD_ALIGN_PARAGRAPH.RIGHT)

    mark = add(STYLE_NAMES["mark"])
    _style_font(mark, fonts.title, fonts.latin, MARK_MAX_PT)
    mark.font.color.rgb = RGBColor.from_string(RED)
    _paragraph_format(mark, indent=None, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(MARK_MAX_PT * 1.15))

    number = add(STYLE_NAMES["number"])
    _style_font(number, fonts.body, fonts.latin, BODY_PT)
    _paragraph_format(number, indent=None, align=WD_ALIGN_PARAGRAPH.CENTER)

    imprint = add(STYLE_NAMES["imprint"])
    _style_font(imprint, fonts.body, fonts.latin, PAGE_NUMBER_PT)
    _paragraph_format(imprint, indent=None, align=WD_ALIGN_PARAGRAPH.LEFT)
    imprint.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    imprint.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)

    for name in ("Footer",):
        style = styles[name]
        _style_font(style, fonts.page_number, fonts.page_number, PAGE_NUMBER_PT)
        _paragraph_format(style, indent=None, align=WD_ALIGN_PARAGRAPH.RIGHT, line=Pt(PAGE_NUMBER_PT * 1.2))


def _font_table(doc, fonts: FontProfile) -> None:
    """Name an alternative, the GB2312 character set and the family of each Chinese font in the
    font table, so a reader without the official font gets a Chinese one of the same kind."""
    part = next((p for p in doc.part.package.parts if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = parse_xml(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in dict.fromkeys([fonts.title, fonts.body, fonts.heading1, fonts.heading2, fonts.page_number]):
        if name in have or name not in FALLBACKS:
            continue
        alt, family = FALLBACKS[name]
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alt),
            ("w:charset", "86"),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------------------------------------
# Page set-up and page numbers
# ---------------------------------------------------------------------------------------------


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    # The number's line sits about 7 mm below the text block (§7.5).
    section.footer_distance = Mm(23)
    section.gutter = Mm(0)
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True
    lang = settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _field(paragraph, instruction: str, placeholder: str, fonts: FontProfile) -> None:
    """A Word field (PAGE): begin, instruction, separate, the shown value, end."""

    def char(kind: str):
        run = paragraph.add_run()
        set_run_fonts(run, fonts.page_number, fonts.page_number, PAGE_NUMBER_PT)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._element.append(el)

    char("begin")
    run = paragraph.add_run()
    set_run_fonts(run, fonts.page_number, fonts.page_number, PAGE_NUMBER_PT)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._element.append(instr)
    char("separate")
    shown = paragraph.add_run(placeholder)
    set_run_fonts(shown, fonts.page_number, fonts.page_number, PAGE_NUMBER_PT)
    char("end")


def _page_number(footer, align, fonts: FontProfile) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.style = "Footer"
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    one_char = Pt(PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = one_char
    else:
        pf.left_indent = one_char
    lead = p.add_run("— ")
    set_run_fonts(lead, fonts.page_number, fonts.page_number, PAGE_NUMBER_PT)
    _field(p, "PAGE", "1", fonts)
    tail = p.add_run(" —")
    set_run_fonts(tail, fonts.page_number, fonts.page_number, PAGE_NUMBER_PT)


# ---------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------


def _para(doc, text: str, style: str, east: str, fonts: FontProfile, size: float = BODY_PT, **fmt):
    p = doc.add_paragraph(style=style)
    if text:
        set_run_fonts(p.add_run(text), east, fonts.latin, size)
    for key, value in fmt.items():
        setattr(p.paragraph_format, key, value)
    return p


def _char_width(text: str, latin: float = 0.5) -> float:
    """Width in characters of the body font: a Chinese character 1, a half-width one ½."""
    return sum(latin if ord(c) < 0x2E80 else 1.0 for c in text)


def _signature(doc, content: Content, fonts: FontProfile) -> None:
    unit = content.issuer
    date = f"{content.date.year}年{content.date.month}月{content.date.day}日"
    w_unit, w_date = _char_width(unit), _char_width(date)
    if w_unit - w_date >= 2:
        unit_right, date_right = 2.0, w_unit - w_date
    else:  # the date is the longer: it keeps two characters, the unit moves left
        date_right = 2.0
        unit_right = w_date + 4 - w_unit
    # 空一行; the unit and the date stay on one page, with the line before them.
    doc.add_paragraph(style="Normal").paragraph_format.keep_with_next = True
    name = STYLE_NAMES["signature"]
    _para(doc, unit, name, fonts.body, fonts, right_indent=Pt(unit_right * BODY_PT), keep_with_next=True)
    _para(doc, date, name, fonts.body, fonts, right_indent=Pt(date_right * BODY_PT))


def _widths(table: Table, size: float) -> list[float]:
    """Column widths in mm over the 156 mm text block: figures at their natural width (they
    never wrap), headers allowed two lines, text columns sharing what is left by their length."""
    char_mm = size * 25.4 / 72
    pad = 5.0  # the cell's own left and right margins, and a little air
    natural, flexible = [], []
    for i, col in enumerate(table.columns):
        texts = [fmt_value(r[i], col) for r in table.rows[:300] if i < len(r)]
        # Figures are set in the Latin font, wider than half a Chinese character.
        body = max([_char_width(t, latin=0.6) for t in texts] + [1.0])
        head = _char_width(col.label) / 2 if _char_width(col.label) > 4 else _char_width(col.label)
        is_text = col.kind == TEXT
        flexible.append(is_text)
        if is_text:
            natural.append(max(min(body, 16.0), head, 2.0) * char_mm + pad)
        else:
            natural.append(max(body, head) * char_mm + pad)
    fixed = sum(w for w, f in zip(natural, flexible, strict=True) if not f)
    loose = sum(w for w, f in zip(natural, flexible, strict=True) if f)
    if fixed + loose <= TEXT_WIDTH_MM:
        spare = TEXT_WIDTH_MM - fixed - loose
        if loose:
            return [w + (spare * w / loose if f else 0) for w, f in zip(natural, flexible, strict=True)]
        return [w * TEXT_WIDTH_MM / fixed for w in natural]
    room = TEXT_WIDTH_MM - fixed
    minimum = 3 * char_mm + pad
    if loose and room >= minimum * sum(flexible):
        return [max(minimum, room * w / loose) if f else w for w, f in zip(natural, flexible, strict=True)]
    total = fixed + loose
    return [w * TEXT_WIDTH_MM / total for w in natural]


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        trpr.append(el)


def _cell_text(cell, text: str, east: str, fonts: FontProfile, size: float, align, style_id: str | None):
    p = cell.paragraphs[0]
    # The id resolved once per table: python-docx's `p.style = name` scans every style of the
    # document for the default on each call, 90 % of a long table's build time.
    p._p.style = style_id
    p.alignment = align
    if text:
        set_run_fonts(p.add_run(text), east, fonts.latin, size, bold=False)


def _table(doc, table: Table, number: int, fonts: FontProfile) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    _para(doc, f"表{number}  {table.title}", STYLE_NAMES["caption"], fonts.heading1, fonts, PAGE_NUMBER_PT)
    size = WIDE_TABLE_PT if len(table.columns) > 6 else TABLE_PT
    style_id = doc.part.get_style_id(STYLE_NAMES["table"], WD_STYLE_TYPE.PARAGRAPH)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _widths(table, size)
    for i, width in enumerate(widths):
        grid.columns[i].width = Mm(width)
    header = grid.rows[0]
    _repeat_header(header)
    for i, col in enumerate(table.columns):
        cell = header.cells[i]
        cell.width = Mm(widths[i])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell, col.label, fonts.heading1, fonts, size, WD_ALIGN_PARAGRAPH.CENTER, style_id)
    for values in table.rows:
        row = grid.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
        cells = row.cells
        for i, col in enumerate(table.columns):
            cell = cells[i]
            cell.width = Mm(widths[i])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            text = fmt_value(values[i] if i < len(values) else None, col)
            align = WD_ALIGN_PARAGRAPH.LEFT if col.kind == TEXT and i == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cell, text, fonts.body, fonts, size, align, style_id)
    if table.note:
        _para(doc, f"注：{table.note}", STYLE_NAMES["note"], fonts.body, fonts, TABLE_PT)
    else:
        doc.add_paragraph(style=STYLE_NAMES["note"])


def _figure(doc, figure: Figure, number: int, fonts: FontProfile) -> None:
    if figure.png is not None:
        p = doc.add_paragraph(style=STYLE_NAMES["caption"])
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.add_run().add_picture(io.BytesIO(figure.png), width=Mm(150))
    _para(doc, f"图{number}  {figure.title}", STYLE_NAMES["caption"], fonts.heading1, fonts, PAGE_NUMBER_PT)
    if figure.png is None:
        _para(doc, f"（图略：{figure.missing_reason}）", STYLE_NAMES["note"], fonts.body, fonts, TABLE_PT)


def _border(paragraph, edges: dict[str, tuple[int, str, int]]) -> None:
    """Rules on a paragraph's edges: edge -> (width in eighths of a point, colour, distance
    from the text in points)."""
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):  # schema order
        if edge not in edges:
            continue
        size, colour, space = edges[edge]
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), str(space))
        el.set(qn("w:color"), colour)
        bdr.append(el)
    ppr.insert_element_before(
        bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def _right_tab(paragraph, position_pt: float) -> None:
    paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(position_pt), alignment=WD_TAB_ALIGNMENT.RIGHT)


def mark_size(mark: str) -> float:
    """The mark's size in points: as large as fits the 156 mm text block, at most 48 pt."""
    width_pt = TEXT_WIDTH_MM * 72 / 25.4
    return float(min(MARK_MAX_PT, int(width_pt / max(_char_width(mark), 1.0))))


def _masthead(doc, masthead: Masthead, fonts: FontProfile) -> None:
    size = mark_size(masthead.mark)
    p = _para(doc, masthead.mark, STYLE_NAMES["mark"], fonts.title, fonts, size)
    p.runs[0].font.color.rgb = RGBColor.from_string(RED)
    p.paragraph_format.line_spacing = Pt(size * 1.15)
    doc.add_paragraph(style="Normal")  # 空二行
    doc.add_paragraph(style="Normal")
    rule = (18, RED, 11)  # 2.25 pt red, about 4 mm below the number line
    if masthead.left or masthead.right:
        if masthead.number:
            _para(doc, masthead.number, STYLE_NAMES["number"], fonts.body, fonts)
        line = doc.add_paragraph(style=STYLE_NAMES["number"])
        line.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _right_tab(line, TEXT_WIDTH_MM * 72 / 25.4)
        set_run_fonts(line.add_run(f"{masthead.left}\t{masthead.right}"), fonts.body, fonts.latin, BODY_PT)
        _border(line, {"bottom": rule})
    else:
        line = _para(doc, masthead.number, STYLE_NAMES["number"], fonts.body, fonts)
        _border(line, {"bottom": rule})
    doc.add_paragraph(style="Normal")  # 标题在分隔线下空二行
    doc.add_paragraph(style="Normal")


def _imprint(doc, imprint: Imprint, fonts: FontProfile) -> None:
    doc.add_paragraph(style="Normal")
    doc.add_paragraph(style="Normal")
    thick, thin = (8, "000000", 1), (6, "000000", 1)  # 0.35 mm and 0.25 mm
    name = STYLE_NAMES["imprint"]
    width = TEXT_WIDTH_MM * 72 / 25.4 - 2 * PAGE_NUMBER_PT
    printed = f"{imprint.printed.year}年{imprint.printed.month}月{imprint.printed.day}日印发"
    if imprint.copy_to:
        copy = _para(doc, f"抄送：{imprint.copy_to}。", name, fonts.body, fonts, PAGE_NUMBER_PT)
        copy.paragraph_format.keep_with_next = True
        _border(copy, {"top": thick, "bottom": thin})
    line = doc.add_paragraph(style=name)
    _right_tab(line, width)
    set_run_fonts(line.add_run(f"{imprint.printer}\t{printed}"), fonts.body, fonts.latin, PAGE_NUMBER_PT)
    _border(line, {"bottom": thick} if imprint.copy_to else {"top": thick, "bottom": thick})


# ---------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------


def _properties(doc, content: Content) -> None:
    props = doc.core_properties
    props.title = content.title
    props.author = content.issuer
    props.last_modified_by = content.issuer
    props.subject = content.subject
    props.keywords = content.keywords
    props.language = "zh-CN"
    props.revision = 1
    props.comments = ""
    if content.created is not None:
        props.created = content.created
        props.modified = content.created


def _drop_thumbnail(doc) -> None:
    """python-docx's template carries a preview picture of an empty page; a reader would see it."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(rid)


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps and attributes: same content, same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(content: Content, fonts: FontProfile = OFFICIAL) -> bytes:
    doc = Document()
    _page(doc)
    _styles(doc, fonts)
    _font_table(doc, fonts)
    _drop_thumbnail(doc)
    section = doc.sections[0]
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, fonts)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, fonts)

    if content.masthead is not None:
        _masthead(doc, content.masthead, fonts)
    for line in content.title.split("\n"):
        _para(doc, line, STYLE_NAMES["title"], fonts.title, fonts, TITLE_PT)
    doc.add_paragraph(style="Normal")  # 标题下空一行
    if content.addressee:
        _para(doc, f"{content.addressee}：", "Normal", fonts.body, fonts, first_line_indent=Pt(0))

    counter = HeadingCounter()
    tables = figures = 0
    for block in content.blocks:
        if isinstance(block, Heading):
            east = {1: fonts.heading1, 2: fonts.heading2}.get(block.level, fonts.body)
            _para(doc, counter.next(block.level) + block.text, STYLE_NAMES[block.level], east, fonts)
        elif isinstance(block, Para):
            p = _para(doc, block.text, "Normal", fonts.body, fonts)
            if not block.indent:
                p.paragraph_format.first_line_indent = Pt(0)
        elif isinstance(block, Note):
            _para(doc, block.text, STYLE_NAMES["note"], fonts.body, fonts, TABLE_PT)
        elif isinstance(block, Table):
            tables += 1
            _table(doc, block, tables, fonts)
        elif isinstance(block, Figure):
            figures += 1
            _figure(doc, block, figures, fonts)
        else:
            raise TypeError(f"unknown block {block!r}")
    _signature(doc, content, fonts)
    if content.imprint is not None:
        _imprint(doc, content.imprint, fonts)
    _properties(doc, content)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())
