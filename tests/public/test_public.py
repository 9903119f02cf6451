"""Public pages: news, notices and policies with documents; drafts never public; only the bureau
writes; publishing is audited; uploads checked; the registry lists call guides and challenge
lists when the projects app provides them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kechuang.core.models import Event, EventAction
from org.models import ApiToken
from public import services
from public.demo import demo_pdf
from public.models import Article, Attachment
from public.registry import public_lists

PDF = demo_pdf("test")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def articles(users):
    staff = users["staff"]
    policy = services.article_create(
        actor=staff,
        data={
            "kind": "policy",
            "title": "铜仁市高新技术企业培育办法",
            "body": "第一条……",
            "document_no": "铜市科发〔2023〕1号",
        },
    )
    services.attachment_add(actor=staff, article=policy, name="培育办法.pdf", content=PDF)
    services.article_publish(actor=staff, article=policy)
    draft = services.article_create(
        actor=staff, data={"kind": "notice", "title": "草稿通知", "body": "未定稿"}
    )
    services.attachment_add(actor=staff, article=draft, name="草稿附件.pdf", content=PDF)
    news = services.article_create(
        actor=staff, data={"kind": "news", "title": "科技动态一则", "body": "正文"}
    )
    services.article_publish(actor=staff, article=news)
    return {
        "policy": Article.objects.get(pk=policy.pk),
        "draft": draft,
        "news": Article.objects.get(pk=news.pk),
    }


@pytest.mark.django_db
def test_anonymous_reads_published_items_and_their_documents(articles):
    client = Client()
    index = client.get("/public/").content.decode()
    assert "铜仁市高新技术企业培育办法" in index and "科技动态一则" in index and "草稿通知" not in index
    policies = client.get("/public/policies/").content.decode()
    assert "铜仁市高新技术企业培育办法" in policies and "铜市科发〔2023〕1号" in policies
    assert "科技动态一则" not in policies
    page = client.get(f"/public/articles/{articles['policy'].pk}/")
    assert page.status_code == 200 and "培育办法.pdf" in page.content.decode()
    document = articles["policy"].attachments.get()
    download = client.get(f"/public/files/{document.pk}/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")


@pytest.mark.django_db
def test_drafts_are_404_for_everyone_on_the_public_pages(articles, users):
    draft = articles["draft"]
    document = draft.attachments.get()
    for client in (Client(), login(users["district"]), login(users["staff"])):
        assert client.get(f"/public/articles/{draft.pk}/").status_code == 404
        assert client.get(f"/public/files/{document.pk}/").status_code == 404
    assert Client().get("/public/articles/999999/").status_code == 404


@pytest.mark.django_db
def test_search_on_a_public_list(articles):
    body = Client().get("/public/policies/", {"q": "铜市科发"}).content.decode()
    assert "培育办法" in body
    assert "培育办法" not in Client().get("/public/policies/", {"q": "没有这个"}).content.decode()


@pytest.mark.django_db
def test_only_the_bureau_writes(articles, users):
    for role in ("district", "leader", "expert", "enterprise"):
        with pytest.raises(PermissionDenied):
            services.article_create(actor=users[role], data={"kind": "news", "title": "x", "body": "y"})
        client = login(users[role])
        assert client.get("/publishing/").status_code == 404
        assert client.get("/publishing/new/").status_code == 404
        assert client.post("/publishing/new/", {"kind": "news", "title": "x", "body": "y"}).status_code == 404
        # A published item is readable, but not editable.
        assert client.get(f"/publishing/{articles['policy'].pk}/").status_code == 404
        assert client.post(f"/publishing/{articles['policy'].pk}/unpublish/").status_code == 404
    assert Article.objects.get(pk=articles["policy"].pk).published


@pytest.mark.django_db
def test_bureau_drafts_publishes_and_withdraws(users):
    client = login(users["staff"])
    response = client.post("/publishing/new/", {"kind": "notice", "title": "关于申报的通知", "body": "正文"})
    article = Article.objects.get(title="关于申报的通知")
    assert response["Location"] == f"/publishing/{article.pk}/" and not article.published
    assert Client().get(f"/public/articles/{article.pk}/").status_code == 404
    client.post(f"/publishing/{article.pk}/publish/")
    assert Client().get(f"/public/articles/{article.pk}/").status_code == 200
    client.post(f"/publishing/{article.pk}/unpublish/")
    assert Client().get(f"/public/articles/{article.pk}/").status_code == 404
    steps = list(
        Event.objects.filter(action=EventAction.WORKFLOW, object_id=str(article.pk)).values_list(
            "message", flat=True
        )
    )
    assert sorted(steps) == ["published", "withdrawn"]
    # Editing cannot publish through the back door.
    client.post(
        f"/publishing/{article.pk}/", {"kind": "notice", "title": "改名", "body": "正文", "published": "on"}
    )
    article.refresh_from_db()
    assert article.title == "改名" and not article.published


@pytest.mark.django_db
def test_uploads_are_checked(articles, users):
    client = login(users["staff"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    pk = articles["draft"].pk
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    body = client.post(f"/publishing/{pk}/files/", {"file": fake}, follow=True).content.decode()
    assert "policy.pdf is not a real .pdf file." in body
    script = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    body = client.post(f"/publishing/{pk}/files/", {"file": script}, follow=True).content.decode()
    assert "x.html: only these kinds of file can be attached" in body
    good = SimpleUploadedFile("表格.xlsx", b"PK\x03\x04rest", content_type="application/octet-stream")
    client.post(f"/publishing/{pk}/files/", {"file": good})
    assert list(Attachment.objects.filter(article_id=pk).order_by("id").values_list("name", flat=True)) == [
        "草稿附件.pdf",
        "表格.xlsx",
    ]
    # The bureau previews a draft's document; removing it is a POST.
    draft_file = Attachment.objects.get(name="表格.xlsx")
    assert client.get(f"/publishing/files/{draft_file.pk}/").content == b"PK\x03\x04rest"
    client.post(f"/publishing/files/{draft_file.pk}/remove/")
    assert not Attachment.objects.filter(name="表格.xlsx").exists()


@pytest.mark.django_db
def test_api_follows_the_scope(articles, users):
    def bearer(user):
        _t, raw = ApiToken.issue(user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    district = bearer(users["district"]).get("/api/v1/public/articles").json()
    assert district["count"] == 2 and {a["title"] for a in district["items"]} == {
        "铜仁市高新技术企业培育办法",
        "科技动态一则",
    }
    assert bearer(users["staff"]).get("/api/v1/public/articles").json()["count"] == 3
    assert bearer(users["district"]).get(f"/api/v1/public/articles/{articles['draft'].pk}").status_code == 404
    detail = bearer(users["district"]).get(f"/api/v1/public/articles/{articles['policy'].pk}").json()
    assert detail["attachments"][0]["name"] == "培育办法.pdf" and "content" not in detail["attachments"][0]
    assert Client().get("/api/v1/public/articles").status_code == 401


@pytest.mark.django_db
def test_registry_lists_only_what_the_public_may_read(articles):
    """Published call guides and challenge lists appear when the projects app has them; what
    it cannot show publicly never appears."""
    for lst in public_lists():
        for title, _url, _day in lst.entries():
            assert title != "草稿通知"
    index = Client().get("/public/")
    assert index.status_code == 200


@pytest.mark.django_db
def test_demo_pages(plan):
    import random

    from public import demo

    counts = demo.build(random.Random(1))
    assert counts["public_articles"] == len(demo.ARTICLES)
    published = Article.objects.filter(published=True).count()
    assert 0 < published < counts["public_articles"]
    assert all(
        a.content.tobytes().startswith(b"%PDF-")
        if hasattr(a.content, "tobytes")
        else bytes(a.content).startswith(b"%PDF-")
        for a in Attachment.objects.all()
    )
    assert demo.demo_pdf("x") == demo.demo_pdf("x")
