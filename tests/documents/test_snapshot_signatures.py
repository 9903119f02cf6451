"""HMAC-SM3 on approved document snapshots (security.md item 30, switch 2,
KECHUANG_SNAPSHOT_KEY): signed when generated, checked before every use (page, file, narrative,
publication) and by `kechuang snapshots-verify`; a changed snapshot is refused and reported;
with the switch off nothing changes."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from documents.models import Document
from documents.services import (
    SnapshotAltered,
    document_generate,
    document_narrative_update,
    document_publish,
    render_file,
)
from kechuang.core.models import Event

pytestmark = pytest.mark.django_db

KEY = "00112233445566778899aabbccddeeff"


@pytest.fixture(autouse=True)
def _english():
    """Service messages read in English here; the page is read in its default Chinese."""
    with translation.override("en"):
        yield


def _hmac_sm3(snapshot: dict) -> str:
    """Computed here independently: HMAC(SM3) over sorted-key, compact, UTF-8 JSON."""
    mac = hmac.HMAC(bytes.fromhex(KEY), hashes.SM3())
    mac.update(json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    return mac.finalize().hex()


def _tamper(document: Document) -> None:
    snapshot = Document.objects.values_list("snapshot", flat=True).get(pk=document.pk)
    snapshot["plan"]["issuer"] = "伪造的发文机关"
    Document.objects.filter(pk=document.pk).update(snapshot=snapshot)


def _verify(*args) -> str:
    out = io.StringIO()
    call_command("snapshots-verify", *args, stdout=out)
    return out.getvalue().strip()


def test_switch_off_changes_nothing(figures, users, settings):
    settings.KECHUANG_SNAPSHOT_KEY = ""
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    assert doc.snapshot_mac == ""
    _tamper(doc)
    doc.refresh_from_db()
    assert render_file(doc, "xlsx").content[:2] == b"PK"  # not checked: the switch is off
    with pytest.raises(CommandError, match="KECHUANG_SNAPSHOT_KEY is not set"):
        _verify()


def test_a_snapshot_is_signed_and_a_changed_one_is_refused_everywhere(figures, users, settings):
    settings.KECHUANG_SNAPSHOT_KEY = KEY
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    other = document_generate(actor=users["staff"], kind="quarterly", year=2023, month=6)
    doc.refresh_from_db()
    assert doc.snapshot_mac == _hmac_sm3(doc.snapshot) and len(doc.snapshot_mac) == 64
    assert render_file(doc, "xlsx").content[:2] == b"PK"
    assert _verify() == "2 snapshots intact, 0 altered, 0 unsigned, 0 signed now."

    _tamper(doc)
    doc.refresh_from_db()
    for use in (
        lambda: render_file(doc, "docx"),
        lambda: render_file(doc, "xlsx"),
        lambda: document_narrative_update(actor=users["staff"], document=doc, narrative={}),
        lambda: document_publish(actor=users["staff"], document=doc),
    ):
        with pytest.raises(SnapshotAltered, match="altered after it was generated"):
            use()
    doc.refresh_from_db()
    assert doc.published_at is None and doc.reference == ""
    staff = Client()
    staff.force_login(users["staff"])
    page = staff.get(f"/documents/{doc.pk}/")
    assert page.status_code == 200 and "本文档的数据在生成后被改动" in page.content.decode()
    download = staff.get(f"/documents/{doc.pk}/download/xlsx/")
    assert download.status_code == 302  # back to the page with the message, no file
    with pytest.raises(CommandError) as info:
        _verify()
    assert str(info.value).splitlines() == [
        f"document {doc.pk} ({doc.title}): the snapshot does not match its signature",
        "1 snapshots intact, 1 altered, 0 unsigned, 0 signed now.",
    ]
    # The untouched document is still served.
    assert render_file(other, "xlsx").content[:2] == b"PK"
    # A signature copied from another document does not fit either.
    Document.objects.filter(pk=doc.pk).update(
        snapshot=Document.objects.values_list("snapshot", flat=True).get(pk=other.pk),
        snapshot_mac=doc.snapshot_mac,
    )
    with pytest.raises(CommandError):
        _verify()


def test_documents_made_before_the_switch_are_signed_on_request(figures, users, settings):
    settings.KECHUANG_SNAPSHOT_KEY = ""
    doc = document_generate(actor=users["staff"], kind="monthly", year=2023, month=6)
    settings.KECHUANG_SNAPSHOT_KEY = KEY
    with pytest.raises(SnapshotAltered, match="carries no signature"):
        render_file(doc, "xlsx")
    assert _verify().splitlines() == [
        f"document {doc.pk} ({doc.title}): not signed",
        "0 snapshots intact, 0 altered, 1 unsigned, 0 signed now.",
    ]
    assert _verify("--sign-unsigned") == "0 snapshots intact, 0 altered, 0 unsigned, 1 signed now."
    doc.refresh_from_db()
    assert doc.snapshot_mac == _hmac_sm3(doc.snapshot)
    assert render_file(doc, "xlsx").content[:2] == b"PK"
    assert Event.objects.get(action="snapshot-sign").data == {"documents": [doc.pk]}
    assert _verify() == "1 snapshots intact, 0 altered, 0 unsigned, 0 signed now."
