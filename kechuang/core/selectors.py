"""Figures for the home page, each counted from the user's scope."""

from __future__ import annotations

from kechuang.core.scope import scope_of

__all__ = ["home_summary"]


def home_summary(*, fetched_by) -> dict:
    from dispatch.models import Actual
    from enterprises.models import Enterprise
    from org.models import Unit
    from plan.models import Plan, TaskItem

    scope = scope_of(fetched_by)
    plan = Plan.objects.for_user(fetched_by).order_by("-year").first()
    enterprises = Enterprise.objects.for_user(fetched_by)
    latest = Actual.objects.for_user(fetched_by).order_by("-year", "-month").values("year", "month").first()
    return {
        "plan": plan,
        "items": TaskItem.objects.for_user(fetched_by).filter(task__plan=plan).count() if plan else 0,
        "enterprise_count": enterprises.count(),
        "own_enterprises": list(enterprises.select_related("unit")[:5]) if scope.enterprise_ids else [],
        "units": list(Unit.objects.filter(pk__in=scope.unit_ids)) if scope.unit_ids else [],
        "latest_period": latest,
        "is_bureau": scope.sees_all("view"),
    }
