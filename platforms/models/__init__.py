"""Innovation platforms, cooperation, investment attracted and the high-tech-zone application."""

from platforms.models.cooperation import (
    CooperationAgreement,
    CooperationProject,
    CooperationStatus,
    Investment,
    PartnerKind,
    Programme,
    ProjectStatus,
)
from platforms.models.platform import (
    EvaluationResult,
    Platform,
    PlatformEvaluation,
    PlatformKind,
    PlatformLevel,
    PlatformStatus,
)
from platforms.models.zone import ChecklistCategory, ChecklistStatus, ZoneChecklistItem

__all__ = [
    "ChecklistCategory",
    "ChecklistStatus",
    "CooperationAgreement",
    "CooperationProject",
    "CooperationStatus",
    "EvaluationResult",
    "Investment",
    "PartnerKind",
    "Platform",
    "PlatformEvaluation",
    "PlatformKind",
    "PlatformLevel",
    "PlatformStatus",
    "Programme",
    "ProjectStatus",
    "ZoneChecklistItem",
]
