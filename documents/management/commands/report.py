"""`kechuang report KIND --year Y --month M -o FILE` (CONTRACTS.md): generate a document from the
data as it is now and write it to FILE — .docx, .xlsx (its tables alone) or .pdf (where
LibreOffice is installed). KIND is monthly, bulletin, quarterly, half-year or annual. The
document is also stored, with its data snapshot, like one generated on the site.

`kechuang report --document ID -o FILE` writes a stored document again from its own snapshot:
the figures of its data version, whatever was corrected since."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from documents.services import DocumentError, document_generate, render_file, validate_request

SUFFIXES = (".docx", ".xlsx", ".pdf")


class Command(BaseCommand):
    help = "Generate a document (monthly, bulletin, quarterly, half-year, annual) as .docx, .xlsx or .pdf."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="monthly, bulletin, quarterly, half-year or annual")
        parser.add_argument("--year", help="the year, e.g. 2023")
        parser.add_argument("--month", help="the month of the data, 1–12")
        parser.add_argument("-o", "--output", help="the file to write: .docx, .xlsx or .pdf")
        parser.add_argument(
            "--narrative",
            help='a JSON file of the staff\'s paragraphs, e.g. {"next": "…"} (keys depend on KIND)',
        )
        parser.add_argument("--document", type=int, help="write a stored document again from its snapshot")

    def handle(self, *args, **options):
        # Messages in English, as every other command of the project prints them.
        with translation.override("en"):
            return self._handle(options)

    def _handle(self, options):
        output = options["output"]
        if not output:
            raise CommandError("-o FILE is required (.docx, .xlsx or .pdf)")
        path = Path(output)
        fmt = path.suffix.lower()
        if fmt not in SUFFIXES:
            raise CommandError(f"{output}: the file must end in .docx, .xlsx or .pdf")
        if options["document"] is not None:
            document = self._stored(options["document"])
        else:
            document = self._generate(options)
        try:
            out = render_file(document, fmt[1:])
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
        try:
            path.write_bytes(out.content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        self.stdout.write(
            f"Wrote {output} ({len(out.content)} bytes): {document} — document #{document.pk}, "
            f"data version {document.digest[:12]}, as of {document.as_of:%Y-%m-%d %H:%M}."
        )

    def _stored(self, pk: int):
        from documents.models import Document

        document = Document.objects.filter(pk=pk).first()
        if document is None:
            raise CommandError(f"there is no document #{pk}")
        return document

    def _generate(self, options):
        kind, year, month = options["kind"], options["year"], options["month"]
        if kind is None:
            raise CommandError("KIND is required: monthly, bulletin, quarterly, half-year or annual")
        if year is None or month is None:
            raise CommandError("--year and --month are required")
        narrative = None
        if options["narrative"]:
            try:
                narrative = json.loads(Path(options["narrative"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{options['narrative']}: not a readable JSON file ({exc})") from exc
            if not isinstance(narrative, dict):
                raise CommandError(f"{options['narrative']}: the narrative must be a JSON object")
        try:
            kind, year, month = validate_request(kind, year, month)
            return document_generate(actor=None, kind=kind, year=year, month=month, narrative=narrative)
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
