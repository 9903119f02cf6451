"""Scope-walk entries for the enterprise file and pool pages (see tests/walk/core.py)."""

from __future__ import annotations

from enterprises.models import EnterpriseEdit, PoolMember, PoolSourceEntry
from enterprises.models.pool import MatchStatus
from kechuang.core.models import Job


def foreign(world) -> dict:
    ent = world["enterprises"]["wanshan"]
    edit = EnterpriseEdit.objects.create(enterprise=ent, year=2022, changes={"address": "万山路"})
    member = PoolMember.objects.create(year=2023, enterprise=ent, sources=["tsme"])
    entry = PoolSourceEntry.objects.create(
        year=2023, source="tsme", name="万山某公司", unit=ent.unit, candidate=ent, match=MatchStatus.CANDIDATE
    )
    job = Job.objects.create(kind="pool_evaluate", owner=world["wanshan_user"], params={"year": 2023})
    return {"foreign_edit": edit, "foreign_member": member, "foreign_entry": entry, "foreign_eval_job": job}


OBJECT_URLS = {
    "enterprise_edit": lambda w: {"pk": w["foreign"].pk},
    "enterprise_evaluate": lambda w: {"pk": w["foreign"].pk},
    "enterprise_edit_decide": lambda w: {"pk": w["foreign_edit"].pk},
    "pool_entry_decide": lambda w: {"pk": w["foreign_entry"].pk},
    "pool_member_stage": lambda w: {"pk": w["foreign_member"].pk},
    "job_detail": lambda w: {"job_id": w["foreign_eval_job"].pk},
}

REFERENCE_URLS = {
    # A year, not an object: the rows these pages show are scoped (tests/enterprises/test_pool.py).
    "pool_year": "a year; rows scoped",
    "pool_matches": "a year; rows scoped",
    "pool_derive": "a year; bureau only",
    "pool_evaluate": "a year; bureau only",
}


def rows(world):
    return [
        EnterpriseEdit.objects.filter(pk=world["foreign_edit"].pk),
        PoolMember.objects.filter(pk=world["foreign_member"].pk),
        PoolSourceEntry.objects.filter(pk=world["foreign_entry"].pk),
    ]
