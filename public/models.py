"""Public pages (门户): news (科技动态), notices (通知公告) and policies (政策文件) with attached
documents. Anonymous visitors read what is published and nothing else; signed-in users read the
published items too; the bureau keeps drafts and publishes.

Attachments are stored in the database, so `kechuang backup` copies them with everything else."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec

__all__ = ["Article", "ArticleKind", "Attachment"]


class ArticleKind(models.TextChoices):
    NEWS = "news", _("S&T news")
    NOTICE = "notice", _("Notice")
    POLICY = "policy", _("Policy")


class Article(BaseModel):
    """One news item, notice or policy. Anonymous visitors see it once published."""

    kind = models.CharField(_("kind"), max_length=8, choices=ArticleKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    issuer = models.CharField(_("issuing authority"), max_length=100, blank=True)
    document_no = models.CharField(_("document number"), max_length=100, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )

    # No unit: the bureau writes; every signed-in user and every visitor reads what is published.
    scope = ScopeSpec(shared=Q(published=True), public=Q(published=True))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("public article")
        verbose_name_plural = _("public articles")

    def __str__(self) -> str:
        return self.title


class Attachment(BaseModel):
    """A document attached to an article (a policy's full text, a notice's forms)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("article")
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))

    scope = ScopeSpec(shared=Q(article__published=True), public=Q(article__published=True))

    class Meta:
        ordering = ["article", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
