from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import EnterpriseYear, HtDomain
from kechuang.core.concurrency import VersionedForm, VersionedRecordForm
from kechuang.core.pii import KeepMaskedMixin

__all__ = ["EnterpriseFileForm", "YearFiguresForm"]


class EnterpriseFileForm(KeepMaskedMixin, VersionedRecordForm):
    """The file's own fields; `record=` the enterprise, whose version the page carries."""

    personal = ("contact_phone",)

    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.RegexField(
        label=_("Contact phone"),
        regex=r"^[0-9+\- ]{7,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number of 7 to 20 digits.")},
    )
    industry = forms.RegexField(
        label=_("Industry (GB/T 4754)"),
        regex=r"^[A-T]\d{0,4}$",
        required=False,
        error_messages={"invalid": _("Use a GB/T 4754 code such as C3240.")},
    )
    ht_domain = forms.ChoiceField(
        label=_("High-tech domain"), choices=[("", "—"), *HtDomain.choices], required=False
    )
    founded = forms.DateField(
        label=_("Founded"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_founded(self):
        value = self.cleaned_data.get("founded")
        if value and value > dt.date.today():
            raise forms.ValidationError(_("The founding date cannot be in the future."))
        return value


class YearFiguresForm(VersionedForm):
    """One year's figures (万元 for money)."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    class Meta:
        model = EnterpriseYear
        fields = [
            "employees",
            "st_staff",
            "revenue",
            "total_income",
            "total_cost",
            "total_assets",
            "net_assets",
            "rd_expense",
            "rd_domestic",
            "ht_income",
            "ip_class1",
            "ip_class2",
            "transformations",
        ]

    def clean(self):
        data = super().clean()
        emp, st = data.get("employees"), data.get("st_staff")
        if emp is not None and st is not None and st > emp:
            self.add_error("st_staff", _("S&T staff cannot outnumber employees."))
        rd, dom = data.get("rd_expense"), data.get("rd_domestic")
        if rd is not None and dom is not None and dom > rd:
            self.add_error("rd_domestic", _("Domestic R&D cannot exceed all R&D."))
        return data
