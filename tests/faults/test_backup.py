"""Backups under faults and load: a kill in the middle, and writers that do not stop.

On SQLite and on PostgreSQL (the ``deployment`` fixture: the demo in a
database of its own, ``losen`` run as separate processes).

* ``losen backup`` killed with SIGKILL half-way through writing: no file appears under the
  name asked for (only the temporary file, which is refused as cut short), the database holds
  what it held (plus the backup's own audit entry, committed before it began reading), the
  audit chain verifies, and the next backup goes through.
* ``losen backup`` taken while two processes keep recording service decisions and audit
  entries: the backup is restored by ``losen restore`` into a new, empty database, which then
  holds exactly the rows the source held in the backup's snapshot (dumped by the backup's own
  connection inside its snapshot, while the writers had already committed more), and its audit
  chain verifies (``losen audit verify``).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, child, losen, losen_env, postgres_server_url, with_database
from .test_kill import _kill_when

pytestmark = pytest.mark.slow


def _child(deployment, *args: str, stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.child", *args],
        env=deployment.env,
        cwd=REPO,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _changed(before: dict, after: dict) -> dict:
    return {
        table: (before["tables"].get(table), counts)
        for table, counts in after["tables"].items()
        if before["tables"].get(table) != counts
    }


def _audit_key(deployment) -> str:
    return (
        os.environ.get("LOSEN_AUDIT_KEY")
        or (Path(deployment.env["LOSEN_VAR_DIR"]) / "audit_key").read_text(encoding="ascii").strip()
    )


@pytest.fixture
def empty_target(deployment, tmp_path):
    """The environment of a second installation with the same audit key and an empty
    database (``losen restore`` migrates it)."""
    url = None
    name = f"losen_restore_{secrets.token_hex(4)}"
    if deployment.engine == "postgresql":
        import psycopg

        with psycopg.connect(postgres_server_url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = with_database(postgres_server_url(), name)
    env = losen_env(tmp_path / "target-var", url)
    env["LOSEN_AUDIT_KEY"] = _audit_key(deployment)
    try:
        yield env
    finally:
        if url is not None:
            import psycopg

            with psycopg.connect(postgres_server_url(), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sigkill_during_a_backup_leaves_no_half_written_file(deployment, tmp_path):
    out = tmp_path / "kopier"
    out.mkdir()
    target = out / "losen.jsonl"
    before = deployment.snapshot()
    process = _child(deployment, "backup", str(target))
    line = _kill_when(process, process.stdout, lambda text: text.startswith("INSIDE"), 60)
    assert process.returncode == -signal.SIGKILL

    # Nothing under the name asked for; what was written is in the temporary file only, and
    # that file is refused as cut short.
    assert not target.exists()
    left = list(out.iterdir())
    temporary = Path(line.split(maxsplit=1)[1].strip())
    assert left == [temporary], left
    assert temporary.name.startswith(".losen.jsonl.") and temporary.name.endswith(".tmp")
    assert temporary.stat().st_size > 0
    assert oct(temporary.stat().st_mode & 0o777) == "0o600"
    refused = losen(deployment.env, "restore", str(temporary), timeout=120)
    assert refused.returncode == 2 and "ufullstendig" in refused.stderr, refused.stderr[-2000:]

    # The database is whole: only the backup's own audit entry was added (it is committed
    # before the backup begins reading, so the backup holds it).
    after = deployment.snapshot()
    changed = _changed(before, after)
    entries = before["tables"]["audit_auditentry"]
    assert changed == {"audit_auditentry": (entries, [entries[0] + 1, entries[1] + 1])}
    if after["vendor"] == "sqlite":
        assert after["integrity"] == ["ok"]
    verified = deployment.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Revisjonskjeden er hel" in verified.stdout

    # Nothing is left locked: the next backup, under the same name, is written and signed
    # (a restore reads the whole file and checks its signature before it finds the database
    # is not empty).
    done = losen(deployment.env, "backup", str(target), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert target.exists()
    checked = losen(deployment.env, "restore", str(target), timeout=120)
    assert checked.returncode == 2 and "ikke tom" in checked.stderr, checked.stderr[-2000:]


def _without_the_restore(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The dump without what a restore itself changes: its own audit entry, and the head's
    chain id, length, last hash and seal that follow from it."""
    moving = {"chain_id", "seal", "last_sequence", "last_hash"}
    heads = [
        {**row, "fields": {k: v for k, v in row["fields"].items() if k not in moving}}
        for row in rows["audit.audithead"]
    ]
    entries = [r for r in rows["audit.auditentry"] if r["fields"]["action"] != "restore"]
    return {**rows, "audit.auditentry": entries, "audit.audithead": heads}


def _read_until(process: subprocess.Popen, marker: str, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    seen = []
    for text in process.stdout:
        seen.append(text)
        if text.startswith(marker):
            return seen
        if time.monotonic() > deadline:
            break
    pytest.fail(f"no {marker!r} from the child: {''.join(seen)[-2000:]}")


def test_a_backup_taken_while_writers_run_restores_its_snapshot(deployment, empty_target, tmp_path):
    stop, go = tmp_path / "stop", tmp_path / "go"
    source_dump, restored_dump = tmp_path / "source.json", tmp_path / "restored.json"
    target = tmp_path / "losen.jsonl"
    writers = [_child(deployment, "write", str(stop)) for _ in range(2)]
    backup = None
    try:
        for writer in writers:
            _read_until(writer, "READ", 60)  # both are writing
        backup = _child(deployment, "backup-paused", str(target), str(source_dump), str(go))
        _read_until(backup, "PAUSED", 120)
        # The snapshot is open and half written; the writers go on committing.
        for writer in writers:
            for _ in range(3):
                _read_until(writer, "DECISION", 60)
        go.touch()
        output, _ = backup.communicate(timeout=180)
        assert backup.returncode == 0, output[-2000:]
        for writer in writers:
            _read_until(writer, "READ", 60)  # and they went on while the rest was written
    finally:
        stop.touch()
        go.touch()
        for process in [*writers, *([backup] if backup else [])]:
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
    assert [writer.returncode for writer in writers] == [0, 0]

    snapshot = json.loads(source_dump.read_text(encoding="utf-8"))
    now = deployment.snapshot()
    in_backup = len(snapshot["audit.auditentry"])
    assert now["tables"]["audit_auditentry"][0] >= in_backup + 12  # the writers did not wait
    assert now["tables"]["cases_servicedecision"][0] >= len(snapshot["cases.servicedecision"]) + 6
    verified = deployment.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr

    done = losen(empty_target, "restore", str(target), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert child(empty_target, "dump", str(restored_dump)) is True
    restored = json.loads(restored_dump.read_text(encoding="utf-8"))
    assert [r["fields"]["action"] for r in restored["audit.auditentry"]][-1] == "restore"
    expected, got = _without_the_restore(snapshot), _without_the_restore(restored)
    assert got.keys() == expected.keys()
    differing = [label for label in expected if got[label] != expected[label]]
    assert differing == [], differing
    verified = losen(empty_target, "audit", "verify", timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Revisjonskjeden er hel" in verified.stdout
