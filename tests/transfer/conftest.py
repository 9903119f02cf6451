"""Fixtures for the transfer tests: a contract file's header and rows, and a quick way to make
contracts in the registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

HEADER = (
    "registration_no,seller_uscc,seller_name,buyer_name,type,contract_value,tech_value,signed,registered,unit"
)
# 碧江测试企业 (91350200776049653A) is in the registry; 913502000728319549 is 万山测试企业.
ROW_1 = "2023520602000001,91350200776049653A,碧江测试企业,湖南某新材料有限公司,技术开发,500,420.5,2023-01-10,2023-02-15,520602"
ROW_2 = "2023520602000002,,铜仁学院,贵州某茶业有限公司,技术服务,80.25,80.25,2023-02-01,2023-03-03,碧江区"
ROW_3 = "2023520603000001,913502000728319549,万山测试企业,重庆某公司,技术转让,1200,900,2022-12-20,2023-03-31,520603"


@pytest.fixture
def write_csv(tmp_path):
    def write(lines, name="contracts.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


@pytest.fixture
def make_contract(units):
    from transfer.models import TechContract

    counter = {"n": 0}

    def make(unit="520602", value="100", registered=dt.date(2023, 5, 10), **fields):
        counter["n"] += 1
        status = fields.pop("status", "registered")
        defaults = {
            "registration_no": f"T{counter['n']:06d}" if status == "registered" else None,
            "seller_name": "卖方",
            "buyer_name": "买方",
            "type": "技术服务",
            "contract_value": Decimal(value),
            "tech_value": Decimal(value),
            "signed": dt.date(2022, 12, 1),
            "registered": registered if status == "registered" else None,
        }
        defaults.update(fields)
        return TechContract.objects.create(status=status, unit=units[unit], **defaults)

    return make
