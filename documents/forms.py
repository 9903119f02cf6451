"""Forms of the documents pages: generate a document, edit its narrative."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentKind

__all__ = ["GenerateForm", "NarrativeForm", "SLOT_LABELS"]

# The staff's paragraphs (documents.compose.NARRATIVE_SLOTS), labelled for the site.
SLOT_LABELS = {
    "work": _("Progress of the main work"),
    "problems": _("Problems"),
    "next": _("Next steps"),
    "requirements": _("Requirements on the units named"),
}


def _narrative_field(key: str) -> forms.CharField:
    return forms.CharField(
        label=SLOT_LABELS[key],
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(
        label=_("Month of the data"),
        min_value=1,
        max_value=12,
        help_text=_("Figures up to the end of this month."),
    )
    work = _narrative_field("work")
    problems = _narrative_field("problems")
    next = _narrative_field("next")
    requirements = _narrative_field("requirements")

    @classmethod
    def initial_for_today(cls) -> dict:
        today = timezone.localdate()
        last = today.month - 1 or 12
        return {
            "kind": DocumentKind.MONTHLY,
            "year": today.year if today.month > 1 else today.year - 1,
            "month": last,
        }

    def narrative(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in SLOT_LABELS if self.cleaned_data.get(k)}


class NarrativeForm(forms.Form):
    """The narrative paragraphs a document of one kind takes."""

    def __init__(self, *args, slots: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for key in slots:
            self.fields[key] = _narrative_field(key)

    def narrative(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}
