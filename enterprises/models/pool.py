"""The high-tech-enterprise cultivation pool (高新技术企业培育库) and evaluation results.

The plan (二)三是 names seven source lists; each imported list row is a PoolSourceEntry, matched to
an enterprise by USCC (or, without a valid code, proposed by normalised name for a person to
confirm). An enterprise matched by any source enters the pool for the year as a PoolMember."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models.enterprise import Enterprise
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = [
    "Evaluation",
    "EvaluationKind",
    "MatchStatus",
    "PoolMember",
    "PoolSource",
    "PoolSourceEntry",
    "PoolStage",
]


class PoolSource(models.TextChoices):
    """The plan's seven sources, in its order."""

    RE_RECOGNITION = "re_recognition", _("Certificate expiring this year (re-recognition)")
    EXPIRED_HTE = "expired_hte", _("Expired HTE")
    FAILED_APPLICANT = "failed_applicant", _("Past applicant not recognized")
    TSME = "tsme", _("Registered tech SME")
    RD_SUBSIDY = "rd_subsidy", _("R&D subsidy recipient, not an HTE")
    SUPER_DEDUCTION = "super_deduction", _("R&D super-deduction claimant, not an HTE")
    IP_HOLDER = "ip_holder", _("Holder of IP in the HTE domains, not an HTE")


class PoolStage(models.TextChoices):
    ENTERED = "entered", _("Entered")
    COACHING = "coaching", _("Coaching")
    APPLIED = "applied", _("Applied")
    RECOGNIZED = "recognized", _("Recognized")
    FAILED = "failed", _("Not recognized")


class PoolMember(BaseModel):
    """An enterprise in the cultivation pool for a year, with its stage and guidance notes."""

    year = models.PositiveSmallIntegerField(_("year"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="pool_memberships", verbose_name=_("enterprise")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=PoolStage.choices, default=PoolStage.ENTERED)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    guidance = models.TextField(_("guidance notes"), blank=True)
    mentor = models.CharField(_("mentor"), max_length=50, blank=True)

    scope = ScopeSpec(unit="enterprise__unit", enterprise="enterprise")

    class Meta:
        ordering = ["year", "enterprise__unit__order", "enterprise__name"]
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")
        constraints = [models.UniqueConstraint(fields=["year", "enterprise"], name="poolmember_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.enterprise}"


class MatchStatus(models.TextChoices):
    BY_CODE = "by_code", _("Matched by code")
    CANDIDATE = "candidate", _("Name match to confirm")
    CONFIRMED = "confirmed", _("Confirmed by a person")
    REJECTED = "rejected", _("Rejected")
    UNMATCHED = "unmatched", _("No match")


class PoolSourceEntry(BaseModel):
    """One row of an imported source list, and how it was matched to an enterprise."""

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=PoolSource.choices)
    import_run = models.ForeignKey(
        "core.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("import")
    )
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    uscc = models.CharField(_("code as listed"), max_length=32, blank=True)
    name = models.CharField(_("name as listed"), max_length=200)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("unit"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="source_entries",
        verbose_name=_("enterprise"),
    )
    # A name match waiting for a person: never merged until confirmed.
    candidate = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate_entries",
        verbose_name=_("suggested enterprise"),
    )
    match = models.CharField(_("match"), max_length=12, choices=MatchStatus.choices)
    detail = models.JSONField(_("listed figures"), default=dict, blank=True)

    # The district of the listed unit, or of the matched or suggested enterprise.
    scope = ScopeSpec(unit="unit", enterprise="enterprise")

    class Meta:
        ordering = ["year", "source", "row"]
        verbose_name = _("source list entry")
        verbose_name_plural = _("source list entries")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.name}"


class EvaluationKind(models.TextChoices):
    TSME = "tsme", _("Tech-SME evaluation")
    HTE = "hte", _("HTE conditions")


class Evaluation(BaseModel):
    """The latest evaluation of an enterprise against a national rule for a year; `result` holds
    every figure the rule produced, so the file can show conditions, thresholds and gaps."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("data year"))
    kind = models.CharField(_("kind"), max_length=8, choices=EvaluationKind.choices)
    verdict = models.CharField(_("verdict"), max_length=16)
    closeness = models.FloatField(
        _("closeness"), null=True, blank=True, help_text=_("0 = qualifies; larger = further from qualifying")
    )
    result = models.JSONField(_("result"), default=dict)

    scope = ScopeSpec(unit="enterprise__unit", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "-year", "kind"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "kind"], name="evaluation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.kind} {self.verdict}"
