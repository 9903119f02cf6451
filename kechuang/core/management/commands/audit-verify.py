"""`kechuang audit-verify`: walk the audit events' hash chain (security.md item 8)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.models import Event, verify_chain

KIND = {
    "link": "does not link to the row before it",
    "content": "was altered after it was written",
    "anchor": "is named as the last purged row, but no audit-purge event records that purge",
}


class Command(BaseCommand):
    help = "Check that no audit event was altered, inserted or removed; exits non-zero naming the first rows that fail."

    def handle(self, *args, **options):
        problems = []
        for pk, kind in verify_chain():
            problems.append(f"event {pk} {KIND[kind]}")
            if len(problems) >= 20:
                break
        if problems:
            raise CommandError("audit chain broken:\n" + "\n".join(problems))
        head = Event.objects.order_by("-id").values_list("id", "hash").first()
        count = Event.objects.count()
        tail = f"; head {head[0]} {head[1][:16]}…" if head else ""
        self.stdout.write(f"Audit chain intact: {count} events{tail}.")
