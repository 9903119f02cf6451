"""Open challenge (揭榜挂帅) and horse race (赛马制)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import DemandStatus, Enterprise, TechDemand
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import ensure_in_scope, scope_of
from org.models import Unit
from projects.access import Refused, is_bureau, is_district, is_enterprise, is_expert, money, require
from projects.models import (
    Bid,
    BidStatus,
    ChallengeList,
    ChallengeStatus,
    HorseRace,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    ProjectKind,
    ProjectStatus,
    RaceStatus,
    Tranche,
    TrancheStatus,
)

__all__ = [
    "CHALLENGE_FIELDS",
    "bid_submit",
    "bid_withdraw",
    "challenge_close",
    "challenge_create",
    "challenge_publish",
    "challenge_select",
    "challenge_update",
    "race_create",
    "race_gate",
    "race_team_add",
]

CHALLENGE_FIELDS = (
    "title",
    "owner_name",
    "field",
    "background",
    "requirements",
    "reward",
    "deadline",
    "period_months",
)


def _issuer(actor, unit: Unit) -> None:
    """The bureau issues for any unit (the city's own lists included); a district for its own."""
    require(is_bureau(actor) or (is_district(actor) and unit.pk in scope_of(actor).unit_ids))


@transaction.atomic
def challenge_create(
    *,
    actor,
    year: int,
    unit: Unit,
    enterprise: Enterprise | None = None,
    demand: TechDemand | None = None,
    **values,
) -> ChallengeList:
    _issuer(actor, unit)
    unknown = set(values) - set(CHALLENGE_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    if demand is not None:
        require(TechDemand.objects.for_user(actor, VIEW).filter(pk=demand.pk).exists())
        if enterprise is None:
            enterprise = demand.enterprise
        values.setdefault("field", demand.field)
    if enterprise is not None:
        require(Enterprise.objects.for_user(actor, VIEW).filter(pk=enterprise.pk).exists())
        values.setdefault("owner_name", enterprise.name)
    if not values.get("owner_name"):
        raise Refused(_("Name the list owner (发榜方)."))
    if not values.get("field"):
        raise Refused(_("Name the technical field of the list."))
    if values.get("reward") is not None and values["reward"] <= 0:
        raise Refused(_("The reward must be positive."))
    challenge = ChallengeList.objects.create(
        year=year, unit=unit, enterprise=enterprise, demand=demand, **values
    )
    ensure_in_scope(challenge, actor)
    record_event(EventAction.WORKFLOW, actor=actor, obj=challenge, message="challenge list drafted")
    return challenge


@transaction.atomic
def challenge_update(*, actor, challenge: ChallengeList, **values) -> ChallengeList:
    _issuer(actor, challenge.unit)
    unknown = set(values) - set(CHALLENGE_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    if challenge.status != ChallengeStatus.DRAFT and set(values) - {"deadline"}:
        raise Refused(_("A published list can only have its deadline moved."))
    for k, v in values.items():
        setattr(challenge, k, v)
    challenge.save()
    ensure_in_scope(challenge, actor)
    return challenge


@transaction.atomic
def challenge_publish(*, actor, challenge: ChallengeList, on: dt.date | None = None) -> ChallengeList:
    _issuer(actor, challenge.unit)
    on = on or timezone.localdate()
    if challenge.status != ChallengeStatus.DRAFT:
        raise Refused(_("Only a draft list can be published."))
    if challenge.deadline <= on:
        raise Refused(_("The bidding deadline must be after the publication date."))
    if on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."))
    challenge.status, challenge.published, challenge.published_on = ChallengeStatus.PUBLISHED, True, on
    challenge.save()
    if challenge.demand_id and challenge.demand.status == DemandStatus.COLLECTED:
        challenge.demand.status = DemandStatus.IN_GUIDE
        challenge.demand.save(update_fields=["status", "updated"])
    record_event(EventAction.WORKFLOW, actor=actor, obj=challenge, message="challenge list published")
    return challenge


@transaction.atomic
def bid_submit(
    *,
    actor,
    challenge: ChallengeList,
    leader: str,
    plan: str,
    price: Decimal,
    months: int,
    contact: str = "",
    bidder_name: str = "",
    enterprise: Enterprise | None = None,
    on: dt.date | None = None,
) -> Bid:
    """揭榜: an organisation bids for a published list until its deadline. An enterprise account
    bids for itself; a district or the bureau may file a bid for an organisation without an
    account (a university, a team from outside the city)."""
    on = on or timezone.localdate()
    require(
        not scope_of(actor).read_only
        and not (is_expert(actor) and not (is_enterprise(actor) or is_bureau(actor)))
    )
    challenge = ChallengeList.objects.for_user(actor, VIEW).select_for_update().get(pk=challenge.pk)
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise Refused(_("The list is not open for bids."))
    if on > challenge.deadline:
        raise Refused(_("Bids closed on {date}.").format(date=challenge.deadline.isoformat()))
    if is_enterprise(actor) and not (is_bureau(actor) or is_district(actor)):
        enterprise = Enterprise.objects.filter(pk__in=scope_of(actor).enterprise_ids).first()
        require(enterprise is not None)
    elif enterprise is not None:
        require(Enterprise.objects.for_user(actor, CHANGE).filter(pk=enterprise.pk).exists())
    else:
        require(is_bureau(actor) or is_district(actor))
    if enterprise is not None:
        bidder_name = enterprise.name
        if challenge.bids.filter(enterprise=enterprise).exclude(status=BidStatus.WITHDRAWN).exists():
            raise Refused(_("{name} has bid for this list already.").format(name=enterprise.name))
    if not bidder_name.strip():
        raise Refused(_("Name the bidding organisation."))
    problems = []
    if not leader.strip():
        problems.append(_("Name the team leader."))
    if not plan.strip():
        problems.append(_("Describe the technical plan."))
    if price <= 0 or price > challenge.reward:
        problems.append(
            _("The funding asked must be positive and at most the reward of {reward} 万元.").format(
                reward=money(challenge.reward)
            )
        )
    if months < 1:
        problems.append(_("The period must be at least one month."))
    if problems:
        raise Refused(*problems)
    bid = Bid.objects.create(
        challenge=challenge,
        bidder_name=bidder_name.strip(),
        enterprise=enterprise,
        leader=leader,
        contact=contact,
        plan=plan,
        price=price,
        months=months,
        submitted_by=actor,
    )
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=challenge,
        message="bid submitted",
        data={"bid": bid.pk, "bidder": bid.bidder_name},
    )
    return bid


@transaction.atomic
def bid_withdraw(*, actor, bid: Bid) -> Bid:
    scope = scope_of(actor)
    require(
        bid.submitted_by_id == actor.pk
        or (bid.enterprise_id and bid.enterprise_id in scope.enterprise_ids)
        or is_bureau(actor)
    )
    if bid.status != BidStatus.SUBMITTED:
        raise Refused(_("Only a pending bid can be withdrawn."))
    bid.status = BidStatus.WITHDRAWN
    bid.save()
    record_event(
        EventAction.WORKFLOW, actor=actor, obj=bid.challenge, message="bid withdrawn", data={"bid": bid.pk}
    )
    return bid


@transaction.atomic
def challenge_select(
    *,
    actor,
    challenge: ChallengeList,
    bid: Bid,
    number: str,
    contract_no: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
) -> Project:
    """Select the winning bid once bidding has closed; the contract becomes a project of kind
    `challenge` whose tranches are paid on milestones (tranche_add asks for the milestone)."""
    _issuer(actor, challenge.unit)
    challenge = ChallengeList.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise Refused(_("The list is not awaiting selection."))
    if bid.challenge_id != challenge.pk or bid.status != BidStatus.SUBMITTED:
        raise Refused(_("Choose a pending bid for this list."))
    problems = []
    if signed_on <= challenge.deadline:
        problems.append(
            _("Selection comes after the bids close on {date}.").format(date=challenge.deadline.isoformat())
        )
    if signed_on > timezone.localdate():
        problems.append(_("The date cannot be in the future."))
    if ends_on < starts_on:
        problems.append(_("The project ends before it starts."))
    if not contract_no.strip():
        problems.append(_("Give the contract number."))
    if Project.objects.filter(number=number).exists():
        problems.append(_("The project number {number} is taken.").format(number=number))
    if problems:
        raise Refused(*problems)
    bid.status, bid.note = BidStatus.SELECTED, note
    bid.save()
    challenge.bids.filter(status=BidStatus.SUBMITTED).exclude(pk=bid.pk).update(status=BidStatus.NOT_SELECTED)
    challenge.status = ChallengeStatus.AWARDED
    challenge.save()
    project = Project.objects.create(
        kind=ProjectKind.CHALLENGE,
        number=number,
        title=challenge.title,
        year=challenge.year,
        challenge=challenge,
        bid=bid,
        unit=challenge.unit,
        enterprise=bid.enterprise,
        undertaker=bid.bidder_name,
        leader=bid.leader,
        budget=bid.price,
        approved_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        contract_no=contract_no,
        signed_on=signed_on,
    )
    if challenge.demand_id:
        challenge.demand.status = DemandStatus.MATCHED
        challenge.demand.save(update_fields=["status", "updated"])
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=challenge,
        message="bid selected",
        data={"bid": bid.pk, "project": number},
    )
    record_event(EventAction.WORKFLOW, actor=actor, obj=project, message="challenge contract signed")
    return project


@transaction.atomic
def challenge_close(*, actor, challenge: ChallengeList, reason: str) -> ChallengeList:
    """Close a list without an award (no acceptable bid)."""
    _issuer(actor, challenge.unit)
    if challenge.status not in (ChallengeStatus.DRAFT, ChallengeStatus.PUBLISHED):
        raise Refused(_("The list is closed already."))
    if not reason.strip():
        raise Refused(_("Give the reason."))
    challenge.status = ChallengeStatus.CLOSED
    challenge.save()
    challenge.bids.filter(status=BidStatus.SUBMITTED).update(status=BidStatus.NOT_SELECTED)
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=challenge,
        message="challenge list closed",
        data={"reason": reason},
    )
    return challenge


@transaction.atomic
def race_create(
    *,
    actor,
    year: int,
    title: str,
    unit: Unit,
    goal: str,
    stage1_amount: Decimal,
    later_amount: Decimal,
    gate_on: dt.date,
    ends_on: dt.date,
    challenge: ChallengeList | None = None,
) -> HorseRace:
    _issuer(actor, unit)
    problems = []
    if stage1_amount <= 0 or later_amount < 0:
        problems.append(_("Stage 1 funding must be positive and later funding not negative."))
    if ends_on <= gate_on:
        problems.append(_("The race must end after the gate review."))
    if not goal.strip():
        problems.append(_("Describe the goal and the gate criteria."))
    if problems:
        raise Refused(*problems)
    race = HorseRace.objects.create(
        year=year,
        title=title,
        unit=unit,
        goal=goal,
        stage1_amount=stage1_amount,
        later_amount=later_amount,
        gate_on=gate_on,
        ends_on=ends_on,
        challenge=challenge,
    )
    ensure_in_scope(race, actor)
    record_event(EventAction.WORKFLOW, actor=actor, obj=race, message="horse race set up")
    return race


@transaction.atomic
def race_team_add(
    *,
    actor,
    race: HorseRace,
    number: str,
    undertaker: str,
    leader: str,
    approved_on: dt.date,
    enterprise: Enterprise | None = None,
) -> Project:
    """Fund one more team for stage 1: a project with two tranches — stage 1 now, the later one
    gated by the team's gate review."""
    _issuer(actor, race.unit)
    if race.status != RaceStatus.STAGE1:
        raise Refused(_("Teams join before the gate review."))
    if approved_on >= race.gate_on:
        raise Refused(
            _("A team must start before the gate review on {date}.").format(date=race.gate_on.isoformat())
        )
    if enterprise is not None:
        require(Enterprise.objects.for_user(actor, VIEW).filter(pk=enterprise.pk).exists())
        undertaker = enterprise.name
    if not undertaker.strip():
        raise Refused(_("Name the team's organisation."))
    if Project.objects.filter(number=number).exists():
        raise Refused(_("The project number {number} is taken.").format(number=number))
    project = Project.objects.create(
        kind=ProjectKind.RACE,
        number=number,
        title=f"{race.title}({undertaker})",
        year=race.year,
        race=race,
        challenge=race.challenge,
        unit=race.unit,
        enterprise=enterprise,
        undertaker=undertaker,
        leader=leader,
        budget=race.stage1_amount + race.later_amount,
        approved_on=approved_on,
        starts_on=approved_on,
        ends_on=race.ends_on,
    )
    gate = Milestone.objects.create(
        project=project, kind=MilestoneKind.GATE, title=_("Gate review"), due_on=race.gate_on
    )
    Tranche.objects.create(project=project, seq=1, amount=race.stage1_amount, planned_on=approved_on)
    if race.later_amount > 0:
        Tranche.objects.create(
            project=project, seq=2, amount=race.later_amount, planned_on=race.gate_on, milestone=gate
        )
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=race,
        message="team funded for stage 1",
        data={"project": number},
    )
    return project


@transaction.atomic
def race_gate(*, actor, race: HorseRace, passed: set[int], note: str, on: dt.date) -> HorseRace:
    """The gate review: the teams in `passed` go on (their later tranche becomes payable); the
    others stop — their project is terminated and the later tranche cancelled."""
    _issuer(actor, race.unit)
    race = HorseRace.objects.select_for_update().get(pk=race.pk)
    if race.status != RaceStatus.STAGE1:
        raise Refused(_("The gate review has been held already."))
    teams = list(race.teams.filter(status__in=[ProjectStatus.ONGOING, ProjectStatus.EXTENDED]))
    if not teams:
        raise Refused(_("The race has no team."))
    if set(passed) - {t.pk for t in teams}:
        raise Refused(_("Only the race's teams can pass the gate."))
    if on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."))
    if not note.strip():
        raise Refused(_("Write down the gate review's findings."))
    for team in teams:
        ok = team.pk in passed
        team.milestones.filter(kind=MilestoneKind.GATE, status=MilestoneStatus.PENDING).update(
            status=MilestoneStatus.PASSED if ok else MilestoneStatus.FAILED,
            checked_on=on,
            checked_by=actor,
            findings=note,
        )
        if not ok:
            team.status, team.closed_on, team.close_reason = (
                ProjectStatus.TERMINATED,
                on,
                _("Eliminated at the gate review."),
            )
            team.save()
            team.tranches.filter(status=TrancheStatus.PLANNED).update(status=TrancheStatus.CANCELLED)
        record_event(
            EventAction.WORKFLOW,
            actor=actor,
            obj=team,
            message="gate passed" if ok else "eliminated at the gate",
        )
    race.status, race.gate_note = RaceStatus.GATED, note
    race.save()
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=race,
        message="gate review held",
        data={"passed": sorted(passed)},
    )
    return race
