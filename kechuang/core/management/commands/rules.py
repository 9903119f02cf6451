"""`kechuang rules tsme|hte|uscc`: the evaluation engines on files (CONTRACTS.md, "Evaluation rules").

tsme and hte read every row, write one output row per input row in the same order and exit 0; a row
with unusable inputs gets an empty verdict and its MISSING_<column> reasons. The frame (polars) path
of each engine does the work, so a large file costs little more than reading and writing it.
uscc prints one line per code and exits 1 when any code is invalid.
"""

from __future__ import annotations

import polars as pl
from django.core.management.base import BaseCommand, CommandError

from kechuang.tabular import TableError, read_table, write_table
from rules import hte, tsme, uscc
from rules.labels import HTE_ALIASES, TSME_ALIASES

ENGINES = {
    "tsme": (tsme, TSME_ALIASES),
    "hte": (hte, HTE_ALIASES),
}


def _cell(value):
    """CONTRACTS.md spellings: booleans as true/false, empty for unknown, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Command(BaseCommand):
    help = "Evaluate enterprises for 科技型中小企业 (tsme) or 高新技术企业 (hte), or check USCC codes."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        for kind, label in (("tsme", "科技型中小企业评价"), ("hte", "高新技术企业认定条件")):
            sub = kinds.add_parser(kind, help=label)
            sub.add_argument("--input", required=True, help="CSV (UTF-8, BOM or GB18030) or .xlsx")
            sub.add_argument("--output", required=True, help=".csv or .xlsx, by the suffix")
        codes = kinds.add_parser("uscc", help="统一社会信用代码 check (GB 32100-2015)")
        codes.add_argument("codes", nargs="+", metavar="CODE")

    def handle(self, *args, **options):
        if options["kind"] == "uscc":
            return self._uscc(options["codes"])
        engine, aliases = ENGINES[options["kind"]]
        try:
            table = read_table(options["input"], aliases=aliases)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        absent = [c for c in engine.REQUIRED_COLUMNS if c not in table.labels]
        if absent:
            # Not fatal: the contract wants one output row per input row, so an absent column is
            # empty in every row and its MISSING_<column> reason says so.
            self.stderr.write(f"note: no column(s) {', '.join(absent)}; treated as empty")
        present = [c for c in engine.INPUT_COLUMNS if c in table.labels]
        frame = pl.DataFrame(
            {c: [values[c] for _, values in table.rows] for c in present},
            schema=dict.fromkeys(present, pl.String),
        )
        result = engine.evaluate_frame(frame)
        rows = ([_cell(v) for v in row] for row in result.iter_rows())
        try:
            write_table(options["output"], engine.OUTPUT_COLUMNS, rows)
        except OSError as exc:
            raise CommandError(f"{options['output']}: cannot write ({exc.strerror})") from exc
        self.stdout.write(f"{len(table.rows)} row(s) evaluated; written to {options['output']}")

    def _uscc(self, codes: list[str]) -> None:
        invalid = 0
        for code in codes:
            ok, reason = uscc.validate(code)
            self.stdout.write(f"{code}\tvalid" if ok else f"{code}\tinvalid\t{reason}")
            invalid += not ok
        if invalid:
            raise CommandError(f"{invalid} of {len(codes)} code(s) invalid", returncode=1)
