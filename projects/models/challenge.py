"""Open challenge (揭榜挂帅, plan (一)四是 and (七)一是): challenge lists (榜单) drawn from
enterprise demands, published for any organisation to bid on (揭榜); the selected bid becomes a
contract — a project whose payments wait for its milestones. CHALLENGE_LISTS counts published
lists by the month of publication, in the issuing unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from projects.models.guide import money_field

__all__ = ["Bid", "BidStatus", "ChallengeList", "ChallengeStatus"]


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published, open for bids")
    AWARDED = "awarded", _("Awarded")
    CLOSED = "closed", _("Closed without award")


class ChallengeList(BaseModel):
    """A challenge list (榜单): the problem, the requirements and indicators a solution must meet,
    the reward or funding (万元) and the bidding deadline. Public once published."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_lists",
        verbose_name=_("enterprise with the demand"),
    )
    owner_name = models.CharField(_("list owner (发榜方)"), max_length=200)
    demand = models.ForeignKey(
        "enterprises.TechDemand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenge_lists",
        verbose_name=_("from demand"),
    )
    field = models.CharField(_("field"), max_length=50)
    background = models.TextField(_("background"))
    requirements = models.TextField(_("requirements and indicators"))
    reward = money_field(_("reward or funding (10,000 yuan)"))
    deadline = models.DateField(_("bids close on"))
    period_months = models.PositiveSmallIntegerField(_("period (months)"), default=24)
    status = models.CharField(
        _("status"), max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    scope = ScopeSpec(unit="unit", enterprise="enterprise", public=Q(published=True))

    class Meta:
        ordering = ["-year", "-published_on", "id"]
        verbose_name = _("challenge list")
        verbose_name_plural = _("challenge lists")

    def __str__(self) -> str:
        return self.title


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Bid(BaseModel):
    """A bid (揭榜) for a published list by any organisation: its plan, team and price."""

    challenge = models.ForeignKey(
        ChallengeList, on_delete=models.PROTECT, related_name="bids", verbose_name=_("challenge list")
    )
    bidder_name = models.CharField(_("bidding organisation"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_bids",
        verbose_name=_("enterprise"),
    )
    leader = models.CharField(_("team leader"), max_length=50)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    plan = models.TextField(_("technical plan"))
    price = money_field(_("funding asked (10,000 yuan)"))
    months = models.PositiveSmallIntegerField(_("period (months)"))
    status = models.CharField(
        _("status"), max_length=14, choices=BidStatus.choices, default=BidStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    note = models.CharField(_("selection note"), max_length=500, blank=True)

    # The issuing unit reads every bid on its lists; a bidding enterprise its own.
    scope = ScopeSpec(unit="challenge__unit", enterprise="enterprise")

    class Meta:
        ordering = ["challenge", "created", "id"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self) -> str:
        return f"{self.bidder_name} → {self.challenge}"
