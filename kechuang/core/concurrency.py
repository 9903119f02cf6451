"""Optimistic concurrency (security.md item 6): an edit made from a stale copy never silently
overwrites a newer one.

A `Versioned` model carries a `version` that every save of an existing row moves forward with a
compare-and-swap (`UPDATE … SET version = v + 1 WHERE pk = … AND version = v`); when no row
matches, someone else saved first and `StaleVersion` is raised before anything is written.
Forms carry the version they were rendered with in a hidden field (`VersionedForm`), so a stale
form is a form error; the API takes it from `If-Match` or the body's `version`
(`expect_version`), and a stale one is a 409. The version is a precondition only: no client can
set it.
"""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

__all__ = ["STALE_MESSAGE", "StaleVersion", "Versioned", "VersionedForm", "expect_version"]

STALE_MESSAGE = _(
    "Someone else saved this record after you opened it. Nothing was saved: reload the page to "
    "see their changes, then make yours again."
)


class StaleVersion(Exception):
    """The row changed since the client read it; the write was refused and nothing was saved."""

    def __init__(self, obj=None):
        super().__init__(str(STALE_MESSAGE))
        self.obj = obj


class Versioned(models.Model):
    """Mixin for editable records: a version moved forward by every save, checked on the way."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        expected = self.version
        with transaction.atomic():
            claimed = (
                type(self)._base_manager.filter(pk=self.pk, version=expected).update(version=expected + 1)
            )
            if not claimed:
                if type(self)._base_manager.filter(pk=self.pk).exists():
                    raise StaleVersion(self)
                return super().save(*args, **kwargs)  # the row is gone: Django decides (insert)
            self.version = expected + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
            try:
                return super().save(*args, **kwargs)
            except BaseException:
                self.version = expected
                raise


def _parse_if_match(value: str) -> int | None:
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    return int(value) if value.isdigit() else None


def expect_version(request, obj, given: int | None = None) -> None:
    """Make the coming save of `obj` conditional on the version the client read: the body's
    `version` or the `If-Match` header. Raises StaleVersion at once when it is already stale.
    A client that sends neither keeps last-write-wins (recorded in docs/security.md)."""
    if given is None and request is not None:
        header = request.headers.get("If-Match", "")
        given = _parse_if_match(header) if header else None
        if header and given is None:
            raise StaleVersion(obj)
    if given is None:
        return
    current = type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    if current != given:
        raise StaleVersion(obj)
    obj.version = given


class VersionedForm(forms.ModelForm):
    """A ModelForm that carries the version it was rendered with; a stale one does not validate.

    A form posted without the field (an old client) is not checked; the save's compare-and-swap
    still refuses an overwrite that races it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and isinstance(self.instance, Versioned):
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        # Out of cleaned_data: services that copy it onto the row must never write the version.
        given = data.pop("version", None)
        if given is not None:
            try:
                expect_version(None, self.instance, given)
            except StaleVersion:
                raise forms.ValidationError(STALE_MESSAGE, code="stale") from None
        return data
