"""Plan indicators counted from the enterprise registry."""

from decimal import Decimal

from enterprises.models import ApplicationResult, HteApplication, TechDemand, TsmeRegistration
from kechuang.core.indicators import Counter

COUNTERS = [
    # 组织申报高新技术企业: applications filed, by filing month.
    Counter(
        "HTE_APPLIED",
        lambda: HteApplication.objects.exclude(result=ApplicationResult.WITHDRAWN),
        date="applied_on",
        unit="enterprise__unit__code",
    ),
    # 通过认定高新技术企业: positive results, by the month of the result.
    Counter(
        "HTE_RECOGNIZED",
        lambda: HteApplication.objects.filter(result=ApplicationResult.RECOGNIZED),
        date="result_on",
        unit="enterprise__unit__code",
    ),
    # 入库科技型中小企业: registrations, by registration month (revoked ones do not count).
    Counter(
        "TSME_REGISTERED",
        lambda: TsmeRegistration.objects.filter(revoked_on__isnull=True),
        date="registered_on",
        unit="enterprise__unit__code",
    ),
    # 征集技术需求: demands collected, by collection month.
    Counter(
        "TECH_DEMANDS",
        lambda: TechDemand.objects.all(),
        date="collected_on",
        unit="unit__code",
        scale=Decimal(1),
    ),
]
