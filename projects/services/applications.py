"""Applications: draft, attachments, submission within the window, formal check, district
recommendation, the bureau's acceptance, the panel decision, approval or not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.scope import ensure_in_scope, scope_of
from org.models import Unit, UnitKind
from projects.access import Refused, is_bureau, is_district, is_enterprise, money, require
from projects.models import (
    ApplicantKind,
    Application,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    CallGuide,
    FormalReason,
    GuideCategory,
    PanelDecision,
    Project,
    ProjectKind,
    TaskIndicator,
    Tranche,
)
from projects.uploads import remove_stored, store_upload

__all__ = [
    "APPLICATION_FIELDS",
    "application_accept",
    "application_approve",
    "application_create",
    "application_decide",
    "application_formal_check",
    "application_precheck",
    "application_recommend",
    "application_reject",
    "application_submit",
    "application_update",
    "application_withdraw",
    "attachment_add",
    "attachment_remove",
    "local_time",
]

# What the applicant fills in; status, unit, number and the decision are never set this way.
APPLICATION_FIELDS = (
    "title",
    "applicant_name",
    "applicant_group",
    "in_agri_park",
    "tech_fields",
    "partners",
    "leader",
    "leader_phone",
    "team",
    "summary",
    "goals",
    "requested",
    "self_funding",
    "months",
)
REQUIRED_ATTACHMENTS = {
    AttachmentKind.PROPOSAL: FormalReason.MISSING_PROPOSAL,
    AttachmentKind.LICENCE: FormalReason.MISSING_LICENCE,
}


def local_time(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _event(actor, app: Application, message: str, **data) -> None:
    record_event(EventAction.WORKFLOW, actor=actor, obj=app, message=message, data=data)


def _only_fields(values: dict) -> None:
    unknown = set(values) - set(APPLICATION_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )


def _next_number(guide: CallGuide, category: GuideCategory) -> str:
    prefix = f"{guide.year}-{category.code}-"
    taken = Application.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(taken.rsplit("-", 1)[-1]) + 1 if taken else 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def application_create(
    *,
    actor,
    guide: CallGuide,
    category: GuideCategory,
    applicant_kind: str,
    enterprise: Enterprise | None = None,
    unit: Unit | None = None,
    **values,
) -> Application:
    """An enterprise applies for itself; a district files for an applicant of its unit (an
    institution, or an enterprise without an account); the bureau for anyone."""
    _only_fields(values)
    require(not scope_of(actor).read_only)
    if category.guide_id != guide.pk:
        raise Refused(_("The category belongs to another guide."))
    if not guide.published and not is_bureau(actor):
        raise Refused(_("The guide is not published."))
    if applicant_kind not in (category.applicant_kinds or []):
        raise Refused(
            _("{category} does not accept applications from: {kind}.").format(
                category=category.name, kind=ApplicantKind(applicant_kind).label
            )
        )
    scope = scope_of(actor)
    if is_enterprise(actor) and not (is_bureau(actor) or is_district(actor)):
        if applicant_kind != ApplicantKind.ENTERPRISE:
            raise Refused(_("An enterprise account applies as an enterprise."))
        if enterprise is None:
            enterprise = Enterprise.objects.filter(pk__in=scope.enterprise_ids).first()
        require(enterprise is not None and enterprise.pk in scope.enterprise_ids)
    if enterprise is not None:
        unit = enterprise.unit
        values.setdefault("applicant_name", enterprise.name)
    if applicant_kind == ApplicantKind.ENTERPRISE and enterprise is None:
        raise Refused(_("Choose the enterprise that applies (it must be in the enterprise registry)."))
    if unit is None:
        raise Refused(_("Choose the unit the applicant belongs to."))
    if not values.get("applicant_name"):
        raise Refused(_("Give the applicant's name."))
    app = Application(
        guide=guide,
        category=category,
        applicant_kind=applicant_kind,
        enterprise=enterprise,
        unit=unit,
        number=_next_number(guide, category),
        created_by=actor,
        **values,
    )
    app.save()
    ensure_in_scope(app, actor)
    _event(actor, app, "application drafted")
    return app


def _applicant_side(actor, app: Application) -> None:
    """The applicant (its enterprise account), its district or the bureau."""
    scope = scope_of(actor)
    require(
        is_bureau(actor)
        or app.unit_id in scope.unit_ids
        or (app.enterprise_id is not None and app.enterprise_id in scope.enterprise_ids)
    )


@transaction.atomic
def application_update(*, actor, application: Application, **values) -> Application:
    _only_fields(values)
    _applicant_side(actor, application)
    if not application.editable:
        raise Refused(_("Only a draft or a returned application can be changed."))
    for k, v in values.items():
        setattr(application, k, v)
    application.save()
    ensure_in_scope(application, actor)
    return application


@transaction.atomic
def attachment_add(*, actor, application: Application, kind: str, uploaded) -> Attachment:
    _applicant_side(actor, application)
    if not application.editable:
        raise Refused(_("Files can be added only to a draft or a returned application."))
    if kind not in AttachmentKind.values:
        raise Refused(_("Choose the kind of file."))
    stored = store_upload(uploaded)
    try:
        att = Attachment.objects.create(
            application=application,
            kind=kind,
            original_name=(uploaded.name or "")[-200:],
            stored_name=stored.stored_name,
            file_type=stored.file_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
        )
        ensure_in_scope(att, actor)
    except Exception:
        remove_stored(stored.stored_name)
        raise
    return att


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    app = attachment.application
    _applicant_side(actor, app)
    if not app.editable:
        raise Refused(_("Files can be removed only from a draft or a returned application."))
    name = attachment.stored_name
    attachment.delete()
    transaction.on_commit(lambda: remove_stored(name))


def application_precheck(app: Application) -> list[str]:
    """The formal-check reasons the data itself shows (missing files, cap, eligibility); the
    checker sees them as suggestions and at submission the hard ones refuse."""
    reasons = []
    kinds = set(app.attachments.values_list("kind", flat=True))
    for kind, reason in REQUIRED_ATTACHMENTS.items():
        if kind not in kinds:
            reasons.append(reason)
    if app.requested > app.category.max_funding:
        reasons.append(FormalReason.OVER_CAP)
    if not (app.title and app.summary and app.leader and app.tech_fields):
        reasons.append(FormalReason.INCOMPLETE)
    guide = app.guide
    if app.enterprise_id and app.enterprise.founded:
        close = timezone.localtime(guide.closes_at).date()
        years = guide.min_years_registered
        if app.enterprise.founded > close.replace(year=close.year - years):
            reasons.append(FormalReason.NOT_ELIGIBLE)
    return [str(r) for r in reasons]


def _same_applicant(app: Application):
    qs = (
        Application.objects.filter(guide=app.guide)
        .exclude(pk=app.pk)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
    )
    if app.enterprise_id:
        return qs.filter(enterprise_id=app.enterprise_id)
    return qs.filter(applicant_name=app.applicant_name)


@transaction.atomic
def application_submit(*, actor, application: Application, now: dt.datetime | None = None) -> Application:
    """Submit within the guide's window; late or early submissions are refused with the time."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    _applicant_side(actor, app)
    now = now or timezone.now()
    guide = app.guide
    if not app.editable:
        raise Refused(_("This application has been submitted already."))
    if now >= guide.closes_at:
        raise Refused(
            _(
                "Submissions closed at {close} (Beijing time); it is now {now}. Late applications are not accepted."
            ).format(close=local_time(guide.closes_at), now=local_time(now))
        )
    if now < guide.opens_at:
        raise Refused(_("Submissions open at {open} (Beijing time).").format(open=local_time(guide.opens_at)))
    problems = []
    pre = application_precheck(app)
    labels = dict(FormalReason.choices)
    for code in pre:
        problems.append(str(labels[code]))
    if _same_applicant(app).count() >= guide.max_per_applicant:
        problems.append(
            _(
                "The applicant has already submitted {n} application(s) to this guide, the most allowed."
            ).format(n=guide.max_per_applicant)
        )
    if problems:
        raise Refused(*problems)
    was_returned = app.status == ApplicationStatus.RETURNED
    app.status, app.submitted_at = ApplicationStatus.SUBMITTED, now
    app.save()
    ensure_in_scope(app, actor)
    _event(actor, app, "application resubmitted" if was_returned else "application submitted")
    return app


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    _applicant_side(actor, application)
    if application.status in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ):
        raise Refused(_("This application can no longer be withdrawn."))
    application.status = ApplicationStatus.WITHDRAWN
    application.save()
    application.reviews.filter(status="assigned").update(
        status="withdrawn", reviewer_user=None, withdrawn_reason="application withdrawn"
    )
    _event(actor, application, "application withdrawn", reason=reason)
    return application


def _checker(actor, app: Application) -> None:
    """The district of the application's unit, or the bureau."""
    require(is_bureau(actor) or (is_district(actor) and app.unit_id in scope_of(actor).unit_ids))


@transaction.atomic
def application_formal_check(
    *,
    actor,
    application: Application,
    passed: bool,
    reasons: list[str] | None = None,
    note: str = "",
    now=None,
) -> Application:
    app = application
    _checker(actor, app)
    if app.status != ApplicationStatus.SUBMITTED:
        raise Refused(_("Only a submitted application awaits the formal check."))
    reasons = [r for r in (reasons or []) if r]
    if set(reasons) - set(FormalReason.values):
        raise Refused(_("Unknown reason."))
    if not passed and not reasons:
        raise Refused(_("Give at least one reason for returning the application."))
    if not passed and FormalReason.OTHER in reasons and not note.strip():
        raise Refused(_("Describe the other reason in the note."))
    app.checked_at = now or timezone.now()
    app.check_reasons = [] if passed else reasons
    app.check_note = note
    app.status = ApplicationStatus.CHECKED if passed else ApplicationStatus.RETURNED
    app.save()
    ensure_in_scope(app, actor)
    _event(
        actor, app, "formal check passed" if passed else "formal check: returned", reasons=reasons, note=note
    )
    return app


@transaction.atomic
def application_recommend(
    *, actor, application: Application, recommended: bool, note: str = "", order: int | None = None, now=None
) -> Application:
    """The district recommends (区县推荐); an applicant of the city itself is recommended by the
    bureau."""
    app = application
    city_level = app.unit.kind == UnitKind.CITY
    if city_level:
        require(is_bureau(actor))
    else:
        require(is_district(actor) and app.unit_id in scope_of(actor).unit_ids, _("The district recommends."))
    if app.status != ApplicationStatus.CHECKED:
        raise Refused(_("Only an application that passed the formal check can be recommended."))
    if not recommended and not note.strip():
        raise Refused(_("Say why the application is not recommended."))
    app.status = ApplicationStatus.RECOMMENDED if recommended else ApplicationStatus.NOT_RECOMMENDED
    app.recommended_at = now or timezone.now()
    app.recommendation_note = note
    app.district_rank = order
    app.save()
    ensure_in_scope(app, actor)
    _event(
        actor,
        app,
        "recommended by the district" if recommended else "not recommended by the district",
        note=note,
    )
    return app


@transaction.atomic
def application_accept(*, actor, application: Application, now=None) -> Application:
    """The bureau accepts a recommended application for expert review (受理)."""
    require(is_bureau(actor))
    app = application
    if app.status != ApplicationStatus.RECOMMENDED:
        raise Refused(_("Only a recommended application can be accepted for review."))
    app.status, app.accepted_at = ApplicationStatus.IN_REVIEW, now or timezone.now()
    app.save()
    _event(actor, app, "accepted for expert review")
    return app


@transaction.atomic
def application_decide(
    *,
    actor,
    application: Application,
    decision: str,
    funding: Decimal | None = None,
    note: str = "",
    now=None,
) -> Application:
    """The panel's decision after the review: fund (with the funding proposed), reserve, decline."""
    require(is_bureau(actor))
    app = application
    if app.status != ApplicationStatus.REVIEWED:
        raise Refused(_("The panel decides once every review of the application is in."))
    if decision not in PanelDecision.values:
        raise Refused(_("Choose a decision."))
    if decision == PanelDecision.FUND:
        if funding is None or funding <= 0:
            raise Refused(_("Give the funding proposed."))
        if funding > app.requested or funding > app.category.max_funding:
            raise Refused(
                _(
                    "The funding proposed exceeds the amount requested ({requested} 万元) or the cap ({cap} 万元)."
                ).format(requested=money(app.requested), cap=money(app.category.max_funding))
            )
    else:
        funding = None
    app.decision, app.decision_funding, app.decision_note = decision, funding, note
    app.decided_at = now or timezone.now()
    app.save()
    _event(
        actor, app, "panel decision", decision=decision, funding=str(funding) if funding is not None else None
    )
    return app


@transaction.atomic
def application_reject(*, actor, application: Application, note: str, now=None) -> Application:
    require(is_bureau(actor))
    app = application
    if app.status not in (
        ApplicationStatus.RECOMMENDED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.REVIEWED,
    ):
        raise Refused(_("This application is not before the bureau."))
    if not note.strip():
        raise Refused(_("Give the reason."))
    app.status = ApplicationStatus.REJECTED
    app.decision_note = note
    app.decided_at = app.decided_at or now or timezone.now()
    app.save()
    app.reviews.filter(status="assigned").update(
        status="withdrawn", reviewer_user=None, withdrawn_reason="not approved"
    )
    _event(actor, app, "not approved", note=note)
    return app


def _parse_plan(indicators, tranches, budget: Decimal) -> list[str]:
    problems = []
    for n, item in enumerate(indicators, start=1):
        if not (item.get("name") or "").strip():
            problems.append(_("Indicator {n}: give its name.").format(n=n))
    total = sum((Decimal(t["amount"]) for t in tranches), Decimal(0))
    if not tranches:
        problems.append(_("Plan at least one tranche."))
    elif total != budget:
        problems.append(
            _("The tranches add up to {total} 万元, not the budget of {budget} 万元.").format(
                total=money(total), budget=money(budget)
            )
        )
    for n, t in enumerate(tranches, start=1):
        if Decimal(t["amount"]) <= 0:
            problems.append(_("Tranche {n}: the amount must be positive.").format(n=n))
    return problems


@transaction.atomic
def application_approve(
    *,
    actor,
    application: Application,
    number: str,
    budget: Decimal,
    approved_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    indicators: list[dict],
    tranches: list[dict],
    contract_no: str = "",
    signed_on: dt.date | None = None,
) -> Project:
    """立项: the project with its budget, task-book indicators and planned tranches."""
    require(is_bureau(actor))
    app = Application.objects.select_for_update().get(pk=application.pk)
    problems = []
    if app.status != ApplicationStatus.REVIEWED or app.decision != PanelDecision.FUND:
        raise Refused(_("Only an application the panel decided to fund can be approved."))
    if budget <= 0 or budget > app.requested or budget > app.category.max_funding:
        problems.append(
            _(
                "The budget must be positive and within the amount requested ({requested} 万元) and the cap ({cap} 万元)."
            ).format(requested=money(app.requested), cap=money(app.category.max_funding))
        )
    used = Project.objects.filter(category=app.category).aggregate(s=Sum("budget"))["s"] or Decimal(0)
    if used + budget > app.category.budget:
        problems.append(
            _(
                "The category's budget is {budget} 万元; {used} 万元 is committed, so {left} 万元 is left."
            ).format(
                budget=money(app.category.budget),
                used=money(used),
                left=money(app.category.budget - used),
            )
        )
    if ends_on < starts_on:
        problems.append(_("The project ends before it starts."))
    if approved_on > timezone.localdate():
        problems.append(_("The approval date cannot be in the future."))
    if Project.objects.filter(number=number).exists():
        problems.append(_("The project number {number} is taken.").format(number=number))
    problems += _parse_plan(indicators, tranches, budget)
    if problems:
        raise Refused(*problems)
    project = Project.objects.create(
        kind=ProjectKind.CALL,
        number=number,
        title=app.title,
        year=app.guide.year,
        application=app,
        category=app.category,
        unit=app.unit,
        enterprise=app.enterprise,
        undertaker=app.applicant_name,
        leader=app.leader,
        in_agri_park=app.in_agri_park,
        budget=budget,
        self_funding=app.self_funding,
        approved_on=approved_on,
        starts_on=starts_on,
        ends_on=ends_on,
        contract_no=contract_no,
        signed_on=signed_on,
    )
    for item in indicators:
        TaskIndicator.objects.create(
            project=project,
            name=item["name"].strip(),
            target=item.get("target"),
            measure=item.get("measure", ""),
            description=item.get("description", ""),
        )
    for seq, t in enumerate(tranches, start=1):
        Tranche.objects.create(
            project=project, seq=seq, amount=Decimal(t["amount"]), planned_on=t["planned_on"]
        )
    app.status = ApplicationStatus.APPROVED
    app.save()
    _event(actor, app, "approved", project=project.number, budget=str(budget))
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=project,
        message="project approved",
        data={"budget": str(budget)},
    )
    ensure_in_scope(project, actor)
    return project
