"""Achievement transformation and award pages: one small set of views (list with filters and
export, one record, form, delete) shared by the three registries, each described by a
`Registry`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import get_scoped_or_404, scope_of
from plan.models import Target
from transfer import services
from transfer.exports import xlsx_response
from transfer.forms import AwardForm, ProjectForm, Top10Form
from transfer.models import (
    AwardApplication,
    AwardCategory,
    AwardResult,
    ProjectLevel,
    ProjectStatus,
    Top10Nomination,
    Top10Status,
    TransferProject,
)
from transfer.selectors import can_edit, visible_units

PAGE = 50


@dataclass(frozen=True)
class Registry:
    key: str  # URL names are `<key>_list`, `<key>_detail`, …
    slug: str  # the path under achievements/
    model: type
    form: type
    save: Callable[..., Any]  # (actor=, values=, obj=) -> obj
    delete: Callable[..., None]  # (actor=, obj=)
    indicator: str
    date_field: str  # the date that counts toward the indicator
    status_field: str
    status_choices: Any
    counted: Q  # rows that count toward the indicator
    kind_field: str
    kind_choices: Any
    title: Any
    new_label: Any
    empty_hint: Any
    columns: tuple[tuple[Any, str], ...]  # (label, attribute or get_*_display)
    import_kind: str | None = None
    list_date: str = ""  # the date lists filter and sort by, when not `date_field`

    @property
    def list_date_field(self) -> str:
        return self.list_date or self.date_field

    def rows_in_scope(self, user):
        return self.model.objects.for_user(user).select_related("unit", "enterprise")


def _project_save(*, actor, values, obj=None):
    return services.project_save(actor=actor, values=values, project=obj)


def _project_delete(*, actor, obj):
    services.project_delete(actor=actor, project=obj)


def _award_save(*, actor, values, obj=None):
    return services.award_save(actor=actor, values=values, award=obj)


def _award_delete(*, actor, obj):
    services.award_delete(actor=actor, award=obj)


def _top10_save(*, actor, values, obj=None):
    return services.top10_save(actor=actor, values=values, nomination=obj)


def _top10_delete(*, actor, obj):
    services.top10_delete(actor=actor, nomination=obj)


REGISTRIES: dict[str, Registry] = {
    r.key: r
    for r in (
        Registry(
            key="transfer_project",
            slug="projects",
            model=TransferProject,
            form=ProjectForm,
            save=_project_save,
            delete=_project_delete,
            indicator="TRANSFER_PROJECTS",
            date_field="applied_on",
            status_field="status",
            status_choices=ProjectStatus,
            counted=~Q(status=ProjectStatus.WITHDRAWN),
            kind_field="level",
            kind_choices=ProjectLevel,
            title=_("Achievement transformation projects"),
            new_label=_("New project application"),
            empty_hint=_(
                "No transformation project yet. Record an application with “New project application”, "
                "or import a list (kind “Achievement transformation projects”) on the import page."
            ),
            columns=(
                (_("Project title"), "title"),
                (_("Applicant"), "applicant_name"),
                (_("Unit"), "unit"),
                (_("Level"), "get_level_display"),
                (_("Application date"), "applied_on"),
                (_("Status"), "get_status_display"),
                (_("Funding granted (10,000 yuan)"), "funding"),
            ),
            import_kind="transfer-projects",
        ),
        Registry(
            key="award",
            slug="awards",
            model=AwardApplication,
            form=AwardForm,
            save=_award_save,
            delete=_award_delete,
            indicator="PROVINCIAL_AWARDS",
            date_field="applied_on",
            status_field="result",
            status_choices=AwardResult,
            counted=~Q(result=AwardResult.WITHDRAWN),
            kind_field="category",
            kind_choices=AwardCategory,
            title=_("Provincial S&T award applications"),
            new_label=_("New award application"),
            empty_hint=_(
                "No award application yet. Record one with “New award application”, or import a list "
                "(kind “Provincial S&T award applications”) on the import page."
            ),
            columns=(
                (_("Achievement"), "title"),
                (_("Lead organisation"), "lead_org"),
                (_("Unit"), "unit"),
                (_("Award"), "get_category_display"),
                (_("Application date"), "applied_on"),
                (_("Result"), "get_result_display"),
                (_("Grade"), "get_grade_display"),
            ),
            import_kind="awards",
        ),
        Registry(
            key="top10",
            slug="top10",
            model=Top10Nomination,
            form=Top10Form,
            save=_top10_save,
            delete=_top10_delete,
            indicator="TOP10_ACHIEVEMENTS",
            date_field="selected_on",
            status_field="status",
            status_choices=Top10Status,
            counted=Q(status=Top10Status.SELECTED),
            kind_field="",
            kind_choices=None,
            title=_("Guizhou top-ten S&T innovation achievements"),
            new_label=_("New nomination"),
            empty_hint=_("No nomination yet. Record an achievement put forward with “New nomination”."),
            list_date="nominated_on",
            columns=(
                (_("Achievement"), "title"),
                (_("Completed by"), "holder"),
                (_("Unit"), "unit"),
                (_("Selection year"), "year"),
                (_("Nomination date"), "nominated_on"),
                (_("Status"), "get_status_display"),
                (_("Award date"), "selected_on"),
            ),
        ),
    )
}


def _cell(obj, attr: str):
    value = getattr(obj, attr)
    return value() if callable(value) else value


def _int(text, low, high):
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def _filtered(request, registry: Registry):
    """The registry's rows in scope, filtered by unit, status, kind, and the year and month of the
    date that counts (the application date; the award date for the top ten)."""
    qs = registry.rows_in_scope(request.user)
    get = request.GET
    date_field = registry.list_date_field
    f = {
        "unit": get.get("unit", "").strip(),
        "status": get.get("status", "") if get.get("status", "") in registry.status_choices.values else "",
        "kind": get.get("kind", "")
        if registry.kind_choices and get.get("kind", "") in registry.kind_choices.values
        else "",
        "year": _int(get.get("year"), 1990, 2100),
        "month": _int(get.get("month"), 1, 12),
    }
    if f["unit"]:
        qs = qs.filter(unit__code=f["unit"])
    if f["status"]:
        qs = qs.filter(**{registry.status_field: f["status"]})
    if f["kind"]:
        qs = qs.filter(**{registry.kind_field: f["kind"]})
    if f["year"]:
        qs = qs.filter(**{f"{date_field}__year": f["year"]})
    if f["month"]:
        qs = qs.filter(**{f"{date_field}__month": f["month"]})
    return qs.order_by(f"-{date_field}", "-id"), f


def _targets(user, indicator: str, year: int) -> dict[str, Any]:
    return {
        t.unit.code: t.value
        for t in Target.objects.for_user(user)
        .filter(indicator__code=indicator, year=year, value__isnull=False)
        .select_related("unit")
    }


def _progress(user, registry: Registry, year: int) -> dict:
    """This year's count in the user's scope, beside the target that applies to it: the city's
    for the bureau (ten districts), the unit's own for a district."""
    counted = registry.rows_in_scope(user).filter(registry.counted, **{f"{registry.date_field}__year": year})
    targets = _targets(user, registry.indicator, year)
    scope = scope_of(user)
    if scope.sees_all(VIEW):
        count = counted.filter(unit__kind="district").count()
        target = targets.get("520600")
        zones = counted.exclude(unit__kind="district").count()
    else:
        count = counted.count()
        codes = list(visible_units(user).values_list("code", flat=True))
        found = [targets[c] for c in codes if c in targets]
        target = sum(found) if found else None
        zones = None
    completion = (Decimal(count) / Decimal(target)).quantize(Decimal("0.0001")) if target else None
    return {"count": count, "target": target, "zones": zones, "completion": completion}


@require_safe
@login_required
def achievement_home(request):
    year = _int(request.GET.get("year"), 1990, 2100)
    if year is None:
        dates = [
            r.rows_in_scope(request.user)
            .filter(r.counted)
            .order_by(f"-{r.date_field}")
            .values_list(r.date_field, flat=True)
            .first()
            for r in REGISTRIES.values()
        ]
        dates = [d for d in dates if d]
        year = max(dates).year if dates else timezone.localdate().year
    cards = []
    for registry in REGISTRIES.values():
        qs = registry.rows_in_scope(request.user)
        by_status = dict(
            qs.filter(**{f"{registry.list_date_field}__year": year})
            .values_list(registry.status_field)
            .annotate(n=Count("id"))
            .values_list(registry.status_field, "n")
        )
        cards.append(
            {
                "registry": registry,
                "progress": _progress(request.user, registry, year),
                "by_status": [
                    (label, by_status.get(value, 0)) for value, label in registry.status_choices.choices
                ],
                "list_url_query": f"year={year}",
            }
        )
    return render(
        request,
        "transfer/achievement_home.html",
        {"year": year, "cards": cards, "can_edit": can_edit(request.user)},
    )


@require_safe
@login_required
def registry_list(request, registry: str):
    reg = REGISTRIES[registry]
    qs, filters = _filtered(request, reg)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    rows = [(obj, [_cell(obj, attr) for _label, attr in reg.columns]) for obj in page.object_list]
    query = {k: v for k, v in filters.items() if v not in ("", None)}
    return render(
        request,
        "transfer/registry_list.html",
        {
            "reg": reg,
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": query,
            "units": visible_units(request.user),
            "statuses": reg.status_choices.choices,
            "kinds": reg.kind_choices.choices if reg.kind_choices else None,
            "months": range(1, 13),
            "has_any": reg.rows_in_scope(request.user).exists(),
            "can_edit": can_edit(request.user),
        },
    )


@require_safe
@login_required
def registry_export(request, registry: str):
    reg = REGISTRIES[registry]
    qs, filters = _filtered(request, reg)
    header = [label for label, _attr in reg.columns]
    rows = (
        [_cell(obj, attr) if attr != "unit" else obj.unit.name for _l, attr in reg.columns]
        for obj in qs.iterator(chunk_size=1000)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        request,
        filename=f"{reg.slug}-{stamp}.xlsx",
        header=header,
        rows=rows,
        kind=reg.key,
        filters={k: v for k, v in filters.items() if v not in ("", None)},
    )


def _detail_fields(obj) -> list[tuple[Any, Any]]:
    out = []
    for field in obj._meta.fields:
        if field.name in ("id", "created", "updated"):
            continue
        value = getattr(obj, f"get_{field.name}_display")() if field.choices else getattr(obj, field.name)
        out.append((field.verbose_name, value))
    return out


@require_safe
@login_required
def registry_detail(request, registry: str, pk: int):
    reg = REGISTRIES[registry]
    obj = get_scoped_or_404(reg.model.objects.select_related("unit", "enterprise"), request.user, pk=pk)
    editable = (
        can_edit(request.user) and reg.model.objects.for_user(request.user, CHANGE).filter(pk=pk).exists()
    )
    return render(
        request,
        "transfer/registry_detail.html",
        {"reg": reg, "obj": obj, "fields": _detail_fields(obj), "can_edit": editable},
    )


def _form_page(request, reg: Registry, obj):
    if not can_edit(request.user):
        raise PermissionDenied
    form = reg.form(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = reg.save(actor=request.user, values=form.cleaned_data, obj=obj)
        except services.Invalid as exc:
            for problem in exc.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reg.key}_detail", pk=saved.pk)
    return render(
        request,
        "transfer/registry_form.html",
        {"reg": reg, "form": form, "obj": obj},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registry_create(request, registry: str):
    return _form_page(request, REGISTRIES[registry], None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registry_edit(request, registry: str, pk: int):
    reg = REGISTRIES[registry]
    obj = get_scoped_or_404(reg.model.objects.select_related("unit"), request.user, CHANGE, pk=pk)
    return _form_page(request, reg, obj)


@require_POST
@login_required
def registry_delete(request, registry: str, pk: int):
    reg = REGISTRIES[registry]
    obj = get_scoped_or_404(reg.model, request.user, CHANGE, pk=pk)
    reg.delete(actor=request.user, obj=obj)
    messages.success(request, _("Deleted."))
    return redirect(f"{reg.key}_list")
