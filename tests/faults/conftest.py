"""Fault tests: real ``losen`` processes on a real database, killed or cut off on purpose.

Each engine gets its own database for the module: SQLite in a temporary directory, and
PostgreSQL as a throwaway database on the server the suite uses (``DATABASE_URL`` when it is
PostgreSQL, else ``LOSEN_TEST_POSTGRES`` or ``postgresql://postgres@127.0.0.1:5432/postgres``),
created and dropped here; the PostgreSQL cases are skipped, with the reason, when no server
answers. Nothing here touches the test database pytest-django makes.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "feiltest-" + secrets.token_urlsafe(12)


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return os.environ.get("LOSEN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def losen_env(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="losen.web.settings.local",
        LOSEN_VAR_DIR=str(var_dir),
        LOSEN_SECRET_KEY=secrets.token_urlsafe(40),
        LOSEN_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(env: dict, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )


def losen(env: dict, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return run(env, sys.executable, "-m", "losen.cli", *args, timeout=timeout)


def child(env: dict, *args: str) -> object:
    done = run(env, sys.executable, "-m", "tests.faults.child", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class Deployment:
    """One Losen installation: its environment, and the checks made after a fault."""

    def __init__(self, engine: str, env: dict) -> None:
        self.engine = engine
        self.env = env

    def snapshot(self) -> dict:
        return child(self.env, "snapshot")

    def audit_verify(self) -> subprocess.CompletedProcess:
        return losen(self.env, "audit", "verify")


def _postgres_reason(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=3):
            return None
    except Exception as error:  # any failure to connect means: no server for these tests
        return str(error).splitlines()[0] if str(error) else type(error).__name__


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(request, tmp_path_factory):
    """A migrated database with the demo loaded, on each engine."""
    engine = request.param
    var_dir = tmp_path_factory.mktemp(f"faults-{engine}")
    url = None
    name = f"losen_faults_{secrets.token_hex(4)}"
    if engine == "postgresql":
        server = postgres_server_url()
        reason = _postgres_reason(server)
        if reason is not None:
            pytest.skip(f"PostgreSQL is not reachable at {server}: {reason}")
        import psycopg

        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = with_database(server, name)
    env = losen_env(var_dir, url)
    try:
        done = losen(env, "demo", "--password", PASSWORD, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        yield Deployment(engine, env)
    finally:
        if url is not None:
            import psycopg

            with psycopg.connect(postgres_server_url(), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
