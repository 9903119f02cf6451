"""Running long work off the request: a Job row the page polls, and a runner.

Three runners, chosen by settings (docs/deploy.md "Background jobs"):

- ``KECHUANG_JOBS_BACKEND=database`` (production, and `make demo`): the job is put on
  django-tasks' database queue in the request's own transaction, and a separate
  `kechuang worker` process runs it. Any number of app servers and workers can share the queue;
  a job survives an app server restart.
- ``thread`` (the laptop default when debug is on): a thread of the app server starts once the
  request's transaction commits. Nothing else to run, but the job dies with the process.
- ``KECHUANG_JOBS_SYNC`` (tests, CLI): the work runs inline, before `job_start` returns.

Progress is written with plain UPDATEs outside the work's own transaction, so the page sees it
move. The work must be a module-level function `work(job, progress)` for the queue (the worker
imports it by name; its inputs live in `job.params`); a closure still runs, in a thread.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from kechuang.core.models import Job, JobStatus

__all__ = ["job_progress", "job_start", "jobs_backend", "run_job"]

log = logging.getLogger(__name__)
Work = Callable[[Job, Callable[[str, int, int], None]], dict[str, Any]]


def job_progress(job_id) -> Callable[[str, int, int], None]:
    def report(phase: str, done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(phase=phase, done=done, total=total)

    return report


def _execute(job_id, work: Work) -> None:
    try:
        job = Job.objects.get(pk=job_id)
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
        result = work(job, job_progress(job_id))
        Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=result, finished=timezone.now())
    except Exception:  # the page must learn that the job died; the log keeps the trace
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            finished=timezone.now(),
            result={"error": traceback.format_exc(limit=1).strip().splitlines()[-1]},
        )


def _thread(job_id, work: Work) -> None:
    close_old_connections()
    try:
        _execute(job_id, work)
    finally:
        close_old_connections()


@task()
def run_job(job_id: str, work_path: str) -> None:
    """The queued form of a job, run by `kechuang worker`: import the work by name and run it."""
    _execute(job_id, import_string(work_path))


def _work_path(work: Work) -> str | None:
    """The importable name of `work`, or None for a closure or lambda (they cannot be queued)."""
    name = f"{getattr(work, '__module__', '')}.{getattr(work, '__qualname__', '')}"
    if "<" in name or name.startswith("."):
        return None
    try:
        return name if import_string(name) is work else None
    except ImportError:
        return None


def jobs_backend() -> str:
    """'sync', 'database' or 'thread' (see the module docstring)."""
    if getattr(settings, "KECHUANG_JOBS_SYNC", False):
        return "sync"
    return getattr(settings, "KECHUANG_JOBS_BACKEND", "thread")


def job_start(kind: str, work: Work, *, owner, params: dict[str, Any] | None = None) -> Job:
    """Create the job and run `work(job, progress)`; its return value becomes the job's result."""
    job = Job.objects.create(kind=kind, owner=owner, params=params or {})
    backend = jobs_backend()
    if backend == "sync":
        _execute(job.pk, work)
        return job
    path = _work_path(work) if backend == "database" else None
    if path is not None:
        # The task row is written in this transaction: the worker sees the job and its task
        # together, or neither if the request fails.
        run_job.enqueue(str(job.pk), path)
    else:
        if backend == "database":
            log.warning(
                "job %s (%s): %r cannot be queued by name; running it in a thread", job.pk, kind, work
            )
        # Start once the request commits, so the thread sees the job row.
        transaction.on_commit(
            lambda: threading.Thread(target=_thread, args=(job.pk, work), daemon=True).start()
        )
    return job
