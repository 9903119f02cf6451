"""Who may do what in the project module — small predicates over the user's scope. Which rows a
user reaches is always decided by `for_user`; these only say which *kind* of actor a step is for
(the bureau accepts, the district recommends, the expert scores)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kechuang.core.roles import CHANGE, VIEW, Role
from kechuang.core.scope import scope_of

__all__ = [
    "Refused",
    "can_write",
    "expert_person",
    "is_bureau",
    "is_district",
    "is_enterprise",
    "is_expert",
    "require",
    "reads_all",
]


class Refused(ValueError):
    """A business rule refuses the step; `messages` say why, already translated."""

    def __init__(self, *messages: str):
        self.messages = [str(m) for m in messages]
        super().__init__("; ".join(self.messages))


def is_bureau(user) -> bool:
    """The bureau's admin and staff (they change every unit's rows)."""
    return scope_of(user).sees_all(CHANGE)


def reads_all(user) -> bool:
    return scope_of(user).sees_all(VIEW)


def is_district(user) -> bool:
    s = scope_of(user)
    return Role.DISTRICT in s.roles and bool(s.unit_ids)


def is_enterprise(user) -> bool:
    s = scope_of(user)
    return Role.ENTERPRISE in s.roles and bool(s.enterprise_ids)


def is_expert(user) -> bool:
    return Role.EXPERT in scope_of(user).roles


def can_write(user) -> bool:
    return scope_of(user).authenticated and not scope_of(user).read_only


def expert_person(user):
    """The talent registry's expert record linked to this account, or None."""
    from talent.models import Person

    if not is_expert(user):
        return None
    return Person.objects.filter(user=user, is_expert=True).first()


def require(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionError(message or _("You may not take this step."))


def money(value) -> str:
    """An amount as plain digits without trailing zeros: 300.00 → "300", 8.50 → "8.5"."""
    from decimal import Decimal

    return format(Decimal(value).normalize(), "f")
