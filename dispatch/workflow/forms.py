"""Forms of the workflow pages. They validate the shape of the input; the rules of each step are
the services' (dispatch/workflow/*.py), whose WorkflowError names the field it belongs to."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dispatch.models import (
    DispatchWarning,
    EscalationKind,
    ItemStatus,
    OrderSource,
    OrderStatus,
    WarningCode,
    WarningLevel,
    WarningStatus,
)
from dispatch.workflow.common import WorkflowError
from plan.models import TaskItem

__all__ = [
    "AnswerForm",
    "AssessmentSettingsForm",
    "AssignForm",
    "CloseForm",
    "EscalationForm",
    "ItemEditForm",
    "ItemUpdateForm",
    "MeetingForm",
    "MinutesForm",
    "OrderForm",
    "ResolveForm",
    "ThresholdsForm",
    "add_workflow_error",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_workflow_error(form: forms.Form, exc: WorkflowError) -> None:
    """Put a service's refusal next to its field (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def run_form_step(request, form: forms.Form, step, *, refused: str, success: str) -> bool:
    """Validate `form` and run `step(cleaned_data)`: a service's refusal goes on the form (a
    PermissionError as `refused`), success becomes a message. True when done."""
    from django.contrib import messages

    if not form.is_valid():
        return False
    try:
        step(form.cleaned_data)
    except WorkflowError as exc:
        add_workflow_error(form, exc)
        return False
    except PermissionError:
        form.add_error(None, refused)
        return False
    messages.success(request, success)
    return True


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.task.label}{obj.label} {obj.text[:40]}"


class ItemEditForm(forms.Form):
    person = forms.CharField(label=_("Owner"), max_length=64, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)

    def __init__(self, *args, bureau: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not bureau:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = _("Only the bureau moves a deadline.")


class ItemUpdateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    status = forms.ChoiceField(label=_("Status after this update"), choices=ItemStatus.choices)
    text = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    item = _ItemChoice(label=_("Key-task item"), queryset=TaskItem.objects.none())
    unit = _UnitChoice(label=_("Responsible unit"), queryset=None)
    person = forms.CharField(label=_("Owner"), max_length=64, required=False)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=DATE, help_text=_("Empty: the plan's.")
    )

    def __init__(self, *args, items, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["unit"].queryset = units


class OrderForm(forms.Form):
    unit = _UnitChoice(label=_("To"), queryset=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What is required"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    due = forms.DateField(label=_("Answer by"), widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What settled it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    chair = forms.CharField(label=_("Chair (city leader in charge)"), max_length=64)
    units = forms.ModelMultipleChoiceField(
        label=_("Units called"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    warnings = forms.ModelMultipleChoiceField(
        label=_("Warnings dispatched"),
        queryset=DispatchWarning.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    held = forms.BooleanField(label=_("The meeting has been held"), required=False)
    minutes = forms.CharField(
        label=_("Minutes"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, units, warnings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda u: u.name
        self.fields["warnings"].queryset = warnings
        self.fields["warnings"].label_from_instance = lambda w: (
            f"{w.unit.name} · {w.indicator.name} · {w.period} · {'、'.join(str(x) for x in w.code_labels)}"
        )


class MinutesForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    held = forms.BooleanField(label=_("The meeting has been held"), required=False)
    minutes = forms.CharField(
        label=_("Minutes"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    decisions = forms.CharField(
        label=_("Decisions"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class EscalationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EscalationKind.choices)
    unit = _UnitChoice(label=_("Unit"), queryset=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))
    recipient = forms.CharField(
        label=_("To"), max_length=64, required=False, help_text=_("Empty: the usual recipient.")
    )
    sent_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ThresholdsForm(forms.Form):
    """The warning thresholds of CONTRACTS.md, in the units people think in."""

    negative_growth_pct = forms.DecimalField(
        label=_("Negative growth: yoy below (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=-100,
        max_value=100,
    )
    growth_drop_pp = forms.DecimalField(
        label=_("Large growth drop: at least (percentage points)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
    )
    bottom_rank_places = forms.IntegerField(
        label=_("Bottom rank: the last n places"), min_value=0, max_value=20
    )
    behind_schedule_pct = forms.DecimalField(
        label=_("Behind schedule: time progress minus completion at least (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    at_risk_pct = forms.DecimalField(
        label=_("At risk: forecast below this share of the target (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=200,
    )


class AssessmentSettingsForm(forms.Form):
    indicator_share = forms.IntegerField(
        label=_("Weight of indicator completion"), min_value=0, max_value=1000
    )
    followup_share = forms.IntegerField(
        label=_("Weight of follow-up performance"), min_value=0, max_value=1000
    )
    cap = forms.DecimalField(
        label=_("Completion counted up to"), max_digits=4, decimal_places=2, min_value=1, max_value=5
    )
    reports_weight = forms.IntegerField(
        label=_("Weight of on-time monthly reports"), min_value=0, max_value=100
    )
    items_weight = forms.IntegerField(
        label=_("Weight of key-task items done on time"), min_value=0, max_value=100
    )
    orders_weight = forms.IntegerField(
        label=_("Weight of follow-up orders answered on time"), min_value=0, max_value=100
    )
    top_n = forms.IntegerField(label=_("Rewarded places per group"), min_value=0, max_value=10)
    reward_amount = forms.DecimalField(
        label=_("Reward (10k yuan)"), max_digits=8, decimal_places=2, min_value=0
    )
    rd_min_completion_pct = forms.DecimalField(
        label=_("No R&D post-subsidy below this R&D completion (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=200,
    )
    weights = forms.CharField(
        label=_("Indicator weights"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line: indicator code = weight (a whole number). Other indicators weigh the default."
        ),
    )
    default_weight = forms.IntegerField(label=_("Default indicator weight"), min_value=0, max_value=1000)

    def clean_weights(self):
        from plan.models import Indicator

        known = set(Indicator.objects.values_list("code", flat=True))
        out = {}
        for n, line in enumerate(self.cleaned_data["weights"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            code, sep, weight = line.partition("=")
            code = code.strip().upper()
            if not sep or code not in known:
                raise forms.ValidationError(
                    _("Line {n}: write CODE = weight with a known indicator code.").format(n=n)
                )
            try:
                out[code] = int(weight.strip())
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Line {n}: the weight is not a whole number.").format(n=n)
                ) from exc
            if out[code] < 0:
                raise forms.ValidationError(_("Line {n}: the weight cannot be negative.").format(n=n))
        return out


# Choices re-exported for list filters.
WARNING_FILTERS = {
    "level": WarningLevel.choices,
    "status": WarningStatus.choices,
    "code": WarningCode.choices,
}
ORDER_FILTERS = {"status": OrderStatus.choices, "source": OrderSource.choices}
