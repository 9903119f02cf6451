"""The call guide (申报指南) of one year: its categories, with budget, funding cap, rubric and
panel rules, and its sections, many drafted from the technology demands collected by the
千企面对面 visits (plan (二)一是). A published guide is public."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit

__all__ = ["DEFAULT_RUBRICS", "CallGuide", "CategoryKind", "GuideCategory", "GuideSection", "money_field"]


def money_field(label, **kwargs):
    """An amount in 万元 (never negative)."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(label, validators=[MinValueValidator(Decimal(0))], **kwargs)


class CategoryKind(models.TextChoices):
    KEY_RD = "key_rd", _("Key R&D")
    PLATFORM_TALENT = "platform_talent", _("Platforms and talent")
    AGRICULTURE = "agriculture", _("Agriculture and rural development")
    TRANSFORMATION = "transformation", _("Achievement transformation")
    PHD = "phd", _("Doctors' projects")
    SOCIAL = "social", _("Social development")


# Default scoring rubric per kind of category: (key, label, maximum points), 100 in all. The
# rubric is data: a category's own rubric is what experts score against.
DEFAULT_RUBRICS: dict[str, list[dict]] = {
    CategoryKind.KEY_RD: [
        {"key": "innovation", "label": "创新性与技术先进性", "max": 30},
        {"key": "feasibility", "label": "技术路线可行性", "max": 25},
        {"key": "team", "label": "研究基础与团队", "max": 20},
        {"key": "benefit", "label": "预期经济社会效益", "max": 15},
        {"key": "budget", "label": "经费预算合理性", "max": 10},
    ],
    CategoryKind.PLATFORM_TALENT: [
        {"key": "need", "label": "建设必要性", "max": 25},
        {"key": "base", "label": "建设基础与条件", "max": 25},
        {"key": "team", "label": "人才团队", "max": 25},
        {"key": "goals", "label": "建设目标与考核指标", "max": 15},
        {"key": "budget", "label": "经费预算合理性", "max": 10},
    ],
    CategoryKind.AGRICULTURE: [
        {"key": "fit", "label": "与特色产业需求契合度", "max": 25},
        {"key": "technology", "label": "技术先进性与适用性", "max": 25},
        {"key": "demonstration", "label": "示范推广与联农带农", "max": 25},
        {"key": "team", "label": "团队与基础", "max": 15},
        {"key": "budget", "label": "经费预算合理性", "max": 10},
    ],
    CategoryKind.TRANSFORMATION: [
        {"key": "maturity", "label": "成果成熟度", "max": 30},
        {"key": "market", "label": "市场前景与产业化条件", "max": 25},
        {"key": "benefit", "label": "预期经济效益", "max": 20},
        {"key": "team", "label": "承担单位能力", "max": 15},
        {"key": "budget", "label": "经费预算合理性", "max": 10},
    ],
    CategoryKind.PHD: [
        {"key": "fit", "label": "服务地方产业契合度", "max": 30},
        {"key": "innovation", "label": "创新性", "max": 25},
        {"key": "feasibility", "label": "可行性", "max": 20},
        {"key": "partner", "label": "合作企业条件", "max": 15},
        {"key": "budget", "label": "经费预算合理性", "max": 10},
    ],
    CategoryKind.SOCIAL: [
        {"key": "need", "label": "社会需求与公益性", "max": 30},
        {"key": "innovation", "label": "创新性", "max": 25},
        {"key": "feasibility", "label": "可行性", "max": 20},
        {"key": "benefit", "label": "预期社会效益", "max": 15},
        {"key": "budget", "label": "经费预算合理性", "max": 10},
    ],
}


class CallGuide(BaseModel):
    """The call guide of one year, issued by the bureau: the submission window, the eligibility
    rules and the budget. Anonymous visitors read it once published."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    budget = money_field(_("budget (10,000 yuan)"))
    introduction = models.TextField(_("introduction"), blank=True)
    eligibility = models.TextField(_("eligibility rules"), blank=True)
    max_per_applicant = models.PositiveSmallIntegerField(
        _("applications per applicant"), default=1, validators=[MinValueValidator(1)]
    )
    min_years_registered = models.PositiveSmallIntegerField(
        _("years registered at least"),
        default=1,
        help_text=_(
            "An enterprise applicant must have been founded at least this many years before the close."
        ),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    scope = ScopeSpec(public=Q(published=True))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("call guide")
        verbose_name_plural = _("call guides")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="guide_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.published and self.opens_at <= at < self.closes_at


class GuideCategory(BaseModel):
    """One category of the guide (重点研发, 平台与人才, 农业, 成果转化, 博士项目 …): its budget, the
    cap per project, the rubric experts score with and the panel rules of its review."""

    guide = models.ForeignKey(
        CallGuide, on_delete=models.CASCADE, related_name="categories", verbose_name=_("guide")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CategoryKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=8, help_text=_("Used in application numbers, e.g. KY."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    budget = money_field(_("budget (10,000 yuan)"))
    max_funding = money_field(_("cap per project (10,000 yuan)"))
    applicant_kinds = models.JSONField(_("who may apply"), default=list, blank=True)
    description = models.TextField(_("support directions"), blank=True)
    rubric = models.JSONField(_("scoring rubric"), default=list, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=5, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    min_technical_share = models.DecimalField(
        _("technical experts at least (share)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    min_financial = models.PositiveSmallIntegerField(_("financial experts at least"), default=1)

    scope = ScopeSpec(public=Q(guide__published=True))

    class Meta:
        ordering = ["guide", "order", "id"]
        verbose_name = _("guide category")
        verbose_name_plural = _("guide categories")
        constraints = [
            models.UniqueConstraint(fields=["guide", "code"], name="category_code_unique"),
            models.CheckConstraint(
                condition=Q(max_funding__lte=models.F("budget")), name="category_cap_in_budget"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rubric_total(self) -> int:
        return sum(int(item.get("max", 0)) for item in self.rubric or [])


class GuideSection(BaseModel):
    """A support direction (支持方向) under a category; `demand` is the technology demand it was
    drafted from, if any."""

    guide = models.ForeignKey(
        CallGuide, on_delete=models.CASCADE, related_name="sections", verbose_name=_("guide")
    )
    category = models.ForeignKey(
        GuideCategory, on_delete=models.CASCADE, related_name="sections", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    demand = models.ForeignKey(
        "enterprises.TechDemand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guide_sections",
        verbose_name=_("drafted from demand"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope = ScopeSpec(public=Q(guide__published=True))

    class Meta:
        ordering = ["category__order", "order", "id"]
        verbose_name = _("guide section")
        verbose_name_plural = _("guide sections")

    def __str__(self) -> str:
        return self.title
