"""Shared fixtures: the plan's units and indicators, and one user per role."""

from __future__ import annotations

import pytest

from kechuang.core.roles import Role

PASSWORD = "Test-password-2023"


@pytest.fixture(autouse=True)
def _jobs_inline(settings):
    """Jobs run inline in tests, so a page's result is there when the test reads it. The login
    lockout is off except in tests/test_lockout.py."""
    settings.KECHUANG_JOBS_SYNC = True
    settings.AXES_ENABLED = False
    # PBKDF2 at Django's default cost takes about a second a hash here, and most tests create six
    # users: a cheap hasher keeps the suite inside CI's time. Production keeps the default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(db):
    """Units, sections, indicators and the bundled 2023 plan."""
    from plan.services import plan_load

    return plan_load().plan


@pytest.fixture
def units(plan):
    from org.models import Unit

    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def enterprises(units):
    """One enterprise in 碧江区 (520602) and one in 万山区 (520603)."""
    from enterprises.models import Enterprise

    return {
        "bijiang": Enterprise.objects.create(
            uscc="91350200776049653A", name="碧江测试企业", unit=units["520602"]
        ),
        "wanshan": Enterprise.objects.create(
            uscc="913502000728319549", name="万山测试企业", unit=units["520603"]
        ),
    }


@pytest.fixture
def make_user(db):
    from org.services import user_create

    def make(username: str, role: str, **grant):
        return user_create(username=username, password=PASSWORD, role=role, **grant)

    return make


@pytest.fixture
def users(make_user, units, enterprises):
    """One user per role; the district and enterprise users belong to 碧江区."""
    return {
        "admin": make_user("admin", Role.ADMIN),
        "staff": make_user("staff", Role.STAFF),
        "leader": make_user("leader", Role.LEADER),
        "district": make_user("bijiang", Role.DISTRICT, unit=units["520602"]),
        "enterprise": make_user("ent-bijiang", Role.ENTERPRISE, enterprise=enterprises["bijiang"]),
        "expert": make_user("expert1", Role.EXPERT),
    }
