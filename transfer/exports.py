"""Excel exports of a filtered list: the rows the user's list shows, formulas neutralised, and an
EXPORT audit event saying who took which rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.utils.functional import Promise

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.tabular import neutralise

__all__ = ["xlsx_response"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    request, *, filename: str, header: Sequence[str], rows: Iterable[Sequence], kind: str, filters: dict
) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([str(h) for h in header])
    count = 0
    for row in rows:
        ws.append([neutralise(str(v) if isinstance(v, Promise) else v) for v in row])
        count += 1
    buffer = BytesIO()
    wb.save(buffer)
    record_event(
        EventAction.EXPORT,
        request=request,
        message=f"{kind}: {count} rows",
        data={"kind": kind, "rows": count, "filters": filters},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
