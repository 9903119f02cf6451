"""The main navigation, contributed by each domain app's AppConfig (`nav = [NavItem(...)]`), so
a new module appears in the menu without editing the base template."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from kechuang.core.scope import UserScope

__all__ = ["NavItem", "nav_for"]


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    order: int = 50
    roles: frozenset[str] | None = None  # None: every signed-in user

    def visible(self, scope: UserScope) -> bool:
        return self.roles is None or scope.is_admin or bool(self.roles & scope.roles)


def nav_for(scope: UserScope) -> list[tuple[str, str]]:
    items: list[NavItem] = []
    for name in settings.KECHUANG_DOMAIN_APPS:
        items.extend(getattr(apps.get_app_config(name.rsplit(".", 1)[-1]), "nav", []))
    out = []
    for item in sorted(items, key=lambda i: i.order):
        if item.visible(scope):
            try:
                out.append((reverse(item.url_name), item.label))
            except NoReverseMatch:
                continue
    return out
