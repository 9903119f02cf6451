"""Spreadsheet exports: streamed, with formulas neutralised (security.md: CSV/XLSX injection)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence

from kechuang.tabular import neutralise

__all__ = ["xlsx_stream"]

CHUNK = 64 * 1024


def xlsx_stream(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """Write the rows in openpyxl's write-only mode (rows go to disk, not memory) and stream the
    finished file in chunks: memory stays flat however many rows there are."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(header))
    for row in rows:
        ws.append([neutralise(v) for v in row])
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            yield chunk
