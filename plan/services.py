"""Loading a plan file: validate everything first, then upsert in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.services import model_upsert
from org.models import Section, Unit
from org.services import sections_ensure, units_ensure
from org.units import CITY_CODE
from plan.models import Deadline, Indicator, ItemTarget, Plan, Target, TargetOrigin, Task, TaskItem
from plan.schema import PlanFile, ValidationError, error_paths

__all__ = ["BUNDLED_PLAN", "PlanFileError", "plan_load", "plan_parse"]

BUNDLED_PLAN = Path(__file__).resolve().parent / "data" / "tongren-2023.yaml"


class PlanFileError(Exception):
    """The plan file cannot be loaded; `errors` holds one line per problem, with its path."""

    def __init__(self, path: Path | str, errors: list[str]):
        self.errors = errors
        super().__init__(f"{path}: " + "; ".join(errors))


@dataclass
class LoadResult:
    plan: Plan
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    )

    @property
    def changed(self) -> bool:
        return any(self.counts[k] for k in ("created", "updated", "deleted"))


def plan_parse(path: Path | str) -> tuple[PlanFile, str]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(path, [f"cannot read the file: {exc.strerror}"]) from exc
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PlanFileError(path, ["the file is not UTF-8 text"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PlanFileError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from exc
    if not isinstance(data, dict):
        raise PlanFileError(path, ["(file): the top level must be a mapping"])
    try:
        return PlanFile.model_validate(data), hashlib.sha256(raw).hexdigest()
    except ValidationError as exc:
        raise PlanFileError(path, error_paths(exc)) from exc


def plan_load(path: Path | str = BUNDLED_PLAN, *, actor=None) -> LoadResult:
    """Validate the plan file and bring the database in line with it, all or nothing.
    Loading the same file twice changes nothing (and writes no audit rows)."""
    spec, digest = plan_parse(path)
    with transaction.atomic():
        units_ensure()
        sections_ensure([(s.code, s.name) for s in spec.sections])
        sections = {s.code: s for s in Section.objects.all()}
        plan, outcome = model_upsert(
            Plan,
            {"code": spec.code},
            {
                "year": spec.year,
                "title": spec.title,
                "issuer": spec.issuer,
                "source": spec.source,
                "guiding_idea": spec.guiding_idea,
                "rules": spec.rules,
                "file_hash": digest,
            },
        )
        result = LoadResult(plan)
        tally = result.counts
        tally[outcome] += 1

        indicators: dict[str, Indicator] = {}
        for order, ind in enumerate(spec.indicators):
            obj, outcome = model_upsert(
                Indicator,
                {"code": ind.code},
                {
                    "name": ind.name,
                    "measure": ind.measure,
                    "kind": ind.kind,
                    "source": ind.source,
                    "direction": ind.direction,
                    "decimals": ind.decimals,
                    "reference": ind.reference,
                    "registry": ind.registry or "",
                    "order": order,
                },
            )
            indicators[ind.code] = obj
            tally[outcome] += 1
        for ind in spec.indicators:  # second pass: ratio parts may be defined after the ratio
            obj, outcome = model_upsert(
                Indicator,
                {"code": ind.code},
                {"numerator": indicators.get(ind.numerator), "denominator": indicators.get(ind.denominator)},
            )
            if outcome != "unchanged":
                tally[outcome] += 1

        city = Unit.objects.get(code=CITY_CODE)
        # A target imported or entered since is the bureau's later word (CONTRACTS.md: an imported
        # target replaces the plan's); reloading the plan leaves it alone.
        replaced = set(
            Target.objects.filter(year=spec.year, unit=city)
            .exclude(origin=TargetOrigin.PLAN)
            .values_list("indicator__code", flat=True)
        )
        for t in spec.targets:
            if t.indicator in replaced:
                tally["unchanged"] += 1
                continue
            _obj, outcome = model_upsert(
                Target,
                {"year": spec.year, "unit": city, "indicator": indicators[t.indicator]},
                {
                    "value": t.value,
                    "value_max": t.value_max,
                    "growth": t.growth,
                    "growth_pp": t.growth_pp,
                    "text": t.text,
                    "origin": TargetOrigin.PLAN,
                },
            )
            tally[outcome] += 1

        keep_tasks = []
        for task in spec.tasks:
            task_obj, outcome = model_upsert(
                Task,
                {"plan": plan, "number": task.number},
                {"label": task.label, "title": task.title, "owner": sections.get(task.owner)},
            )
            tally[outcome] += 1
            keep_tasks.append(task_obj.pk)
            keep_items = []
            for item in task.items:
                item_obj, outcome = model_upsert(
                    TaskItem,
                    {"task": task_obj, "number": item.number},
                    {
                        "label": item.label,
                        "text": item.text,
                        "owner": sections.get(item.owner),
                        "co_owners": item.co_owners,
                        "documents": item.documents,
                    },
                )
                tally[outcome] += 1
                keep_items.append(item_obj.pk)
                for order, target in enumerate(item.targets):
                    _o, outcome = model_upsert(
                        ItemTarget,
                        {"item": item_obj, "order": order},
                        {
                            "text": target.text,
                            "indicator": indicators.get(target.indicator) if target.indicator else None,
                            "value": target.value,
                            "value_max": target.value_max,
                            "measure": target.measure,
                            "at_least": target.at_least,
                        },
                    )
                    tally[outcome] += 1
                tally["deleted"] += _delete_each(
                    ItemTarget.objects.filter(item=item_obj, order__gte=len(item.targets))
                )
                for order, deadline in enumerate(item.deadlines):
                    _o, outcome = model_upsert(
                        Deadline,
                        {"item": item_obj, "order": order},
                        {"text": deadline.text, "due": deadline.due},
                    )
                    tally[outcome] += 1
                tally["deleted"] += _delete_each(
                    Deadline.objects.filter(item=item_obj, order__gte=len(item.deadlines))
                )
            tally["deleted"] += _delete_each(
                TaskItem.objects.filter(task=task_obj).exclude(pk__in=keep_items)
            )
        tally["deleted"] += _delete_each(Task.objects.filter(plan=plan).exclude(pk__in=keep_tasks))

        if result.changed:
            record_event(
                EventAction.PLAN_LOADED,
                actor=actor,
                obj=plan,
                message=str(Path(path).name),
                data={"sha256": digest, **tally},
            )
    return result


def _delete_each(qs) -> int:
    # Row by row, so every deletion reaches the audit log (QuerySet.delete sends signals too,
    # but iterating keeps the count honest for cascades).
    n = 0
    for obj in qs:
        obj.delete()
        n += 1
    return n
