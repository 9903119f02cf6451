"""`kechuang backup-drill [FILE]`: the monthly timed restore drill (security.md item 26)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.drill import backup_drill, drill_log_path


class Command(BaseCommand):
    help = (
        "Restore the newest backup in var/backups/ (or FILE) into a scratch database, check its "
        "digest, `migrate --check` and the audit chain, time it, drop the scratch database and append "
        "the result to var/backups/drills.log. Exits non-zero when the drill fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the backup to drill with (default: the newest)")

    def handle(self, *args, **options):
        from kechuang.core.audit import record_event
        from kechuang.core.models import EventAction

        entry = backup_drill(Path(options["file"]) if options["file"] else None)
        record_event(
            EventAction.BACKUP_DRILL,
            actor_name="cli:backup-drill",
            message=f"restore drill {'passed' if entry['ok'] else 'failed'} in {entry['seconds']} s",
            data={k: entry.get(k) for k in ("backup", "ok", "seconds", "restore_seconds", "rows", "error")},
        )
        if not entry["ok"]:
            raise CommandError(f"restore drill failed ({entry['seconds']} s): {entry['error']}")
        self.stdout.write(
            f"Restore drill passed: {entry['backup']} restored in {entry['restore_seconds']} s, "
            f"{entry['rows']} rows, digest matches, migrations current, audit chain intact "
            f"({entry['audit_events']} events); {entry['seconds']} s in all. Logged to {drill_log_path()}."
        )
