"""Business actions on the public pages: drafting, publishing and attaching documents. Only the
bureau (admin, staff) writes; publishing and withdrawing are audited workflow steps."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of
from public.models import Article, Attachment

__all__ = [
    "ALLOWED_FILES",
    "MAX_ATTACHMENT",
    "article_create",
    "article_publish",
    "article_unpublish",
    "article_update",
    "attachment_add",
    "attachment_remove",
]

MAX_ATTACHMENT = 20 * 1024 * 1024
# Extension → (content type, leading bytes the file must start with).
ALLOWED_FILES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".wps": ("application/vnd.ms-works", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def _require_bureau(actor) -> None:
    if not scope_of(actor).sees_all(CHANGE):
        raise PermissionDenied(_("Only the bureau edits the public pages."))


def _save(article: Article, data: dict[str, Any]) -> Article:
    for name, value in data.items():
        setattr(article, name, value)
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_create(*, actor, data: dict[str, Any]) -> Article:
    """A draft; nothing is public until it is published."""
    _require_bureau(actor)
    return _save(Article(author=actor, published=False), data)


@transaction.atomic
def article_update(*, actor, article: Article, data: dict[str, Any]) -> Article:
    _require_bureau(actor)
    data = {k: v for k, v in data.items() if k not in ("published", "published_at", "author")}
    return _save(article, data)


@transaction.atomic
def article_publish(*, actor, article: Article, request=None) -> Article:
    _require_bureau(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not article.published:
        article.published = True
        article.published_at = timezone.now()
        article.save(update_fields=["published", "published_at", "updated"])
        record_event(EventAction.WORKFLOW, actor=actor, request=request, obj=article, message="published")
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article, request=None) -> Article:
    _require_bureau(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.published:
        article.published = False
        article.save(update_fields=["published", "updated"])
        record_event(EventAction.WORKFLOW, actor=actor, request=request, obj=article, message="withdrawn")
    return article


def _check_file(name: str, head: bytes, size: int) -> str:
    """The content type for an allowed file, or a ValidationError naming what is wrong."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ALLOWED_FILES:
        raise ValidationError(
            _("%(name)s: only these kinds of file can be attached: %(kinds)s")
            % {"name": name, "kinds": " ".join(sorted(ALLOWED_FILES))}
        )
    if size > MAX_ATTACHMENT:
        raise ValidationError(_("%(name)s is larger than 20 MB.") % {"name": name})
    content_type, magic = ALLOWED_FILES[suffix]
    if not head.startswith(magic):
        raise ValidationError(_("%(name)s is not a real %(suffix)s file.") % {"name": name, "suffix": suffix})
    return content_type


@transaction.atomic
def attachment_add(*, actor, article: Article, name: str, content: bytes) -> Attachment:
    _require_bureau(actor)
    name = name.replace("/", "_").replace("\\", "_").strip()[:200] or "file"
    content_type = _check_file(name, content[:16], len(content))
    return Attachment.objects.create(
        article=article,
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    _require_bureau(actor)
    attachment.delete()
