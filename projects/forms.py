"""Forms of the project module. They parse and check what a person types; the business rules are
in the services, whose refusals the views show next to the form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import DemandStatus, Enterprise, TechDemand
from kechuang.core.pii import KeepMaskedMixin
from kechuang.core.roles import CHANGE
from org.models import Unit
from projects.models import (
    AcceptanceOutcome,
    ApplicantKind,
    Application,
    AttachmentKind,
    CallGuide,
    CategoryKind,
    ChallengeList,
    ExternalApplication,
    ExternalResult,
    FormalReason,
    GuideCategory,
    MilestoneKind,
    PanelDecision,
    RoundMethod,
)
from projects.uploads import MAX_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_SPLIT = re.compile(r"[;；,，、\n]+")


def split_tags(text: str) -> list[str]:
    """`;`, `；`, commas or 、 separate tags; blanks and repeats are dropped."""
    out = []
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def join_tags(values) -> str:
    return "; ".join(values or [])


class TagsField(forms.CharField):
    def prepare_value(self, value):
        return join_tags(value) if isinstance(value, list) else value

    def to_python(self, value):
        return split_tags(super().to_python(value))


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


# --- guide -------------------------------------------------------------------------------------


class GuideForm(forms.ModelForm):
    class Meta:
        model = CallGuide
        fields = [
            "year",
            "title",
            "opens_at",
            "closes_at",
            "budget",
            "introduction",
            "eligibility",
            "max_per_applicant",
            "min_years_registered",
            "contact",
        ]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.fields["year"].disabled = True

    def validate_unique(self):
        """The service says when the year is taken, in the same words as elsewhere."""


class RubricField(forms.CharField):
    """One criterion per line: `key | label | maximum` (or `label | maximum`)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{i['key']} | {i['label']} | {i['max']}" for i in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        out = []
        for n, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) == 2:
                parts = [f"c{n}", *parts]
            if len(parts) != 3 or not parts[1]:
                raise forms.ValidationError(_("Line {n}: write key | label | maximum.").format(n=n))
            try:
                top = int(parts[2])
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Line {n}: the maximum must be a whole number.").format(n=n)
                ) from exc
            out.append({"key": parts[0], "label": parts[1], "max": top})
        return out


class CategoryForm(forms.ModelForm):
    applicant_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Who may apply"),
        choices=ApplicantKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    rubric = RubricField(
        label=gettext_lazy("Scoring rubric"),
        required=False,
        help_text=gettext_lazy(
            "One criterion per line: key | label | maximum points; 100 in all. Empty: the default of the kind."
        ),
    )

    class Meta:
        model = GuideCategory
        fields = [
            "kind",
            "name",
            "code",
            "order",
            "budget",
            "max_funding",
            "applicant_kinds",
            "description",
            "rubric",
            "reviewers_per_application",
            "min_technical_share",
            "min_financial",
        ]

    def clean_code(self):
        value = (self.cleaned_data.get("code") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{1,8}", value):
            raise forms.ValidationError(_("Use one to eight capital letters."))
        return value

    def validate_unique(self):
        """The service checks the code within the guide."""

    def _post_clean(self):
        """Model-level checks (the cap within the budget) are the service's, with its message."""


class DraftSectionsForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=GuideCategory.objects.none())
    demands = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Technology demands"),
        queryset=TechDemand.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, guide, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = guide.categories.all()
        self.fields["demands"].queryset = (
            TechDemand.objects.for_user(user, CHANGE)
            .filter(status__in=[DemandStatus.COLLECTED, DemandStatus.IN_GUIDE])
            .select_related("unit", "enterprise")
            .order_by("field", "-collected_on")
        )
        self.fields["demands"].label_from_instance = lambda d: (
            f"{d.title}({d.field} · {d.unit.name} · {d.get_status_display()})"
        )


class SectionForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=GuideCategory.objects.none())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    content = forms.CharField(label=gettext_lazy("Content"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = guide.categories.all()


# --- applications ------------------------------------------------------------------------------


class TeamField(forms.CharField):
    """One member per line: `name, organisation` (the organisation may be left out)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{m.get('name', '')}, {m.get('organisation', '')}".rstrip(", ")
                for m in value
                if isinstance(m, dict)
            )
        return value

    def to_python(self, value):
        value = super().to_python(value)
        out = []
        for line in (value or "").splitlines():
            parts = [p.strip() for p in re.split(r"[,，]", line, maxsplit=1)]
            if parts and parts[0]:
                out.append({"name": parts[0], "organisation": parts[1] if len(parts) > 1 else ""})
        return out


class ApplicationForm(KeepMaskedMixin, forms.ModelForm):
    personal = ("leader_phone",)

    tech_fields = TagsField(
        label=gettext_lazy("Technical fields"),
        help_text=gettext_lazy(
            "Separated by semicolons, e.g. 锰系材料; 新型功能材料. Experts are matched on them."
        ),
    )
    partners = TagsField(
        label=gettext_lazy("Co-applicants"),
        required=False,
        help_text=gettext_lazy("Separated by semicolons."),
    )
    team = TeamField(
        label=gettext_lazy("Team members"),
        required=False,
        help_text=gettext_lazy("One per line: name, organisation."),
    )

    class Meta:
        model = Application
        fields = [
            "title",
            "applicant_name",
            "applicant_group",
            "in_agri_park",
            "tech_fields",
            "partners",
            "leader",
            "leader_phone",
            "team",
            "summary",
            "goals",
            "requested",
            "self_funding",
            "months",
        ]

    def __init__(self, *args, fixed_applicant: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_name"].required = not fixed_applicant
        if fixed_applicant:
            self.fields["applicant_name"].disabled = True
        self.fields["tech_fields"].required = True

    def clean_tech_fields(self):
        value = self.cleaned_data["tech_fields"]
        if not value:
            raise forms.ValidationError(_("Give at least one technical field."))
        return value

    def _post_clean(self):
        """Saved by the service, not the form."""


class NewApplicationForm(forms.Form):
    """What the application is for and who applies (before the details)."""

    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=GuideCategory.objects.none())
    applicant_kind = forms.ChoiceField(label=gettext_lazy("Applicant kind"), choices=ApplicantKind.choices)
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, guide, user, filing_for_others: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = guide.categories.all()
        if filing_for_others:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, CHANGE).select_related(
                "unit"
            )
            self.fields["enterprise"].label_from_instance = lambda e: f"{e.name}({e.unit.name})"
            units = Unit.objects.all() if _sees_all(user) else Unit.objects.filter(pk__in=_unit_ids(user))
            self.fields["unit"].queryset = units
        else:
            del self.fields["enterprise"]
            del self.fields["unit"]
            self.fields["applicant_kind"].choices = [
                (ApplicantKind.ENTERPRISE, ApplicantKind.ENTERPRISE.label)
            ]


def _sees_all(user) -> bool:
    from kechuang.core.scope import scope_of

    return scope_of(user).sees_all(CHANGE)


def _unit_ids(user):
    from kechuang.core.scope import scope_of

    return scope_of(user).unit_ids


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of file"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, at most 20 MB."),
        max_length=200,
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return f


class FormalCheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("Result"),
        choices=[("1", gettext_lazy("Passed")), ("0", gettext_lazy("Return for correction"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.MultipleChoiceField(
        label=gettext_lazy("Reasons"),
        choices=FormalReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class RecommendForm(forms.Form):
    recommended = forms.TypedChoiceField(
        label=gettext_lazy("Recommendation"),
        choices=[("1", gettext_lazy("Recommend")), ("0", gettext_lazy("Do not recommend"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    order = forms.IntegerField(label=gettext_lazy("Order of recommendation"), min_value=1, required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Panel decision"), choices=PanelDecision.choices)
    funding = forms.DecimalField(
        label=gettext_lazy("Funding proposed (10,000 yuan)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


def _lines(text: str, n_parts: int, what: str) -> list[list[str]]:
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) > n_parts:
            raise forms.ValidationError(_("{what}, line {n}: too many parts.").format(what=what, n=n))
        out.append(parts + [""] * (n_parts - len(parts)))
    return out


def _decimal(text: str, what: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise forms.ValidationError(
            _("{what}: {value} is not a number.").format(what=what, value=text)
        ) from exc
    if not value.is_finite() or value < 0:
        raise forms.ValidationError(_("{what}: {value} is not a number.").format(what=what, value=text))
    return value


class ApproveForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Project number"), max_length=32)
    budget = forms.DecimalField(
        label=gettext_lazy("City funding (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    approved_on = forms.DateField(label=gettext_lazy("Approval date"), widget=DATE, validators=[_not_future])
    starts_on = forms.DateField(label=gettext_lazy("Start"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("End"), widget=DATE)
    contract_no = forms.CharField(label=gettext_lazy("Task book number"), max_length=50, required=False)
    signed_on = forms.DateField(
        label=gettext_lazy("Task book signed on"), widget=DATE, required=False, validators=[_not_future]
    )
    indicators = forms.CharField(
        label=gettext_lazy("Task-book indicators"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One per line: indicator | target | unit of measure, e.g. 申请发明专利 | 2 | 件."
        ),
    )
    tranches = forms.CharField(
        label=gettext_lazy("Tranches"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: amount (10,000 yuan) | planned date, e.g. 30 | 2023-08-15."),
    )

    def clean_indicators(self):
        out = []
        for name, target, measure in _lines(self.cleaned_data["indicators"], 3, _("Indicators")):
            out.append({"name": name, "target": _decimal(target, name), "measure": measure})
        if not out:
            raise forms.ValidationError(_("The task book needs at least one indicator."))
        return out

    def clean_tranches(self):
        out = []
        for amount, day in _lines(self.cleaned_data["tranches"], 2, _("Tranches")):
            value = _decimal(amount, _("Tranches"))
            try:
                planned = dt.date.fromisoformat(day)
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Tranches: {value} is not a date (YYYY-MM-DD).").format(value=day)
                ) from exc
            out.append({"amount": value, "planned_on": planned})
        return out


# --- review ------------------------------------------------------------------------------------


class RoundForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=GuideCategory.objects.none())
    method = forms.ChoiceField(
        label=gettext_lazy("How experts are chosen"), choices=RoundMethod.choices, widget=forms.RadioSelect
    )
    per_application = forms.IntegerField(
        label=gettext_lazy("Experts per application"), min_value=1, max_value=15, required=False
    )
    min_technical_share = forms.DecimalField(
        label=gettext_lazy("Technical experts at least (share)"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        required=False,
    )
    min_financial = forms.IntegerField(
        label=gettext_lazy("Financial experts at least"), min_value=0, max_value=15, required=False
    )

    def __init__(self, *args, guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = guide.categories.all()


class ScoreForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        for item in rubric:
            self.fields[f"score_{item['key']}"] = forms.DecimalField(
                label=f"{item['label']}(0–{item['max']})",
                min_value=0,
                max_value=item["max"],
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1"}),
            )
        self.order_fields([f"score_{i['key']}" for i in rubric] + ["comment"])

    def scores(self) -> dict:
        return {k[6:]: v for k, v in self.cleaned_data.items() if k.startswith("score_")}


# --- execution ---------------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Indicator"), max_length=200)
    target = forms.DecimalField(
        label=gettext_lazy("Target"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    measure = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=20, required=False)


class TrancheForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (10,000 yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    planned_on = forms.DateField(label=gettext_lazy("Planned for"), widget=DATE)
    milestone = forms.ModelChoiceField(label=gettext_lazy("Paid after"), queryset=None, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.all()


class PayForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=DATE, validators=[_not_future])
    voucher = forms.CharField(label=gettext_lazy("Payment voucher"), max_length=50, required=False)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[c for c in MilestoneKind.choices if c[0] != MilestoneKind.GATE]
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due"), widget=DATE)


class MilestoneCheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("Result"),
        choices=[("1", gettext_lazy("Passed")), ("0", gettext_lazy("Not passed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    checked_on = forms.DateField(label=gettext_lazy("Checked on"), widget=DATE, validators=[_not_future])
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 3}))


class AcceptanceOpenForm(forms.Form):
    opened_on = forms.DateField(label=gettext_lazy("Opened on"), widget=DATE, validators=[_not_future])


class AcceptanceForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=AcceptanceOutcome.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=DATE, validators=[_not_future])
    new_due = forms.DateField(label=gettext_lazy("Postponed to"), widget=DATE, required=False)
    remarks = forms.CharField(
        label=gettext_lazy("Remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = checklist
        for item in checklist:
            key = item["key"]
            label = item["name"] + (
                f"({_('target')} {item['target']} {item['measure']})" if item["target"] else ""
            )
            if item["indicator"]:
                self.fields[f"achieved_{key}"] = forms.DecimalField(
                    label=_("{item}: achieved").format(item=label),
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                )
            self.fields[f"met_{key}"] = forms.TypedChoiceField(
                label=_("{item}: met?").format(item=label),
                choices=[("", "—"), ("1", gettext_lazy("Met")), ("0", gettext_lazy("Not met"))],
                coerce=lambda v: {"1": True, "0": False}.get(v),
                empty_value=None,
                required=False,
            )
        self.order_fields(
            [f for f in self.fields if f.startswith(("achieved_", "met_"))]
            + ["outcome", "decided_on", "new_due", "remarks"]
        )

    def results(self) -> dict:
        out = {}
        for item in self.items:
            key = item["key"]
            achieved = self.cleaned_data.get(f"achieved_{key}")
            out[key] = {
                "met": self.cleaned_data.get(f"met_{key}"),
                "achieved": "" if achieved is None else str(achieved),
            }
        return out


class ExtendForm(forms.Form):
    new_due = forms.DateField(label=gettext_lazy("New due date"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class TerminateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Terminated on"), widget=DATE, validators=[_not_future])
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


# --- challenges and races ----------------------------------------------------------------------


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = ChallengeList
        fields = [
            "title",
            "owner_name",
            "field",
            "background",
            "requirements",
            "reward",
            "deadline",
            "period_months",
        ]
        widgets = {"deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Both are taken from the demand the list is drawn from when left empty.
        self.fields["owner_name"].required = False
        self.fields["field"].required = False

    def _post_clean(self):
        """Saved by the service."""


class NewChallengeForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=gettext_lazy("Issuing unit"), queryset=Unit.objects.none())
    demand = forms.ModelChoiceField(
        label=gettext_lazy("From demand"), queryset=TechDemand.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.all() if _sees_all(user) else Unit.objects.filter(pk__in=_unit_ids(user))
        )
        self.fields["demand"].queryset = (
            TechDemand.objects.for_user(user, CHANGE)
            .filter(status__in=[DemandStatus.COLLECTED, DemandStatus.IN_GUIDE])
            .select_related("unit")
        )


class BidForm(forms.Form):
    bidder_name = forms.CharField(label=gettext_lazy("Bidding organisation"), max_length=200, required=False)
    leader = forms.CharField(label=gettext_lazy("Team leader"), max_length=50)
    contact = forms.CharField(label=gettext_lazy("Contact"), max_length=50, required=False)
    plan = forms.CharField(label=gettext_lazy("Technical plan"), widget=forms.Textarea(attrs={"rows": 6}))
    price = forms.DecimalField(
        label=gettext_lazy("Funding asked (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    months = forms.IntegerField(label=gettext_lazy("Period (months)"), min_value=1, max_value=120)

    def __init__(self, *args, own_enterprise: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if own_enterprise:
            del self.fields["bidder_name"]


class SelectBidForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Project number"), max_length=32)
    contract_no = forms.CharField(label=gettext_lazy("Contract number"), max_length=50)
    signed_on = forms.DateField(label=gettext_lazy("Contract signed on"), widget=DATE)
    starts_on = forms.DateField(label=gettext_lazy("Start"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("End"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("Selection note"), max_length=500, required=False)


class RaceForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    unit = forms.ModelChoiceField(label=gettext_lazy("Issuing unit"), queryset=Unit.objects.none())
    challenge = forms.ModelChoiceField(
        label=gettext_lazy("Challenge list"), queryset=ChallengeList.objects.none(), required=False
    )
    goal = forms.CharField(
        label=gettext_lazy("Goal and gate criteria"), widget=forms.Textarea(attrs={"rows": 4})
    )
    stage1_amount = forms.DecimalField(
        label=gettext_lazy("Stage 1 funding per team (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    later_amount = forms.DecimalField(
        label=gettext_lazy("Later funding per passing team (10,000 yuan)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    gate_on = forms.DateField(label=gettext_lazy("Gate review on"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Race ends on"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.all() if _sees_all(user) else Unit.objects.filter(pk__in=_unit_ids(user))
        )
        self.fields["challenge"].queryset = ChallengeList.objects.for_user(user, CHANGE)


class TeamForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Project number"), max_length=32)
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    undertaker = forms.CharField(
        label=gettext_lazy("Organisation (if not a registered enterprise)"), max_length=200, required=False
    )
    leader = forms.CharField(label=gettext_lazy("Team leader"), max_length=50)
    approved_on = forms.DateField(label=gettext_lazy("Funded on"), widget=DATE, validators=[_not_future])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).select_related("unit")


class GateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Gate review held on"), widget=DATE, validators=[_not_future])
    passed = forms.MultipleChoiceField(
        label=gettext_lazy("Teams that pass"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passed"].choices = [(str(t.pk), f"{t.number} {t.undertaker}") for t in teams]


# --- provincial applications -------------------------------------------------------------------


class ExternalForm(forms.ModelForm):
    class Meta:
        model = ExternalApplication
        fields = [
            "year",
            "level",
            "programme",
            "title",
            "applicant_name",
            "enterprise",
            "unit",
            "domain",
            "in_agri_park",
            "applied_on",
            "reference",
        ]
        widgets = {"applied_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, CHANGE).select_related("unit")
        self.fields["unit"].queryset = (
            Unit.objects.all() if _sees_all(user) else Unit.objects.filter(pk__in=_unit_ids(user))
        )
        self.fields["applicant_name"].required = False
        self.fields["applied_on"].validators.append(_not_future)

    def validate_unique(self):
        """The service says when it is recorded already."""

    def _post_clean(self):
        """Saved by the service."""


class ExternalResultForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=ExternalResult.choices)
    result_on = forms.DateField(
        label=gettext_lazy("Result on"), widget=DATE, required=False, validators=[_not_future]
    )
    funding = forms.DecimalField(
        label=gettext_lazy("Funding granted (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )


__all__ = [name for name in dir() if name.endswith("Form")] + ["CategoryKind", "split_tags", "join_tags"]
