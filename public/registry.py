"""What the public index lists. Each domain app may contribute lists in `<app>/public.py`:
`PUBLIC_LISTS = [PublicList(...)]` (entries anonymous visitors may read: the queryset is scoped
to an anonymous user) and `PUBLIC_URLS = {"url_name": "why anyone may read it"}` (its pages that
need no sign-in; tests/public checks every other URL refuses an anonymous visitor).

Until the projects app contributes its own lists, published call guides and challenge lists are
listed from its models when they exist (`FALLBACKS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

__all__ = ["FALLBACKS", "PublicList", "public_lists", "public_url_names"]


@dataclass(frozen=True)
class PublicList:
    key: str
    label: str
    queryset: Callable  # () -> the rows, before scoping
    url: Callable[[object], str | None] = lambda obj: None
    date: Callable[[object], object] = lambda obj: None
    more_url_name: str | None = None
    limit: int = 8

    def entries(self) -> list[tuple[str, str | None, object]]:
        """(title, link, date) of what an anonymous visitor may read, newest first."""
        rows = self.queryset().for_user(AnonymousUser())[: self.limit]
        return [(str(obj), self.url(obj), self.date(obj)) for obj in rows]

    @property
    def more_url(self) -> str | None:
        if not self.more_url_name:
            return None
        try:
            return reverse(self.more_url_name)
        except NoReverseMatch:
            return None


def _model_list(app_label: str, model_name: str, key: str, label, date_field: str, more: str | None):
    def queryset():
        return apps.get_model(app_label, model_name).objects.order_by(f"-{date_field}", "-pk")

    def url(obj):
        getter = getattr(obj, "get_absolute_url", None)
        return getter() if getter else None

    return PublicList(key, label, queryset, url, lambda obj: getattr(obj, date_field, None), more)


# (app, model, key, label, date field, fuller public page) — listed only if the model exists.
FALLBACKS = [
    ("projects", "CallGuide", "call_guides", _("Call guides"), "published_at", "projects_public"),
    ("projects", "ChallengeList", "challenge_lists", _("Challenge lists"), "published_on", "projects_public"),
]


def _contributions():
    for name in settings.KECHUANG_DOMAIN_APPS:
        try:
            yield name, import_module(f"{name}.public")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.public":
                raise


def public_lists() -> list[PublicList]:
    lists: list[PublicList] = []
    contributed_by: set[str] = set()
    for name, module in _contributions():
        found = list(getattr(module, "PUBLIC_LISTS", []))
        if found:
            contributed_by.add(name)
        lists.extend(found)
    for app_label, model_name, key, label, date_field, more in FALLBACKS:
        if app_label in contributed_by:
            continue
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        spec = getattr(model, "scope", None)
        if spec is None or spec.public is None or not hasattr(model, date_field):
            continue  # only models that say what the public may read
        lists.append(_model_list(app_label, model_name, key, label, date_field, more))
    return lists


def public_url_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for _name, module in _contributions():
        names.update(getattr(module, "PUBLIC_URLS", {}))
    return names
