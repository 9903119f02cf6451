"""Enterprise registry models, split by sub-domain."""

from enterprises.models.crosscheck import CrosscheckFlag, CrosscheckFollowUp, CrosscheckStatus
from enterprises.models.engagement import DemandStatus, FollowUp, TechDemand, Visit
from enterprises.models.enterprise import (
    HT_DOMAINS,
    EditStatus,
    Enterprise,
    EnterpriseEdit,
    EnterpriseYear,
    HtDomain,
)
from enterprises.models.pool import (
    Evaluation,
    EvaluationKind,
    PoolMember,
    PoolSource,
    PoolSourceEntry,
    PoolStage,
)
from enterprises.models.status import (
    ApplicationResult,
    HteApplication,
    HteCertificate,
    RdDeduction,
    Subsidy,
    SubsidyKind,
    TsmeRegistration,
)

__all__ = [
    "HT_DOMAINS",
    "EditStatus",
    "EnterpriseEdit",
    "ApplicationResult",
    "CrosscheckFlag",
    "CrosscheckFollowUp",
    "CrosscheckStatus",
    "DemandStatus",
    "Enterprise",
    "EnterpriseYear",
    "Evaluation",
    "EvaluationKind",
    "FollowUp",
    "HtDomain",
    "HteApplication",
    "HteCertificate",
    "PoolMember",
    "PoolSource",
    "PoolSourceEntry",
    "PoolStage",
    "RdDeduction",
    "Subsidy",
    "SubsidyKind",
    "TechDemand",
    "TsmeRegistration",
    "Visit",
]
