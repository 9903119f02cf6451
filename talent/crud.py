"""Registry pages by declaration: a list with filters, search and paging, an Excel export, a detail
page and create / edit forms, for a scoped model.

Every read starts from `Model.objects.for_user`; a detail is `get_scoped_or_404`; an edit is
`get_scoped_or_404(..., CHANGE)`; a form's unit choices are the units the user may write, and
every other choice of a scoped model comes from the user's scope. Writes go through the named
service functions the registry is given (`<entity>_<action>(*, actor, ...)`), which save with
`save_in_scope`. The talent and platforms apps both declare their registries with this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from kechuang.core.audit import record_event
from kechuang.core.concurrency import VersionedForm
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import ensure_in_scope, get_scoped_or_404, scope_of
from kechuang.tabular import neutralise
from org.models import Unit

__all__ = [
    "Column",
    "Filter",
    "Registry",
    "ScopedModelForm",
    "can_write",
    "choice_filter",
    "display",
    "save_in_scope",
    "unit_filter",
    "visible_units",
    "writable_units",
    "xlsx_response",
    "year_filter",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Scope helpers ------------------------------------------------------------------------------


def can_write(user) -> bool:
    """The bureau (admin, staff) and district users keep registries; a leader, an expert or an
    enterprise user does not."""
    scope = scope_of(user)
    return scope.sees_all(CHANGE) or (bool(scope.unit_ids) and not scope.read_only)


def writable_units(user):
    """Units a user may file rows for: the bureau every district and zone (never the city: a
    city row would replace the sum of the districts), a district its own units."""
    scope = scope_of(user)
    units = Unit.objects.exclude(kind="city")
    if scope.sees_all(CHANGE):
        return units
    if scope.read_only:
        return units.none()
    return units.filter(pk__in=scope.unit_ids)


def visible_units(user):
    """Units offered as a list filter: every unit for readers of all units, else the user's own."""
    scope = scope_of(user)
    units = Unit.objects.exclude(kind="city")
    return units if scope.sees_all(VIEW) else units.filter(pk__in=scope.unit_ids)


def save_in_scope(obj, *, actor, data: dict[str, Any] | None = None, m2m: Sequence[str] = ()):
    """Set the fields, validate the model, save, and re-check inside the caller's transaction
    that the row is still the actor's to change (so nobody files a row for a foreign unit)."""
    data = dict(data or {})
    related = {name: data.pop(name) for name in m2m if name in data}
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, value in related.items():
        getattr(obj, name).set(value)
    ensure_in_scope(obj, actor)
    return obj


class ScopedModelForm(VersionedForm):
    """A ModelForm whose choices come from the user's scope: `unit` from the units the user may
    write, any other scoped model from what the user may read."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, formfield in self.fields.items():
            if not isinstance(formfield, forms.ModelChoiceField):
                continue
            model = formfield.queryset.model
            if name == "unit" and model is Unit:
                formfield.queryset = writable_units(user)
                # Only the bureau keeps rows of no unit (where the model allows them).
                formfield.required = formfield.required or not scope_of(user).sees_all(CHANGE)
            elif getattr(model, "scope", None) is not None:
                formfield.queryset = model.objects.for_user(user, VIEW)
        for formfield in self.fields.values():
            if isinstance(formfield.widget, forms.DateInput):
                formfield.widget.input_type = "date"
                formfield.widget.format = "%Y-%m-%d"


# Display ------------------------------------------------------------------------------------


def display(value) -> str:
    """A cell as text: dates ISO, amounts without trailing zeros, yes/no, an em dash for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)


def _cell(value):
    """A value for a spreadsheet cell: numbers stay numbers, dates stay dates, text is
    neutralised (security.md #14)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, (int, float, Decimal, dt.date)):
        return value
    return neutralise(str(value))


def xlsx_response(filename: str, header: Sequence[str], rows) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([str(h) for h in header])
    for row in rows:
        ws.append([_cell(v) for v in row])
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], Any]
    numeric: bool = False


@dataclass(frozen=True)
class Filter:
    """A select filter: `?param=value` narrows the list by `lookup=value`."""

    param: str
    label: str
    lookup: str
    choices: Callable[[Any], list[tuple[str, str]]]


def unit_filter(lookup: str = "unit__code") -> Filter:
    return Filter(
        "unit", _("Unit"), lookup, lambda request: [(u.code, u.name) for u in visible_units(request.user)]
    )


def year_filter(lookup: str, label=None) -> Filter:
    def years(_request):
        this = dt.date.today().year
        return [(str(y), str(y)) for y in range(this, this - 8, -1)]

    return Filter("year", label or _("Year"), lookup, years)


def choice_filter(param: str, label, lookup: str, choices) -> Filter:
    return Filter(param, label, lookup, lambda _request: [(str(v), str(lbl)) for v, lbl in choices])


# Registry -----------------------------------------------------------------------------------


@dataclass
class Registry:
    """One registry's pages. `name` prefixes the URL names (`<name>_list`, `_detail`, `_create`,
    `_edit`, `_export`); `route` is the path without slashes (e.g. "talent/phd-projects")."""

    model: type
    name: str
    route: str
    title: str
    columns: list[Column]
    form_class: type[ScopedModelForm]
    create: Callable[..., Any]  # (*, actor, form) -> the new object, through a named service
    update: Callable[..., Any]  # (*, actor, obj, form)
    filters: list[Filter] = field(default_factory=list)
    search: tuple[str, ...] = ()
    search_exact: tuple[tuple[str, Callable[[str], str]], ...] = ()
    search_label: str = ""
    distinct: bool = False
    detail_fields: list[Column] = field(default_factory=list)
    export_columns: list[Column] | None = None
    select_related: tuple[str, ...] = ("unit",)
    prefetch_related: tuple[str, ...] = ()
    order: tuple[str, ...] = ("-id",)
    empty: str = ""
    list_template: str = "talent/crud/list.html"
    list_intro: str = ""
    list_context: Callable[[Any], dict] | None = None
    detail_template: str = "talent/crud/detail.html"
    detail_context: Callable[[Any, Any], dict] | None = None
    filename: str = ""
    tabs: tuple[tuple[str, str], ...] = ()  # (list URL name, label) of the sibling registries

    # reads --------------------------------------------------------------------------------

    def queryset(self, request):
        qs = self.model.objects.for_user(request.user).select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related) if self.prefetch_related else qs

    def filtered(self, request):
        qs = self.queryset(request)
        current = {}
        for f in self.filters:
            value = request.GET.get(f.param, "").strip()
            current[f.param] = value
            if value:
                qs = qs.filter(**{f.lookup: value})
        q = request.GET.get("q", "").strip()
        current["q"] = q
        if q and (self.search or self.search_exact):
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": q})
            # Exact-only fields (an ID number): a substring search would let one probe the digits.
            for name, normalise in self.search_exact:
                condition |= Q(**{name: normalise(q)})
            qs = qs.filter(condition)
        if self.distinct:
            qs = qs.distinct()
        return qs.order_by(*self.order), current

    def list_view(self, request):
        qs, current = self.filtered(request)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        rows = [
            (reverse(f"{self.name}_detail", args=[obj.pk]), [display(c.value(obj)) for c in self.columns])
            for obj in page.object_list
        ]
        filters = [(f, f.choices(request), current.get(f.param, "")) for f in self.filters]
        extra = self.list_context(request) if self.list_context else {}
        return render(
            request,
            self.list_template,
            {
                **extra,
                "registry": self,
                "page": page,
                "rows": rows,
                "filters": filters,
                "q": current.get("q", ""),
                "query": request.GET.urlencode(),
                "can_create": can_write(request.user),
                "create_url": reverse(f"{self.name}_create"),
                "export_url": reverse(f"{self.name}_export"),
                "tabs": [(reverse(n), label, n == f"{self.name}_list") for n, label in self.tabs],
            },
        )

    def export_view(self, request):
        qs, _current = self.filtered(request)
        columns = self.export_columns or self.columns
        filename = self.filename or f"{self.name}.xlsx"
        objects = list(qs)
        record_event(
            EventAction.EXPORT,
            request=request,
            message=filename,
            data={"filters": request.GET.dict(), "rows": len(objects)},
        )
        return xlsx_response(
            filename, [c.label for c in columns], ([c.value(o) for c in columns] for o in objects)
        )

    def detail_view(self, request, pk: int):
        obj = get_scoped_or_404(self.model.objects.select_related(*self.select_related), request.user, pk=pk)
        can_change = (
            can_write(request.user)
            and self.model.objects.for_user(request.user, CHANGE).filter(pk=pk).exists()
        )
        context = {
            "registry": self,
            "object": obj,
            "fields": [(c.label, display(c.value(obj))) for c in self.detail_fields or self.columns],
            "can_change": can_change,
            "edit_url": reverse(f"{self.name}_edit", args=[obj.pk]),
            "list_url": reverse(f"{self.name}_list"),
        }
        if self.detail_context:
            context.update(self.detail_context(request, obj))
        return render(request, self.detail_template, context)

    # writes -------------------------------------------------------------------------------

    def create_view(self, request):
        if not can_write(request.user):
            raise Http404
        form = self.form_class(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            obj = self.create(actor=request.user, form=form)
            messages.success(request, _("Saved."))
            return redirect(f"{self.name}_detail", pk=obj.pk)
        return render(request, "talent/crud/form.html", {"registry": self, "form": form, "object": None})

    def edit_view(self, request, pk: int):
        obj = get_scoped_or_404(self.model, request.user, CHANGE, pk=pk)
        if not can_write(request.user):
            raise Http404
        form = self.form_class(request.POST or None, instance=obj, user=request.user)
        if request.method == "POST" and form.is_valid():
            self.update(actor=request.user, obj=obj, form=form)
            messages.success(request, _("Saved."))
            return redirect(f"{self.name}_detail", pk=obj.pk)
        return render(request, "talent/crud/form.html", {"registry": self, "form": form, "object": obj})

    def urls(self) -> list:
        safe = [require_safe, login_required]
        form = [require_http_methods(["GET", "POST"]), login_required]

        def wrap(view, decorators):
            for decorator in reversed(decorators):
                view = decorator(view)
            return view

        return [
            path(f"{self.route}/", wrap(self.list_view, safe), name=f"{self.name}_list"),
            path(f"{self.route}/export/", wrap(self.export_view, safe), name=f"{self.name}_export"),
            path(f"{self.route}/new/", wrap(self.create_view, form), name=f"{self.name}_create"),
            path(f"{self.route}/<int:pk>/", wrap(self.detail_view, safe), name=f"{self.name}_detail"),
            path(f"{self.route}/<int:pk>/edit/", wrap(self.edit_view, form), name=f"{self.name}_edit"),
        ]
