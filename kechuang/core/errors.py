"""Error pages that say what went wrong without saying anything internal (security.md items 12
and 29). A request over Django's size limits reaches `handler400` with the SuspiciousOperation
that refused it; the user gets a 413 naming the limit rather than a bare "Bad Request"."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def too_large_message(exception: Exception) -> str:
    if isinstance(exception, TooManyFieldsSent):
        return _("The form sent more than %(n)s fields. Send the data in smaller parts.") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exception, TooManyFilesSent):
        return _("More than %(n)s files were sent at once. Send them in smaller batches.") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    return _("The request is larger than %(size)s (files not counted). Send the data in smaller parts.") % {
        "size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    }


def bad_request(request, exception=None):
    """400, or 413 for a request over a size limit; JSON for the API."""
    status = 413 if isinstance(exception, TOO_LARGE) else 400
    message = too_large_message(exception) if status == 413 else _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "400.html", {"status": status, "message": message}, status=status)
