"""Dispatch models, split by sub-domain: actuals; monthly reports; warnings and escalation;
key-task follow-up; assessment; the bureau's settings."""

from dispatch.models.actuals import Actual, ActualOrigin
from dispatch.models.assessment import Assessment, AssessmentScore
from dispatch.models.followup import (
    FollowUpOrder,
    ItemAssignment,
    ItemState,
    ItemStatus,
    ItemUpdate,
    OrderSource,
    OrderStatus,
)
from dispatch.models.reports import LockedReportError, MonthlyReport, ReportFigure, ReportNote, ReportStatus
from dispatch.models.settings import DEFAULT_DUE_DAY, DispatchSettings
from dispatch.models.warnings import (
    DispatchMeeting,
    DispatchWarning,
    Escalation,
    EscalationKind,
    MeetingStatus,
    WarningAction,
    WarningCode,
    WarningLevel,
    WarningStatus,
)

__all__ = [
    "DEFAULT_DUE_DAY",
    "Actual",
    "ActualOrigin",
    "Assessment",
    "AssessmentScore",
    "DispatchMeeting",
    "DispatchSettings",
    "DispatchWarning",
    "Escalation",
    "EscalationKind",
    "FollowUpOrder",
    "ItemAssignment",
    "ItemState",
    "ItemStatus",
    "ItemUpdate",
    "LockedReportError",
    "MeetingStatus",
    "MonthlyReport",
    "OrderSource",
    "OrderStatus",
    "ReportFigure",
    "ReportNote",
    "ReportStatus",
    "WarningAction",
    "WarningCode",
    "WarningLevel",
    "WarningStatus",
]
