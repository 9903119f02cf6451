"""Plan indicators counted or summed from the transfer registries (CONTRACTS.md "Indicators")."""

from decimal import Decimal

from kechuang.core.indicators import Counter
from transfer.models import (
    AwardApplication,
    AwardResult,
    ContractStatus,
    ProjectStatus,
    TechContract,
    Top10Nomination,
    Top10Status,
    TransferProject,
)

__all__ = ["COUNTERS"]

COUNTERS = [
    # 技术合同成交额 (亿元): registered contracts' contract value (万元 × 0.0001), by the month of
    # registration, in the unit that registered them.
    Counter(
        "TECH_CONTRACT_VALUE",
        lambda: TechContract.objects.filter(status=ContractStatus.REGISTERED),
        date="registered",
        unit="unit__code",
        amount="contract_value",
        scale=Decimal("0.0001"),
    ),
    # 组织申报科技成果转化项目: applications filed, by filing month (withdrawn ones do not count).
    Counter(
        "TRANSFER_PROJECTS",
        lambda: TransferProject.objects.exclude(status=ProjectStatus.WITHDRAWN),
        date="applied_on",
        unit="unit__code",
    ),
    # 组织申报省级科学技术奖: applications filed, by filing month (withdrawn ones do not count).
    Counter(
        "PROVINCIAL_AWARDS",
        lambda: AwardApplication.objects.exclude(result=AwardResult.WITHDRAWN),
        date="applied_on",
        unit="unit__code",
    ),
    # 贵州省十大科技创新成果: achievements selected, by the month of the award.
    Counter(
        "TOP10_ACHIEVEMENTS",
        lambda: Top10Nomination.objects.filter(status=Top10Status.SELECTED),
        date="selected_on",
        unit="unit__code",
    ),
]
