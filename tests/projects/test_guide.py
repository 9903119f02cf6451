"""The call guide: sections drafted from technology demands (marked in_guide), publication rules,
the public page (anonymous visitors reach published guides only) and the .docx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from enterprises.models import DemandStatus, TechDemand
from projects.access import Refused
from projects.models import CallGuide
from projects.services import guides as svc
from tests.projects.conftest import login


@pytest.fixture
def demands(units, enterprises):
    return [
        TechDemand.objects.create(
            unit=units["520603"],
            enterprise=enterprises["wanshan"],
            title="电解锰渣无害化处理",
            field="新材料",
            description="锰渣中可溶性锰和氨氮的无害化处理技术。",
            budget=Decimal("300"),
            collected_on=dt.date(2023, 2, 10),
        ),
        TechDemand.objects.create(
            unit=units["520602"],
            title="茶叶深加工",
            field="农产品加工",
            description="抹茶生产线工艺优化。",
            collected_on=dt.date(2023, 2, 20),
        ),
    ]


@pytest.mark.django_db
def test_sections_from_demands_mark_them_in_guide(users, guide, demands):
    staff = login(users["staff"])
    category = guide.categories.get(code="KY")
    r = staff.post(
        f"/projects/guides/{guide.pk}/sections/draft/",
        {"category": category.pk, "demands": [d.pk for d in demands]},
    )
    assert r.status_code == 302
    sections = {s.demand_id: s for s in guide.sections.all()}
    assert {s.title for s in sections.values()} == {"电解锰渣无害化处理", "茶叶深加工"}
    assert "万山测试企业" in sections[demands[0].pk].content and "300" in sections[demands[0].pk].content
    for d in demands:
        d.refresh_from_db()
        assert d.status == DemandStatus.IN_GUIDE
    # removing the only section of a demand gives it back to the collected list
    staff.post(f"/projects/sections/{sections[demands[1].pk].pk}/delete/")
    demands[1].refresh_from_db()
    assert demands[1].status == DemandStatus.COLLECTED
    # a district cannot draft the guide
    assert (
        login(users["district"]).post(f"/projects/guides/{guide.pk}/sections/draft/", {}).status_code == 404
    )


@pytest.mark.django_db
def test_publication_rules(users):
    now = timezone.now()
    g = svc.guide_create(
        actor=users["staff"],
        year=2024,
        title="2024年度指南",
        opens_at=now,
        closes_at=now + dt.timedelta(days=30),
        budget=Decimal("100"),
    )
    with pytest.raises(Refused, match="类别|category"):
        svc.guide_publish(actor=users["staff"], guide=g)
    with pytest.raises(Refused) as exc:
        svc.category_create(
            actor=users["staff"],
            guide=g,
            kind="key_rd",
            name="重点研发",
            code="KY",
            budget=Decimal("150"),
            max_funding=Decimal("200"),
            rubric=[{"key": "a", "label": "创新性", "max": 60}],
        )
    assert (
        len(exc.value.messages) == 3
    )  # the rubric is not 100, the cap exceeds the budget, over the guide's budget
    with pytest.raises(PermissionError):
        svc.guide_create(actor=users["district"], year=2025, title="x", opens_at=now, closes_at=now, budget=1)
    with pytest.raises(Refused):
        svc.guide_create(
            actor=users["staff"],
            year=2024,
            title="again",
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            budget=1,
        )


@pytest.mark.django_db
def test_anonymous_reads_published_guides_only(users, guide):
    anonymous = Client()
    body = anonymous.get("/projects/guide/2023/").content.decode()
    assert guide.title in body and "重点研发" in body
    draft = CallGuide.objects.create(
        year=2024,
        title="未发布的指南",
        unit=guide.unit,
        opens_at=guide.opens_at,
        closes_at=guide.closes_at,
        budget=Decimal("1"),
    )
    for url in ("/projects/guide/2024/", "/projects/guide/2024/guide.docx"):
        assert anonymous.get(url).status_code == 404
        assert login(users["enterprise"]).get(url).status_code == 404
    assert (
        login(users["staff"]).get("/projects/guide/2024/").status_code == 200
    )  # the bureau previews its draft
    assert draft.title not in anonymous.get("/projects/public/").content.decode()
    assert guide.title in anonymous.get("/projects/public/").content.decode()
    # the management pages are not public
    assert anonymous.get(f"/projects/guides/{guide.pk}/").status_code == 302
    assert anonymous.get("/api/v1/projects/guides").status_code == 401


@pytest.mark.django_db
def test_docx_has_chinese_headings(users, guide, demands):
    from docx import Document

    svc.guide_sections_draft(
        actor=users["staff"], guide=guide, category=guide.categories.get(code="KY"), demands=demands[:1]
    )
    response = Client().get("/projects/guide/2023/guide.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == guide.title
    assert "一、申报类别与支持方向" in headings and "二、申报条件" in headings and "三、申报时间" in headings
    assert "(一)重点研发" in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "电解锰渣无害化处理" in text and "单个项目支持额度不超过100万元" in text
    assert timezone.localtime(guide.closes_at).strftime("%Y年%m月%d日%H:%M") in text
