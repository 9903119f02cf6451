"""Units (责任单位), bureau sections, users, their grants and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.pii import PHONE, PersonalField
from kechuang.core.roles import Role
from kechuang.core.scope import ScopedQuerySet, ScopeSpec

__all__ = ["ApiToken", "Grant", "Section", "Unit", "UnitKind", "User"]


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    ZONE = "zone", _("Zone")


class Unit(BaseModel):
    """A responsible unit of the plan: the city (520600), one of its 10 districts (GB/T 2260
    codes), or a high-tech / development zone ranked beside them in a separate group."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.SlugField(_("short login"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    host = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
        verbose_name=_("host district"),
        help_text=_("The district a zone lies in."),
    )

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_unit(self):
        return self


class Section(BaseModel):
    """A section (科室) of the bureau; key-task items of the plan are owned by sections."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope = ScopeSpec(reference=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("bureau section")
        verbose_name_plural = _("bureau sections")

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. What they may reach is in their grants, not in code branches."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # Shown nowhere; SM4-encrypted at rest with the other phone numbers when the key is set.
    phone = PersonalField(_("phone"), kind=PHONE, max_length=20, blank=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("bureau section")
    )
    # 等保 access control: an account given for a period (a temporary helper, an expert panel)
    # is disabled by `kechuang accounts-expire` the day after this date (security.md item 27).
    expires_on = models.DateField(
        _("account expires on"),
        null=True,
        blank=True,
        help_text=_("The last day this account may sign in; empty = no end date."),
    )

    # The bureau reads every account; a district reads its own unit's accounts.
    scope = ScopeSpec(unit="grants__unit", distinct=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def primary_grant(self):
        return self.grants.select_related("unit", "enterprise").first()


class Grant(BaseModel):
    """One role of a user, with the unit or enterprise it applies to (typed scope data)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="grants", verbose_name=_("unit")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("enterprise"),
    )

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "enterprise"], name="grant_unique"),
            # A district grant names its unit and an enterprise grant its enterprise.
            models.CheckConstraint(
                condition=~Q(role=Role.DISTRICT) | Q(unit__isnull=False), name="grant_district_has_unit"
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False),
                name="grant_enterprise_has_enterprise",
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.enterprise or ""
        return f"{self.user} · {self.get_role_display()} {target}".strip()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        """The active user owning the raw token, or None. Only the hash is stored."""
        token = (
            self.select_related("user")
            .filter(key_hash=_hash_token(raw), revoked__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        if token.expires is not None and token.expires <= timezone.now():
            return None
        # An account past its end date is refused at once, as at sign-in (ExpiringModelBackend).
        if token.user.expires_on is not None and timezone.localdate() > token.user.expires_on:
            return None
        ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
        return token.user


class ApiToken(models.Model):
    """A bearer token for /api/v1/. The raw value is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @classmethod
    def issue(cls, user) -> tuple[ApiToken, str]:
        raw = "kc_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, prefix=raw[:10], key_hash=_hash_token(raw)), raw
