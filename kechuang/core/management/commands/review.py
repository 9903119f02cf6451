"""`kechuang review assign --proposals P --experts E [--conflicts C] --per-proposal K --output OUT`
(CONTRACTS.md "Reviewer assignment").

Reads the three tables, checks every row (each error names its file, row and column), and writes
the maximum-total-affinity assignment computed by rules.assignment. Where no assignment exists it
names the proposals that cannot be covered, says why, writes nothing and exits non-zero.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.tabular import TableError, read_table, write_table
from rules.assignment import Expert, InfeasibleAssignment, Proposal, assign, parse_fields

_ID = ("编号", "序号", "ID")
_ORG = ("单位", "所在单位", "工作单位", "机构", "组织")
_FIELDS = ("领域", "研究领域", "专业领域", "技术领域", "学科领域", "专业", "标签")

PROPOSAL_ALIASES = {
    "id": (*_ID, "项目编号", "申报编号", "项目ID"),
    "org": (*_ORG, "申报单位", "承担单位", "依托单位"),
    "fields": _FIELDS,
}
EXPERT_ALIASES = {
    "id": (*_ID, "专家编号", "专家ID"),
    "org": _ORG,
    "fields": _FIELDS,
    "max_load": ("最大评审数", "最多评审数", "评审上限", "最大评审量", "最大负荷", "上限"),
}
CONFLICT_ALIASES = {
    "expert": ("专家", "专家编号", "专家ID"),
    "proposal": ("项目", "项目编号", "申报编号", "项目ID"),
}
OUTPUT_COLUMNS = ("proposal", "expert", "affinity")

# A whole number, also as spreadsheets write it (3.0).
_WHOLE = re.compile(r"^\+?(\d+)(?:\.0*)?$")


class Command(BaseCommand):
    help = "Reviewer assignment: the maximum-affinity, conflict-free assignment of experts to proposals."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("assign", help="assign K experts to every proposal")
        p.add_argument("--proposals", required=True, help="id, org, fields (CSV or .xlsx)")
        p.add_argument("--experts", required=True, help="id, org, fields, max_load (CSV or .xlsx)")
        p.add_argument("--conflicts", help="expert, proposal pairs that must not meet (CSV or .xlsx)")
        p.add_argument("--per-proposal", type=int, required=True, metavar="K", help="experts per proposal")
        p.add_argument("--output", required=True, help="proposal, expert, affinity (.csv or .xlsx)")

    def handle(self, *args, **options):
        k = options["per_proposal"]
        if k < 1:
            raise CommandError(f"--per-proposal must be at least 1, not {k}")
        errors: list[str] = []
        # Ids seen in each file (bad rows included), so a conflict row is only "unknown" when
        # the id is absent, not when its expert row had another error.
        self._known: dict[str, set[str]] = {"proposal": set(), "expert": set()}
        proposals = self._proposals(options["proposals"], errors)
        experts = self._experts(options["experts"], errors)
        conflicts = []
        if options["conflicts"]:
            conflicts = self._conflicts(options["conflicts"], self._known, errors)
        if errors:
            for line in errors:
                self.stderr.write(line)
            n = len(errors)
            raise CommandError(f"{n} input error{'s' if n != 1 else ''}; nothing was assigned")

        try:
            result = assign(proposals.values(), experts.values(), conflicts, k)
        except InfeasibleAssignment as exc:
            for shortage in exc.shortages:
                self.stderr.write(shortage.describe())
            n = len(exc.proposals)
            raise CommandError(
                f"no assignment exists: {n} proposal{'s' if n != 1 else ''} cannot be covered: "
                + ", ".join(exc.proposals)
            ) from exc

        as_text = not options["output"].lower().endswith(".xlsx")
        rows = (
            (p.proposal, p.expert, _plain(p.affinity) if as_text else float(p.affinity)) for p in result.pairs
        )
        try:
            write_table(options["output"], OUTPUT_COLUMNS, rows)
        except OSError as exc:
            raise CommandError(f"{options['output']}: cannot write ({exc.strerror})") from exc
        mean = float(result.total) / len(result.pairs) if result.pairs else 0.0
        self.stdout.write(
            f"Assigned {k} expert{'s' if k != 1 else ''} to each of {len(proposals)} proposals; "
            f"total affinity {float(result.total):.6f} (mean {mean:.4f}); written to {options['output']}"
        )

    # -- reading --------------------------------------------------------------------------------
    def _read(self, path: str, aliases: dict, errors: list[str]):
        try:
            return read_table(path, aliases=aliases, required=aliases.keys())
        except TableError as exc:
            errors.append(str(exc))
            return None

    def _unique(self, name: str, kind: str, table, errors: list[str]):
        """(row, values) of the rows with a usable id, first occurrence only; empty and repeated
        ids are reported. Every id seen is remembered for checking the conflicts file."""
        seen: dict[str, int] = {}
        for row, values in table.rows:
            ident = values["id"]
            if not ident:
                errors.append(f"{name}: row {row}, column id: empty")
            elif ident in seen:
                errors.append(f"{name}: row {row}, column id: {ident!r} repeats row {seen[ident]}")
            else:
                seen[ident] = row
                yield row, values
        self._known[kind] = set(seen)

    def _proposals(self, path: str, errors: list[str]) -> dict[str, Proposal]:
        table = self._read(path, PROPOSAL_ALIASES, errors)
        if table is None:
            return {}
        return {
            v["id"]: Proposal(v["id"], v["org"], parse_fields(v["fields"]))
            for _, v in self._unique(_name(path), "proposal", table, errors)
        }

    def _experts(self, path: str, errors: list[str]) -> dict[str, Expert]:
        table = self._read(path, EXPERT_ALIASES, errors)
        if table is None:
            return {}
        name = _name(path)
        out = {}
        for row, v in self._unique(name, "expert", table, errors):
            match = _WHOLE.match(v["max_load"])
            if not match:
                what = "empty" if not v["max_load"] else f"{v['max_load']!r} is not a whole number ≥ 0"
                errors.append(f"{name}: row {row}, column max_load: {what}")
                continue
            out[v["id"]] = Expert(v["id"], v["org"], parse_fields(v["fields"]), int(match.group(1)))
        return out

    def _conflicts(self, path: str, known: dict[str, set[str]], errors: list[str]) -> list[tuple[str, str]]:
        table = self._read(path, CONFLICT_ALIASES, errors)
        if table is None:
            return []
        name = _name(path)
        out = []
        for row, v in table.rows:
            ok = True
            for column in ("expert", "proposal"):
                if not v[column]:
                    errors.append(f"{name}: row {row}, column {column}: empty")
                    ok = False
                elif v[column] not in known[column]:
                    errors.append(f"{name}: row {row}, column {column}: unknown {column} {v[column]!r}")
                    ok = False
            if ok:
                out.append((v["expert"], v["proposal"]))
        return out


def _plain(value: Fraction) -> str:
    """The nearest double to the exact value, as a plain decimal (never exponent form): the
    shortest text that reads back as that double, so the sum stays the optimum within rounding."""
    text = repr(float(value))
    if "e" in text:
        text = f"{float(value):.20f}".rstrip("0")
    return text


def _name(path: str) -> str:
    return Path(path).name
