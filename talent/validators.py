"""Field validators backed by the pure rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rules import idnumber

__all__ = ["ID_REASONS", "validate_id_number"]

ID_REASONS = {
    "LENGTH": _("An ID number has 18 characters."),
    "CHARSET": _("An ID number has 17 digits and a final digit or X."),
    "REGION": _("The first two digits are not a province code."),
    "BIRTH_DATE": _("Characters 7–14 are not a possible birth date."),
    "CHECK_DIGIT": _("The check character is wrong (GB 11643); please check the number."),
}


def validate_id_number(value: str) -> None:
    ok, reason = idnumber.validate(value)
    if not ok:
        raise ValidationError(ID_REASONS[reason], code=reason.lower())
