from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from public.models import Article

__all__ = ["ArticleForm", "AttachmentForm"]


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["kind", "title", "summary", "body", "source", "issuer", "document_no", "effective_on"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
