"""A job: one piece of background work a person (or the schedule) asked for, and how it went.

The task queue (``TASKS`` in the settings: the database backend, or RQ on Redis) runs the job's
task with the job's id as its only argument; what the task works on (an uploaded file, which
table to fetch) is stored here, so neither the file nor anything from it reaches the queue,
its logs or Redis. The task writes the job's state and outcome; its progress goes to the
``tasks`` cache (see :mod:`.progress`), which the page reads while the import's own transaction
is still open.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("i kø")
    RUNNING = "running", _("kjører")
    #: The work is done (an import stored its file, or found it unchanged).
    DONE = "done", _("ferdig")
    #: The work was refused for its input (a file with errors): nothing was stored.
    REFUSED = "refused", _("avvist")
    #: The task stopped with an error; it may be tried again.
    FAILED = "failed", _("feilet")


FINISHED_STATES = (JobState.DONE, JobState.REFUSED)


class Job(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: What kind of work, e.g. ``insight.import``; pages show only their own kinds.
    kind = models.CharField(max_length=40)
    #: The dotted path of the task (a ``django_tasks`` task taking the job's id).
    task_path = models.CharField(max_length=200)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tom for nasjonalt arbeid (den nattlige hentingen)."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: What the page calls the job: a file name, a table.
    label = models.CharField(max_length=255)
    #: The uploaded file the task reads; emptied once the job is finished.
    data = models.BinaryField(default=b"", editable=False)
    #: The task's other inputs (source, table, what to fetch); never file contents.
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    #: The id of the latest task result on the queue.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    #: What the task returned (counts, problems, the batch made), or the error's class.
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "municipality", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.label} ({self.state})"


class ScheduledRun(models.Model):
    """A scheduled task once enqueued for one due time: the unique pair keeps it to once, even
    with several workers (on several machines) looking at the same schedule."""

    name = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "due_at"], name="jobs_scheduled_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.due_at:%Y-%m-%d %H:%M}"
