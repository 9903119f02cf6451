from __future__ import annotations

from django import forms

from kechuang.core.forms import BureauDecisionsForm
from platforms.models import (
    CooperationAgreement,
    CooperationProject,
    Investment,
    Platform,
    PlatformEvaluation,
    PlatformStatus,
    ZoneChecklistItem,
)
from talent.crud import ScopedModelForm

__all__ = [
    "AgreementForm",
    "ChecklistItemForm",
    "EvaluationForm",
    "InvestmentForm",
    "PlatformForm",
    "ProjectForm",
]


class PlatformForm(BureauDecisionsForm, ScopedModelForm):
    """A district proposes a platform it is cultivating; the recognition (status, date and
    document, which count CITY_PLATFORMS) is recorded by the bureau."""

    decision_fields = ("status", "approved_on", "approval_document")
    proposer_initial = {"status": PlatformStatus.CULTIVATING}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.limit_decisions(user)

    class Meta:
        model = Platform
        fields = [
            "name",
            "kind",
            "level",
            "unit",
            "host_enterprise",
            "host_name",
            "partners",
            "field",
            "status",
            "approved_on",
            "approval_document",
            "description",
        ]
        widgets = {"partners": forms.Textarea(attrs={"rows": 3})}


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = PlatformEvaluation
        fields = ["year", "result", "evaluated_on", "note"]
        widgets = {"evaluated_on": forms.DateInput(attrs={"type": "date"})}


class AgreementForm(ScopedModelForm):
    class Meta:
        model = CooperationAgreement
        fields = [
            "title",
            "partner",
            "partner_kind",
            "programme",
            "unit",
            "signed_on",
            "expires_on",
            "status",
            "content",
        ]


class ProjectForm(ScopedModelForm):
    class Meta:
        model = CooperationProject
        fields = ["title", "enterprise", "undertaker", "started_on", "funding", "status", "outcome"]
        widgets = {"outcome": forms.TextInput()}


class InvestmentForm(ScopedModelForm):
    class Meta:
        model = Investment
        fields = ["project", "amount", "received_on", "unit", "investor", "enterprise", "chain", "note"]


class ChecklistItemForm(ScopedModelForm):
    class Meta:
        model = ZoneChecklistItem
        fields = ["order", "category", "title", "owner", "unit", "deadline", "status", "done_on", "progress"]
