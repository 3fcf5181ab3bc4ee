"""SQLite's staged import: unseen while it is written, finished or removed after a crash.

On SQLite an import writes its rows in short transactions that readers do not see (not
current, never closed), then publishes them (``losen.apps.insight.services``, "SQLite: staged,
then published"). These tests stop an import at its two dangerous points, as a SIGKILL would
(an exception that no ``except Exception`` catches, with the clean-up made to fail too), and
check what readers see then and after the next import: tests/faults/test_kill.py does the same
with a real SIGKILL of ``losen indicators import``.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess

import pytest
from django.db import connection

from losen.apps.audit.models import AuditEntry
from losen.apps.audit.services import verify_chain
from losen.apps.insight import services
from losen.apps.insight.models import BatchState, ImportBatch, StoredObservation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="PostgreSQL imports in one transaction"
    ),
]

ROWS = 400


class _Killed(BaseException):
    """Stands for SIGKILL: no ``except Exception`` catches it."""


def _csv(value: str, table: str = "T1") -> bytes:
    lines = ["kilde;tabell;indikatorkode;regionkode;periode;verdi"]
    lines += [f"lokal;{table};k{i};0301;2024;{value}" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def _import(data: bytes, **kwargs):
    return services.import_file(actor=None, data=data, file_name="a.csv", **kwargs)


def _one_current_per_key() -> bool:
    current = StoredObservation.objects.filter(is_current=True, table="T1")
    keys = current.values_list("key_hash", flat=True)
    return len(keys) == len(set(keys)) == ROWS


def test_an_import_killed_while_staging_is_unseen_and_removed_by_the_next(monkeypatch):
    assert _import(_csv("1")).created == ROWS
    entries = AuditEntry.objects.count()
    monkeypatch.setattr(services, "STAGE_CHUNK", 100)

    def killed(step):
        if step.phase == "lagrer" and step.done >= 200:
            raise _Killed

    monkeypatch.setattr(services, "_discard", lambda *a, **k: (_ for _ in ()).throw(OSError))
    with pytest.raises(_Killed):
        _import(_csv("2"), progress=killed)
    monkeypatch.undo()

    # Staged: 200 rows of an unfinished batch, none of them seen.
    batch = ImportBatch.objects.get(state=BatchState.STAGING)
    assert batch.heartbeat_at is None  # given up: the next import need not wait for it
    assert StoredObservation.objects.filter(batch=batch).count() == 200
    assert set(services.visible_rows(None).values_list("value_text", flat=True)) == {"1"}
    row = services.visible_rows(None).first()
    assert [v.value_text for v in services.history_of(row)] == ["1"]
    assert AuditEntry.objects.count() == entries

    # The next import (of another table) removes them; this one then stores the revision.
    assert _import(_csv("9", table="T2")).created == ROWS
    assert not ImportBatch.objects.exclude(state=BatchState.COMPLETE).exists()
    assert not StoredObservation.objects.filter(batch=batch).exists()
    outcome = _import(_csv("2"))
    assert outcome.revised == ROWS
    assert set(
        services.visible_rows(None).filter(table="T1").values_list("value_text", flat=True)
    ) == {"2"}
    assert verify_chain().ok


def test_an_import_killed_while_publishing_is_finished_by_the_next(monkeypatch):
    assert _import(_csv("1")).created == ROWS
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 100)

    real_chunk = services._publish_chunk
    chunks = []

    def publish_killed(*args, **kwargs):
        chunks.append(1)
        if len(chunks) > 1:
            raise _Killed  # after the deciding transaction and one chunk of 100 keys
        real_chunk(*args, **kwargs)

    monkeypatch.setattr(services, "_publish_chunk", publish_killed)
    with pytest.raises(_Killed):
        _import(_csv("2"))
    monkeypatch.undo()

    # Decided: audited, 100 keys published, the rest staged. Every
    # key has one current row all the while.
    batch = ImportBatch.objects.get(state=BatchState.PUBLISHING)
    # Its process is dead: a process of this machine that has ended.
    ended = subprocess.Popen(["true"])
    ended.wait()
    ImportBatch.objects.filter(pk=batch.pk).update(owner=f"{socket.gethostname()}:{ended.pid}")
    assert AuditEntry.objects.filter(object_id=str(batch.external_id)).count() == 1
    assert StoredObservation.objects.filter(batch=batch, is_current=True).count() == 100
    assert _one_current_per_key()

    # The next import finishes it: every new row current, every old one closed by its successor.
    assert _import(_csv("9", table="T2")).created == ROWS
    batch.refresh_from_db()
    assert batch.state == BatchState.COMPLETE
    assert _one_current_per_key()
    current = StoredObservation.objects.filter(is_current=True, table="T1")
    assert set(current.values_list("batch", flat=True)) == {batch.pk}
    old = StoredObservation.objects.filter(is_current=False, table="T1")
    assert old.count() == ROWS
    successors = dict(current.values_list("key_hash", "id"))
    assert all(successors[o.key_hash] == o.superseded_by_id for o in old)
    assert AuditEntry.objects.filter(object_id=str(batch.external_id)).count() == 1
    assert verify_chain().ok


def test_a_live_unfinished_import_is_waited_for_and_a_stale_one_is_taken_over(monkeypatch):
    now = dt.datetime.now(dt.UTC)
    fields = {
        "actor_label": "system",
        "imported_at": now,
        "method": "fil",
        "file_name": "x.csv",
        "sha256": "",
        "format": "csv",
        "tables": ["T1"],
        "sources": ["lokal"],
        "observations_in_file": 1,
        "created_count": 0,
        "revised_count": 0,
        "unchanged_count": 0,
        "state": BatchState.STAGING,
    }
    other = ImportBatch.objects.create(
        **fields, owner="another-machine:1", heartbeat_at=now - dt.timedelta(seconds=5)
    )
    monkeypatch.setattr(services, "IMPORT_LOCK_WAIT_S", 0.3)
    refused = _import(_csv("1"))
    assert refused.problems == (
        "En annen import av tabell T1 pågår; ingenting er lagret. Prøv igjen når den er ferdig.",
    )
    assert _import(_csv("1", table="T2")).created == ROWS  # another table: not held up
    ImportBatch.objects.filter(pk=other.pk).update(
        heartbeat_at=now - dt.timedelta(seconds=services.IMPORT_STALE_S + 1)
    )
    assert _import(_csv("1")).created == ROWS
    assert not ImportBatch.objects.filter(pk=other.pk).exists()


def test_a_backup_leaves_out_a_staging_import(tmp_path):
    from losen.apps.operations.backup import write_backup

    assert _import(_csv("1")).created == ROWS
    done = ImportBatch.objects.get()
    staging = ImportBatch.objects.create(
        actor_label="system",
        imported_at=dt.datetime.now(dt.UTC),
        method="fil",
        file_name="x.csv",
        sha256="",
        format="csv",
        tables=["T1"],
        sources=["lokal"],
        observations_in_file=1,
        created_count=0,
        revised_count=0,
        unchanged_count=0,
        state=BatchState.STAGING,
    )
    row = StoredObservation.objects.filter(batch=done).first()
    row.pk, row.batch, row.is_current = None, staging, False
    row.save()
    counts = write_backup(tmp_path / "backup.jsonl")
    assert counts["insight.importbatch"] == 1
    assert counts["insight.storedobservation"] == ROWS
