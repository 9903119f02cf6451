"""Demo public pages: news, notices and policies of the 2023 plan's year, some still drafts, the
policies with a small attached document."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from org.models import User
from public.models import Article, ArticleKind, Attachment

ORDER = 50

__all__ = ["ARTICLES", "ORDER", "build", "demo_pdf"]

TZ = ZoneInfo("Asia/Shanghai")
BUREAU = "铜仁市科学技术局"

# (kind, title, published date or None for a draft, document number, summary)
ARTICLES = [
    (
        ArticleKind.NEWS,
        "市科技局召开2023年全市科技工作会议",
        dt.date(2023, 2, 16),
        "",
        "会议部署2023年科技创新“七大行动”和全年目标任务。",
    ),
    (
        ArticleKind.NEWS,
        "2023年市级科技特派员选派工作启动",
        dt.date(2023, 3, 10),
        "",
        "全年计划选派市级科技特派员80人次，服务乡村振兴和企业创新。",
    ),
    (
        ArticleKind.NEWS,
        "松山湖材料实验室铜仁离岸孵化基地共建协议签订",
        dt.date(2023, 7, 7),
        "",
        "推动“广东研发+铜仁转化”“广东孵化+铜仁产业化”。",
    ),
    (
        ArticleKind.NEWS,
        "我市新认定3个市级科技创新平台",
        dt.date(2023, 11, 28),
        "",
        "涵盖锂电池正负极材料、特色农产品精深加工和新型功能材料等领域。",
    ),
    (
        ArticleKind.NOTICE,
        "关于组织申报2023年度高新技术企业认定的通知",
        dt.date(2023, 4, 3),
        "铜市科通〔2023〕12号",
        "请各区（县）科技部门组织辖区企业按时申报。",
    ),
    (
        ArticleKind.NOTICE,
        "关于开展2023年度科技型中小企业评价入库工作的通知",
        dt.date(2023, 3, 20),
        "铜市科通〔2023〕9号",
        "符合条件的企业可自主在线填报，区（县）科技部门做好指导服务。",
    ),
    (
        ArticleKind.NOTICE,
        "关于征集2023年度市级科技计划项目技术需求的通知",
        dt.date(2023, 2, 28),
        "铜市科通〔2023〕6号",
        "征集技术需求不少于30项，作为编制申报指南的依据。",
    ),
    (
        ArticleKind.NOTICE,
        "关于公布2023年度市级科技特派员选派名单的通知",
        dt.date(2023, 3, 28),
        "铜市科通〔2023〕10号",
        "名单已经市科技局审定，请各服务对象做好对接。",
    ),
    (ArticleKind.NOTICE, "关于组织申报2024年度市级科技计划项目的通知（征求意见稿）", None, "", ""),
    (
        ArticleKind.POLICY,
        "科技创新引领经济社会高质量发展若干措施",
        dt.date(2022, 12, 20),
        "铜府办发〔2022〕35号",
        "实施科技创新“七大行动”，提高科技赋能经济社会高质量发展水平。",
    ),
    (
        ArticleKind.POLICY,
        "关于支持新型研发机构建设的若干政策措施办法（试行）",
        dt.date(2022, 9, 15),
        "铜市科发〔2022〕21号",
        "支持高校、科研院所与企业共建新型研发机构。",
    ),
    (ArticleKind.POLICY, "铜仁市高新技术企业培育办法（试行）", None, "", "（起草中）"),
    (ArticleKind.POLICY, "铜仁市技术榜单管理实施细则", None, "", "（起草中）"),
]


def demo_pdf(label: str) -> bytes:
    """A one-page PDF with an ASCII line, byte for byte the same every time."""
    text = label.encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def build(rng, password_hash: str | None = None) -> dict[str, int]:
    author = User.objects.filter(username="staff").first()
    articles = attachments = 0
    for i, (kind, title, day, number, summary) in enumerate(ARTICLES, start=1):
        published_at = dt.datetime.combine(day, dt.time(9, rng.randint(0, 59)), tzinfo=TZ) if day else None
        body = (
            f"{summary}\n\n{title}。具体内容详见附件或咨询{BUREAU}相关科室。"
            if summary
            else f"{title}（草稿）"
        )
        article = Article.objects.create(
            kind=kind,
            title=title,
            summary=summary,
            body=body,
            source=BUREAU,
            issuer=BUREAU if kind != ArticleKind.NEWS else "",
            document_no=number,
            effective_on=day if kind == ArticleKind.POLICY else None,
            published=day is not None,
            published_at=published_at,
            author=author,
        )
        articles += 1
        if kind != ArticleKind.NEWS and day is not None:
            content = demo_pdf(f"Tongren S&T Bureau - demo document {i} ({day.isoformat()})")
            Attachment.objects.create(
                article=article,
                name=f"{title[:40]}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
            )
            attachments += 1
    return {"public_articles": articles, "public_attachments": attachments}
