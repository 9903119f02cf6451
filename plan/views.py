from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kechuang.core.scope import get_scoped_or_404
from plan.models import Plan
from plan.selectors import current_plan, plan_tree


@require_safe
@login_required
def plan_detail(request, pk: int | None = None):
    """The plan as a tree: headline targets, then tasks (一)…(十) with items, targets, deadlines."""
    plan = get_scoped_or_404(Plan, request.user, pk=pk) if pk else current_plan(fetched_by=request.user)
    tree = plan_tree(plan, fetched_by=request.user) if plan else None
    plans = Plan.objects.for_user(request.user)
    return render(request, "plan/plan_detail.html", {"plan": plan, "tree": tree, "plans": plans})
