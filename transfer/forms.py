"""Forms for bureau and district staff. The unit choices are the units the user may file for;
the rules are those of transfer/validation.py, shown beside the fields they concern, and checked
again by the service that saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from kechuang.core.concurrency import VersionedForm
from kechuang.core.forms import BureauDecisionsForm
from transfer.models import (
    AwardApplication,
    AwardResult,
    ProjectStatus,
    TechContract,
    Top10Nomination,
    TransferProject,
)
from transfer.selectors import writable_units
from transfer.services import AWARD_FIELDS, CONTRACT_FIELDS, PROJECT_FIELDS, TOP10_FIELDS
from transfer.validation import award_problems, contract_problems, project_problems, top10_problems

__all__ = ["AwardForm", "ContractForm", "ProjectForm", "Top10Form"]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _RegistryForm(BureauDecisionsForm, VersionedForm):
    """Unit (and enterprise) choices from the user's scope; the registry's rules in clean(); the
    fields that record the province's or the bureau's decision are the bureau's."""

    problems = staticmethod(lambda values, **kw: [])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = writable_units(user)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None if units.count() == 1 else "—"
        if "enterprise" in self.fields:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by(
                "unit__order", "name"
            )
            self.fields["enterprise"].required = False
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = _DateInput()
        self.limit_decisions(user)

    def clean(self):
        data = super().clean()
        for problem in self.problems(data, **self._problem_kwargs()):
            field = problem.field if problem.field in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, problem.message)
        return data

    def _problem_kwargs(self) -> dict:
        return {}


class ContractForm(_RegistryForm):
    problems = staticmethod(contract_problems)

    class Meta:
        model = TechContract
        fields = CONTRACT_FIELDS
        widgets = {
            "follow_up_note": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "contract_value": _("The whole amount of the contract, in 10,000 yuan."),
            "tech_value": _(
                "The contract value less non-technical costs (purchased equipment, instruments, "
                "materials), in 10,000 yuan; at most the contract value."
            ),
            "registration_no": _(
                "As on the registration certificate; empty until the contract is registered."
            ),
            "seller_uscc": _("Links the contract to the enterprise file when the enterprise is known."),
            "follow_up_owner": _("For a contract not yet registered: who follows it up."),
        }

    def _problem_kwargs(self) -> dict:
        return {"refused": frozenset(self.errors)}


class ProjectForm(_RegistryForm):
    problems = staticmethod(project_problems)
    # A district files the application and may withdraw it; approval is recorded by the bureau.
    decision_fields = ("status", "decided_on", "funding")
    proposer_choices = {"status": frozenset({ProjectStatus.APPLIED, ProjectStatus.WITHDRAWN})}

    class Meta:
        model = TransferProject
        fields = PROJECT_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class AwardForm(_RegistryForm):
    problems = staticmethod(award_problems)
    decision_fields = ("result", "grade", "result_on")
    proposer_choices = {"result": frozenset({AwardResult.PENDING, AwardResult.WITHDRAWN})}

    class Meta:
        model = AwardApplication
        fields = AWARD_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class Top10Form(_RegistryForm):
    problems = staticmethod(top10_problems)
    # Selection (and its date, which counts TOP10_ACHIEVEMENTS) is recorded by the bureau.
    decision_fields = ("status", "selected_on")

    class Meta:
        model = Top10Nomination
        fields = TOP10_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
