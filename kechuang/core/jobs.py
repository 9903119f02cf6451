"""Running long work off the request: a Job row the page polls, and a runner.

The default runner starts a thread once the request's transaction commits (one app server,
the intranet default); `KECHUANG_JOBS_SYNC` runs the work inline (tests, CLI). Progress is
written with plain UPDATEs outside the work's own transaction, so the page sees it move."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from kechuang.core.models import Job, JobStatus

__all__ = ["job_progress", "job_start"]

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


def job_start(kind: str, work: Work, *, owner, params: dict[str, Any] | None = None) -> Job:
    """Create the job and run `work(job, progress)`; its return value becomes the job's result."""
    job = Job.objects.create(kind=kind, owner=owner, params=params or {})
    if getattr(settings, "KECHUANG_JOBS_SYNC", False):
        _execute(job.pk, work)
    else:
        # Start once the request commits, so the thread sees the job row.
        transaction.on_commit(
            lambda: threading.Thread(target=_thread, args=(job.pk, work), daemon=True).start()
        )
    return job
