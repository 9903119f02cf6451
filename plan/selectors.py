"""Reads of the plan, starting from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from plan.models import Deadline, ItemTarget, Plan, Target, Task, TaskItem

__all__ = ["PlanTree", "current_plan", "plan_tree"]


@dataclass
class PlanTree:
    plan: Plan
    targets: list[Target]
    tasks: list[Task]

    def as_api(self) -> dict:
        def item(i: TaskItem) -> dict:
            return {
                "id": i.pk,
                "number": i.number,
                "label": i.label,
                "text": i.text,
                "owner": i.owner.name if i.owner_id else None,
                "targets": [
                    {
                        "text": t.text,
                        "indicator": t.indicator.code if t.indicator_id else None,
                        "value": t.value,
                        "value_max": t.value_max,
                        "measure": t.measure,
                        "at_least": t.at_least,
                    }
                    for t in i.targets.all()
                ],
                "deadlines": [{"text": d.text, "due": d.due.isoformat()} for d in i.deadlines.all()],
            }

        p = self.plan
        return {
            "id": p.pk,
            "code": p.code,
            "year": p.year,
            "title": p.title,
            "issuer": p.issuer,
            "rules": p.rules,
            "targets": self.targets,
            "tasks": [
                {
                    "id": t.pk,
                    "number": t.number,
                    "label": t.label,
                    "title": t.title,
                    "owner": t.owner.name if t.owner_id else None,
                    "items": [item(i) for i in t.items.all()],
                }
                for t in self.tasks
            ],
        }


def current_plan(*, fetched_by) -> Plan | None:
    return Plan.objects.for_user(fetched_by).order_by("-year").first()


def plan_tree(plan: Plan, *, fetched_by) -> PlanTree:
    """The whole plan in a fixed number of queries (tasks, items, targets, deadlines)."""
    items = (
        TaskItem.objects.for_user(fetched_by)
        .select_related("owner")
        .prefetch_related(
            Prefetch("targets", queryset=ItemTarget.objects.select_related("indicator")),
            Prefetch("deadlines", queryset=Deadline.objects.all()),
        )
    )
    tasks = list(
        Task.objects.for_user(fetched_by)
        .filter(plan=plan)
        .select_related("owner")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    targets = list(
        Target.objects.for_user(fetched_by)
        .filter(year=plan.year, unit__kind="city")
        .select_related("unit", "indicator")
        .order_by("indicator__order")
    )
    return PlanTree(plan=plan, targets=targets, tasks=tasks)
