"""`/api/v1/projects/…`: call guides, applications, reviews (an expert's own), projects,
challenge lists with their bids, horse races with their teams, provincial applications and the
schedule findings — the same scope as the pages (a foreign id is a 404 on every method). Lists
are `{"items": [...], "count": N}`.

Writes: an applicant submits a draft (`POST /applications/{id}/submit`), an expert scores its
review (`POST /reviews/{id}/score`); refusals are 422 with the reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from kechuang.core.api import YEAR_MAX, YEAR_MIN, ListPagination, ValidationProblemOut, year_query
from kechuang.core.roles import CHANGE
from kechuang.core.scope import get_scoped_or_404, scope_of
from org.models import Unit
from projects.access import Refused, expert_person, is_bureau
from projects.models import (
    Application,
    Bid,
    CallGuide,
    ChallengeList,
    ExternalApplication,
    HorseRace,
    Project,
    Review,
    ReviewStatus,
    TrancheStatus,
)
from projects.schedule import schedule_findings
from projects.services import applications as app_svc
from projects.services import reviews as review_svc

PREFIX = "/projects"
router = Router(tags=["projects"])


class CategoryOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    budget: Decimal
    max_funding: Decimal
    rubric: list[dict]


class GuideOut(Schema):
    id: int
    year: int
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    budget: Decimal
    published: bool
    categories: list[CategoryOut]

    @staticmethod
    def resolve_categories(obj):
        return list(obj.categories.all())


class ApplicationOut(Schema):
    id: int
    number: str
    year: int
    category: str
    title: str
    applicant_name: str
    applicant_kind: str
    enterprise_id: int | None
    unit: str
    tech_fields: list[str]
    requested: Decimal
    status: str
    submitted_at: dt.datetime | None
    score: Decimal | None
    rank: int | None
    decision: str

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.guide.year

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class ApplicationDetailOut(ApplicationOut):
    summary: str
    goals: str
    leader: str
    partners: list[str]
    check_reasons: list[str]
    check_note: str
    recommendation_note: str


class ReviewOut(Schema):
    id: int
    application_id: int
    application_number: str
    status: str
    scores: dict
    total: Decimal | None
    comment: str

    @staticmethod
    def resolve_application_number(obj) -> str:
        return obj.application.number


class ScoreIn(Schema):
    """Both are required; they are optional here so that the review's scope is checked before the
    body (a foreign review is a 404 whatever is sent)."""

    scores: dict[str, Decimal] | None = None
    comment: str | None = None


class ProjectOut(Schema):
    id: int
    number: str
    kind: str
    year: int
    title: str
    undertaker: str
    unit: str
    enterprise_id: int | None
    budget: Decimal
    paid: Decimal
    approved_on: dt.date
    due_on: dt.date
    status: str
    overdue: bool

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return sum((t.amount for t in obj.tranches.all() if t.status == "paid"), Decimal(0))

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()


class ProjectIndicatorOut(Schema):
    name: str
    target: Decimal | None
    measure: str
    achieved: Decimal | None
    met: bool | None


class TrancheOut(Schema):
    seq: int
    amount: Decimal
    planned_on: dt.date
    status: str
    paid_on: dt.date | None
    milestone_id: int | None


class ProjectDetailOut(ProjectOut):
    indicators: list[ProjectIndicatorOut]
    tranches: list[TrancheOut]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())

    @staticmethod
    def resolve_tranches(obj):
        return list(obj.tranches.all())


class ChallengeOut(Schema):
    id: int
    year: int
    title: str
    unit: str
    owner_name: str
    field: str
    reward: Decimal
    deadline: dt.date
    status: str
    published_on: dt.date | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class BidOut(Schema):
    id: int
    challenge_id: int
    bidder_name: str
    leader: str
    price: Decimal
    months: int
    status: str


class TeamOut(Schema):
    id: int
    number: str
    undertaker: str
    budget: Decimal
    paid: Decimal
    status: str

    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return sum((t.amount for t in obj.tranches.all() if t.status == TrancheStatus.PAID), Decimal(0))


class RaceOut(Schema):
    id: int
    year: int
    title: str
    unit: str
    stage1_amount: Decimal
    later_amount: Decimal
    gate_on: dt.date
    ends_on: dt.date
    status: str
    teams: list[TeamOut]

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_teams(obj):
        return sorted(obj.teams.all(), key=lambda p: p.number)


class ExternalOut(Schema):
    id: int
    year: int
    level: str
    programme: str
    title: str
    applicant_name: str
    unit: str
    domain: str
    in_agri_park: bool
    applied_on: dt.date
    result: str
    result_on: dt.date | None
    funding: Decimal | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class FindingOut(Schema):
    kind: str
    unit: str
    number: str
    title: str
    due: dt.date
    done_on: dt.date | None
    days_late: int
    message: str


class RefusedOut(Schema):
    # the reasons a step was refused, or django-ninja's own 422 for a body that does not fit
    detail: list[str] | list[ValidationProblemOut]


@router.get("/guides", response=list[GuideOut], url_name="projects_guide_list")
@paginate(ListPagination)
def guide_list(request):
    return CallGuide.objects.for_user(request.user).prefetch_related("categories").order_by("-year")


@router.get("/guides/{int:year}", response=GuideOut, url_name="projects_guide_detail")
def guide_detail(request, year: int):
    return get_scoped_or_404(CallGuide.objects.prefetch_related("categories"), request.user, year=year)


@router.get("/applications", response=list[ApplicationOut], url_name="projects_application_list")
@paginate(ListPagination)
def application_list(
    request, year: int | None = year_query(), status: str | None = None, unit: str | None = None
):
    qs = Application.objects.for_user(request.user).select_related("guide", "category", "unit").order_by("id")
    if year:
        qs = qs.filter(guide__year=year)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit__code=unit)
    return qs


@router.get(
    "/applications/{int:application_id}",
    response=ApplicationDetailOut,
    url_name="projects_application_detail",
)
def application_detail(request, application_id: int):
    qs = Application.objects.select_related("guide", "category", "unit")
    return get_scoped_or_404(qs, request.user, pk=application_id)


@router.post(
    "/applications/{int:application_id}/submit",
    response={200: ApplicationOut, 422: RefusedOut},
    url_name="projects_application_submit",
)
def application_submit(request, application_id: int):
    app = get_scoped_or_404(
        Application.objects.select_related("guide", "category", "unit"),
        request.user,
        CHANGE,
        pk=application_id,
    )
    try:
        app_svc.application_submit(actor=request.user, application=app)
    except PermissionError as exc:
        raise Http404 from exc
    except Refused as exc:
        return Status(422, {"detail": exc.messages})
    app.refresh_from_db()
    return app


@router.get("/reviews", response=list[ReviewOut], url_name="projects_review_list")
@paginate(ListPagination)
def review_list(request):
    """The bureau reads every review; an expert its own active ones."""
    qs = Review.objects.for_user(request.user).select_related("application").order_by("id")
    if not is_bureau(request.user):
        qs = qs.filter(reviewer_user=request.user).exclude(status=ReviewStatus.WITHDRAWN)
    return qs


def _review(request, review_id: int, action=None) -> Review:
    review = get_scoped_or_404(
        Review.objects.select_related("application"),
        request.user,
        *([action] if action else []),
        pk=review_id,
    )
    if not is_bureau(request.user):
        person = expert_person(request.user)
        if person is None or review.expert_id != person.pk or review.status == ReviewStatus.WITHDRAWN:
            raise Http404
        if review_svc.is_conflicted(person, review.application):
            raise Http404
    return review


@router.get("/reviews/{int:review_id}", response=ReviewOut, url_name="projects_review_detail")
def review_detail(request, review_id: int):
    return _review(request, review_id)


@router.post(
    "/reviews/{int:review_id}/score",
    response={200: ReviewOut, 422: RefusedOut},
    url_name="projects_review_score",
)
def review_score(request, review_id: int, body: ScoreIn):
    review = _review(request, review_id, CHANGE)
    if body.scores is None or body.comment is None:
        return Status(422, {"detail": ["scores and comment are required"]})
    try:
        review = review_svc.review_submit(
            actor=request.user, review=review, scores=dict(body.scores), comment=body.comment
        )
    except PermissionError as exc:
        raise Http404 from exc
    except Refused as exc:
        return Status(422, {"detail": exc.messages})
    return review


@router.get("/projects", response=list[ProjectOut], url_name="projects_project_list")
@paginate(ListPagination)
def project_list(request, year: int | None = None, status: str | None = None, kind: str | None = None):
    qs = (
        Project.objects.for_user(request.user)
        .select_related("unit")
        .prefetch_related("tranches")
        .order_by("id")
    )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/projects/{int:project_id}", response=ProjectDetailOut, url_name="projects_project_detail")
def project_detail(request, project_id: int):
    qs = Project.objects.select_related("unit").prefetch_related("tranches", "indicators")
    return get_scoped_or_404(qs, request.user, pk=project_id)


@router.get("/challenges", response=list[ChallengeOut], url_name="projects_challenge_list")
@paginate(ListPagination)
def challenge_list(request):
    return ChallengeList.objects.for_user(request.user).select_related("unit").order_by("id")


@router.get("/challenges/{int:challenge_id}", response=ChallengeOut, url_name="projects_challenge_detail")
def challenge_detail(request, challenge_id: int):
    return get_scoped_or_404(ChallengeList.objects.select_related("unit"), request.user, pk=challenge_id)


@router.get("/challenges/{int:challenge_id}/bids", response=list[BidOut], url_name="projects_challenge_bids")
@paginate(ListPagination)
def challenge_bids(request, challenge_id: int):
    """The bids of a list: all of them for its issuer, a bidder's own otherwise."""
    challenge = get_scoped_or_404(ChallengeList, request.user, pk=challenge_id)
    return Bid.objects.for_user(request.user).filter(challenge=challenge).order_by("id")


def _races():
    return HorseRace.objects.select_related("unit").prefetch_related("teams__tranches")


@router.get("/races", response=list[RaceOut], url_name="projects_race_list")
@paginate(ListPagination)
def race_list(request, year: int | None = None):
    qs = _races().filter(pk__in=HorseRace.objects.for_user(request.user).values("pk")).order_by("id")
    if year:
        qs = qs.filter(year=year)
    return qs


@router.get("/races/{int:race_id}", response=RaceOut, url_name="projects_race_detail")
def race_detail(request, race_id: int):
    return get_scoped_or_404(_races(), request.user, pk=race_id)


@router.get("/provincial", response=list[ExternalOut], url_name="projects_external_list")
@paginate(ListPagination)
def external_list(request, year: int | None = None, result: str | None = None):
    qs = ExternalApplication.objects.for_user(request.user).select_related("unit").order_by("id")
    if year:
        qs = qs.filter(year=year)
    if result:
        qs = qs.filter(result=result)
    return qs


@router.get("/provincial/{int:external_id}", response=ExternalOut, url_name="projects_external_detail")
def external_detail(request, external_id: int):
    return get_scoped_or_404(ExternalApplication.objects.select_related("unit"), request.user, pk=external_id)


@router.get("/schedule/{int:year}", response=list[FindingOut], url_name="projects_schedule")
def schedule(request, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)):
    """The late items of a year (the plan's schedule), limited to the caller's units."""
    scope = scope_of(request.user)
    findings = schedule_findings(year)
    if not scope.sees_all("view"):
        codes = set(Unit.objects.filter(pk__in=scope.unit_ids).values_list("code", flat=True))
        findings = [f for f in findings if f.unit in codes]
    return [
        {
            "kind": f.kind,
            "unit": f.unit,
            "number": f.number,
            "title": f.title,
            "due": f.due,
            "done_on": f.done_on,
            "days_late": f.days_late,
            "message": f.message,
        }
        for f in findings
    ]
