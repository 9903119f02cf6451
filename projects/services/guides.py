"""The call guide: drafting, categories, sections from technology demands, publication."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import DemandStatus, TechDemand
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE
from kechuang.core.scope import ensure_in_scope
from org.models import Unit
from org.units import CITY_CODE
from projects.access import Refused, is_bureau, money, require
from projects.models import DEFAULT_RUBRICS, ApplicantKind, CallGuide, GuideCategory, GuideSection

__all__ = [
    "GUIDE_FIELDS",
    "CATEGORY_FIELDS",
    "category_create",
    "category_update",
    "guide_create",
    "guide_publish",
    "guide_sections_draft",
    "guide_update",
    "guide_withdraw",
    "section_delete",
    "section_update",
]

GUIDE_FIELDS = (
    "title",
    "opens_at",
    "closes_at",
    "budget",
    "introduction",
    "eligibility",
    "max_per_applicant",
    "min_years_registered",
    "contact",
)
CATEGORY_FIELDS = (
    "kind",
    "name",
    "code",
    "order",
    "budget",
    "max_funding",
    "applicant_kinds",
    "description",
    "rubric",
    "reviewers_per_application",
    "min_technical_share",
    "min_financial",
)


def _bureau(actor) -> None:
    require(is_bureau(actor), _("Only the bureau drafts and publishes call guides."))


def _check_window(values: dict) -> None:
    if values.get("opens_at") and values.get("closes_at") and values["closes_at"] <= values["opens_at"]:
        raise Refused(_("Applications must close after they open."))


@transaction.atomic
def guide_create(*, actor, year: int, **values) -> CallGuide:
    _bureau(actor)
    unknown = set(values) - set(GUIDE_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    if CallGuide.objects.filter(year=year).exists():
        raise Refused(_("There is already a call guide for {year}.").format(year=year))
    _check_window(values)
    guide = CallGuide.objects.create(year=year, unit=Unit.objects.get(code=CITY_CODE), **values)
    record_event(EventAction.WORKFLOW, actor=actor, obj=guide, message="call guide drafted")
    return guide


@transaction.atomic
def guide_update(*, actor, guide: CallGuide, **values) -> CallGuide:
    _bureau(actor)
    unknown = set(values) - set(GUIDE_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    merged = {f: getattr(guide, f) for f in ("opens_at", "closes_at")} | values
    _check_window(merged)
    for k, v in values.items():
        setattr(guide, k, v)
    guide.save()
    ensure_in_scope(guide, actor)
    return guide


def _rubric_problems(rubric) -> list[str]:
    problems = []
    if not isinstance(rubric, list) or not rubric:
        return [_("The rubric needs at least one criterion.")]
    keys = set()
    for item in rubric:
        if not isinstance(item, dict) or not item.get("key") or not item.get("label"):
            problems.append(_("Every criterion needs a key and a label."))
            continue
        if item["key"] in keys:
            problems.append(_("The criterion {key} appears twice.").format(key=item["key"]))
        keys.add(item["key"])
        try:
            top = int(item.get("max"))
        except (TypeError, ValueError):
            top = 0
        if top <= 0:
            problems.append(
                _("Criterion {label}: the maximum must be a positive whole number.").format(
                    label=item["label"]
                )
            )
    if not problems and sum(int(i["max"]) for i in rubric) != 100:
        problems.append(
            _("The rubric's maxima add up to {total}, not 100.").format(
                total=sum(int(i["max"]) for i in rubric)
            )
        )
    return problems


def _check_category(guide: CallGuide, values: dict, exclude_pk=None) -> None:
    problems = _rubric_problems(values.get("rubric"))
    kinds = values.get("applicant_kinds") or []
    if not kinds or set(kinds) - set(ApplicantKind.values):
        problems.append(_("Say who may apply (enterprises, institutions or both)."))
    if values["max_funding"] > values["budget"]:
        problems.append(_("The cap per project exceeds the category's budget."))
    others = guide.categories.exclude(pk=exclude_pk).aggregate(s=Sum("budget"))["s"] or Decimal(0)
    if others + values["budget"] > guide.budget:
        problems.append(
            _(
                "The categories' budgets ({total} 万元) would exceed the guide's budget ({budget} 万元)."
            ).format(total=money(others + values["budget"]), budget=money(guide.budget))
        )
    if guide.categories.exclude(pk=exclude_pk).filter(code=values["code"]).exists():
        problems.append(_("Another category of this guide has the code {code}.").format(code=values["code"]))
    if problems:
        raise Refused(*problems)


@transaction.atomic
def category_create(*, actor, guide: CallGuide, **values) -> GuideCategory:
    _bureau(actor)
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    if not values.get("rubric"):
        values["rubric"] = [
            dict(i) for i in DEFAULT_RUBRICS.get(values.get("kind"), DEFAULT_RUBRICS["key_rd"])
        ]
    values.setdefault("applicant_kinds", list(ApplicantKind.values))
    _check_category(guide, values)
    category = GuideCategory.objects.create(guide=guide, **values)
    record_event(
        EventAction.WORKFLOW, actor=actor, obj=guide, message="category added", data={"code": category.code}
    )
    return category


@transaction.atomic
def category_update(*, actor, category: GuideCategory, **values) -> GuideCategory:
    _bureau(actor)
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise Refused(
            _("These fields cannot be set here: {fields}").format(fields=", ".join(sorted(unknown)))
        )
    merged = {f: getattr(category, f) for f in CATEGORY_FIELDS} | values
    if "rubric" in values and category.applications.filter(reviews__status="submitted").exists():
        raise Refused(_("Experts have scored with this rubric already; it can no longer change."))
    _check_category(category.guide, merged, exclude_pk=category.pk)
    for k, v in values.items():
        setattr(category, k, v)
    category.save()
    return category


def _section_text(demand: TechDemand) -> str:
    parts = [demand.description.strip()]
    owner = demand.enterprise.name if demand.enterprise_id else demand.unit.name
    parts.append(_("Demand raised by: {owner} ({unit}).").format(owner=owner, unit=demand.unit.name))
    if demand.budget is not None:
        parts.append(_("Budget the demand foresees: {budget} 万元.").format(budget=money(demand.budget)))
    if demand.deadline:
        parts.append(_("Wanted by: {date}.").format(date=demand.deadline.isoformat()))
    return "\n".join(parts)


@transaction.atomic
def guide_sections_draft(*, actor, guide: CallGuide, category: GuideCategory, demands) -> list[GuideSection]:
    """One section per selected demand, under `category`; the demands are marked in_guide."""
    _bureau(actor)
    if category.guide_id != guide.pk:
        raise Refused(_("The category belongs to another guide."))
    wanted = [d.pk for d in demands]
    demands = sorted(
        TechDemand.objects.for_user(actor, CHANGE).filter(pk__in=wanted), key=lambda d: wanted.index(d.pk)
    )
    if not demands:
        raise Refused(_("Select at least one technology demand."))
    taken = [d.title for d in demands if d.status not in (DemandStatus.COLLECTED, DemandStatus.IN_GUIDE)]
    if taken:
        raise Refused(_("Already matched, solved or closed: {titles}").format(titles="、".join(taken)))
    start = (category.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    sections = []
    for n, demand in enumerate(demands):
        sections.append(
            GuideSection.objects.create(
                guide=guide,
                category=category,
                title=demand.title,
                content=_section_text(demand),
                demand=demand,
                order=start + n,
            )
        )
        if demand.status != DemandStatus.IN_GUIDE:
            demand.status = DemandStatus.IN_GUIDE
            demand.save(update_fields=["status", "updated"])
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=guide,
        message="sections drafted from demands",
        data={"demands": [d.pk for d in demands], "category": category.code},
    )
    return sections


@transaction.atomic
def section_update(
    *, actor, section: GuideSection, title: str, content: str, category: GuideCategory | None = None
) -> GuideSection:
    _bureau(actor)
    section.title, section.content = title, content
    if category is not None:
        if category.guide_id != section.guide_id:
            raise Refused(_("The category belongs to another guide."))
        section.category = category
    section.save()
    return section


@transaction.atomic
def section_delete(*, actor, section: GuideSection) -> None:
    """Remove a section; its demand goes back to collected unless another section uses it."""
    _bureau(actor)
    demand = section.demand
    guide = section.guide
    section.delete()
    if demand is not None and not demand.guide_sections.exists() and demand.status == DemandStatus.IN_GUIDE:
        demand.status = DemandStatus.COLLECTED
        demand.save(update_fields=["status", "updated"])
    record_event(
        EventAction.WORKFLOW, actor=actor, obj=guide, message="section removed", data={"title": section.title}
    )


@transaction.atomic
def guide_publish(*, actor, guide: CallGuide, now=None) -> CallGuide:
    _bureau(actor)
    now = now or timezone.now()
    problems = []
    if guide.published:
        problems.append(_("The guide is published already."))
    categories = list(guide.categories.all())
    if not categories:
        problems.append(_("The guide has no category."))
    for c in categories:
        problems.extend(f"{c.name}: {p}" for p in _rubric_problems(c.rubric))
    total = sum((c.budget for c in categories), Decimal(0))
    if total > guide.budget:
        problems.append(_("The categories' budgets exceed the guide's budget."))
    if guide.closes_at <= now:
        problems.append(_("The closing time has passed; move it before publishing."))
    if problems:
        raise Refused(*problems)
    guide.published, guide.published_at = True, now
    guide.save()
    record_event(EventAction.WORKFLOW, actor=actor, obj=guide, message="call guide published")
    return guide


@transaction.atomic
def guide_withdraw(*, actor, guide: CallGuide) -> CallGuide:
    """Take a published guide off the public page (before any application is submitted)."""
    _bureau(actor)
    if guide.applications.exclude(status="draft").exists():
        raise Refused(_("Applications have been submitted to this guide; it can no longer be withdrawn."))
    guide.published = False
    guide.save()
    record_event(EventAction.WORKFLOW, actor=actor, obj=guide, message="call guide withdrawn")
    return guide
