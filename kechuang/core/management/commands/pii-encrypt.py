"""`kechuang pii-encrypt [--decrypt]`: bring the stored ID and phone numbers in line with the
KECHUANG_FIELD_KEY switch (security.md item 30)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kechuang.core.pii import convert_stored


class Command(BaseCommand):
    help = (
        "Encrypt with SM4 every stored ID and phone number still in plaintext (after setting "
        "KECHUANG_FIELD_KEY); with --decrypt, write them back as plaintext (before removing the key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--decrypt", action="store_true", help="write the values back as plaintext")

    def handle(self, *args, decrypt=False, **options):
        try:
            counts = convert_stored(decrypt=decrypt)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        verb = "decrypted" if decrypt else "encrypted"
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n} {verb}")
        self.stdout.write(f"{sum(counts.values())} values {verb}.")
