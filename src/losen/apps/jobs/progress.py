"""A running job's progress and heartbeat, kept in the ``tasks`` cache.

Not in the database: an import writes inside one transaction (and on SQLite holds the only
write lock meanwhile), so a row written beside it would stay invisible until its commit, or
wait for it. The ``tasks`` cache is a directory of files on one machine (the embedded default)
or Redis for installations on several machines (``LOSEN_REDIS_URL``; see the settings).

While a task works on a job a thread in the worker refreshes the job's heartbeat key every
``LOSEN_JOB_HEARTBEAT_SECONDS``; the key expires after three such periods, so a worker that is
killed (SIGKILL, a machine that stops) leaves a running job without a heartbeat, which the page
shows as interrupted and offers to try again.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

#: How long a progress entry is kept after its last step.
PROGRESS_TTL_S = 24 * 3600


def heartbeat_seconds() -> float:
    return float(getattr(settings, "LOSEN_JOB_HEARTBEAT_SECONDS", 5))


def _cache():
    return caches["tasks" if "tasks" in settings.CACHES else "default"]


def _progress_key(job_id) -> str:
    return f"losen:job:{job_id}:progress"


def _alive_key(job_id) -> str:
    return f"losen:job:{job_id}:alive"


@dataclass(frozen=True, slots=True)
class Step:
    """The latest step of a job: ``phase`` (the import's ``lest``, ``kontrollert``,
    ``lagrer``, ``ferdig``), ``done`` of ``total``, and when (seconds since the epoch)."""

    phase: str
    done: int
    total: int
    at: float

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 100 if self.phase == "ferdig" else 0
        return max(0, min(100, round(100 * self.done / self.total)))


def report(job_id, phase: str, done: int, total: int) -> None:
    """Keep *phase* and how far it has come as the job's latest step."""
    value = {"phase": phase, "done": int(done), "total": int(total), "at": time.time()}
    _cache().set(_progress_key(job_id), value, PROGRESS_TTL_S)


def latest(job_id) -> Step | None:
    value = _cache().get(_progress_key(job_id))
    if not isinstance(value, dict):
        return None
    try:
        return Step(value["phase"], value["done"], value["total"], value["at"])
    except (KeyError, TypeError):
        return None


def forget(job_id) -> None:
    _cache().delete_many([_progress_key(job_id), _alive_key(job_id)])


def is_alive(job_id) -> bool:
    """Whether a worker has shown within the last three heartbeats that it works on the job."""
    return bool(_cache().get(_alive_key(job_id)))


@contextlib.contextmanager
def heartbeat(job_id) -> Iterator[None]:
    """Keep the job's heartbeat fresh from a thread for as long as the block runs."""
    period = heartbeat_seconds()
    cache = _cache()
    key = _alive_key(job_id)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(period):
            with contextlib.suppress(Exception):  # a cache that hiccups must not stop the job
                cache.set(key, time.time(), period * 3)

    cache.set(key, time.time(), period * 3)
    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=period + 1)
        cache.delete(key)
