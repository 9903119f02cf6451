"""Personal data (security.md items 28 and 30): ID and phone numbers.

A model declares such a column as `PersonalField(kind=ID_NUMBER | PHONE, ...)`. That one
declaration gives, generically for every app:
- masking: `mask(kind, value)` — 身份证号 3301********1234, phone 138****5678 — used by every
  list, export, detail page and API schema (`masked(obj, field)`, `{% pii obj "field" %}`);
- the audited reveal: `pii_reveal(*, actor, obj, field)` returns the full value to a user who may
  see it and writes a `reveal` audit event (the value itself never goes into the event or a
  log); its page is `POST /pii/<app>/<model>/<pk>/<field>/` (`reveal_urls()`);
- SM4 encryption at rest when `KECHUANG_FIELD_KEY` is set (kechuang.core.crypto): the column
  holds `sm4:…`, the model attribute holds the plaintext, exact and `__in` lookups still work.
  With the key unset the field is a plain CharField (only its column is wider, to fit a
  ciphertext once the switch is turned on). `kechuang pii-encrypt [--decrypt]` converts the
  rows already stored."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from django.db import models
from django.db.models.lookups import Exact, In

from kechuang.core import crypto

__all__ = [
    "ID_NUMBER",
    "PHONE",
    "REVEAL",
    "PersonalField",
    "may_reveal",
    "mask",
    "mask_id",
    "mask_phone",
    "masked",
    "personal_fields",
    "pii_reveal",
    "plaintext_writes",
    "reveal_url_name",
    "reveal_urls",
]

ID_NUMBER = "id_number"
PHONE = "phone"
# The audit action of a reveal (kechuang.core's EventAction has no member for it; the code is
# stored as is).
REVEAL = "reveal"


def mask_id(value: str | None) -> str:
    """First 4 and last 4 characters: 330102199001011234 → 3301**********1234. Shorter than 10:
    all stars."""
    value = (value or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """First 3 and last 4 characters: 13812345678 → 138****5678, 0856-5222333 → 085*****2333.
    At least 4 stars whatever the length (an 8-digit landline 56223333 → ****3333, not
    562*3333, which showed 7 of its 8 digits); shorter than 8: all stars."""
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    stars = max(4, len(value) - 7)
    head = len(value) - stars - 4
    return value[:head] + "*" * stars + value[-4:]


_MASKS: dict[str, Callable[[str | None], str]] = {ID_NUMBER: mask_id, PHONE: mask_phone}

# What a phone number may hold (digits, +, -, brackets, spaces): the same on forms, imports and
# the model, so a value such as "sm4:..." can never be stored as if it were a ciphertext.
PHONE_PATTERN = r"^[0-9+\-() ]{7,20}$"


def _not_ciphertext(value) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if crypto.is_encrypted(value):
        raise ValidationError(_("This is not an ID or phone number."), code="invalid")


def _validators(kind: str) -> list:
    from django.core.validators import RegexValidator
    from django.utils.translation import gettext_lazy as _

    if kind == PHONE:
        return [_not_ciphertext, RegexValidator(PHONE_PATTERN, _("Enter a phone number of 7 to 20 digits."))]
    return [_not_ciphertext]


def mask(kind: str, value: str | None) -> str:
    return _MASKS[kind](value)


# Encryption at rest ---------------------------------------------------------------------------

_state = threading.local()


@contextlib.contextmanager
def plaintext_writes() -> Iterator[None]:
    """Within the block, personal fields are written as plaintext even with the key set (the
    `--decrypt` conversion, before the key is taken away)."""
    previous = getattr(_state, "plain", False)
    _state.plain = True
    try:
        yield
    finally:
        _state.plain = previous


class PersonalField(models.CharField):
    """A CharField holding an ID or phone number: masked when shown, SM4-encrypted at rest when
    KECHUANG_FIELD_KEY is set. `max_length` is the plaintext's (forms and validation use it);
    the column is as wide as its ciphertext."""

    def __init__(self, *args, kind: str = PHONE, **kwargs):
        if kind not in _MASKS:
            raise ValueError(f"PersonalField kind must be one of {sorted(_MASKS)}")
        self.kind = kind
        # Instance defaults, not `validators=`: they stay out of the migrations.
        self.default_validators = _validators(kind)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def db_type(self, connection):
        # The column of a CharField as wide as the ciphertext (each backend spells it its way).
        return models.CharField(max_length=crypto.stored_length(self.max_length)).db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def from_db_value(self, value, expression, connection):
        if crypto.is_encrypted(value):
            return crypto.field_decrypt(value)
        return value

    def get_db_prep_save(self, value, connection):
        # Writes only: a stored value that looks like a ciphertext must be a real one, or every
        # read of the row would fail (from_db_value). In a lookup (a search box, an API filter)
        # such text is only text: compared as typed, it matches nothing, since a stored value is
        # plaintext, which cannot start so, or a real ciphertext.
        if crypto.is_encrypted(value) and not getattr(_state, "plain", False):
            if not crypto.field_key_set():
                raise ValueError("a personal value may not start with " + crypto.PREFIX)
            crypto.field_decrypt(value)  # raises on anything but a ciphertext of this key
        return super().get_db_prep_save(value, connection)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if (
            value
            and isinstance(value, str)
            and crypto.field_key_set()
            and not crypto.is_encrypted(value)
            and not getattr(_state, "plain", False)
        ):
            return crypto.field_encrypt(value)
        return value


def _plain_form(value) -> str | None:
    """The plaintext of a lookup value the field just encrypted, else None. With the key set a
    value can sit in the table in either form: encrypted (written since the key was set, or
    converted by `kechuang pii-encrypt`) or plaintext (written before, until pii-encrypt runs).
    A lookup by value matches both, so a key set before the conversion misses no row: an import
    would otherwise not find the people on file and add them again."""
    if (
        isinstance(value, str)
        and crypto.is_encrypted(value)
        and crypto.field_key_set()
        and not getattr(_state, "plain", False)
    ):
        try:
            return crypto.field_decrypt(value)
        except ValueError:
            return None  # typed text that only looks like a ciphertext (get_db_prep_save)
    return None


@PersonalField.register_lookup
class PersonalExact(Exact):
    def as_sql(self, compiler, connection):
        plain = _plain_form(self.rhs)
        if plain is None:
            return super().as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} IN (%s, %s)", (*lhs_params, self.rhs, plain)


@PersonalField.register_lookup
class PersonalIn(In):
    def get_prep_lookup(self):
        prepped = super().get_prep_lookup()
        if not isinstance(prepped, list | tuple):
            return prepped  # a subquery or an expression: compared as it is
        plain = [p for p in map(_plain_form, prepped) if p is not None]
        return [*prepped, *plain]


def personal_fields(model=None) -> list[tuple[type[models.Model], PersonalField]]:
    """Every (model, field) declared personal, or those of one model."""
    from django.apps import apps

    models_ = [model] if model is not None else apps.get_models()
    return [
        (m, f) for m in models_ for f in m._meta.get_fields() if isinstance(f, PersonalField) and f.model is m
    ]


def _field(obj, field: str) -> PersonalField:
    f = obj._meta.get_field(field)
    if not isinstance(f, PersonalField):
        raise ValueError(f"{obj._meta.label}.{field} is not a personal field")
    return f


def masked(obj, field: str) -> str:
    return mask(_field(obj, field).kind, getattr(obj, field))


# The audited reveal ---------------------------------------------------------------------------

# A model may narrow who sees the full value (talent: only the bureau and the keeping district):
# `reveal_rules[label] = callable(user, obj) -> bool`, registered by the app.
reveal_rules: dict[str, Callable] = {}


def may_reveal(user, obj) -> bool:
    """By default: a user who may change the record (the bureau, the unit that keeps it, the
    enterprise for its own rows) and is not read-only. Not the leader, who reads dashboards."""
    from kechuang.core.scope import CHANGE, scope_of

    rule = reveal_rules.get(obj._meta.label)
    if rule is not None:
        return bool(rule(user, obj))
    scope = scope_of(user)
    if scope.read_only:
        return False
    if scope.sees_all(CHANGE):
        return True
    return type(obj)._default_manager.for_user(user, CHANGE).filter(pk=obj.pk).exists()


def pii_reveal(*, actor, obj, field: str, request=None) -> str:
    """The full value of `obj.field` for a user allowed to see it, recorded as a `reveal` audit
    event with the masked value only. Anyone else gets a 404, as for an object they cannot see."""
    from django.db import transaction
    from django.http import Http404

    from kechuang.core.audit import record_event

    f = _field(obj, field)
    if not may_reveal(actor, obj):
        raise Http404
    value = getattr(obj, field)
    with transaction.atomic():
        record_event(
            REVEAL,
            actor=actor,
            request=request,
            obj=obj,
            message=f"{field} revealed",
            data={"field": field, "masked": mask(f.kind, value)},
        )
    return value


def reveal_url_name(model, field: str) -> str:
    return f"pii_reveal_{model._meta.app_label}_{model._meta.model_name}_{field}"


def reveal_urls() -> list:
    """One POST route per personal field: /pii/<app>/<model>/<pk>/<field>/."""
    from django.urls import path

    from kechuang.core.pii_views import pii_reveal_view

    return [
        path(
            f"pii/{m._meta.app_label}/{m._meta.model_name}/<int:pk>/{f.name}/",
            pii_reveal_view,
            {"model": m._meta.label, "field": f.name},
            name=reveal_url_name(m, f.name),
        )
        for m, f in personal_fields()
    ]


def mask_any(value: str | None) -> str:
    """For the change log, where one callable masks every personal field of a model: an ID
    number (15 or 18 characters, digits but for a final X) as an ID, anything else as a phone."""
    text = (value or "").strip()
    if len(text) in (15, 18) and text[:-1].isdigit():
        return mask_id(text)
    return mask_phone(text)


def audit_masks(model) -> dict:
    """The django-auditlog registration arguments that keep a model's personal fields masked in
    its change log: `auditlog.register(Model, **audit_masks(Model))`."""
    fields = [f.name for _m, f in personal_fields(model)]
    if not fields:
        return {}
    return {"mask_fields": fields, "mask_callable": "kechuang.core.pii.mask_any"}


def convert_stored(*, decrypt: bool = False) -> dict[str, int]:
    """Encrypt every stored personal value still in plaintext (or, with `decrypt`, write every
    ciphertext back as plaintext, before the key is removed), in one transaction, and record it
    in the audit trail. Returns the rows changed per `app.Model.field`; a second run changes none.
    Needs the key either way."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import transaction
    from django.db.models.functions import Cast

    from kechuang.core.audit import record_event

    if not crypto.field_key_set():
        raise ImproperlyConfigured(
            "KECHUANG_FIELD_KEY is not set: there is no key to encrypt or decrypt with."
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model, field in sorted(personal_fields(), key=lambda mf: (mf[0]._meta.label, mf[1].name)):
            manager = model._base_manager
            # The column as stored: a cast has no from_db_value, so a ciphertext stays one.
            raw = manager.annotate(_stored=Cast(field.name, models.TextField())).values_list("pk", "_stored")
            changed = 0
            for pk, stored in list(raw):
                if not stored:
                    continue
                if decrypt and crypto.is_encrypted(stored):
                    with plaintext_writes():
                        manager.filter(pk=pk).update(**{field.name: crypto.field_decrypt(stored)})
                    changed += 1
                elif not decrypt and not crypto.is_encrypted(stored):
                    manager.filter(pk=pk).update(**{field.name: stored})
                    changed += 1
            counts[f"{model._meta.label}.{field.name}"] = changed
        record_event(
            "pii-decrypt" if decrypt else "pii-encrypt",
            actor_name="(command line)",
            message="personal fields decrypted" if decrypt else "personal fields encrypted",
            data=counts,
        )
    return counts


class KeepMaskedMixin:
    """Form mixin for an edit form holding personal fields (`personal = ("phone", ...)`): a stored
    value is never put into the page — the input starts empty, its help text shows the value
    masked — and an input left empty keeps the stored value, unless the "remove" box beside it
    is ticked. Without it an edit page would show every full number unaudited."""

    personal: tuple[str, ...] = ()

    @staticmethod
    def clear_name(name: str) -> str:
        return f"{name}_remove"

    def __init__(self, *args, **kwargs):
        from django import forms
        from django.utils.translation import gettext as _

        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self._kept_personal = {}
        for name in self.personal:
            current = self.initial.get(name)
            if name not in self.fields or not current:
                continue
            kind = _field(instance, name).kind if instance is not None else PHONE
            self._kept_personal[name] = current
            # A copy: the caller's dict is often the one it compares the cleaned data with.
            self.initial = {**self.initial, name: ""}
            self.fields[name].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": mask(kind, current)
            }
            if not self.fields[name].required:
                # Right after its field, so the page shows the two together.
                box = forms.BooleanField(
                    required=False,
                    label=_("Remove the stored %(label)s") % {"label": self.fields[name].label},
                )
                order = list(self.fields.items())
                at = [k for k, _f in order].index(name) + 1
                self.fields = dict([*order[:at], (self.clear_name(name), box), *order[at:]])

    @property
    def changed_data(self) -> list[str]:
        """Django's, against the stored values: the inputs start empty, so a removal (empty
        against empty) would look unchanged and a kept value would not; the boxes are left out."""
        boxes = {self.clear_name(name) for name in self._kept_personal}
        changed = [name for name in super().changed_data if name not in boxes]
        data = getattr(self, "cleaned_data", {})
        for name, current in self._kept_personal.items():
            if name in data and name not in self.errors:
                if data[name] != current and name not in changed:
                    changed.append(name)
                elif data[name] == current and name in changed:
                    changed.remove(name)
        return changed

    def clean(self):
        data = super().clean()
        for name, current in self._kept_personal.items():
            # The box is not data of the record: callers see the personal field only.
            remove = data.pop(self.clear_name(name), False)
            if name in data and not data[name] and name not in self.errors:
                # A typed number replaces the stored one; an empty input keeps it, or removes it
                # when the box is ticked.
                data[name] = "" if remove else current
        return data


def mask_row(row: dict) -> dict:
    """A row of named values (an import preview) with every value of a personal column masked;
    the column is known by its name (`id_number`, `phone`, `contact_phone`, …)."""
    kinds = {f.name: f.kind for _m, f in personal_fields()}
    return {k: mask(kinds[k], v) if k in kinds and isinstance(v, str) else v for k, v in row.items()}
