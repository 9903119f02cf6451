"""`kechuang restore FILE --yes`: replace the database with a checked backup (security.md item 24)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kechuang.core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup made by `kechuang backup`: the file must match its manifest's SHA-256, pass "
        "the integrity check, and the restored database must match the manifest's digest."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (its FILE.json manifest must be beside it)")
        parser.add_argument("--yes", action="store_true", help="replace the current data without asking")

    def handle(self, *args, **options):
        src = Path(options["file"])
        if not options["yes"]:
            raise CommandError("restore replaces every row of the database; run again with --yes to proceed")
        try:
            manifest = restore_database(src)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        try:
            call_command("migrate", check=True, plan=True, verbosity=0)
        except SystemExit as exc:
            raise CommandError(
                "restored, but the backup predates this version's migrations: run `kechuang migrate`"
            ) from exc
        self.stdout.write(
            f"Restored {src} ({sum(manifest.tables.values())} rows, made {manifest.created}); digest verified."
        )
