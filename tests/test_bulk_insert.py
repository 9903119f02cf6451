"""insert_rows: new rows through the cursor, with the same values bulk_create would write."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.imports.bulk import ids_by, insert_rows


@pytest.mark.django_db
def test_rows_read_back_as_written(units):
    from enterprises.models import Enterprise, EnterpriseYear

    before = dt.datetime.now(dt.UTC)
    new = [
        Enterprise(
            uscc="91520600MA6DJ2X91H", name="甲公司", unit=units["520602"], founded=dt.date(2015, 3, 9)
        ),
        Enterprise(uscc="91520600MA6DJ2X92F", name="乙公司", unit=units["520603"], ht_domain="新材料"),
    ]
    assert insert_rows(Enterprise, new, batch=1) == 2
    ids = ids_by(Enterprise, "uscc", [e.uscc for e in new])
    first = Enterprise.objects.get(pk=ids["91520600MA6DJ2X91H"])
    assert (first.name, first.unit.code, first.founded, first.ht_domain) == (
        "甲公司",
        "520602",
        dt.date(2015, 3, 9),
        "",
    )
    assert first.created >= before and first.updated == first.created
    second = Enterprise.objects.get(pk=ids["91520600MA6DJ2X92F"])
    assert (second.unit.code, second.ht_domain, second.founded) == ("520603", "新材料", None)
    year = EnterpriseYear(enterprise_id=second.pk, year=2023, revenue=Decimal("1234.56"), employees=41)
    assert insert_rows(EnterpriseYear, [year]) == 1
    stored = EnterpriseYear.objects.get(enterprise=second)
    assert (stored.revenue, stored.employees, stored.rd_expense) == (Decimal("1234.56"), 41, None)
