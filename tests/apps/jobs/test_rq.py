"""The RQ backend (django-tasks-rq) on a real Redis, as an installation on several machines runs
it: ``LOSEN_TASK_BACKEND=rq``, the queue and the progress in Redis, ``losen worker`` as an RQ
worker. One web import is queued, worked off by the worker, and stored.

Redis is the one these machines run (``LOSEN_TEST_REDIS``, else 127.0.0.1:6379 database 5, which
this test empties); the test is skipped, saying why, only when no Redis answers there.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from urllib.parse import urlsplit

import pytest

from tests.faults.conftest import losen, losen_env, run

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("LOSEN_TEST_REDIS", "redis://127.0.0.1:6379/5")


def _redis_reason() -> str | None:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            answer = s.recv(16)
    except OSError as error:
        return str(error)
    return None if answer.startswith(b"+PONG") else f"answered {answer!r}"


def job_child(env: dict, *args: str):
    done = run(env, sys.executable, "-m", "tests.faults.job_child", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_import_runs_as_a_task_on_rq_and_redis(tmp_path):
    reason = _redis_reason()
    if reason is not None:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {reason}")
    import redis
    from django.core.cache.backends.redis import RedisCache

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    env = losen_env(tmp_path / "var")
    env.update(LOSEN_TASK_BACKEND="rq", LOSEN_REDIS_URL=REDIS_URL)
    done = losen(env, "migrate", timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    marker = "Rq-venteliste-7f3a"
    upload = tmp_path / "rq.csv"
    upload.write_text(
        "kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;status;enhet\n"
        + "".join(f"lokal;R1;ventetid;{marker};0301;{2000 + n};{n};;dager\n" for n in range(5))
    )
    job_id = job_child(env, "start", str(upload))
    queued = job_child(env, "state", job_id)
    assert queued["state"] == "queued" and queued["tasks"] == []  # not on the database queue
    assert client.llen("rq:queue:default") == 1
    # Redis holds the job's id, and nothing of the file.
    stored = b"".join(
        value
        for key in client.keys("rq:job:*")
        for value in client.hgetall(key).values()
        if isinstance(value, bytes)
    )
    assert marker.encode() not in stored

    done = losen(env, "worker", "--batch", "--no-schedule", timeout=180)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    after = job_child(env, "state", job_id)
    assert after["state"] == "done", after
    assert after["outcome"]["created"] == 5 and after["current_rows"] == 5
    progress = RedisCache(REDIS_URL, {"KEY_PREFIX": "losen"}).get(f"losen:job:{job_id}:progress")
    assert progress["phase"] == "ferdig"
    assert client.llen("rq:queue:default") == 0
    client.flushdb()
