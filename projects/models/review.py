"""Expert review: a round of assignment over a guide's accepted applications, and one review per
expert and application.

The expert is a person of the talent registry (`talent.Person` with `is_expert`), never a copy.
`reviewer_user` is the expert's account while the review is active and empty once it is withdrawn:
the scope of applications, attachments and reviews goes through it, so an expert reaches exactly
the applications assigned to them and not withdrawn for a conflict."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from projects.models.application import Application
from projects.models.guide import CallGuide, GuideCategory

__all__ = ["Review", "ReviewRound", "ReviewStatus", "RoundMethod", "RoundStatus"]


class RoundMethod(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal assignment (greatest total affinity)")
    DRAW = "draw", _("Random draw (随机抽取) with panel rules")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNING = "assigning", _("Assigning")
    ASSIGNED = "assigned", _("Experts assigned")
    FAILED = "failed", _("No assignment possible")
    CLOSED = "closed", _("Closed")


class ReviewRound(BaseModel):
    """One review round of one category of a guide: K experts per application, chosen by the
    optimal assignment or by a recorded random draw. `draws` keeps every draw's seed and inputs so
    that it can be replayed exactly."""

    guide = models.ForeignKey(
        CallGuide, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("guide")
    )
    category = models.ForeignKey(
        GuideCategory, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("category")
    )
    method = models.CharField(_("method"), max_length=8, choices=RoundMethod.choices)
    per_application = models.PositiveSmallIntegerField(_("experts per application"))
    min_technical_share = models.DecimalField(
        _("technical experts at least (share)"), max_digits=3, decimal_places=2
    )
    min_financial = models.PositiveSmallIntegerField(_("financial experts at least"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField(_("result"), default=dict, blank=True)
    draws = models.JSONField(_("draws"), default=list, blank=True)
    normalised = models.BooleanField(_("scores normalised per reviewer"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    # The bureau's work; nobody else reads a round.
    scope = ScopeSpec()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self) -> str:
        return f"{self.guide.year} {self.category} · {self.get_method_display()}"


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Scored")
    WITHDRAWN = "withdrawn", _("Withdrawn (conflict of interest)")


class Review(BaseModel):
    """One expert's review of one application: the rubric scores, the total and a comment."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("round")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    expert = models.ForeignKey(
        "talent.Person", on_delete=models.PROTECT, related_name="project_reviews", verbose_name=_("expert")
    )
    reviewer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_reviews",
        verbose_name=_("reviewer account"),
    )
    affinity = models.FloatField(_("affinity"), default=0)
    draw = models.PositiveSmallIntegerField(_("draw"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    z_score = models.FloatField(_("normalised score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("conflict declared"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    scope = ScopeSpec(expert="reviewer_user")

    class Meta:
        ordering = ["application", "expert__name", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="review_once_per_expert"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} · {self.expert}"

    @property
    def active(self) -> bool:
        return self.status != ReviewStatus.WITHDRAWN
