"""Optimistic concurrency (security.md item 6): an edit made from a stale copy never silently
overwrites a newer one.

A `Versioned` model carries a `version` that every save of an existing row moves forward with a
compare-and-swap (`UPDATE … SET version = v + 1 WHERE pk = … AND version = v`); when no row
matches, someone else saved first and `StaleVersion` is raised before anything is written.
Forms carry the version they were rendered with in a hidden field (`VersionedForm`), so a stale
form is a form error; the API takes it from `If-Match` or the body's `version`
(`expect_version`), and a stale one is a 409; an API update that sends neither is refused with
428 (`PreconditionRequired`), so no API client can overwrite blindly. The version is a
precondition only: no client can set it.
"""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

__all__ = [
    "PRECONDITION_MESSAGE",
    "STALE_MESSAGE",
    "PreconditionRequired",
    "StaleVersion",
    "Versioned",
    "VersionedForm",
    "VersionedRecordForm",
    "expect_version",
]

STALE_MESSAGE = _(
    "Someone else saved this record after you opened it. Nothing was saved: reload the page to "
    "see their changes, then make yours again."
)

PRECONDITION_MESSAGE = _(
    "This update needs the version you read: send it as the If-Match header (the ETag of the "
    'record\'s GET) or as "version" in the body. Nothing was saved.'
)


class PreconditionRequired(Exception):
    """An API update came without If-Match or `version`: refused (428), nothing saved."""

    def __init__(self):
        super().__init__(str(PRECONDITION_MESSAGE))


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


def expect_version(request, obj, given: int | None = None, *, required: bool = False) -> None:
    """Make the coming save of `obj` conditional on the version the client read: the body's
    `version` or the `If-Match` header. Raises StaleVersion at once when it is already stale.
    With `required` (every API update), sending neither raises PreconditionRequired; a form
    posted without the field (an old page) is still caught by the save's compare-and-swap."""
    if given is None and request is not None:
        header = request.headers.get("If-Match", "")
        given = _parse_if_match(header) if header else None
        if header and given is None:
            raise StaleVersion(obj)
    if given is None:
        if required:
            raise PreconditionRequired
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
        _check_posted_version(data, self.instance)
        return data


def _check_posted_version(data: dict, record) -> None:
    # Out of cleaned_data: services that copy it onto the row must never write the version.
    given = data.pop("version", None)
    if given is not None:
        try:
            expect_version(None, record, given)
        except StaleVersion:
            raise forms.ValidationError(STALE_MESSAGE, code="stale") from None


class VersionedRecordForm(forms.Form):
    """A plain Form that edits a Versioned `record` it does not build itself (the service applies
    only the fields that differ from the stored row). The save's compare-and-swap cannot catch
    a stale page there — the row is read fresh on the post, so the page's old values look like
    changes and would overwrite newer ones — hence the version is required, not optional."""

    # A post without the version read is refused like a stale one: nothing to compare it with.
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=True, min_value=1, error_messages={"required": STALE_MESSAGE}
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        if record is not None and record.pk is not None and isinstance(record, Versioned):
            self.fields["version"].initial = record.version
        else:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        if "version" in self.fields and "version" not in self.errors:
            _check_posted_version(data, self.record)
        return data
