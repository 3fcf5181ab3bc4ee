"""The schedule ``losen worker`` keeps: ``LOSEN_SCHEDULE`` in the settings.

Each entry names a task and a local time of day (``"at": "03:15"``, in ``TIME_ZONE``). A worker
looks at the schedule every half minute; the latest due time of an entry that is not yet
recorded as a :class:`~.models.ScheduledRun` is recorded and its task enqueued. The unique
(name, due time) pair makes that happen once, however many workers on however many machines
look at the same database. A due time missed while no worker ran is made up when a worker
starts within ``LOSEN_SCHEDULE_CATCH_UP_HOURS`` of it, and otherwise skipped (a fetch a day
late is better made the next night than at an unexpected hour).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, OperationalError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

logger = logging.getLogger(__name__)

#: Seconds between two looks at the schedule.
TICK_S = 30


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    at: dt.time
    kwargs: dict


def entries() -> list[Entry]:
    """The schedule of the settings, checked: a wrong time stops the worker at its start."""
    from django.core.exceptions import ImproperlyConfigured

    result = []
    for name, entry in getattr(settings, "LOSEN_SCHEDULE", {}).items():
        try:
            at = dt.time.fromisoformat(entry["at"])
        except (KeyError, TypeError, ValueError) as error:
            raise ImproperlyConfigured(
                f"LOSEN_SCHEDULE[{name!r}]: «at» må være et klokkeslett som 03:15"
            ) from error
        result.append(Entry(name, entry["task"], at, dict(entry.get("kwargs", {}))))
    return result


def latest_due(entry: Entry, now: dt.datetime) -> dt.datetime:
    """The last time at or before *now* that *entry* was due (local time, aware)."""
    local = timezone.localtime(now)
    due = local.replace(hour=entry.at.hour, minute=entry.at.minute, second=0, microsecond=0)
    if due > local:
        due = timezone.make_aware(
            dt.datetime.combine(local.date() - dt.timedelta(days=1), entry.at)
        )
    return due


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every entry due and not yet enqueued; returns the names enqueued."""
    now = now or timezone.now()
    window = dt.timedelta(hours=float(getattr(settings, "LOSEN_SCHEDULE_CATCH_UP_HOURS", 12)))
    started = []
    for entry in entries():
        due = latest_due(entry, now)
        if now - due > window or ScheduledRun.objects.filter(name=entry.name, due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, due_at=due)
        except IntegrityError:
            continue  # another worker was first
        result = import_string(entry.task).enqueue(**entry.kwargs)
        ScheduledRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        logger.info("scheduled %s (due %s) enqueued", entry.name, due.isoformat())
        started.append(entry.name)
    return started


def keep(stop: threading.Event, tick_s: float = TICK_S) -> threading.Thread:
    """Look at the schedule from a thread until *stop* is set."""

    def loop() -> None:
        while True:
            try:
                enqueue_due()
            except OperationalError as error:  # SQLite busy with an import: next tick
                logger.warning("the schedule waits: %s", type(error).__name__)
            except Exception:
                logger.exception("the schedule could not be read")
            finally:
                close_old_connections()
            if stop.wait(tick_s):
                return

    thread = threading.Thread(target=loop, name="losen-schedule", daemon=True)
    thread.start()
    return thread
