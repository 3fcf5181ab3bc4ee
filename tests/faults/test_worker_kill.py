"""A `losen worker` killed (SIGKILL) in the middle of a web import leaves nothing half-written,
and the job then runs again from its stored file and succeeds.

Each engine gets a migrated database of its own (SQLite in a temporary directory, a throwaway
PostgreSQL database), the database queue (django-tasks-db) and the file cache for progress, as
the embedded default runs. The import is a national JSON-stat table large enough to take a few
seconds to store; the worker is killed once the job's progress says it is storing rows (inside
the import's transaction on PostgreSQL, among the short transactions that stage it on SQLite).
After the kill no observation or batch of it is visible, the job shows as interrupted (its
heartbeat ends) and can be retried, and a second worker imports the whole file.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time

import pytest

from .conftest import REPO, _postgres_reason, losen, losen_env, postgres_server_url, run
from .conftest import with_database as database_url
from .test_kill import _table

pytestmark = pytest.mark.slow


def job_child(env: dict, *args: str):
    done = run(env, sys.executable, "-m", "tests.faults.job_child", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def installation(request, tmp_path_factory):
    """A migrated database (no demo: the import is of national figures) on each engine."""
    engine = request.param
    var_dir = tmp_path_factory.mktemp(f"worker-{engine}")
    url = None
    name = f"losen_worker_{secrets.token_hex(4)}"
    if engine == "postgresql":
        server = postgres_server_url()
        reason = _postgres_reason(server)
        if reason is not None:
            pytest.skip(f"PostgreSQL is not reachable at {server}: {reason}")
        import psycopg

        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = database_url(server, name)
    env = losen_env(var_dir, url)
    env["LOSEN_JOB_HEARTBEAT_SECONDS"] = "1"  # a lost worker shows after 3 s, not 15
    env["LOSEN_TASK_BACKEND"] = "db"
    env.pop("LOSEN_REDIS_URL", None)
    try:
        done = losen(env, "migrate", timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        yield env, var_dir
    finally:
        if url is not None:
            import psycopg

            with psycopg.connect(postgres_server_url(), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _progress_reader(var_dir):
    """Read a job's progress from the worker's file cache, as the web server does."""
    from django.core.cache.backends.filebased import FileBasedCache

    cache = FileBasedCache(str(var_dir / "tasks"), {})
    return lambda job_id: cache.get(f"losen:job:{job_id}:progress")


def test_a_killed_worker_leaves_nothing_and_the_job_succeeds_when_retried(installation, tmp_path):
    env, var_dir = installation
    path = tmp_path / "12209-jobb.json"
    cells = _table(path)
    job_id = job_child(env, "start", str(path))
    queued = job_child(env, "state", job_id)
    assert queued["state"] == "queued" and queued["tasks"] == ["READY"]
    before = queued["current_rows"], queued["batches"]

    progress = _progress_reader(var_dir)
    worker = subprocess.Popen(
        [sys.executable, "-m", "losen.cli", "worker", "--no-schedule", "--interval", "0.2"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = []
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            step = progress(job_id)
            if step and step not in seen[-1:]:
                seen.append(step)
            if step and step["phase"] == "lagrer" and 0 < step["done"] < step["total"]:
                break
            assert worker.poll() is None, f"the worker stopped by itself: {seen}"
            time.sleep(0.05)
        else:
            pytest.fail(f"the import never reached the storing of rows: {seen}")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL

    killed = job_child(env, "state", job_id)
    assert (killed["current_rows"], killed["batches"]) == before, "a half import is visible"
    assert killed["state"] == "running" and killed["has_data"]
    if killed["vendor"] == "sqlite":
        assert killed["integrity"] == ["ok"]
    time.sleep(3.5)  # three heartbeats of one second
    assert job_child(env, "state", job_id)["shown"] == "interrupted"

    assert job_child(env, "retry", job_id) == "queued"
    done = losen(env, "worker", "--batch", "--no-schedule", timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    after = job_child(env, "state", job_id)
    assert after["state"] == "done" and after["attempts"] == 2, after
    assert after["outcome"]["created"] == cells and after["outcome"]["problems"] == []
    assert after["current_rows"] == before[0] + cells
    assert after["batches"] == before[1] + 1
    assert not after["has_data"]  # the stored file is let go once the job is done
    # The killed attempt's task result is marked failed on the queue; the retry's succeeded.
    assert after["tasks"] == ["FAILED", "SUCCESSFUL"]
