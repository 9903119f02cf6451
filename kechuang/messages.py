"""Messages that are English text and can still be shown in the reader's language.

Import errors are English in the CLI and the logs (CONTRACTS.md: `row N, column C: what is
wrong`), while a page shows them in Chinese. A `Msg` is the English string itself (a `str`, so
every caller that compares, joins or prints it keeps working) and remembers its template and
parameters, so `localize` can translate the template at display time. Pure Python: Django is
imported only when a message is localised.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Msg", "gettext_noop", "localize"]


def gettext_noop(template: str) -> str:
    """Marks a template for `makemessages` (xgettext knows this name); translation happens later."""
    return template


class Msg(str):
    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Msg:
        obj = super().__new__(cls, template.format(**params) if params else template)
        obj.template, obj.params = template, params
        return obj

    def __reduce__(self):  # pickles (job results, multiprocessing) as the message it is
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Msg:
    return Msg(template, **params)


def localize(message: Any) -> str:
    """The message in the active language: a Msg by its template, anything with `localized()`
    by that, plain text as it is."""
    if hasattr(message, "localized"):
        return message.localized()
    if isinstance(message, Msg):
        from django.utils.translation import gettext

        params = {k: localize(v) if isinstance(v, Msg) else v for k, v in message.params.items()}
        return gettext(message.template).format(**params) if params else gettext(message.template)
    return str(message)
