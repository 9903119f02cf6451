"""Form helpers shared by the registries.

`BureauDecisionsForm`: the plan's workflow is "a district proposes, the bureau decides"
(security.md items 16 and 17). A field that records a decision — a platform's recognition, a
top-ten selection, a transformation project's approval — is the bureau's: for anyone else it is
shown disabled, and Django keeps the stored value (or the model's default on a new row) whatever
the browser posts. Where a proposer may still take one step itself (withdraw its own
application), `proposer_choices` lists the values it may choose, as long as no decision has been
recorded yet.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.roles import CHANGE
from kechuang.core.scope import scope_of

__all__ = ["BUREAU_DECIDES", "BureauDecisionsForm", "decides"]

BUREAU_DECIDES = _("Recorded by the bureau.")


def decides(user) -> bool:
    """Whether the user records decisions: the bureau's writers (admin and staff)."""
    return scope_of(user).sees_all(CHANGE)


class BureauDecisionsForm(forms.BaseForm):
    """Mixin for a form taking `user=`: `decision_fields` are bureau-only. Put it before the
    ModelForm base and call it after the base has built its fields."""

    decision_fields: tuple[str, ...] = ()
    # field -> the values a proposer may choose itself while the row is undecided
    proposer_choices: dict[str, frozenset[str]] = {}
    # field -> the value a proposer's new row starts with (where the model's default is a decision)
    proposer_initial: dict[str, object] = {}

    def limit_decisions(self, user) -> None:
        if decides(user):
            return
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            for name, value in self.proposer_initial.items():
                if name in self.fields:
                    self.initial[name] = value
        for name in self.decision_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            allowed = self.proposer_choices.get(name)
            current = self.get_initial_for_field(field, name)
            if allowed and (current in allowed or current in ("", None)):
                field.choices = [(v, label) for v, label in field.choices if v in allowed]
            else:
                field.disabled = True
            field.help_text = BUREAU_DECIDES
