"""Fixtures of the project module: an open 2023-style call with two categories, experts of the
talent registry linked to expert accounts, and a helper that takes an application through the
steps up to review."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kechuang.core.roles import Role
from rules.idnumber import check_char


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name="申报书.pdf", size=2000) -> SimpleUploadedFile:
    body = b"%PDF-1.7\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def id_number(n: int) -> str:
    body = f"520602198001{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + check_char(body)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def make_expert(db, units, make_user):
    from talent.models import Person

    counter = {"n": 0}

    def make(
        name, organisation="铜仁学院", tags=("锰系材料",), title="教授", max_load=5, username=None, user=None
    ):
        counter["n"] += 1
        n = counter["n"]
        if user is None:
            user = make_user(username or f"exp{n}", Role.EXPERT)
        return Person.objects.create(
            name=name,
            id_number=id_number(n),
            unit=units["520602"],
            organisation=organisation,
            title=title,
            is_expert=True,
            expert_tags=list(tags),
            max_load=max_load,
            user=user,
        )

    return make


@pytest.fixture
def guide(users, units):
    """An open, published call with two categories (key R&D KY, agriculture NY)."""
    from projects.services import guides as svc

    now = timezone.now()
    g = svc.guide_create(
        actor=users["staff"],
        year=2023,
        title="2023年度铜仁市科技计划项目申报指南",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        budget=Decimal("1000"),
        eligibility="在铜仁市注册的企业和高校、科研院所。",
        max_per_applicant=1,
        min_years_registered=1,
    )
    svc.category_create(
        actor=users["staff"],
        guide=g,
        kind="key_rd",
        name="重点研发",
        code="KY",
        budget=Decimal("600"),
        max_funding=Decimal("100"),
        reviewers_per_application=3,
    )
    svc.category_create(
        actor=users["staff"],
        guide=g,
        kind="agriculture",
        name="农业农村",
        code="NY",
        budget=Decimal("300"),
        max_funding=Decimal("50"),
        reviewers_per_application=3,
    )
    svc.guide_publish(actor=users["staff"], guide=g)
    return g


def fill(app, actor):
    """Attach the two required files."""
    from projects.services.applications import attachment_add

    attachment_add(actor=actor, application=app, kind="proposal", uploaded=pdf())
    attachment_add(actor=actor, application=app, kind="licence", uploaded=pdf("营业执照.pdf"))


@pytest.fixture
def make_application(guide, users, enterprises):
    from projects.services import applications as svc

    def make(
        enterprise_key="bijiang",
        category="KY",
        tech_fields=("锰系材料", "新型功能材料"),
        requested="80",
        actor=None,
        **extra,
    ):
        ent = enterprises[enterprise_key]
        actor = actor or users["staff"]
        values = {
            "title": extra.pop("title", f"{ent.name}锰渣资源化利用关键技术研究"),
            "tech_fields": list(tech_fields),
            "leader": extra.pop("leader", "张工"),
            "summary": "研究电解锰渣无害化处理与资源化利用。",
            "requested": Decimal(requested),
            **extra,
        }
        return svc.application_create(
            actor=actor,
            guide=guide,
            category=guide.categories.get(code=category),
            applicant_kind="enterprise",
            enterprise=ent,
            **values,
        )

    return make


def to_review(app, users):
    """Submit, check, recommend (as the bureau for the district) and accept."""
    from kechuang.core.roles import Role as R
    from org.models import User
    from projects.models import Application
    from projects.services import applications as svc

    staff = users["staff"]
    fill(app, staff)
    svc.application_submit(actor=staff, application=app)
    app.refresh_from_db()
    svc.application_formal_check(actor=staff, application=app, passed=True)
    district = User.objects.filter(grants__role=R.DISTRICT, grants__unit=app.unit).first()
    if district is None:
        from org.services import user_create

        district = user_create(username=f"d-{app.unit.code}", password=None, role=R.DISTRICT, unit=app.unit)
    svc.application_recommend(actor=district, application=app, recommended=True)
    svc.application_accept(actor=staff, application=app)
    return Application.objects.get(pk=app.pk)
