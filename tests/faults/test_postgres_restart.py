"""A PostgreSQL restart while requests run: clean 503 pages, then recovery without a restart.

The test starts its own throwaway PostgreSQL cluster (``initdb`` and ``pg_ctl`` from the
PostgreSQL installation, on a free port in a temporary directory; never the machine's main
server), runs ``losen serve`` (gunicorn) against it, logs in, and keeps asking for pages while
the cluster is stopped for a few seconds and started again. Every answer during the outage is
the 503 page «Tjenesten er midlertidig utilgjengelig» (``/healthz``: its JSON 503), never a
500 or a traceback; afterwards the same login works again with the same Losen processes, as
``CONN_HEALTH_CHECKS`` replaces the broken connections (docs/operations.md, "Database
outages").
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from .conftest import PASSWORD, REPO, child, losen, losen_env

pytestmark = pytest.mark.slow

OUTAGE_TEXT = "Tjenesten er midlertidig utilgjengelig"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of the test's own, run as the ``postgres`` user when root."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="losen-pg-restart-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres user for initdb")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.dir / "server.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                 "immediate", "stop"],
                capture_output=True, timeout=30, check=False,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    bin_dir = _binaries()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed; no throwaway cluster")
    made = Cluster(bin_dir)
    try:
        made.init()
        made.start()
        yield made
    finally:
        made.remove()


def _log_in(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(base + "/logg-inn/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = session.post(
        base + "/logg-inn/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.status_code
    return session


def test_a_database_restart_gives_503_pages_and_recovers_without_restarting_losen(
    cluster, tmp_path
):
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE losen")
    env = losen_env(tmp_path / "var", cluster.url("losen"))
    done = losen(env, "migrate", timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    child(env, "leader", PASSWORD)

    port = _free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "losen.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "losen serve did not start"
            time.sleep(0.3)
        leader = _log_in(base, "leder")
        pages = ["/", "/prioritering/", "/healthz"]
        for page in pages:
            assert leader.get(base + page, timeout=10).status_code == 200

        answers: list[tuple[float, str, int, str]] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                for page in pages:
                    try:
                        response = leader.get(base + page, timeout=15, allow_redirects=False)
                        answers.append(
                            (time.monotonic(), page, response.status_code, response.text)
                        )
                    except requests.RequestException as error:
                        answers.append((time.monotonic(), page, 0, type(error).__name__))
                stop.wait(0.1)

        asker = threading.Thread(target=keep_asking, daemon=True)
        asker.start()
        time.sleep(1)
        down_at = time.monotonic()
        cluster.stop("fast")
        time.sleep(3)
        cluster.start()
        up_at = time.monotonic()
        recovered_at = None
        deadline = up_at + 30
        while time.monotonic() < deadline:
            time.sleep(0.5)
            recent = [a for a in answers if a[0] > time.monotonic() - 1.5]
            if recent and all(a[2] == 200 for a in recent) and len(recent) >= len(pages):
                recovered_at = time.monotonic()
                break
        stop.set()
        asker.join(timeout=20)

        assert server.poll() is None, "Losen stopped"
        statuses = [a[2] for a in answers]
        during = [a for a in answers if down_at <= a[0] <= up_at]
        assert any(a[2] == 503 for a in during), f"no 503 during the outage: {statuses}"
        assert set(statuses) <= {200, 503}, f"answers other than 200 and 503: {set(statuses)}"
        for _at, page, status, text in answers:
            if status == 503:
                assert "Traceback" not in text
                # /healthz answers its JSON, or the page when the session's query fails first.
                assert OUTAGE_TEXT in text or '"database": "unavailable"' in text
                if page != "/healthz":
                    assert OUTAGE_TEXT in text
        assert recovered_at is not None, f"pages did not recover: {statuses[-12:]}"
        print(
            f"{len(answers)} answers: {statuses.count(200)} × 200, {statuses.count(503)} × 503; "
            f"database down {up_at - down_at:.1f} s, pages whole again "
            f"{recovered_at - up_at:.1f} s after it was back"
        )
        # The same session, in the same Losen processes: nothing was restarted but the database.
        for page in pages:
            assert leader.get(base + page, timeout=10).status_code == 200
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    log_text = log_path.read_text(errors="replace")
    assert "Traceback" not in log_text, log_text[-3000:]
    assert "Databasen svarte ikke" in log_text
