"""What the workflow modules share: who may do what, the plan and the settings of a year, the
units that report, and the due day of a month's report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.models import DEFAULT_DUE_DAY, DispatchSettings
from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import scope_of
from org.models import Unit, UnitKind
from plan.models import Plan
from rules.assessment import AssessmentConfig
from rules.dispatch import Thresholds

__all__ = [
    "REPORTING_KINDS",
    "WorkflowError",
    "assessment_config",
    "dispatch_settings_update",
    "ensure_admin",
    "ensure_bureau",
    "ensure_writer",
    "is_bureau",
    "now_or",
    "plan_of",
    "report_due",
    "report_due_day",
    "reporting_units",
    "reporting_units_for",
]

# The units that report monthly, are warned, followed up and assessed: districts and zones.
REPORTING_KINDS = (UnitKind.DISTRICT, UnitKind.ZONE)


class WorkflowError(Exception):
    """A workflow step that cannot be taken now; the message says why in plain words (an English
    msgid, translated where it is shown). `field` names the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None, errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or []


def is_bureau(actor) -> bool:
    """Bureau admin or staff (who change any unit's rows); the leader only reads."""
    return actor is None or scope_of(actor).sees_all(CHANGE)


def ensure_bureau(actor) -> None:
    if not is_bureau(actor):
        raise PermissionError("only the bureau can take this step")


def ensure_admin(actor) -> None:
    if actor is not None and not scope_of(actor).is_admin:
        raise PermissionError("only the bureau admin can change the settings")


def ensure_writer(actor, unit: Unit) -> None:
    """The bureau, or a district user of `unit` (the leader and other units are refused)."""
    if is_bureau(actor):
        return
    scope = scope_of(actor)
    if scope.read_only or unit.pk not in scope.unit_ids:
        raise PermissionError("only the unit itself or the bureau can take this step")


def reporting_units_for(user, action: str = VIEW):
    """The districts and zones whose reports, items and orders a user may read (VIEW) or act on
    as the unit (CHANGE): every one for the bureau (and, reading, the leader), else the user's
    own — the units of the user's grants, as the scope mechanism reads them."""
    units = reporting_units()
    if user is None:
        return units
    scope = scope_of(user)
    if scope.sees_all(action):
        return units
    if scope.read_only and action != VIEW:
        return units.none()
    return units.filter(pk__in=scope.unit_ids)


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def reporting_units():
    return Unit.objects.filter(kind__in=REPORTING_KINDS).order_by("order", "code")


def plan_of(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).order_by("-updated").first()


def _settings(year: int) -> DispatchSettings | None:
    return DispatchSettings.objects.filter(year=year).first()


def report_due_day(year: int) -> int:
    row = _settings(year)
    return row.report_due_day if row is not None else DEFAULT_DUE_DAY


def report_due(year: int, month: int, due_day: int | None = None) -> dt.date:
    """The report of (year, month) is due on the due day of the next month."""
    day = due_day if due_day is not None else report_due_day(year)
    return dt.date(year + 1, 1, day) if month == 12 else dt.date(year, month + 1, day)


def assessment_config(year: int) -> AssessmentConfig:
    """Defaults, then the plan's reward rules (top n, minimum amount), then the bureau's settings."""
    data: dict[str, Any] = {}
    plan = plan_of(year)
    reward = (plan.rules or {}).get("reward", {}) if plan is not None else {}
    if "top_n" in reward:
        data["top_n"] = int(reward["top_n"])
    if "min_amount_wan" in reward:
        data["reward_amount"] = float(reward["min_amount_wan"])
    row = _settings(year)
    if row is not None:
        data.update(row.assessment or {})
    return AssessmentConfig.from_mapping(data)


def minimum_reward(year: int) -> float | None:
    plan = plan_of(year)
    reward = (plan.rules or {}).get("reward", {}) if plan is not None else {}
    return float(reward["min_amount_wan"]) if "min_amount_wan" in reward else None


@transaction.atomic
def dispatch_settings_update(
    *,
    actor,
    year: int,
    report_due_day: int | None = None,
    thresholds: dict | None = None,
    assessment: dict | None = None,
) -> DispatchSettings:
    """The bureau admin changes a year's settings; each given part replaces the stored one and is
    validated first (unknown keys, a due day outside 1–28, a reward below the plan's minimum)."""
    ensure_admin(actor)
    row, _created = DispatchSettings.objects.select_for_update().get_or_create(year=year)
    before = {
        "report_due_day": row.report_due_day,
        "thresholds": row.thresholds,
        "assessment": row.assessment,
    }
    if report_due_day is not None:
        if not 1 <= int(report_due_day) <= 28:
            raise WorkflowError(_("The due day must be between 1 and 28."), field="report_due_day")
        row.report_due_day = int(report_due_day)
    if thresholds is not None:
        try:
            Thresholds.from_mapping(thresholds)
        except (TypeError, ValueError) as exc:
            raise WorkflowError(str(exc), field="thresholds") from exc
        row.thresholds = dict(thresholds)
    if assessment is not None:
        try:
            config = AssessmentConfig.from_mapping(assessment)
        except (TypeError, ValueError) as exc:
            raise WorkflowError(str(exc), field="assessment") from exc
        least = minimum_reward(year)
        if least is not None and config.reward_amount < least:
            raise WorkflowError(
                _("The plan sets the reward at no less than {least} (10k yuan).").format(least=f"{least:g}"),
                field="reward_amount",
            )
        row.assessment = dict(assessment)
    row.save()
    after = {"report_due_day": row.report_due_day, "thresholds": row.thresholds, "assessment": row.assessment}
    record_event(
        EventAction.WORKFLOW,
        actor=actor,
        obj=row,
        message="dispatch settings changed",
        data={"year": year, "before": before, "after": after},
    )
    return row
