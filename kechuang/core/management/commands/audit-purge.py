"""`kechuang audit-purge --before DATE`: delete audit events older than the retention period,
keeping the hash chain verifiable (security.md item 8)."""

from __future__ import annotations

import datetime as dt
import getpass

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.retention import PurgeRefused, audit_purge, retention_days


class Command(BaseCommand):
    help = (
        "Delete the audit events written before DATE (YYYY-MM-DD). DATE must be at least "
        "AUDIT_RETENTION_DAYS (>= 180) days ago; the hash of the last deleted event becomes the "
        "chain's anchor, so `kechuang audit-verify` still passes. The purge is itself audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="purge events before this day (YYYY-MM-DD)")

    def handle(self, *args, **options):
        try:
            before = dt.date.fromisoformat(options["before"])
        except ValueError as exc:
            raise CommandError(f"--before: {options['before']!r} is not a date (YYYY-MM-DD)") from exc
        try:
            result = audit_purge(actor_name=f"cli:{getpass.getuser()}", before=before)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from exc
        if not result.count:
            self.stdout.write(f"No audit events before {before.isoformat()}; nothing purged.")
            return
        self.stdout.write(
            f"Purged {result.count} audit events before {before.isoformat()} (retention "
            f"{retention_days()} days); chain anchored at event {result.last_id} {result.anchor[:16]}…"
        )
