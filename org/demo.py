"""Demo accounts (CONTRACTS.md "Demo accounts"): admin, staff, leader, one per district,
expert1…expert9, and enterprise accounts named ent-<uscc>."""

from __future__ import annotations

from kechuang.core.roles import Role
from org.models import Grant, Section, Unit, User

ORDER = 20

__all__ = ["ORDER", "ENTERPRISE_ACCOUNTS_PER_UNIT", "build", "set_password_hash"]

ENTERPRISE_ACCOUNTS_PER_UNIT = 3
EXPERTS = 9


def _user(username: str, display_name: str, password_hash: str, role: str, **grant) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": display_name})
    user.password = password_hash
    user.display_name = display_name
    user.save()
    Grant.objects.get_or_create(user=user, role=role, **grant)
    return user


def build(rng, password_hash: str) -> dict[str, int]:
    from enterprises.models import Enterprise

    sections = list(Section.objects.all())
    admin = _user("admin", "系统管理员", password_hash, Role.ADMIN)
    staff = _user("staff", "市局科室工作人员", password_hash, Role.STAFF)
    if sections:
        staff.section = sections[min(2, len(sections) - 1)]
        staff.save(update_fields=["section"])
    _user("leader", "市领导", password_hash, Role.LEADER)
    n = 3
    for unit in Unit.objects.exclude(kind="city"):
        _user(unit.short_name, f"{unit.name}科技部门", password_hash, Role.DISTRICT, unit=unit)
        n += 1
    for i in range(1, EXPERTS + 1):
        _user(f"expert{i}", f"评审专家{i}", password_hash, Role.EXPERT)
        n += 1
    for unit in Unit.objects.exclude(kind="city"):
        for ent in Enterprise.objects.filter(unit=unit).order_by("id")[:ENTERPRISE_ACCOUNTS_PER_UNIT]:
            _user(f"ent-{ent.uscc}", ent.name[:64], password_hash, Role.ENTERPRISE, enterprise=ent)
            n += 1
    admin.is_superuser = False  # the admin role is a grant, not Django's superuser flag
    admin.save(update_fields=["is_superuser"])
    return {"accounts": n}


def set_password_hash(password_hash: str) -> int:
    """Give every demo account the (one) demo password again."""
    return User.objects.filter(grants__isnull=False).distinct().update(password=password_hash)
