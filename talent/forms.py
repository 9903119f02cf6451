from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kechuang.core.pii import KeepMaskedMixin
from kechuang.core.roles import Role
from kechuang.core.scope import scope_of
from org.models import User
from rules import idnumber
from talent.crud import ScopedModelForm
from talent.models import (
    Assignment,
    DeclaredConflict,
    Designation,
    DesignationCategory,
    Person,
    PhdProject,
    SchoolEnterpriseAgreement,
    ServiceLog,
)
from talent.validators import validate_id_number

__all__ = [
    "AgreementForm",
    "AssignmentForm",
    "ConflictForm",
    "DesignationForm",
    "PersonForm",
    "PhdProjectForm",
    "ServiceLogForm",
]


def _split_tags(text: str) -> list[str]:
    parts = text.replace("；", ";").replace(",", ";").replace("，", ";").split(";")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


class PersonForm(KeepMaskedMixin, ScopedModelForm):
    """A person; on creation optionally their first designation. The bureau also links the
    person's sign-in account (an expert account) by its user name."""

    personal = ("phone",)

    expert_tags = forms.CharField(
        label=_("Expert fields"),
        required=False,
        help_text=_("Separate fields with semicolons, e.g. new materials; manganese"),
    )
    account = forms.CharField(
        label=_("Linked account (user name)"),
        required=False,
        help_text=_("An account with the expert role, for an expert or a commissioner."),
    )
    category = forms.ChoiceField(
        label=_("Designation"), choices=[("", "—"), *DesignationCategory.choices], required=False
    )
    designated_on = forms.DateField(label=_("Date designated"), required=False, widget=forms.DateInput)

    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "unit",
            "phone",
            "field",
            "organisation",
            "title",
            "education",
            "is_expert",
            "expert_tags",
            "max_load",
            "note",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            # The full number never goes into a page unaudited: an edit shows it masked and
            # takes a corrected number only when one is typed in.
            del self.fields["id_number"]
            self.fields["new_id_number"] = forms.CharField(
                label=_("Correct the ID number"),
                required=False,
                max_length=18,
                help_text=_("Now %(masked)s. Leave empty to keep it.") % {"masked": self.instance.masked_id},
            )
            self.order_fields(["name", "new_id_number"])
            self.initial["expert_tags"] = self.instance.tags_text
            self.initial["account"] = self.instance.user.username if self.instance.user_id else ""
            # The first designation is filed with a new person; later ones on the person's page.
            del self.fields["category"], self.fields["designated_on"]
        if not scope_of(user).sees_all("change"):
            del self.fields["account"]

    def clean_id_number(self):
        return idnumber.normalise(self.cleaned_data.get("id_number"))

    def clean_new_id_number(self):
        value = idnumber.normalise(self.cleaned_data.get("new_id_number"))
        if not value:
            return ""
        validate_id_number(value)
        if Person.objects.filter(id_number=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another person is registered with this ID number."))
        return value

    def clean_expert_tags(self):
        return _split_tags(self.cleaned_data.get("expert_tags") or "")

    def clean_account(self):
        name = (self.cleaned_data.get("account") or "").strip()
        if not name:
            return None
        user = User.objects.filter(username=name, grants__role=Role.EXPERT).first()
        if user is None:
            raise forms.ValidationError(_("No account with the expert role has this user name."))
        taken = Person.objects.filter(user=user).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("This account is already linked to another person."))
        return user

    def clean(self):
        data = super().clean()
        if data.get("category") and not data.get("designated_on"):
            self.add_error("designated_on", _("Give the date of the designation."))
        if data.get("is_expert") and not data.get("expert_tags"):
            self.add_error("expert_tags", _("An expert needs at least one field."))
        return data

    def person_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        if self.cleaned_data.get("new_id_number"):
            data["id_number"] = self.cleaned_data["new_id_number"]
        if "account" in self.fields:
            data["user"] = self.cleaned_data.get("account")
        return data

    def designation_data(self) -> dict | None:
        if not self.cleaned_data.get("category"):
            return None
        return {
            "category": self.cleaned_data["category"],
            "designated_on": self.cleaned_data["designated_on"],
        }


class DesignationForm(forms.ModelForm):
    class Meta:
        model = Designation
        fields = ["category", "designated_on", "team", "reference"]
        widgets = {"designated_on": forms.DateInput(attrs={"type": "date"})}


class ConflictForm(forms.ModelForm):
    class Meta:
        model = DeclaredConflict
        fields = ["organisation", "uscc", "reason"]


class PhdProjectForm(ScopedModelForm):
    class Meta:
        model = PhdProject
        fields = [
            "title",
            "person",
            "unit",
            "enterprise",
            "partner",
            "approved_on",
            "funding",
            "starts_on",
            "ends_on",
            "status",
            "summary",
        ]


class AgreementForm(ScopedModelForm):
    class Meta:
        model = SchoolEnterpriseAgreement
        fields = [
            "school",
            "unit",
            "enterprise",
            "enterprise_name",
            "signed_on",
            "expires_on",
            "status",
            "content",
        ]


class AssignmentForm(ScopedModelForm):
    class Meta:
        model = Assignment
        fields = [
            "person",
            "year",
            "level",
            "selected_on",
            "unit",
            "place_kind",
            "place",
            "enterprise",
            "service_start",
            "service_end",
            "tasks",
        ]


class ServiceLogForm(forms.ModelForm):
    class Meta:
        model = ServiceLog
        fields = ["served_on", "place", "content", "people_trained"]
        widgets = {
            "served_on": forms.DateInput(attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 4}),
            "people_trained": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }
