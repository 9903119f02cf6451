"""The plan file's schema. Validation errors carry the path inside the file
(`tasks[2].items[0].targets[1].value`), so `kechuang loadplan` can name each one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["PlanFile", "ValidationError", "error_paths"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SectionIn(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1)


class IndicatorIn(_Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    kind: Literal["cumulative", "stock", "ratio"]
    source: Literal["reported", "counted", "summed", "computed"]
    direction: Literal["up", "down"] = "up"
    decimals: int = Field(default=2, ge=0, le=6)
    reference: bool = False
    numerator: str | None = None
    denominator: str | None = None
    registry: str | None = None

    @model_validator(mode="after")
    def _ratio_has_parts(self):
        if self.kind == "ratio" and not (self.numerator and self.denominator):
            raise ValueError("a ratio indicator needs numerator and denominator")
        return self


class TargetIn(_Strict):
    indicator: str
    value: Decimal | None = None
    value_max: Decimal | None = None
    growth: Decimal | None = None
    growth_pp: Decimal | None = None
    text: str = ""

    @model_validator(mode="after")
    def _something(self):
        if self.value is None and self.growth is None and self.growth_pp is None:
            raise ValueError("a target needs value, growth or growth_pp")
        if self.value is not None and self.value_max is not None and self.value_max < self.value:
            raise ValueError("value_max is below value")
        return self


class ItemTargetIn(_Strict):
    text: str = Field(min_length=1)
    indicator: str | None = None
    value: Decimal | None = None
    value_max: Decimal | None = None
    measure: str = ""
    at_least: bool = False


class DeadlineIn(_Strict):
    text: str = Field(min_length=1)
    due: dt.date


class ItemIn(_Strict):
    number: int = Field(ge=1)
    label: str = Field(min_length=1)
    text: str = Field(min_length=1)
    owner: str | None = None
    co_owners: list[str] = []
    targets: list[ItemTargetIn] = []
    deadlines: list[DeadlineIn] = []
    documents: list[str] = []


class TaskIn(_Strict):
    number: int = Field(ge=1)
    label: str = Field(min_length=1)
    title: str = Field(min_length=1)
    owner: str | None = None
    items: list[ItemIn] = Field(min_length=1)


class PlanFile(_Strict):
    code: str = Field(pattern=r"^[a-z0-9-]+$")
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    source: str = ""
    guiding_idea: str = ""
    sections: list[SectionIn] = []
    indicators: list[IndicatorIn] = Field(min_length=1)
    targets: list[TargetIn] = []
    rules: dict = {}
    tasks: list[TaskIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self):
        """Cross-references inside the file; errors are raised with their path."""
        problems: list[str] = []
        codes = [i.code for i in self.indicators]
        known = set(codes)
        sections = {s.code for s in self.sections}
        for n, code in enumerate(codes):
            if codes.index(code) != n:
                problems.append(f"indicators[{n}].code: duplicate indicator {code}")
        for n, ind in enumerate(self.indicators):
            for part in ("numerator", "denominator"):
                ref = getattr(ind, part)
                if ref and ref not in known:
                    problems.append(f"indicators[{n}].{part}: unknown indicator {ref}")
        for n, t in enumerate(self.targets):
            if t.indicator not in known:
                problems.append(f"targets[{n}].indicator: unknown indicator {t.indicator}")
        seen_tasks = set()
        for ti, task in enumerate(self.tasks):
            if task.number in seen_tasks:
                problems.append(f"tasks[{ti}].number: duplicate task number {task.number}")
            seen_tasks.add(task.number)
            if task.owner and sections and task.owner not in sections:
                problems.append(f"tasks[{ti}].owner: unknown section {task.owner}")
            seen_items = set()
            for ii, item in enumerate(task.items):
                where = f"tasks[{ti}].items[{ii}]"
                if item.number in seen_items:
                    problems.append(f"{where}.number: duplicate item number {item.number}")
                seen_items.add(item.number)
                if item.owner and sections and item.owner not in sections:
                    problems.append(f"{where}.owner: unknown section {item.owner}")
                for gi, target in enumerate(item.targets):
                    if target.indicator and target.indicator not in known:
                        problems.append(
                            f"{where}.targets[{gi}].indicator: unknown indicator {target.indicator}"
                        )
        if problems:
            raise ValueError("\n".join(problems))
        return self


def error_paths(exc: ValidationError) -> list[str]:
    """One line per problem: `path: message`, the path written as in the YAML file."""
    lines = []
    for err in exc.errors():
        path = ""
        for part in err["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        msg = err["msg"].removeprefix("Value error, ")
        if "\n" in msg or (not path and ":" in msg):
            lines.extend(msg.splitlines())
        else:
            lines.append(f"{path or '(file)'}: {msg}")
    return lines
