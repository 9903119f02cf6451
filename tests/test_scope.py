"""The scope mechanism itself: who reaches which rows, and the in-transaction re-check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from enterprises.models import Enterprise, EnterpriseYear
from kechuang.core.roles import CHANGE, VIEW
from kechuang.core.scope import ensure_in_scope, scope_of
from org.models import Unit


def names(qs):
    return sorted(e.name for e in qs)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, view, change",
    [
        ("admin", ["万山测试企业", "碧江测试企业"], ["万山测试企业", "碧江测试企业"]),
        ("staff", ["万山测试企业", "碧江测试企业"], ["万山测试企业", "碧江测试企业"]),
        ("leader", ["万山测试企业", "碧江测试企业"], []),
        ("district", ["碧江测试企业"], ["碧江测试企业"]),
        ("enterprise", ["碧江测试企业"], ["碧江测试企业"]),
        ("expert", [], []),
    ],
)
def test_enterprise_scope_by_role(users, role, view, change):
    user = users[role]
    assert names(Enterprise.objects.for_user(user, VIEW)) == view
    assert names(Enterprise.objects.for_user(user, CHANGE)) == change


@pytest.mark.django_db
def test_anonymous_reaches_nothing(enterprises):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.for_user(AnonymousUser()).exists()
    assert not Unit.objects.for_user(AnonymousUser()).exists()


@pytest.mark.django_db
def test_related_rows_follow_their_enterprise(users, enterprises):
    for ent in enterprises.values():
        EnterpriseYear.objects.create(enterprise=ent, year=2022, employees=10)
    rows = EnterpriseYear.objects.for_user(users["district"])
    assert [r.enterprise.name for r in rows] == ["碧江测试企业"]


@pytest.mark.django_db
def test_reference_data_is_read_by_all_and_written_by_admin(users):
    assert Unit.objects.for_user(users["district"]).count() == 13
    assert Unit.objects.for_user(users["district"], CHANGE).count() == 0
    assert Unit.objects.for_user(users["staff"], CHANGE).count() == 0
    assert Unit.objects.for_user(users["admin"], CHANGE).count() == 13


@pytest.mark.django_db
def test_moving_a_row_to_a_foreign_unit_is_rolled_back(users, enterprises, units):
    ent = enterprises["bijiang"]
    with pytest.raises(PermissionDenied), transaction.atomic():
        ent.unit = units["520603"]
        ent.save()
        ensure_in_scope(ent, users["district"])
    ent.refresh_from_db()
    assert ent.unit.code == "520602"


@pytest.mark.django_db
def test_a_disabled_user_reaches_nothing(users, enterprises):
    user = users["district"]
    user.is_active = False
    assert not scope_of(user).authenticated
    assert not Enterprise.objects.for_user(user).exists()


@pytest.mark.django_db
def test_a_user_with_two_districts_sees_both(make_user, units, enterprises):
    from kechuang.core.roles import Role
    from org.models import Grant

    user = make_user("two", Role.DISTRICT, unit=units["520602"])
    Grant.objects.create(user=user, role=Role.DISTRICT, unit=units["520603"])
    assert names(Enterprise.objects.for_user(user)) == ["万山测试企业", "碧江测试企业"]
