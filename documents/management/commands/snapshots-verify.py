"""`kechuang snapshots-verify [--sign-unsigned]`: check every document's snapshot against its
HMAC-SM3 (security.md item 30, switch 2, KECHUANG_SNAPSHOT_KEY)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from documents.models import Document
from documents.snapshot import sign, signature_state
from kechuang.core.audit import record_event
from kechuang.core.crypto import snapshot_key


class Command(BaseCommand):
    help = (
        "Check that no document's data snapshot changed since it was generated (HMAC-SM3); exits "
        "non-zero naming every altered one. --sign-unsigned signs the snapshots made before the "
        "switch was turned on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sign-unsigned", action="store_true", help="sign the snapshots that carry no signature yet"
        )

    def handle(self, *args, sign_unsigned=False, **options):
        key = snapshot_key()
        if key is None:
            raise CommandError(
                "KECHUANG_SNAPSHOT_KEY is not set: there is no key to verify the snapshots with."
            )
        counts = {"ok": 0, "unsigned": 0, "altered": 0, "signed": 0}
        altered, unsigned = [], []
        rows = Document.objects.order_by("id").values_list("id", "title", "snapshot", "snapshot_mac")
        for pk, title, snapshot, mac in rows.iterator(chunk_size=100):
            state = signature_state(snapshot, mac)
            counts[state] += 1
            if state == "altered":
                altered.append(f"document {pk} ({title}): the snapshot does not match its signature")
            elif state == "unsigned":
                unsigned.append((pk, title, snapshot))
        if sign_unsigned and unsigned:
            with transaction.atomic():
                for pk, _title, snapshot in unsigned:
                    Document.objects.filter(pk=pk, snapshot_mac="").update(snapshot_mac=sign(snapshot, key))
                record_event(
                    "snapshot-sign",
                    actor_name="(command line)",
                    message="unsigned document snapshots signed",
                    data={"documents": [pk for pk, _t, _s in unsigned]},
                )
            counts["signed"], counts["unsigned"] = len(unsigned), 0
        for pk, title, _snapshot in unsigned if not sign_unsigned else []:
            self.stdout.write(f"document {pk} ({title}): not signed")
        summary = (
            f"{counts['ok']} snapshots intact, {counts['altered']} altered, "
            f"{counts['unsigned']} unsigned, {counts['signed']} signed now."
        )
        if altered:
            raise CommandError("\n".join([*altered, summary]))
        self.stdout.write(summary)
