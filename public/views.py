"""Public pages, readable without signing in, and the bureau's pages that keep them.

The public pages show exactly what an anonymous visitor may read (`for_user` of an anonymous
user), whoever looks; drafts are previewed on the bureau's pages under /publishing/."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of
from public import services
from public.forms import ArticleForm, AttachmentForm
from public.models import Article, ArticleKind, Attachment
from public.registry import public_lists

ANONYMOUS = AnonymousUser()
KIND_PAGES = {
    ArticleKind.NEWS: ("public_news", _("S&T news")),
    ArticleKind.NOTICE: ("public_notices", _("Notices")),
    ArticleKind.POLICY: ("public_policies", _("Policies")),
}


def _published():
    return Article.objects.for_user(ANONYMOUS)


# Public pages ----------------------------------------------------------------------------------


@require_safe
def index(request):
    sections = [
        (label, url_name, list(_published().filter(kind=kind).order_by("-published_at", "-id")[:8]))
        for kind, (url_name, label) in KIND_PAGES.items()
    ]
    others = [(lst, lst.entries()) for lst in public_lists()]
    return render(request, "public/index.html", {"sections": sections, "others": others})


def _kind_list(request, kind):
    url_name, label = KIND_PAGES[kind]
    qs = _published().filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(document_no__icontains=q) | Q(body__icontains=q))
    page = Paginator(qs.order_by("-published_at", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "public/list.html", {"page": page, "label": label, "kind": kind, "q": q})


@require_safe
def news(request):
    return _kind_list(request, ArticleKind.NEWS)


@require_safe
def notices(request):
    return _kind_list(request, ArticleKind.NOTICE)


@require_safe
def policies(request):
    return _kind_list(request, ArticleKind.POLICY)


@require_safe
def article(request, pk: int):
    item = get_scoped_or_404(Article, ANONYMOUS, pk=pk)
    url_name, label = KIND_PAGES[item.kind]
    return render(
        request,
        "public/article.html",
        {
            "article": item,
            "attachments": item.attachments.defer("content"),
            "label": label,
            "list_url": url_name,
        },
    )


def _download(attachment: Attachment) -> HttpResponse:
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    # Always a download, never rendered in the browser; the name in RFC 6266 form for Chinese names.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def attachment(request, pk: int):
    return _download(get_scoped_or_404(Attachment, ANONYMOUS, pk=pk))


# The bureau's pages -----------------------------------------------------------------------------


def _bureau(request) -> None:
    """Anyone but the bureau (admin, staff) finds no such page."""
    if not scope_of(request.user).sees_all(CHANGE):
        raise Http404


@require_safe
@login_required
def manage(request):
    _bureau(request)
    qs = Article.objects.for_user(request.user, CHANGE)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind:
        qs = qs.filter(kind=kind)
    if status in ("published", "draft"):
        qs = qs.filter(published=status == "published")
    page = Paginator(qs.order_by("-updated", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "public/manage.html",
        {"page": page, "kinds": ArticleKind.choices, "filters": {"kind": kind, "status": status}},
    )


@require_http_methods(["GET", "POST"])
@login_required
def article_create(request):
    _bureau(request)
    form = ArticleForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        item = services.article_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Draft saved. It is not public until you publish it."))
        return redirect("public_article_edit", pk=item.pk)
    return render(request, "public/article_form.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request, pk: int):
    item = get_scoped_or_404(Article, request.user, CHANGE, pk=pk)
    _bureau(request)
    form = ArticleForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.article_update(actor=request.user, article=item, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("public_article_edit", pk=pk)
    return render(
        request,
        "public/article_form.html",
        {
            "form": form,
            "article": item,
            "attachments": item.attachments.defer("content"),
            "attachment_form": AttachmentForm(),
        },
    )


@require_POST
@login_required
def article_publish(request, pk: int):
    item = get_scoped_or_404(Article, request.user, CHANGE, pk=pk)
    _bureau(request)
    services.article_publish(actor=request.user, article=item, request=request)
    messages.success(request, _("Published: anyone can now read it on the public pages."))
    return redirect("public_article_edit", pk=pk)


@require_POST
@login_required
def article_unpublish(request, pk: int):
    item = get_scoped_or_404(Article, request.user, CHANGE, pk=pk)
    _bureau(request)
    services.article_unpublish(actor=request.user, article=item, request=request)
    messages.success(request, _("Withdrawn from the public pages."))
    return redirect("public_article_edit", pk=pk)


@require_POST
@login_required
def attachment_add(request, pk: int):
    item = get_scoped_or_404(Article, request.user, CHANGE, pk=pk)
    _bureau(request)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_ATTACHMENT:
            messages.error(request, _("%(name)s is larger than 20 MB.") % {"name": upload.name})
        else:
            try:
                services.attachment_add(
                    actor=request.user, article=item, name=upload.name, content=upload.read()
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Document attached."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("public_article_edit", pk=pk)


@require_POST
@login_required
def attachment_remove(request, pk: int):
    item = get_scoped_or_404(Attachment.objects.select_related("article"), request.user, CHANGE, pk=pk)
    _bureau(request)
    services.attachment_remove(actor=request.user, attachment=item)
    messages.success(request, _("Document removed."))
    return redirect("public_article_edit", pk=item.article_id)


@require_safe
@login_required
def attachment_preview(request, pk: int):
    """The bureau downloads a draft's document before publishing it."""
    item = get_scoped_or_404(Attachment, request.user, CHANGE, pk=pk)
    _bureau(request)
    return _download(item)
