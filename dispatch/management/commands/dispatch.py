"""`kechuang dispatch import-targets FILE | import-actuals FILE | status --year Y --month M [--json]`
(CONTRACTS.md "Dispatch files and figures")."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from dispatch.figures import FIGURE_KEYS, dispatch_figures
from dispatch.services import DispatchImportError, actuals_import, targets_import


class Command(BaseCommand):
    help = "Dispatch: import targets or actuals, or print the figures of a month."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for name, what in (("import-targets", "targets"), ("import-actuals", "actuals")):
            p = sub.add_parser(name, help=f"import a {what} file (CSV or .xlsx), all or nothing")
            p.add_argument("file")
            p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        p = sub.add_parser("status", help="the figures of one month")
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--month", type=int, required=True)
        p.add_argument("--json", action="store_true", help="one JSON object on stdout")
        p = sub.add_parser("warnings", help="persist the warnings of one month; open follow-up orders")
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--month", type=int, required=True)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "status":
            return self._status(options)
        if action == "warnings":
            return self._warnings(options)
        run = targets_import if action == "import-targets" else actuals_import
        try:
            result = run(options["file"], dry_run=options["dry_run"])
        except DispatchImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            n = len(exc.errors)
            raise CommandError(
                f"{options['file']}: {n} error{'s' if n != 1 else ''}; nothing was imported"
            ) from exc
        c = result.counts
        if result.dry_run:
            self.stdout.write(
                f"Dry run: {result.rows} rows of {result.file} are valid; would create {c['created']}, "
                f"update {c['updated']}, leave {c['unchanged']} unchanged. Nothing was written."
            )
        else:
            self.stdout.write(
                f"Imported {result.kind} from {result.file} ({result.rows} rows): created {c['created']}, "
                f"updated {c['updated']}, unchanged {c['unchanged']}."
            )

    def _status(self, options):
        year, month = options["year"], options["month"]
        if not 1 <= month <= 12:
            raise CommandError(f"--month must be 1–12, not {month}")
        rows = dispatch_figures(year, month)
        if options["json"]:
            self.stdout.write(json.dumps({"year": year, "month": month, "rows": rows}, ensure_ascii=False))
            return
        self.stdout.write(f"{year}-{month:02d}: {len(rows)} figures")
        self.stdout.write("\t".join(FIGURE_KEYS))
        for row in rows:
            cells = []
            for key in FIGURE_KEYS:
                value = row[key]
                if key == "warnings":
                    cells.append(",".join(value))
                elif isinstance(value, float):
                    cells.append(f"{value:.4g}")
                else:
                    cells.append("" if value is None else str(value))
            self.stdout.write("\t".join(cells))

    def _warnings(self, options):
        from dispatch.workflow.common import WorkflowError
        from dispatch.workflow.warnings import warnings_refresh

        try:
            r = warnings_refresh(actor=None, year=options["year"], month=options["month"])
        except WorkflowError as exc:
            raise CommandError(f"--month must be 1–12, not {options['month']}") from exc
        self.stdout.write(
            f"{r.year}-{r.month:02d}: warnings created {r.created}, updated {r.updated}, cleared {r.cleared}; "
            f"follow-up orders opened {len(r.orders)}"
            + (f" ({', '.join(o.number for o in r.orders)})" if r.orders else "")
            + "."
        )
