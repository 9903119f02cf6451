"""Scope-walk entries for the foundation's URLs (see tests/test_scope_walk.py).

Each module in tests/walk/ gives: `foreign(world)` creating objects of another unit (万山区,
520603; the walking users belong to 碧江区) and returning them by key; `OBJECT_URLS`, URL name →
parameters naming a foreign object; `REFERENCE_URLS`, URL name → why it names no unit data; and
`rows(world)`, the querysets whose digest must not change."""

from __future__ import annotations

from enterprises.models import EnterpriseYear
from kechuang.core.models import ImportRun, Job, JobStatus
from kechuang.core.roles import Role


def foreign(world) -> dict:
    ent = world["enterprises"]["wanshan"]
    EnterpriseYear.objects.create(enterprise=ent, year=2022, employees=50, revenue=1000)
    wanshan = world["make_user"]("wanshan", Role.DISTRICT, unit=world["units"]["520603"])
    job = Job.objects.create(
        kind="import",
        owner=wanshan,
        status=JobStatus.DONE,
        params={"file_name": "万山.csv", "dry_run": True, "path": "/nonexistent"},
        result={"ok": True, "rows": 1, "dry_run": True, "preview": []},
    )
    return {"foreign": ent, "foreign_job": job, "wanshan_user": wanshan}


OBJECT_URLS = {
    "enterprise_detail": lambda w: {"pk": w["foreign"].pk},
    "api:enterprise_detail": lambda w: {"enterprise_id": w["foreign"].pk},
    # Jobs belong to the user who started them.
    "import_job": lambda w: {"job_id": w["foreign_job"].pk},
    "import_commit": lambda w: {"job_id": w["foreign_job"].pk},
}

REFERENCE_URLS = {
    "plan_detail": "the plan is reference data",
    "api:plan_detail": "the plan is reference data",
    "api:unit_detail": "units are reference data",
    "set_language": "language switch",
    "import_template": "an empty template per list kind",
}


def rows(world):
    ent = world["foreign"]
    return [
        ent.__class__.objects.filter(pk=ent.pk),
        EnterpriseYear.objects.filter(enterprise=ent),
        Job.objects.filter(pk=world["foreign_job"].pk),
        ImportRun.objects.all(),
    ]
