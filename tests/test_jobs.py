"""Background jobs on django-tasks' database queue, run by `kechuang worker`
(kechuang/core/jobs.py). The suite otherwise runs jobs inline (KECHUANG_JOBS_SYNC)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from kechuang.core.jobs import _work_path, job_start, jobs_backend
from kechuang.core.models import Job, JobStatus
from tests.test_import_web import HEADER, ROW_A22


def add_up(job, progress):
    """A job for the queue: sums the numbers it was given, reporting progress per number."""
    total = 0
    numbers = job.params["numbers"]
    for i, n in enumerate(numbers, start=1):
        total += n
        progress("adding", i, len(numbers))
    return {"sum": total}


def fail(job, progress):
    raise ValueError("the file has no rows")


@pytest.fixture
def queued(settings):
    settings.KECHUANG_JOBS_SYNC = False
    settings.KECHUANG_JOBS_BACKEND = "database"


def test_only_named_functions_go_on_the_queue():
    assert _work_path(add_up) == "tests.test_jobs.add_up"
    assert _work_path(lambda job, progress: {}) is None

    def closure(job, progress):
        return {}

    assert _work_path(closure) is None


@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_jobs_with_progress(queued, users):
    from django_tasks_db.models import DBTaskResult

    assert jobs_backend() == "database"
    job = job_start("sum", add_up, owner=users["staff"], params={"numbers": [4, 5, 33]})
    failing = job_start("sum", fail, owner=users["staff"])
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # nothing ran in the request
    assert DBTaskResult.objects.count() == 2
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.result, job.phase, job.done, job.total) == (
        JobStatus.DONE,
        {"sum": 42},
        "adding",
        3,
        3,
    )
    failing.refresh_from_db()
    assert failing.status == JobStatus.FAILED and failing.result == {
        "error": "ValueError: the file has no rows"
    }


@pytest.mark.django_db(transaction=True)
def test_web_import_through_the_worker(queued, users):
    client = Client()
    client.force_login(users["district"])
    upload = SimpleUploadedFile("list.csv", f"{HEADER}\n{ROW_A22}\n".encode(), content_type="text/csv")
    client.post("/imports/upload/", {"kind": "enterprises", "file": upload})
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["ok"] and job.result["rows"] == 1
