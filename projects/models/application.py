"""Applications to a call and their attachments.

The steps (all audited, see projects/services/applications.py): the applicant drafts and submits
within the guide's window; the formal check (形式审查) passes it or returns it with reasons; the
district recommends it (区县推荐; applicants of the city itself go straight to the bureau); the
bureau accepts it for expert review; the panel's decision leads to approval (立项) or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.pii import PHONE, PersonalField
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from projects.models.guide import CallGuide, GuideCategory, money_field

__all__ = [
    "ApplicantKind",
    "Application",
    "ApplicationStatus",
    "Attachment",
    "AttachmentKind",
    "FormalReason",
    "PanelDecision",
]


class ApplicantKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("University or research institution")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting the formal check")
    RETURNED = "returned", _("Returned for correction")
    CHECKED = "checked", _("Formal check passed, awaiting the district")
    RECOMMENDED = "recommended", _("Recommended by the district, awaiting the bureau")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended by the district")
    IN_REVIEW = "in_review", _("Accepted by the bureau, in expert review")
    REVIEWED = "reviewed", _("Reviewed, awaiting the panel")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FormalReason(models.TextChoices):
    """Why a formal check returns an application (several may apply)."""

    MISSING_PROPOSAL = "missing_proposal", _("The application form (申报书) is not attached")
    MISSING_LICENCE = "missing_licence", _("The business licence or registration certificate is not attached")
    MISSING_FINANCIALS = "missing_financials", _("The financial statements are not attached")
    INCOMPLETE = "incomplete", _("Required fields are incomplete")
    OVER_CAP = "over_cap", _("The funding requested exceeds the category's cap")
    NOT_ELIGIBLE = "not_eligible", _("The applicant does not meet the eligibility rules")
    DUPLICATE = "duplicate", _("The same project was submitted elsewhere")
    OTHER = "other", _("Other (see the note)")


class PanelDecision(models.TextChoices):
    FUND = "fund", _("Fund")
    RESERVE = "reserve", _("Reserve list")
    DECLINE = "decline", _("Do not fund")


class Application(BaseModel):
    """One application to one category of a year's call, by an enterprise or an institution.

    `unit` is the district that recommends it (the applicant's unit); `tech_fields` are the technical
    tags matched against the experts'; `partners` the co-applying organisations and `team` the
    people on the project — both feed the automatic conflict-of-interest rules."""

    guide = models.ForeignKey(
        CallGuide, on_delete=models.PROTECT, related_name="applications", verbose_name=_("guide")
    )
    category = models.ForeignKey(
        GuideCategory, on_delete=models.PROTECT, related_name="applications", verbose_name=_("category")
    )
    number = models.CharField(_("application number"), max_length=32, unique=True)
    title = models.CharField(_("project title"), max_length=200)
    applicant_kind = models.CharField(_("applicant kind"), max_length=12, choices=ApplicantKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_applications",
        verbose_name=_("enterprise"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_group = models.CharField(
        _("enterprise group"),
        max_length=200,
        blank=True,
        help_text=_("The group the applicant belongs to, if any."),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    in_agri_park = models.BooleanField(_("in the national agricultural S&T park"), default=False)
    tech_fields = models.JSONField(_("technical fields"), default=list)
    partners = models.JSONField(_("co-applicants"), default=list, blank=True)
    leader = models.CharField(_("project leader"), max_length=50)
    leader_phone = PersonalField(_("leader's phone"), kind=PHONE, max_length=20, blank=True)
    team = models.JSONField(_("team members"), default=list, blank=True)
    summary = models.TextField(_("summary"))
    goals = models.TextField(_("goals and indicators"), blank=True)
    requested = money_field(_("funding requested (10,000 yuan)"))
    self_funding = money_field(_("own funding (10,000 yuan)"), default=0)
    months = models.PositiveSmallIntegerField(_("duration (months)"), default=24)

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    check_reasons = models.JSONField(_("formal check reasons"), default=list, blank=True)
    check_note = models.CharField(_("formal check note"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("recommended at"), null=True, blank=True)
    recommendation_note = models.CharField(_("recommendation note"), max_length=500, blank=True)
    district_rank = models.PositiveSmallIntegerField(
        _("district's order of recommendation"), null=True, blank=True
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("review completed at"), null=True, blank=True)

    score = models.DecimalField(_("mean score"), max_digits=6, decimal_places=2, null=True, blank=True)
    score_z = models.FloatField(_("mean normalised score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    decision = models.CharField(_("panel decision"), max_length=8, choices=PanelDecision.choices, blank=True)
    decision_funding = money_field(_("funding proposed (10,000 yuan)"), null=True, blank=True)
    decision_note = models.CharField(_("panel note"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    # An expert reads an application only through an active (assigned, not withdrawn) review.
    scope = ScopeSpec(unit="unit", enterprise="enterprise", expert="reviews__reviewer_user", distinct=True)

    class Meta:
        ordering = ["-guide__year", "number"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["guide", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def organisations(self) -> list[str]:
        return [self.applicant_name, *(p for p in self.partners or [] if p)]


class AttachmentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Application form (申报书)")
    LICENCE = "licence", _("Business licence or registration certificate")
    FINANCIALS = "financials", _("Financial statements")
    BUDGET = "budget", _("Budget table")
    OTHER = "other", _("Other supporting material")


class Attachment(BaseModel):
    """A file attached to an application. Stored under var/uploads with a random name; read only
    through the scoped download view."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    file_type = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    scope = ScopeSpec(
        unit="application__unit",
        enterprise="application__enterprise",
        expert="application__reviews__reviewer_user",
        distinct=True,
    )

    class Meta:
        ordering = ["application", "kind", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
