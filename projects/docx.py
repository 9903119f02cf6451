"""The call guide as a .docx in the official-document style (GB/T 9704): title in 小标宋 二号,
body in 仿宋_GB2312 三号, first-level headings in 黑体, second-level in 楷体, Chinese headings."""

from __future__ import annotations

import io

from django.utils import timezone

from projects.models import ApplicantKind, CallGuide

__all__ = ["CN_NUMBERS", "guide_docx"]

CN_NUMBERS = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(
    doc,
    text: str,
    font: str = "仿宋_GB2312",
    size: float = 16,
    bold: bool = False,
    indent: bool = True,
    align=None,
    style=None,
):
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


def _money(value) -> str:
    return f"{value.normalize():f}"


def guide_docx(guide: CallGuide) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Document()
    for section in doc.sections:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    title = doc.add_heading(level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(guide.title), "方正小标宋简体", 22)
    if guide.introduction:
        for line in guide.introduction.splitlines():
            if line.strip():
                _para(doc, line.strip())

    heading = 0

    def h1(text):
        nonlocal heading
        heading += 1
        p = doc.add_heading(level=1)
        _font(p.add_run(f"{_cn(heading)}、{text}"), "黑体", 16)

    h1("申报类别与支持方向")
    for n, cat in enumerate(guide.categories.all(), start=1):
        p = doc.add_heading(level=2)
        _font(p.add_run(f"({_cn(n)}){cat.name}"), "楷体_GB2312", 16)
        kinds = "、".join(str(ApplicantKind(k).label) for k in cat.applicant_kinds or [])
        _para(
            doc,
            f"本类别安排资金{_money(cat.budget)}万元,单个项目支持额度不超过{_money(cat.max_funding)}万元。"
            + (f"申报主体:{kinds}。" if kinds else ""),
        )
        if cat.description:
            _para(doc, cat.description)
        for m, sec in enumerate(cat.sections.all(), start=1):
            _para(doc, f"{m}. {sec.title}", bold=True)
            for line in sec.content.splitlines():
                if line.strip():
                    _para(doc, line.strip())
        rubric = "、".join(f"{i['label']}({i['max']}分)" for i in cat.rubric or [])
        if rubric:
            _para(doc, f"评审要点:{rubric}。")

    h1("申报条件")
    for line in (guide.eligibility or "").splitlines():
        if line.strip():
            _para(doc, line.strip())
    _para(
        doc,
        f"同一申报单位限报{guide.max_per_applicant}项;企业须在本市注册成立满{guide.min_years_registered}年。",
    )

    h1("申报时间")
    opens = timezone.localtime(guide.opens_at)
    closes = timezone.localtime(guide.closes_at)
    _para(
        doc,
        f"网上申报时间为{opens:%Y年%m月%d日%H:%M}至{closes:%Y年%m月%d日%H:%M}(北京时间),逾期系统不再受理。",
    )

    h1("申报程序")
    for line in (
        "(一)网上填报。申报单位登录铜仁市科技项目管理系统填写申报书,上传申报材料(PDF、Word、Excel、JPG、PNG格式,单个文件不超过20MB)。",
        "(二)形式审查。对申报材料的完整性、申报资格进行形式审查,不符合要求的退回并说明理由。",
        "(三)区县推荐。各区(县)科技主管部门审核后择优推荐;市直单位直接报送市科学技术局。",
        "(四)专家评审。市科学技术局组织专家评审,实行利益回避,评审结果按程序公示。",
        "(五)立项实施。经审定后下达项目任务书,按任务书考核指标实施、拨付资金和验收。",
    ):
        _para(doc, line)

    if guide.contact:
        h1("联系方式")
        _para(doc, guide.contact)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
