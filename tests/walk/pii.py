"""Scope-walk entries for the generic reveal of personal fields (kechuang.core.pii): each route
names a foreign object another module's `foreign()` made (the enterprise of tests/walk/core.py,
the application of projects.py, the person of talent.py, the 万山 user of core.py); the walk reads `OBJECT_URLS` after
every module has built its part of the world."""

from __future__ import annotations


def foreign(world) -> dict:
    return {}


def _pk(key):
    return lambda w: {"pk": w[key].pk}


OBJECT_URLS = {
    "pii_reveal_enterprises_enterprise_contact_phone": _pk("foreign"),
    "pii_reveal_projects_application_leader_phone": _pk("p_application"),
    "pii_reveal_talent_person_id_number": _pk("talent_person"),
    "pii_reveal_talent_person_phone": _pk("talent_person"),
    "pii_reveal_org_user_phone": _pk("wanshan_user"),  # tests/walk/core.py's 万山 district user
}

REFERENCE_URLS: dict[str, str] = {}


def rows(world):
    return []
