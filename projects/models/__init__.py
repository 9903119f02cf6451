"""Project management models, split by sub-domain."""

from projects.models.application import (
    ApplicantKind,
    Application,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    FormalReason,
    PanelDecision,
)
from projects.models.challenge import Bid, BidStatus, ChallengeList, ChallengeStatus
from projects.models.external import ExternalApplication, ExternalDomain, ExternalLevel, ExternalResult
from projects.models.guide import DEFAULT_RUBRICS, CallGuide, CategoryKind, GuideCategory, GuideSection
from projects.models.project import (
    OPEN_STATUSES,
    Acceptance,
    AcceptanceOutcome,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    ProjectKind,
    ProjectStatus,
    TaskIndicator,
    Tranche,
    TrancheStatus,
)
from projects.models.race import HorseRace, RaceStatus
from projects.models.review import Review, ReviewRound, ReviewStatus, RoundMethod, RoundStatus

__all__ = [
    "DEFAULT_RUBRICS",
    "OPEN_STATUSES",
    "Acceptance",
    "AcceptanceOutcome",
    "ApplicantKind",
    "Application",
    "ApplicationStatus",
    "Attachment",
    "AttachmentKind",
    "Bid",
    "BidStatus",
    "CallGuide",
    "CategoryKind",
    "ChallengeList",
    "ChallengeStatus",
    "ExternalApplication",
    "ExternalDomain",
    "ExternalLevel",
    "ExternalResult",
    "FormalReason",
    "GuideCategory",
    "GuideSection",
    "HorseRace",
    "Milestone",
    "MilestoneKind",
    "MilestoneStatus",
    "PanelDecision",
    "Project",
    "ProjectKind",
    "ProjectStatus",
    "RaceStatus",
    "Review",
    "ReviewRound",
    "ReviewStatus",
    "RoundMethod",
    "RoundStatus",
    "TaskIndicator",
    "Tranche",
    "TrancheStatus",
]
