"""Start, run and retry jobs on the task queue.

:func:`start` stores a job and enqueues its task with the job's id only; :func:`run` is what a
task calls in the worker: it marks the job running, keeps its heartbeat, calls the work and
writes the outcome. The work itself must be atomic (an import stores its file whole or not at
all), so a worker killed in the middle leaves nothing half-written and :func:`retry` can run
the same job again from its stored input.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import progress
from .models import FINISHED_STATES, Job, JobState

logger = logging.getLogger(__name__)

#: What a job's work gets: a function taking (phase, done, total) to report a step.
Reporter = Callable[[str, int, int], None]


class NotRetryable(Exception):
    """The job is finished, or still running with a live worker, so it is not run again."""


def start(
    *,
    kind: str,
    task_path: str,
    label: str,
    municipality=None,
    requested_by=None,
    data: bytes = b"",
    options: dict | None = None,
) -> Job:
    """Store a job and put its task on the queue; returns the job (``task_id`` set)."""
    job = Job.objects.create(
        kind=kind,
        task_path=task_path,
        label=label[:255],
        municipality=municipality,
        requested_by=requested_by,
        data=data,
        options=options or {},
    )
    _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    task = import_string(job.task_path)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, attempts=job.attempts + 1, outcome={}, finished_at=None
    )
    job.state, job.attempts, job.outcome, job.finished_at = (
        JobState.QUEUED,
        job.attempts + 1,
        {},
        None,
    )
    try:
        result = task.enqueue(str(job.external_id))
    except Exception as error:
        # The queue cannot be reached (Redis down, say): the job is stored and shows as failed,
        # so it can be tried again from its page once the queue is back.
        logger.warning("job %s could not be queued: %s", job.external_id, type(error).__name__)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, outcome={"error": "NotQueued"}, finished_at=timezone.now()
        )
    else:
        # An immediate backend (tests, a development set-up) has run the task already.
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()


def run(job_id: str, work: Callable[[Job, Reporter], tuple[str, dict[str, Any]]]) -> dict:
    """Run *work* for the job in this worker and store what came of it.

    *work* returns the final state (``DONE`` or ``REFUSED``) and a JSON-able outcome. A job
    already finished (a task delivered twice) is not run again; its outcome is returned.
    An exception marks the job ``FAILED`` (the outcome names the error's class, not its text,
    which could quote the input) and is raised again, so the queue records the failure.
    """
    job = Job.objects.get(external_id=job_id)
    if job.state in FINISHED_STATES:
        return job.outcome
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())
    job.state = JobState.RUNNING

    def reporter(phase: str, done: int, total: int) -> None:
        progress.report(job.external_id, phase, done, total)

    reporter("venter", 0, 0)
    try:
        with progress.heartbeat(job.external_id):
            state, outcome = work(job, reporter)
    except Exception as error:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(
                state=JobState.FAILED,
                outcome={"error": type(error).__name__},
                finished_at=timezone.now(),
            )
        logger.warning("job %s (%s) failed: %s", job.external_id, job.kind, type(error).__name__)
        raise
    # The input is not needed once the work is done (a retry of a finished job does nothing).
    Job.objects.filter(pk=job.pk).update(
        state=state, outcome=outcome, finished_at=timezone.now(), data=b""
    )
    return outcome


def shown_state(job: Job) -> str:
    """The job's state as a page shows it: its stored state, or ``interrupted`` when it is
    running but no worker has kept its heartbeat (the worker was killed or its machine
    stopped)."""
    if job.state == JobState.RUNNING and not progress.is_alive(job.external_id):
        started = job.started_at or job.created_at
        grace = 3 * progress.heartbeat_seconds()
        if (timezone.now() - started).total_seconds() > grace:
            return "interrupted"
    return job.state


def can_retry(job: Job) -> bool:
    return shown_state(job) in (JobState.FAILED, "interrupted")


def retry(job: Job) -> Job:
    """Put an interrupted or failed job on the queue again, from its stored input.

    Raises:
        NotRetryable: the job is finished, queued, or still running with a live worker.
    """
    if not can_retry(job):
        raise NotRetryable(job.state)
    _mark_lost(job)
    progress.forget(job.external_id)
    _enqueue(job)
    return job


def _mark_lost(job: Job) -> None:
    """Record on the database backend's result that its worker was lost (it stays «running»
    there otherwise); other backends keep their own record."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    task = import_string(job.task_path)
    if not job.task_id or not isinstance(task_backends[task.backend], DatabaseBackend):
        return
    DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="losen.apps.jobs.services.WorkerLost",
        traceback="The worker stopped while it ran this task (its heartbeat ended).",
    )


def for_kind(kind: str, municipality):
    """Jobs of *kind* that *municipality*'s users may see: its own and the national ones."""
    from django.db.models import Q

    return Job.objects.filter(kind=kind).filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    )
