"""Reads for a user: every query starts from `for_user`, so the list page, its export and the API
return the same rows (one filter for all three, STYLE.md §9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import scope_of
from org.models import Unit
from transfer.models import ContractStatus, ContractType, TechContract

__all__ = [
    "ContractFilter",
    "can_edit",
    "contract_list",
    "contract_totals",
    "followup_list",
    "likely_duplicates",
    "type_value",
    "writable_units",
]

_TYPE_NAMES = {t.name.lower(): t.value for t in ContractType}


def can_edit(user) -> bool:
    """Bureau staff and district staff keep these registries; enterprises, experts and leaders
    read (or see nothing)."""
    scope = scope_of(user)
    return scope.authenticated and not scope.read_only and (scope.sees_all(CHANGE) or bool(scope.unit_ids))


def writable_units(user) -> QuerySet:
    """The units the user may file records for: every district and zone for the bureau, its own
    unit(s) for a district."""
    scope = scope_of(user)
    units = Unit.objects.exclude(kind="city")
    if scope.sees_all(CHANGE):
        return units
    return units.filter(pk__in=scope.unit_ids)


def visible_units(user) -> QuerySet:
    scope = scope_of(user)
    units = Unit.objects.exclude(kind="city")
    if scope.sees_all(VIEW):
        return units
    return units.filter(pk__in=scope.unit_ids) if scope.unit_ids else units.none()


def type_value(text: str | None) -> str | None:
    """A contract type given by its stored name (技术开发) or English key (development)."""
    if not text:
        return None
    return text if text in ContractType.values else _TYPE_NAMES.get(text.lower())


def _int(text, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


@dataclass(frozen=True)
class ContractFilter:
    """The filters of the contract list. `year` and `month` are those of the registration date
    (the month a contract counts in); a contract not registered has none."""

    unit: str = ""
    type: str = ""
    status: str = ""
    year: int | None = None
    month: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ContractFilter:
        """From a page's query string; a value that makes no sense is ignored, not an error."""
        status = query.get("status", "")
        return cls(
            unit=query.get("unit", "").strip(),
            type=type_value(query.get("type", "").strip()) or "",
            status=status if status in ContractStatus.values else "",
            year=_int(query.get("year"), 1990, 2100),
            month=_int(query.get("month"), 1, 12),
            q=query.get("q", "").strip()[:100],
        )

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.unit:
            qs = qs.filter(unit__code=self.unit)
        if self.type:
            qs = qs.filter(type=self.type)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.year:
            qs = qs.filter(registered__year=self.year)
        if self.month:
            qs = qs.filter(registered__month=self.month)
        if self.q:
            qs = qs.filter(
                Q(registration_no__icontains=self.q)
                | Q(seller_name__contains=self.q)
                | Q(buyer_name__contains=self.q)
                | Q(title__contains=self.q)
                | Q(seller_uscc=self.q.upper())
            )
        return qs


def contract_list(*, fetched_by, filters: ContractFilter | None = None) -> QuerySet:
    qs = TechContract.objects.for_user(fetched_by).select_related("unit", "seller")
    return (filters or ContractFilter()).apply(qs)


def contract_totals(qs: QuerySet, limit: int | None = None) -> dict[str, Decimal | int]:
    """Count and sums of the rows; the registered ones are what TECH_CONTRACT_VALUE adds up.
    `limit`: read at most that many rows (a subquery with LIMIT), so a list page's totals stay
    bounded even if rows arrive between its capped count and this."""
    rows = qs.order_by()
    if limit is not None:
        rows = rows[:limit]
    agg = rows.aggregate(
        count=Count("id"),
        value=Coalesce(Sum("contract_value"), Value(Decimal(0))),
        tech=Coalesce(Sum("tech_value"), Value(Decimal(0))),
        registered_value=Coalesce(
            Sum("contract_value", filter=Q(status=ContractStatus.REGISTERED)), Value(Decimal(0))
        ),
    )
    agg["registered_value_yi"] = agg["registered_value"] * Decimal("0.0001")
    return agg


def followup_list(*, fetched_by) -> QuerySet:
    """Contracts known to be signed and not yet registered, soonest to lapse first."""
    return (
        TechContract.objects.for_user(fetched_by)
        .filter(status=ContractStatus.SIGNED_UNREGISTERED)
        .select_related("unit", "seller")
        .order_by("valid_until", "signed", "id")
    )


def _duplicate_groups(fetched_by, qs: QuerySet | None = None) -> tuple[QuerySet, QuerySet]:
    base = qs if qs is not None else TechContract.objects.for_user(fetched_by)
    keyed = base.annotate(_seller=Coalesce(NullIf("seller_uscc", Value("")), "seller_name"))
    groups = (
        keyed.order_by()
        .values("_seller", "buyer_name", "contract_value", "signed")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return keyed, groups


def duplicate_group_count(*, fetched_by) -> int:
    """How many groups `likely_duplicates` would list, in one query."""
    return _duplicate_groups(fetched_by)[1].count()


def likely_duplicates(*, fetched_by, qs: QuerySet | None = None) -> list[list[TechContract]]:
    """Groups of two or more contracts with the same seller (by code, else by name), buyer,
    contract value and signing date: probably one contract entered twice under two numbers."""
    keyed, groups = _duplicate_groups(fetched_by, qs)
    out = []
    for g in groups:
        members = list(
            keyed.filter(
                _seller=g["_seller"],
                buyer_name=g["buyer_name"],
                contract_value=g["contract_value"],
                signed=g["signed"],
            )
            .select_related("unit")
            .order_by("id")
        )
        out.append(members)
    return sorted(out, key=lambda m: (m[0].signed, m[0].id), reverse=True)


def days_left(contract: TechContract, today: dt.date) -> int | None:
    return (contract.valid_until - today).days if contract.valid_until else None
