"""Platform fixtures: rows of 碧江区 (520602) and of 万山区 (520603)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def registry(units, enterprises):
    from platforms.models import CooperationAgreement, CooperationProject, Investment, Platform

    bj, ws = units["520602"], units["520603"]
    return {
        "platform": Platform.objects.create(
            name="铜仁市锰系材料重点实验室",
            kind="key_lab",
            level="city",
            unit=bj,
            host_name="铜仁学院",
            approved_on=dt.date(2023, 5, 18),
        ),
        "foreign_platform": Platform.objects.create(
            name="万山汞治理工程中心",
            kind="engineering_centre",
            level="city",
            unit=ws,
            host_enterprise=enterprises["wanshan"],
            approved_on=dt.date(2023, 2, 1),
        ),
        "agreement": CooperationAgreement.objects.create(
            title="东莞—铜仁科技协作",
            partner="东莞市科学技术局",
            partner_kind="city",
            programme="dongguan",
            unit=bj,
            signed_on=dt.date(2023, 3, 1),
        ),
        "foreign_agreement": CooperationAgreement.objects.create(
            title="万山—贵州大学合作",
            partner="贵州大学",
            partner_kind="university",
            unit=ws,
            signed_on=dt.date(2023, 3, 1),
        ),
        "investment": Investment.objects.create(
            project="高纯硫酸锰", amount=Decimal("1200.50"), received_on=dt.date(2023, 4, 3), unit=bj
        ),
        "foreign_investment": Investment.objects.create(
            project="锰渣综合利用", amount=Decimal("800"), received_on=dt.date(2023, 6, 3), unit=ws
        ),
        "project_model": CooperationProject,
    }
