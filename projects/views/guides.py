"""Call guides: the bureau's drafting pages, the public page and the .docx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404
from projects.access import Refused, is_bureau
from projects.docx import guide_docx
from projects.forms import CategoryForm, DraftSectionsForm, GuideForm, SectionForm
from projects.models import (
    ApplicationStatus,
    CallGuide,
    ChallengeList,
    GuideCategory,
    GuideSection,
    ReviewRound,
)
from projects.services import guides as svc
from projects.views.common import refused, steps_404


@require_safe
@login_required
def guide_list(request):
    guides = CallGuide.objects.for_user(request.user).annotate(n_apps=Count("applications"))
    return render(
        request, "projects/guide_list.html", {"guides": guides, "can_create": is_bureau(request.user)}
    )


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def guide_create(request):
    if not is_bureau(request.user):
        raise PermissionError
    form = GuideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year = data.pop("year")
        try:
            guide = svc.guide_create(actor=request.user, year=year, **data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("The guide was created; add its categories."))
            return redirect("projects_guide_detail", pk=guide.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": _("New call guide"), "back": "projects_guide_list"},
    )


@require_safe
@login_required
def guide_detail(request, pk: int):
    guide = get_scoped_or_404(CallGuide, request.user, pk=pk)
    bureau = is_bureau(request.user)
    categories = list(guide.categories.prefetch_related("sections__demand"))
    context = {"guide": guide, "categories": categories, "bureau": bureau}
    if bureau:
        counts = dict(guide.applications.values_list("status").annotate(n=Count("pk")))
        context["status_counts"] = [
            (label, counts.get(value, 0)) for value, label in ApplicationStatus.choices
        ]
        context["rounds"] = (
            ReviewRound.objects.for_user(request.user).filter(guide=guide).select_related("category")
        )
    return render(request, "projects/guide_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def guide_edit(request, pk: int):
    guide = get_scoped_or_404(CallGuide, request.user, CHANGE, pk=pk)
    form = GuideForm(request.POST or None, instance=guide)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        try:
            svc.guide_update(actor=request.user, guide=guide, **data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects_guide_detail", pk=guide.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": _("Edit the call guide"), "back_url": guide_url(guide)},
    )


def guide_url(guide) -> str:
    from django.urls import reverse

    return reverse("projects_guide_detail", args=[guide.pk])


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def category_create(request, pk: int):
    guide = get_scoped_or_404(CallGuide, request.user, CHANGE, pk=pk)
    form = CategoryForm(request.POST or None, initial={"applicant_kinds": ["enterprise", "institution"]})
    if request.method == "POST" and form.is_valid():
        try:
            svc.category_create(actor=request.user, guide=guide, **form.cleaned_data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("The category was added."))
            return redirect("projects_guide_detail", pk=guide.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": _("New category"), "back_url": guide_url(guide)},
    )


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def category_edit(request, pk: int):
    category = get_scoped_or_404(GuideCategory.objects.select_related("guide"), request.user, CHANGE, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if v != getattr(category, k)}
        try:
            svc.category_update(actor=request.user, category=category, **changed)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects_guide_detail", pk=category.guide_id)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": category.name, "back_url": guide_url(category.guide)},
    )


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def sections_draft(request, pk: int):
    """Select technology demands; each becomes a section (support direction) of a category."""
    guide = get_scoped_or_404(CallGuide, request.user, CHANGE, pk=pk)
    form = DraftSectionsForm(request.POST or None, guide=guide, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made = svc.guide_sections_draft(
                actor=request.user,
                guide=guide,
                category=form.cleaned_data["category"],
                demands=form.cleaned_data["demands"],
            )
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(
                request,
                _("{n} section(s) drafted; the demands are marked as in the guide.").format(n=len(made)),
            )
            return redirect("projects_guide_detail", pk=guide.pk)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("Draft sections from technology demands"),
            "intro": _(
                "Each demand selected becomes a support direction of the category, with the demand's text to edit."
            ),
            "back_url": guide_url(guide),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@steps_404
def section_edit(request, pk: int):
    section = get_scoped_or_404(GuideSection.objects.select_related("guide"), request.user, CHANGE, pk=pk)
    form = SectionForm(
        request.POST or None,
        guide=section.guide,
        initial={"category": section.category_id, "title": section.title, "content": section.content},
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.section_update(actor=request.user, section=section, **form.cleaned_data)
        except Refused as exc:
            refused(request, exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects_guide_detail", pk=section.guide_id)
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": section.title, "back_url": guide_url(section.guide)},
    )


@require_POST
@login_required
@steps_404
def section_delete(request, pk: int):
    section = get_scoped_or_404(GuideSection, request.user, CHANGE, pk=pk)
    guide_pk = section.guide_id
    svc.section_delete(actor=request.user, section=section)
    messages.success(request, _("The section was removed."))
    return redirect("projects_guide_detail", pk=guide_pk)


@require_POST
@login_required
@steps_404
def guide_publish(request, pk: int):
    guide = get_scoped_or_404(CallGuide, request.user, CHANGE, pk=pk)
    try:
        svc.guide_publish(actor=request.user, guide=guide)
        messages.success(request, _("The guide is published on the public page."))
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_guide_detail", pk=guide.pk)


@require_POST
@login_required
@steps_404
def guide_withdraw(request, pk: int):
    guide = get_scoped_or_404(CallGuide, request.user, CHANGE, pk=pk)
    try:
        svc.guide_withdraw(actor=request.user, guide=guide)
        messages.success(request, _("The guide is off the public page."))
    except Refused as exc:
        refused(request, exc)
    return redirect("projects_guide_detail", pk=guide.pk)


# --- public pages (anonymous visitors read published guides and lists only) -------------------


@require_safe
def public_home(request):
    guides = CallGuide.objects.for_user(request.user).filter(published=True)
    lists = ChallengeList.objects.for_user(request.user).filter(published=True).select_related("unit")
    return render(request, "projects/public_home.html", {"guides": guides, "lists": lists})


@require_safe
def guide_public(request, year: int):
    guide = get_scoped_or_404(CallGuide, request.user, year=year)
    categories = guide.categories.prefetch_related("sections")
    return render(request, "projects/guide_public.html", {"guide": guide, "categories": categories})


@require_safe
def guide_download(request, year: int):
    guide = get_scoped_or_404(CallGuide, request.user, year=year)
    response = HttpResponse(
        guide_docx(guide),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="guide-{guide.year}.docx"'
    return response


@require_safe
def challenge_public(request, pk: int):
    challenge = get_scoped_or_404(ChallengeList.objects.select_related("unit"), request.user, pk=pk)
    if not challenge.published:
        # The issuer previews a draft on its management page, never here.
        from django.http import Http404

        raise Http404
    return render(request, "projects/challenge_public.html", {"challenge": challenge})


urlpatterns = [
    path("projects/guides/", guide_list, name="projects_guide_list"),
    path("projects/guides/new/", guide_create, name="projects_guide_create"),
    path("projects/guides/<int:pk>/", guide_detail, name="projects_guide_detail"),
    path("projects/guides/<int:pk>/edit/", guide_edit, name="projects_guide_edit"),
    path("projects/guides/<int:pk>/categories/new/", category_create, name="projects_category_create"),
    path("projects/guides/<int:pk>/sections/draft/", sections_draft, name="projects_sections_draft"),
    path("projects/guides/<int:pk>/publish/", guide_publish, name="projects_guide_publish"),
    path("projects/guides/<int:pk>/withdraw/", guide_withdraw, name="projects_guide_withdraw"),
    path("projects/categories/<int:pk>/edit/", category_edit, name="projects_category_edit"),
    path("projects/sections/<int:pk>/edit/", section_edit, name="projects_section_edit"),
    path("projects/sections/<int:pk>/delete/", section_delete, name="projects_section_delete"),
    path("projects/public/", public_home, name="projects_public"),
    path("projects/public/challenges/<int:pk>/", challenge_public, name="projects_challenge_public"),
    path("projects/guide/<int:year>/", guide_public, name="projects_guide_public"),
    path("projects/guide/<int:year>/guide.docx", guide_download, name="projects_guide_docx"),
]
