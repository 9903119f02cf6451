"""Plan indicators counted or summed from the platforms registries (CONTRACTS.md: CITY_PLATFORMS,
INVESTMENT_FUNDS)."""

from decimal import Decimal

from kechuang.core.indicators import Counter
from platforms.models import Investment, Platform, PlatformLevel

COUNTERS = [
    # 建设市级科技创新平台: city-level platforms approved, by the month of approval (a platform
    # approved in the year counts for it even if it is later upgraded or revoked).
    Counter(
        "CITY_PLATFORMS",
        lambda: Platform.objects.filter(level=PlatformLevel.CITY, approved_on__isnull=False),
        date="approved_on",
        unit="unit__code",
    ),
    # 科技研发工程产业链招商到位资金: funds received, in 万元 in the data, summed in 亿元 by the
    # month they arrived.
    Counter(
        "INVESTMENT_FUNDS",
        lambda: Investment.objects.all(),
        date="received_on",
        unit="unit__code",
        amount="amount",
        scale=Decimal("0.0001"),
    ),
]
