"""`kechuang backup [FILE]`: an online, checked backup with its manifest (security.md item 24)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kechuang.core.backup import BackupError, backup_database


def default_path() -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    return Path(settings.VAR_DIR) / "backups" / f"kechuang-{stamp}.{suffix}"


class Command(BaseCommand):
    help = (
        "Back up the database while it runs (SQLite online backup API or pg_dump), check the copy "
        "(integrity check / archive listing) and write FILE.json with its SHA-256, row counts and digest."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write the backup (default var/backups/…)")

    def handle(self, *args, **options):
        dest = Path(options["file"]) if options["file"] else default_path()
        try:
            manifest = backup_database(dest)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Backup written to {dest} ({len(manifest.tables)} tables, {rows} rows, "
            f"SHA-256 {manifest.sha256[:16]}…); integrity ok."
        )
