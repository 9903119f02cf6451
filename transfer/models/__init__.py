"""Technology transfer models: contracts, and achievement transformation and awards."""

from transfer.models.achievement import (
    AwardApplication,
    AwardCategory,
    AwardGrade,
    AwardResult,
    ProjectLevel,
    ProjectStatus,
    Top10Nomination,
    Top10Status,
    TransferProject,
)
from transfer.models.contract import (
    SUB_KINDS,
    ContractStatus,
    ContractSubKind,
    ContractType,
    RefusalReason,
    TechContract,
)

__all__ = [
    "SUB_KINDS",
    "AwardApplication",
    "AwardCategory",
    "AwardGrade",
    "AwardResult",
    "ContractStatus",
    "ContractSubKind",
    "ContractType",
    "ProjectLevel",
    "ProjectStatus",
    "RefusalReason",
    "TechContract",
    "Top10Nomination",
    "Top10Status",
    "TransferProject",
]
