"""The main navigation, contributed by each domain app's AppConfig (`nav = [NavItem(...)]`), so
a new module appears in the menu without editing the base template."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from kechuang.core.scope import UserScope

__all__ = ["NavGroup", "NavItem", "nav_for"]


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    order: int = 50
    roles: frozenset[str] | None = None  # None: every signed-in user

    def visible(self, scope: UserScope) -> bool:
        return self.roles is None or scope.is_admin or bool(self.roles & scope.roles)


@dataclass
class NavGroup:
    """One module's entries: shown as a plain link when it has one, as a menu when it has more
    (thirty links in a row were too many for the bureau's staff to scan)."""

    label: str
    order: int
    links: list[tuple[str, str]]


def nav_for(scope: UserScope) -> list[NavGroup]:
    groups = []
    for name in settings.KECHUANG_DOMAIN_APPS:
        config = apps.get_app_config(name.rsplit(".", 1)[-1])
        links, orders = [], []
        for item in sorted(getattr(config, "nav", []), key=lambda i: i.order):
            if not item.visible(scope):
                continue
            try:
                links.append((reverse(item.url_name), item.label))
            except NoReverseMatch:
                continue
            orders.append(item.order)
        if links:
            groups.append(NavGroup(config.verbose_name, min(orders), links))
    return sorted(groups, key=lambda g: g.order)
