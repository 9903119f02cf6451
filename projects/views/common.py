"""Helpers shared by the project views."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse

from kechuang.core.audit import record_event
from kechuang.core.exports import xlsx_stream
from kechuang.core.models import EventAction
from projects.access import Refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def steps_404(view):
    """A step the user's role does not take (PermissionError from a service) answers 404, like a
    foreign object: the page does not exist for them."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionError as exc:
            raise Http404 from exc

    return wrapped


def refused(request, exc: Refused, form=None) -> None:
    """Show a service's refusal: on the form when there is one, else as messages."""
    if form is not None:
        for m in exc.messages:
            form.add_error(None, m)
    else:
        for m in exc.messages:
            messages.error(request, m)


def xlsx_response(request, filename: str, header, rows) -> StreamingHttpResponse:
    record_event(EventAction.EXPORT, request=request, message=filename, data={"filters": request.GET.dict()})
    response = StreamingHttpResponse(xlsx_stream([str(h) for h in header], rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
