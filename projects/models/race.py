"""Horse race (赛马制, plan (七)一是): several teams funded for stage 1 on the same problem; a gate
review; later tranches paid only to the teams that pass. Each team is a project of kind `race`
whose later tranches are gated by its gate milestone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopeSpec
from org.models import Unit
from projects.models.guide import money_field

__all__ = ["HorseRace", "RaceStatus"]


class RaceStatus(models.TextChoices):
    STAGE1 = "stage1", _("Stage 1 under way")
    GATED = "gated", _("Gate review done")
    FINISHED = "finished", _("Finished")


class HorseRace(BaseModel):
    """One horse race: the problem, the stage-1 and later funding per team, the gate date."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    challenge = models.ForeignKey(
        "projects.ChallengeList",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="races",
        verbose_name=_("challenge list"),
    )
    goal = models.TextField(_("goal and gate criteria"))
    stage1_amount = money_field(_("stage 1 funding per team (10,000 yuan)"))
    later_amount = money_field(_("later funding per passing team (10,000 yuan)"))
    gate_on = models.DateField(_("gate review on"))
    ends_on = models.DateField(_("race ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=RaceStatus.choices, default=RaceStatus.STAGE1
    )
    gate_note = models.TextField(_("gate review note"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("horse race")
        verbose_name_plural = _("horse races")

    def __str__(self) -> str:
        return self.title
