"""Public-pages API: the articles a caller may read (signed-in users the published ones, the
bureau drafts too); attachments listed by name, size and hash."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from kechuang.core.api import ListPagination
from kechuang.core.scope import get_scoped_or_404
from public.models import Article

PREFIX = "/public"
router = Router(tags=["public"])


class ArticleOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    document_no: str
    published: bool
    published_at: dt.datetime | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class ArticleDetailOut(ArticleOut):
    body: str
    source: str
    issuer: str
    effective_on: dt.date | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.defer("content"))


@router.get("/articles", response=list[ArticleOut], url_name="public_article_list")
@paginate(ListPagination)
def article_list(request, kind: str | None = None, published: bool | None = None):
    qs = Article.objects.for_user(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if published is not None:
        qs = qs.filter(published=published)
    return qs.order_by("-id")


@router.get("/articles/{int:article_id}", response=ArticleDetailOut, url_name="public_article_detail")
def article_detail(request, article_id: int):
    return get_scoped_or_404(Article, request.user, pk=article_id)
