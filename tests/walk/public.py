"""Scope-walk entries for the public app: a draft (unpublished) article with a document. Nobody
but the bureau reaches a draft, on the public pages or the publishing pages."""

from __future__ import annotations

import hashlib

from public.models import Article, Attachment


def foreign(world) -> dict:
    draft = Article.objects.create(kind="notice", title="未发布的通知草稿", body="草稿")
    content = b"%PDF-1.4\n%%EOF\n"
    attachment = Attachment.objects.create(
        article=draft,
        name="草稿附件.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    return {"public_draft": draft, "public_draft_file": attachment}


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    "public_article": _pk("public_draft"),
    "public_attachment": _pk("public_draft_file"),
    "public_article_edit": _pk("public_draft"),
    "public_article_publish": _pk("public_draft"),
    "public_article_unpublish": _pk("public_draft"),
    "public_attachment_add": _pk("public_draft"),
    "public_attachment_preview": _pk("public_draft_file"),
    "public_attachment_remove": _pk("public_draft_file"),
    "api:public_article_detail": lambda w: {"article_id": w["public_draft"].pk},
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    return [
        Article.objects.filter(pk=world["public_draft"].pk),
        Attachment.objects.filter(pk=world["public_draft_file"].pk),
    ]
