"""Keyset pagination (kechuang/core/pagination.py) and the lists that use it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q

from kechuang.core.pagination import capped_count, keyset_page
from tests.transfer.conftest import make_contract  # noqa: F401 (the fixture)


def _make_enterprises(units):
    from enterprises.models import Enterprise

    # 碧江区 (520602) comes before 万山区 (520603) in the units' order; names tie on purpose.
    rows = [
        ("520603", "Alpha"),
        ("520602", "Beta"),
        ("520602", "Alpha"),
        ("520603", "Alpha"),
        ("520602", "Gamma"),
    ]
    for i, (code, name) in enumerate(rows):
        Enterprise.objects.create(uscc=f"91520600MA{i:07d}", name=name, unit=units[code])
    return Enterprise.objects.all()


def _walk(qs, parts, size, *, order=("name", "id")):
    pages, page = [], keyset_page(qs, order=order, parts=parts, size=size)
    while True:
        pages.append(page)
        if not page.has_next:
            return pages
        page = keyset_page(qs, order=order, parts=parts, size=size, after=page.next_cursor)


@pytest.mark.django_db
def test_walks_parts_in_order_and_back(units):
    qs = _make_enterprises(units)
    parts = [Q(unit=units["520602"]), Q(unit=units["520603"])]
    expected = [(e.unit.code, e.name, e.pk) for e in sorted(qs, key=lambda e: (e.unit.code, e.name, e.pk))]
    pages = _walk(qs, parts, 2)
    assert [len(p.object_list) for p in pages] == [2, 2, 1]
    seen = [(e.unit.code, e.name, e.pk) for p in pages for e in p.object_list]
    assert [(c, n) for c, n, _pk in seen] == [
        ("520602", "Alpha"),
        ("520602", "Beta"),
        ("520602", "Gamma"),
        ("520603", "Alpha"),
        ("520603", "Alpha"),
    ]
    assert seen == expected
    assert not pages[0].has_previous and pages[1].has_previous
    back = keyset_page(qs, order=("name", "id"), parts=parts, size=2, before=pages[2].previous_cursor)
    assert [e.pk for e in back.object_list] == [e.pk for e in pages[1].object_list]
    assert back.has_previous and back.has_next


@pytest.mark.django_db
def test_tampered_cursor_starts_at_the_top(units):
    qs = _make_enterprises(units)
    first = keyset_page(qs, order=("name", "id"), size=2)
    for token in ("not-base64!", "W10", "WzUsWyJhIiwxXV0"):  # garbage, [], [5, ["a", 1]]
        page = keyset_page(qs, order=("name", "id"), size=2, after=token)
        assert [e.pk for e in page.object_list] == [e.pk for e in first.object_list]


@pytest.mark.django_db
def test_null_part_follows(units, make_contract):  # noqa: F811
    from transfer.models import TechContract

    reg = [make_contract(registered=dt.date(2023, 1, d)) for d in (3, 1, 2)]
    unreg = [
        make_contract(status="signed_unregistered", signed=dt.date(2022, 12, d), registered=None)
        for d in (5, 9)
    ]
    parts = [Q(registered__isnull=False), Q(registered__isnull=True)]
    pages = _walk(TechContract.objects.all(), parts, 2, order=("-registered", "-signed", "-id"))
    order = [c.pk for p in pages for c in p.object_list]
    # Registered 3, 2, 1 January; then the unregistered, signed 9 then 5 December.
    assert order == [reg[0].pk, reg[2].pk, reg[1].pk, unreg[1].pk, unreg[0].pk]


@pytest.mark.django_db
def test_capped_count(units):
    qs = _make_enterprises(units)
    assert capped_count(qs, cap=10) == (5, True)
    assert capped_count(qs, cap=5) == (5, True)
    assert capped_count(qs, cap=4) == (4, False)


@pytest.mark.django_db
def test_contract_list_past_the_cap_names_no_totals(users, make_contract, monkeypatch):  # noqa: F811
    from tests.transfer.test_views import client_for

    monkeypatch.setattr("kechuang.core.pagination.COUNT_CAP", 3)
    monkeypatch.setattr("transfer.views.contracts.DUPLICATES_ON_LIST", 3)
    for value in ("100", "250.5", "40", "9.5"):
        make_contract("520602", value)
    context = client_for(users["staff"]).get("/contracts/").context
    assert context["count"] == 3 and not context["count_exact"] and context["totals"] is None
    assert context["duplicate_groups"] is None
    context = client_for(users["staff"]).get("/contracts/?q=T000001").context
    assert context["count_exact"] and context["totals"]["value"] == Decimal("100")


@pytest.mark.django_db
def test_enterprise_list_pages(users, units, enterprises):
    from tests.transfer.test_views import client_for

    client = client_for(users["staff"])
    response = client.get("/enterprises/")
    assert response.context["count"] == 2 and response.context["count_exact"]
    assert [e.unit.code for e in response.context["page"].object_list] == ["520602", "520603"]
    assert client.get("/enterprises/?unit=520603").context["page"].object_list[0].unit.code == "520603"
