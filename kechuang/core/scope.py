"""Data scope: the one mechanism through which every read and write for a user passes.

A user's scope is typed data — the rows of org.Grant (user × role × unit / enterprise) — folded
here into a `UserScope`. Each scoped model declares a `ScopeSpec` saying how its rows relate to a
unit, an enterprise or an assigned expert; `ScopedQuerySet.for_user(user, action)` turns the two
into one filter. Views, the API, exports and reports start from `for_user`; an object outside it
is a 404 (`get_scoped_or_404`). Writes are re-checked inside the transaction (`ensure_in_scope`)
so a row cannot be moved into a foreign unit (NetBox's post-save re-check, STYLE.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from kechuang.core.roles import CHANGE, VIEW, Role

__all__ = [
    "ScopeSpec",
    "ScopedQuerySet",
    "UserScope",
    "ensure_in_scope",
    "get_scoped_or_404",
    "scope_of",
]


@dataclass(frozen=True)
class ScopeSpec:
    """How a model's rows belong to units, enterprises or experts.

    unit: lookup path to the owning org.Unit ("unit", "enterprise__unit", "pk" for Unit itself).
    enterprise: lookup path to the owning enterprise ("pk" for Enterprise itself).
    expert: lookup path to a User that is assigned the row (experts see only these).
    shared: rows any signed-in user may read (city-wide targets, published items).
    public: rows anonymous visitors may read.
    reference: reference data (units, plan, indicators): every signed-in user reads it, only the
        bureau admin writes it.
    distinct: the paths cross a to-many relation, so the filter needs DISTINCT.
    """

    unit: str | None = None
    enterprise: str | None = None
    expert: str | None = None
    shared: Q | None = None
    public: Q | None = None
    reference: bool = False
    distinct: bool = False


@dataclass(frozen=True)
class UserScope:
    """What one user may reach, computed once per request from its grants."""

    authenticated: bool
    roles: frozenset[str] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    enterprise_ids: frozenset[int] = frozenset()
    user_id: int | None = None
    superuser: bool = False
    _cache: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_admin(self) -> bool:
        return self.superuser or Role.ADMIN in self.roles

    def sees_all(self, action: str) -> bool:
        if self.is_admin or Role.STAFF in self.roles:
            return True
        return action == VIEW and Role.LEADER in self.roles

    @property
    def can_import(self) -> bool:
        return self.is_admin or Role.STAFF in self.roles or bool(self.unit_ids)

    @property
    def read_only(self) -> bool:
        """A leader (and nobody else) writes nothing."""
        return self.roles <= {Role.LEADER} and not self.superuser


ANONYMOUS = UserScope(authenticated=False)


def scope_of(user) -> UserScope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_kechuang_scope", None)
    if cached is not None:
        return cached
    roles, units, enterprises = set(), set(), set()
    for role, unit_id, enterprise_id in user.grants.values_list("role", "unit_id", "enterprise_id"):
        roles.add(role)
        if role == Role.DISTRICT and unit_id:
            units.add(unit_id)
        if role == Role.ENTERPRISE and enterprise_id:
            enterprises.add(enterprise_id)
    scope = UserScope(
        authenticated=True,
        roles=frozenset(roles),
        unit_ids=frozenset(units),
        enterprise_ids=frozenset(enterprises),
        user_id=user.pk,
        superuser=user.is_superuser,
    )
    user._kechuang_scope = scope
    return scope


def _nothing() -> Q:
    return Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """Default queryset of every scoped model; `for_user` is the only entry point for users."""

    def for_user(self, user, action: str = VIEW) -> ScopedQuerySet:
        spec: ScopeSpec | None = getattr(self.model, "scope", None)
        if spec is None:
            raise TypeError(f"{self.model.__name__} declares no ScopeSpec")
        scope = user if isinstance(user, UserScope) else scope_of(user)
        if not scope.authenticated:
            if action == VIEW and spec.public is not None:
                return self.filter(spec.public)
            return self.none()
        if spec.reference:
            if action == VIEW or scope.is_admin:
                return self.all()
            return self.none()
        if scope.sees_all(action):
            return self.all()
        if scope.read_only and action != VIEW:
            return self.none()
        condition = _nothing()
        if spec.unit and scope.unit_ids:
            condition |= Q(**{f"{spec.unit}__in": scope.unit_ids})
        if spec.enterprise and scope.enterprise_ids:
            condition |= Q(**{f"{spec.enterprise}__in": scope.enterprise_ids})
        if spec.expert and Role.EXPERT in scope.roles:
            condition |= Q(**{spec.expert: scope.user_id})
        if action == VIEW:
            if spec.shared is not None:
                condition |= spec.shared
            if spec.public is not None:
                condition |= spec.public
        qs = self.filter(condition)
        return qs.distinct() if spec.distinct else qs


def get_scoped_or_404(model_or_qs, user, action: str = VIEW, **lookup):
    """The object if the user may reach it with `action`, else 404 — never 403, so a foreign
    object is indistinguishable from a missing one (Zulip's access_* helpers)."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs.objects.all()
    try:
        return qs.for_user(user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def ensure_in_scope(obj, user) -> None:
    """Re-check after a write, inside the same transaction: raises (so the transaction rolls
    back) when the saved row is no longer writable by the user, e.g. moved to a foreign unit."""
    if not type(obj).objects.for_user(user, CHANGE).filter(pk=obj.pk).exists():
        raise PermissionDenied("The row would leave your data scope.")
