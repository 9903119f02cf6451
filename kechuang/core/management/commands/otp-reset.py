"""`kechuang otp-reset USERNAME`: remove a user's second-factor device from the server's shell
(security.md item 30), e.g. when the bureau admin's own phone is lost. Audited."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Remove USERNAME's TOTP device(s); they set up their authenticator again at the next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        from kechuang.core.otp import otp_device_reset
        from org.models import User

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        count = otp_device_reset(actor=None, user=user, operator=f"cli:{getpass.getuser()}")
        self.stdout.write(f"Second factor of {username} reset: {count} device(s) removed.")
