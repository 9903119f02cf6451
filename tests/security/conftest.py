"""Fixtures of the security tests: a registered contract of 碧江区 and logged-in clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client


@pytest.fixture
def contract(units):
    from transfer.models import TechContract

    return TechContract.objects.create(
        status="registered",
        registration_no="2023520602000001",
        seller_name="铜仁学院",
        buyer_name="贵州某公司",
        type="技术服务",
        contract_value=Decimal("80"),
        tech_value=Decimal("60"),
        signed=dt.date(2023, 3, 1),
        registered=dt.date(2023, 3, 20),
        unit=units["520602"],
    )


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
