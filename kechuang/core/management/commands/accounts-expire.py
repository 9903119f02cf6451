"""`kechuang accounts-expire`: disable expired and long-inactive accounts (security.md item 27)."""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Disable every active account past its expiry date, or (ACCOUNT_INACTIVE_DAYS > 0) not signed "
        "in to for that many days; ends their sessions and audits each one. Run it daily."
    )

    def handle(self, *args, **options):
        from org.accounts import accounts_expire

        done = accounts_expire(actor_name=f"cli:{getpass.getuser()}")
        for item in done:
            self.stdout.write(f"disabled {item.username} ({item.reason}; {item.sessions} session(s) ended)")
        days = settings.ACCOUNT_INACTIVE_DAYS
        rule = f"inactivity limit {days} days" if days else "no inactivity limit"
        self.stdout.write(f"{len(done)} account(s) disabled ({rule}).")
