"""The call guide and a project's task book (任务书) as .docx files in the official-document style (GB/T 9704): title in 小标宋 二号,
body in 仿宋_GB2312 三号, first-level headings in 黑体, second-level in 楷体, Chinese headings."""

from __future__ import annotations

import io

from django.utils import timezone

from projects.models import ApplicantKind, CallGuide, Project

__all__ = ["CN_NUMBERS", "guide_docx", "task_book_docx"]

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


def _document():
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    for section in doc.sections:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    return doc


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _font(cell.paragraphs[0].add_run(text), "黑体", 12)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 12)


def task_book_docx(project: Project) -> bytes:
    """The task book of an approved project: who undertakes it, the period, the city funding and
    the own funding, the assessment indicators, the tranches and the milestones — what the
    acceptance checks against."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = _document()
    title = doc.add_heading(level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("铜仁市科技计划项目任务书"), "方正小标宋简体", 22)
    due = project.extended_to or project.ends_on
    for label, value in (
        ("项目编号", project.number),
        ("项目名称", project.title),
        ("项目类别", project.category.name if project.category_id else project.get_kind_display()),
        ("承担单位", project.undertaker),
        ("项目负责人", project.leader or "—"),
        ("所在区(县)", project.unit.name),
        ("立项日期", f"{project.approved_on:%Y年%m月%d日}"),
        ("实施期限", f"{project.starts_on:%Y年%m月%d日}至{due:%Y年%m月%d日}"),
        ("市级财政资金", f"{_money(project.budget)}万元"),
        ("自筹资金", f"{_money(project.self_funding)}万元"),
        ("任务书编号", project.contract_no or "—"),
    ):
        _para(doc, f"{label}:{value}", indent=False)

    heading = 0

    def h1(text):
        nonlocal heading
        heading += 1
        p = doc.add_heading(level=1)
        _font(p.add_run(f"{_cn(heading)}、{text}"), "黑体", 16)

    h1("考核指标")
    indicators = list(project.indicators.all())
    if indicators:
        _table(
            doc,
            ["序号", "指标", "目标值", "计量单位", "说明"],
            [
                [
                    str(n),
                    i.name,
                    _money(i.target) if i.target is not None else "—",
                    i.measure or "—",
                    i.description or "",
                ]
                for n, i in enumerate(indicators, start=1)
            ],
        )
    else:
        _para(doc, "(未设定考核指标)")

    h1("资金拨付计划")
    tranches = list(project.tranches.select_related("milestone").order_by("seq"))
    _table(
        doc,
        ["批次", "金额(万元)", "计划拨付", "前置节点", "状态"],
        [
            [
                f"第{_cn(t.seq)}批",
                _money(t.amount),
                f"{t.planned_on:%Y-%m-%d}",
                t.milestone.title if t.milestone_id else "—",
                str(t.get_status_display()),
            ]
            for t in tranches
        ],
    )
    total = sum((t.amount for t in tranches), project.budget * 0)
    _para(doc, f"合计{_money(total)}万元。", indent=False)

    milestones = list(project.milestones.order_by("due_on", "id"))
    if milestones:
        h1("进度节点与检查")
        _table(
            doc,
            ["节点", "类型", "时间", "结果"],
            [
                [m.title, str(m.get_kind_display()), f"{m.due_on:%Y-%m-%d}", str(m.get_status_display())]
                for m in milestones
            ],
        )

    h1("验收")
    _para(
        doc,
        f"项目应于{due:%Y年%m月%d日}前完成全部任务并申请验收;验收按本任务书考核指标逐项核查,"
        "结论分为通过、不通过、延期和终止。到期未申请验收的,纳入到期未验收项目清理。",
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
