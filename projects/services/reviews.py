"""Expert review: rounds, the optimal assignment (a job with progress) or the recorded random
draw, conflicts (automatic and declared), scoring, withdrawal, normalisation and ranking.

The expert pool is the talent registry: `talent.Person` rows with `is_expert` and an active linked
account (an expert scores online). Each round covers one category's applications accepted for
review. Filling vacancies (after a withdrawal) keeps the reviews made and assigns the missing
seats only: optimally for those seats, or by a new recorded draw."""

from __future__ import annotations

import secrets
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.audit import record_event
from kechuang.core.jobs import job_start
from kechuang.core.models import EventAction
from projects.access import Refused, expert_person, is_bureau, require
from projects.conflicts import ApplicationParty, ExpertParty, conflict_pairs, group_index, normalise_org
from projects.draw import DrawExpert, DrawInput, InfeasibleDraw, draw, expert_kind
from projects.models import (
    Application,
    ApplicationStatus,
    CallGuide,
    GuideCategory,
    Review,
    ReviewRound,
    ReviewStatus,
    RoundMethod,
    RoundStatus,
)
from projects.scoring import rank, rubric_total, zscores
from rules.assignment import Expert, InfeasibleAssignment, Proposal, assign, jaccard

__all__ = [
    "application_conflicts",
    "expert_pool",
    "round_assign",
    "round_create",
    "round_draw",
    "round_rank",
    "round_replay",
    "review_submit",
    "review_withdraw",
]


def expert_pool():
    """Experts who can review: in the pool, with an active account."""
    from talent.models import Person

    return (
        Person.objects.filter(is_expert=True, user__isnull=False, user__is_active=True)
        .select_related("user")
        .prefetch_related("conflicts")
        .order_by("pk")
    )


def _expert_party(p) -> ExpertParty:
    declared = list(p.conflicts.all())
    return ExpertParty(
        id=str(p.pk),
        name=p.name,
        organisation=p.organisation,
        declared_orgs=frozenset(c.organisation for c in declared if c.organisation),
        declared_usccs=frozenset(c.uscc for c in declared if c.uscc),
    )


def _app_party(a: Application) -> ApplicationParty:
    people = [(a.leader, a.applicant_name)]
    for member in a.team or []:
        if isinstance(member, dict):
            people.append((member.get("name", ""), member.get("organisation", "")))
        elif isinstance(member, str):
            people.append((member, ""))
    return ApplicationParty(
        id=a.number,
        applicant=a.applicant_name,
        uscc=a.enterprise.uscc if a.enterprise_id else "",
        group=a.applicant_group,
        partners=tuple(a.partners or ()),
        people=tuple(people),
    )


def _groups() -> dict[str, str]:
    """Organisation → group, from every application that names its group."""
    rows = Application.objects.exclude(applicant_group="").values_list("applicant_name", "applicant_group")
    return group_index(ApplicationParty(id="", applicant=n, group=g) for n, g in rows)


def application_conflicts(application: Application, experts=None) -> dict[int, list[str]]:
    """{person pk: reasons} of the experts who conflict with this application."""
    experts = list(experts if experts is not None else expert_pool())
    pairs = conflict_pairs([_expert_party(p) for p in experts], [_app_party(application)], _groups())
    return {int(e): reasons for (e, _a), reasons in pairs.items()}


def is_conflicted(person, application: Application) -> bool:
    from talent.models import Person

    person = Person.objects.prefetch_related("conflicts").get(pk=person.pk)
    return bool(application_conflicts(application, [person]))


@transaction.atomic
def round_create(
    *,
    actor,
    guide: CallGuide,
    category: GuideCategory,
    method: str,
    per_application: int | None = None,
    min_technical_share: Decimal | None = None,
    min_financial: int | None = None,
) -> ReviewRound:
    require(is_bureau(actor))
    if category.guide_id != guide.pk:
        raise Refused(_("The category belongs to another guide."))
    if method not in RoundMethod.values:
        raise Refused(_("Choose how experts are chosen."))
    k = per_application or category.reviewers_per_application
    if k < 1:
        raise Refused(_("At least one expert per application."))
    if (
        ReviewRound.objects.filter(category=category)
        .exclude(status__in=[RoundStatus.FAILED, RoundStatus.CLOSED])
        .exists()
    ):
        raise Refused(_("This category has an open review round already."))
    rnd = ReviewRound.objects.create(
        guide=guide,
        category=category,
        method=method,
        per_application=k,
        min_technical_share=category.min_technical_share
        if min_technical_share is None
        else min_technical_share,
        min_financial=category.min_financial if min_financial is None else min_financial,
        created_by=actor,
    )
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=rnd,
        message="review round opened",
        data={"method": method, "k": k},
    )
    return rnd


class _Inputs:
    """What an assignment or a draw starts from: the applications with vacant seats, the pool with
    its remaining capacity, and every pair that may not meet."""

    def __init__(self, rnd: ReviewRound, progress=None):
        self.round = rnd
        apps = list(
            Application.objects.filter(category=rnd.category, status=ApplicationStatus.IN_REVIEW)
            .select_related("enterprise")
            .order_by("number")
        )
        experts = list(expert_pool())
        self.experts = {str(p.pk): p for p in experts}
        reviews = list(
            Review.objects.filter(application__in=apps).values_list(
                "application__number", "expert_id", "status"
            )
        )
        self.active: dict[str, list[str]] = {}
        self.conflicts: set[tuple[str, str]] = set()
        for number, expert_id, status in reviews:
            self.conflicts.add(
                (str(expert_id), number)
            )  # never the same expert twice, nor back after withdrawing
            if status != ReviewStatus.WITHDRAWN:
                self.active.setdefault(number, []).append(str(expert_id))
        load = dict(
            Review.objects.filter(round=rnd)
            .exclude(status=ReviewStatus.WITHDRAWN)
            .values("expert")
            .annotate(n=Count("pk"))
            .values_list("expert", "n")
        )
        self.capacity = {str(p.pk): max(0, p.max_load - load.get(p.pk, 0)) for p in experts}
        if progress:
            progress("conflicts", 0, len(apps))
        parties = [_expert_party(p) for p in experts]
        self.reasons = conflict_pairs(parties, [_app_party(a) for a in apps], _groups())
        self.conflicts |= set(self.reasons)
        if progress:
            progress("conflicts", len(apps), len(apps))
        self.apps = {a.number: a for a in apps}
        self.missing = {n: rnd.per_application - len(self.active.get(n, [])) for n in self.apps}
        self.missing = {n: m for n, m in self.missing.items() if m > 0}


def _save_pairs(
    rnd: ReviewRound, inputs: _Inputs, pairs: list[tuple[str, str, float]], draw_index=None
) -> int:
    made = 0
    for number, expert_id, affinity in pairs:
        person = inputs.experts[expert_id]
        Review.objects.create(
            round=rnd,
            application=inputs.apps[number],
            expert=person,
            reviewer_user=person.user,
            affinity=affinity,
            draw=draw_index,
        )
        made += 1
    return made


def _assign_work(round_id: int, actor_id: int):
    def work(job, progress):
        try:
            return _assign(job, progress)
        except Exception:
            ReviewRound.objects.filter(pk=round_id, status=RoundStatus.ASSIGNING).update(
                status=RoundStatus.OPEN
            )
            raise

    def _assign(job, progress):
        from org.models import User

        actor = User.objects.get(pk=actor_id)
        with transaction.atomic():
            rnd = ReviewRound.objects.select_for_update().get(pk=round_id)
            inputs = _Inputs(rnd, progress)
            groups: dict[int, list[str]] = {}
            for number, m in inputs.missing.items():
                groups.setdefault(m, []).append(number)
            capacity = dict(inputs.capacity)
            pairs: list[tuple[str, str, float]] = []
            total = Fraction(0)
            progress("solve", 0, len(groups) or 1)
            try:
                for n, (m, numbers) in enumerate(sorted(groups.items(), reverse=True)):
                    proposals = [
                        Proposal(
                            num,
                            normalise_org(inputs.apps[num].applicant_name),
                            frozenset(inputs.apps[num].tech_fields or ()),
                        )
                        for num in numbers
                    ]
                    experts = [
                        Expert(
                            eid, normalise_org(p.organisation), frozenset(p.expert_tags or ()), capacity[eid]
                        )
                        for eid, p in inputs.experts.items()
                        if capacity[eid] > 0
                    ]
                    known, wanted = {e.id for e in experts}, set(numbers)
                    result = assign(
                        proposals,
                        experts,
                        [(e, a) for e, a in inputs.conflicts if e in known and a in wanted],
                        m,
                    )
                    for pair in result.pairs:
                        capacity[pair.expert] -= 1
                        pairs.append((pair.proposal, pair.expert, float(pair.affinity)))
                    total += result.total
                    progress("solve", n + 1, len(groups))
            except InfeasibleAssignment as exc:
                rnd.status = RoundStatus.FAILED
                rnd.result = {
                    "error": "infeasible",
                    "applications": list(exc.proposals),
                    "shortages": [s.describe() for s in exc.shortages],
                }
                rnd.save()
                record_event(
                    EventAction.WORKFLOW,
                    actor=actor,
                    obj=rnd,
                    message="assignment infeasible",
                    data=rnd.result,
                )
                return rnd.result
            progress("save", 0, len(pairs))
            made = _save_pairs(rnd, inputs, pairs)
            progress("save", made, len(pairs))
            rnd.status = RoundStatus.ASSIGNED
            rnd.result = {
                "method": "optimal",
                "reviews": made,
                "applications": len(inputs.missing),
                "total_affinity": float(total),
                "total_affinity_exact": f"{total.numerator}/{total.denominator}",
            }
            rnd.save()
            record_event(
                EventAction.WORKFLOW, actor=actor, obj=rnd, message="experts assigned", data=rnd.result
            )
            return rnd.result

    return work


@transaction.atomic
def round_assign(*, actor, review_round: ReviewRound):
    """Start the optimal assignment of the vacant seats as a job; returns the job (its page shows
    the progress; its result names infeasible applications)."""
    require(is_bureau(actor))
    rnd = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if rnd.method != RoundMethod.OPTIMAL:
        raise Refused(_("This round draws its experts at random."))
    if rnd.status in (RoundStatus.ASSIGNING, RoundStatus.CLOSED):
        raise Refused(_("The round is busy or closed."))
    rnd.status = RoundStatus.ASSIGNING
    rnd.save()
    job = job_start("review_assign", _assign_work(rnd.pk, actor.pk), owner=actor, params={"round": rnd.pk})
    ReviewRound.objects.filter(pk=rnd.pk).update(job=job)
    return job


@transaction.atomic
def round_draw(*, actor, review_round: ReviewRound, seed: int | None = None) -> dict:
    """Draw the vacant seats at random under the panel rules; the seed and the inputs are kept so
    the draw can be replayed exactly (`round_replay`)."""
    require(is_bureau(actor))
    rnd = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if rnd.method != RoundMethod.DRAW:
        raise Refused(_("This round uses the optimal assignment."))
    if rnd.status == RoundStatus.CLOSED:
        raise Refused(_("The round is closed."))
    inputs = _Inputs(rnd)
    if not inputs.missing:
        raise Refused(_("Every application has its panel; nothing to draw."))
    seed = secrets.randbits(48) if seed is None else int(seed)
    inp = DrawInput(
        seed=seed,
        k=rnd.per_application,
        min_technical_share=Fraction(str(rnd.min_technical_share)),
        min_financial=rnd.min_financial,
        applications=sorted(inputs.missing),
        experts=[
            DrawExpert(eid, expert_kind(p.expert_tags, p.title), inputs.capacity[eid])
            for eid, p in inputs.experts.items()
        ],
        conflicts={(e, a) for e, a in inputs.conflicts if a in inputs.missing},
        fixed={n: inputs.active.get(n, []) for n in inputs.missing if inputs.active.get(n)},
    )
    try:
        result = draw(inp)
    except InfeasibleDraw as exc:
        rnd.result = {
            "error": "infeasible",
            "applications": list(exc.applications),
            "shortages": [s.describe() for s in exc.shortages],
            "seed": seed,
        }
        rnd.status = RoundStatus.FAILED if not inputs.active else rnd.status
        rnd.save()
        record_event(EventAction.WORKFLOW, actor=actor, obj=rnd, message="draw infeasible", data=rnd.result)
        raise Refused(*[s.describe() for s in exc.shortages]) from exc
    index = len(rnd.draws) + 1
    pairs = []
    for number, experts in result.items():
        app_fields = frozenset(inputs.apps[number].tech_fields or ())
        for eid in experts:
            tags = frozenset(inputs.experts[eid].expert_tags or ())
            pairs.append((number, eid, float(jaccard(app_fields, tags))))
    made = _save_pairs(rnd, inputs, pairs, draw_index=index)
    record = {
        "index": index,
        "at": timezone.now().isoformat(),
        "by": actor.get_username(),
        "seed": seed,
        "digest": inp.digest(),
        "input": inp.to_json(),
        "result": {k: sorted(v) for k, v in sorted(result.items())},
    }
    rnd.draws = [*rnd.draws, record]
    rnd.status = RoundStatus.ASSIGNED
    rnd.result = {"method": "draw", "reviews": made, "seed": seed, "draw": index}
    rnd.save()
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=rnd,
        message="experts drawn",
        data={"seed": seed, "draw": index, "digest": record["digest"]},
    )
    return record


def round_replay(rnd: ReviewRound) -> list[dict]:
    """Re-run every recorded draw from its seed and inputs: the panels must equal both the record
    and the reviews made in that draw."""
    out = []
    for record in rnd.draws:
        inp = DrawInput.from_json(record["input"])
        again = {k: sorted(v) for k, v in sorted(draw(inp).items())}
        made: dict[str, list[str]] = {}
        for number, expert_id in Review.objects.filter(round=rnd, draw=record["index"]).values_list(
            "application__number", "expert_id"
        ):
            made.setdefault(number, []).append(str(expert_id))
        made = {k: sorted(v) for k, v in sorted(made.items())}
        out.append(
            {
                "index": record["index"],
                "seed": record["seed"],
                "digest_ok": inp.digest() == record["digest"],
                "same_as_record": again == record["result"],
                "same_as_reviews": again == made,
                "panels": again,
            }
        )
    return out


def _refresh_application(app: Application, k: int, now=None) -> None:
    """Once K active reviews are all scored, the application is reviewed (mean score)."""
    active = list(app.reviews.exclude(status=ReviewStatus.WITHDRAWN))
    done = [r for r in active if r.status == ReviewStatus.SUBMITTED]
    if app.status == ApplicationStatus.IN_REVIEW and len(active) >= k and len(done) == len(active):
        app.status = ApplicationStatus.REVIEWED
        app.reviewed_at = now or timezone.now()
        app.score = (sum((r.total for r in done), Decimal(0)) / len(done)).quantize(Decimal("0.01"))
        app.save()
        record_event(
            EventAction.WORKFLOW, obj=app, message="review completed", data={"score": str(app.score)}
        )
    elif app.status == ApplicationStatus.REVIEWED and (len(active) < k or len(done) != len(active)):
        app.status = ApplicationStatus.IN_REVIEW
        app.reviewed_at = None
        app.save()


def _score_error(code: tuple) -> str:
    if code[0] == "missing":
        return _("give a score")
    if code[0] == "not_number":
        return _("not a number")
    if code[0] == "range":
        return _("must be from 0 to {top}").format(top=code[1])
    return _("at most one decimal place")


def _own_review(actor, review: Review) -> None:
    person = expert_person(actor)
    require(person is not None and review.expert_id == person.pk and review.reviewer_user_id == actor.pk)


@transaction.atomic
def review_submit(*, actor, review: Review, scores: dict, comment: str = "", now=None) -> Review:
    """The expert scores against the category's rubric (may revise until the panel decides)."""
    review = (
        Review.objects.select_for_update().select_related("application__category", "round").get(pk=review.pk)
    )
    _own_review(actor, review)
    app = review.application
    if review.status == ReviewStatus.WITHDRAWN:
        raise Refused(_("You withdrew from this review."))
    if app.status not in (ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED) or app.decision:
        raise Refused(_("Scoring of this application is closed."))
    if review.round.normalised:
        raise Refused(_("The scores of this round have been normalised; scoring is closed."))
    total, errors = rubric_total(app.category.rubric, scores)
    if errors:
        labels = {i["key"]: i["label"] for i in app.category.rubric}
        raise Refused(*[f"{labels.get(k, k)}: {_score_error(v)}" for k, v in errors.items()])
    if not comment.strip():
        raise Refused(_("Write a short comment with the scores."))
    review.scores = {i["key"]: str(Decimal(str(scores[i["key"]]))) for i in app.category.rubric}
    review.total, review.comment = total, comment
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, now or timezone.now()
    review.save()
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=review,
        message="review scored",
        data={"application": app.number},
    )
    _refresh_application(app, review.round.per_application, now)
    return review


@transaction.atomic
def review_withdraw(*, actor, review: Review, reason: str, now=None) -> Review:
    """The expert declares a conflict and withdraws; the seat is then filled again by the bureau.
    From now on the expert no longer reaches the application."""
    review = Review.objects.select_for_update().select_related("application", "round").get(pk=review.pk)
    _own_review(actor, review)
    if review.status == ReviewStatus.WITHDRAWN:
        raise Refused(_("You withdrew from this review already."))
    if review.application.decision:
        raise Refused(_("The panel has decided; it is too late to withdraw."))
    if not reason.strip():
        raise Refused(_("Say what the conflict of interest is."))
    review.status = ReviewStatus.WITHDRAWN
    review.reviewer_user = None
    review.withdrawn_reason = reason
    review.withdrawn_at = now or timezone.now()
    review.save()
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=review,
        message="expert withdrew: conflict declared",
        data={"application": review.application.number, "reason": reason},
    )
    _refresh_application(review.application, review.round.per_application, now)
    return review


@transaction.atomic
def round_rank(*, actor, review_round: ReviewRound, normalise: bool = False) -> dict[str, int]:
    """Rank the category's reviewed applications by mean score, or — on request — by the mean of
    each reviewer's z-scores (scores normalised per reviewer). Returns {number: rank}."""
    require(is_bureau(actor))
    rnd = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    apps = list(Application.objects.filter(category=rnd.category, status=ApplicationStatus.REVIEWED))
    if not apps:
        raise Refused(_("No application of this category has a complete review yet."))
    reviews = list(
        Review.objects.filter(round=rnd, status=ReviewStatus.SUBMITTED, application__in=apps).values_list(
            "pk", "expert_id", "total", "application_id"
        )
    )
    if normalise:
        z = zscores((pk, expert, float(total)) for pk, expert, total, _a in reviews)
        per_app: dict[int, list[float]] = {}
        for pk, _e, _t, app_id in reviews:
            Review.objects.filter(pk=pk).update(z_score=z[pk])
            per_app.setdefault(app_id, []).append(z[pk])
        for a in apps:
            values = per_app.get(a.pk, [])
            a.score_z = sum(values) / len(values) if values else None
        rnd.normalised = True
        rnd.save()
        ranks = rank({a.pk: (round(a.score_z, 9) if a.score_z is not None else None) for a in apps})
    else:
        ranks = rank({a.pk: a.score for a in apps})
    for a in apps:
        a.rank = ranks.get(a.pk)
        a.save(update_fields=["rank", "score_z", "updated"])
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=rnd,
        message="applications ranked",
        data={"normalised": normalise},
    )
    return {a.number: a.rank for a in apps}
