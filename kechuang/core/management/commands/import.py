from django.core.management.base import BaseCommand, CommandError

from kechuang.core.imports import ImportFailed, import_file, registered_kinds


class Command(BaseCommand):
    help = "Import a list (CSV or .xlsx) all-or-nothing: `kechuang import KIND FILE [--dry-run] [--update]`."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds, e.g. enterprises or contracts")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
        parser.add_argument("--update", action="store_true", help="replace figures already held")
        parser.add_argument("--year", type=int, help="the year a source list belongs to")
        parser.add_argument("--source", help="which cultivation-pool source list the file is")

    def handle(self, *args, kind, file, dry_run, update, year, source, **options):
        opts = {k: v for k, v in {"update": update, "year": year, "source": source}.items() if v}
        try:
            result = import_file(kind, file, dry_run=dry_run, options=opts)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            n = len(exc.errors)
            raise CommandError(f"{n} problem{'s' if n != 1 else ''}; nothing was imported.") from exc
        if dry_run:
            self.stdout.write(f"{result.rows} rows checked, no problems found; nothing written (--dry-run).")
        else:
            self.stdout.write(
                f"{result.rows} rows imported: {result.created} created, {result.updated} updated "
                f"(import #{result.run_id})."
            )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = "Kinds: " + ", ".join(registered_kinds())
        return parser
