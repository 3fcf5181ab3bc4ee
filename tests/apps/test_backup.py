"""Backup then restore into an empty database gives back every row; an altered file is refused.

These run in the test database (SQLite, or PostgreSQL with ``DATABASE_URL``); the tests that
start ``losen backup`` as a separate process (a kill in the middle, a backup while other
processes write, a restore into a second database) are in ``tests/faults/test_backup.py``, and
the 4-million-row memory measurement is ``benchmarks/backup.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tracemalloc
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.db import connection

from losen.apps.accounts.models import User
from losen.apps.audit.keys import audit_key
from losen.apps.audit.models import Action, AuditEntry, AuditHead
from losen.apps.audit.services import verify_chain
from losen.apps.operations.backup import (
    BackupError,
    backed_up_models,
    restore_backup,
    write_backup,
)
from losen.cli import main


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every backed-up model (foreign keys to permissions by natural key)."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }


def _without_the_restore(snapshot: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The snapshot without what a restore itself changes: its own audit entry, and the
    head's chain id, length, last hash and seal that follow from it."""
    moving = {"chain_id", "seal", "last_sequence", "last_hash"}
    heads = [
        {**row, "fields": {k: v for k, v in row["fields"].items() if k not in moving}}
        for row in snapshot["audit.audithead"]
    ]
    entries = [r for r in snapshot["audit.auditentry"] if r["fields"]["action"] != Action.RESTORE]
    return {**snapshot, "audit.auditentry": entries, "audit.audithead": heads}


def _empty_database() -> None:
    """Remove every backed-up row behind the ORM's back (the audit log refuses deletes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(
                connection.ops.quote_name(m._meta.db_table) for m in backed_up_models()
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} CASCADE")
            return
        for model in reversed(backed_up_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _resign(path: Path, lines: list[bytes], key: bytes | None = None) -> None:
    """Write *lines* (without their signature line) and sign them, as only someone with the
    audit key could."""
    body = b"".join(line for line in lines if not line.startswith(b'{"mac"'))
    mac = hmac.new(key or audit_key(), body, hashlib.sha256).hexdigest()
    path.write_bytes(body + json.dumps({"mac": mac}).encode() + b"\n")


def _edit(path: Path, change, *, resign: bool) -> None:
    """Apply *change* to the decoded lines, keep the signature line unless *resign*."""
    lines = []
    for raw in _lines(path):
        value = json.loads(raw)
        value = change(value)
        if value is not None:
            lines.append(json.dumps(value, separators=(",", ":")).encode() + b"\n")
    if resign:
        _resign(path, lines)
    else:
        path.write_bytes(b"".join(lines))


# --- Round trip -----------------------------------------------------------------------------------


def test_backup_then_restore_gives_back_every_row(demo, client_for, tmp_path):
    """Every row of every model comes back identical, and the audit chain still verifies."""
    from django.urls import reverse

    from losen.apps.persons.models import Person

    person = Person.objects.filter(care_relations__user__username="kliniker").first()
    client_for("kliniker").get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    )
    # Rows in the many-to-many tables too, one of them pointing at a permission (by name).
    group = Group.objects.create(name="revisorer")
    group.permissions.add(Permission.objects.get(codename="view_user"))
    demo["users"]["leder"].groups.add(group)
    demo["users"]["leder"].user_permissions.add(Permission.objects.get(codename="change_user"))

    path = tmp_path / "losen-backup.jsonl"
    counts = write_backup(path)
    before = _snapshot()  # the database as of the backup's moment (it holds its own entry)
    assert before["audit.auditentry"][-1]["fields"]["action"] == Action.EXPORT
    assert counts == {label: len(rows) for label, rows in before.items()}
    assert sum(counts.values()) > 500
    through = ("auth.group_permissions", "accounts.user_groups", "accounts.user_user_permissions")
    assert [counts[label] for label in through] == [1, 1, 1]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left

    _empty_database()
    assert all(not rows for rows in _snapshot().values())

    restored = restore_backup(path)
    assert restored == {label: n for label, n in counts.items() if n}
    after = _snapshot()
    restore_entries = [
        r for r in after["audit.auditentry"] if r["fields"]["action"] == Action.RESTORE
    ]
    assert len(restore_entries) == 1 and restore_entries[0] == after["audit.auditentry"][-1]
    assert _without_the_restore(after) == _without_the_restore(before)
    head = AuditHead.objects.get(pk=1)
    assert head.last_sequence == before["audit.audithead"][0]["fields"]["last_sequence"] + 1
    assert head.chain_id != before["audit.audithead"][0]["fields"]["chain_id"]
    assert verify_chain().ok
    assert main(["audit", "verify"]) == 0
    assert User.objects.get(username="leder").has_perm("accounts.view_user")


def _tables_in(path: Path) -> set[str]:
    return {json.loads(line)["table"] for line in _lines(path) if line.startswith(b'{"table"')}


def test_sessions_throttle_windows_and_sign_in_attempts_are_left_out(demo, tmp_path):
    """Transient rows are not data to restore (docs/operations.md lists them): a backup holds
    none of them, a restore brings none back, and a database holding only such rows counts
    as empty."""
    import datetime as dt

    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from losen.apps.accounts.models import RateWindow

    soon = timezone.now() + dt.timedelta(minutes=10)
    RateWindow.objects.create(key="a" * 64, count=3, expires_at=soon)
    AccessAttempt.objects.create(
        username="b" * 64,
        ip_address="192.0.2.10",
        user_agent="",
        http_accept="",
        path_info="/logg-inn/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    Session.objects.create(session_key="c" * 32, session_data="", expire_date=soon)
    transient = {
        "accounts.ratewindow",
        "sessions.session",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accesslog",
        "axes.accessfailurelog",
        "contenttypes.contenttype",
        "auth.permission",
    }
    assert not transient & {m._meta.label_lower for m in backed_up_models()}

    path = tmp_path / "b.jsonl"
    counts = write_backup(path)
    tables = _tables_in(path)
    assert "accounts.user" in tables and "audit.auditentry" in tables
    assert not transient & tables and not transient & set(counts)
    assert b"192.0.2.10" not in path.read_bytes()

    # Only transient rows left (the other installation's lock-out, say): still empty enough.
    _empty_database()
    for model in (RateWindow, AccessAttempt, Session):
        model.objects.all().delete()
    RateWindow.objects.create(key="d" * 64, count=1, expires_at=soon)
    restore_backup(path)
    assert list(RateWindow.objects.values_list("key", flat=True)) == ["d" * 64]
    assert not AccessAttempt.objects.exists() and not Session.objects.exists()
    assert verify_chain().ok


def test_restore_refuses_a_database_that_is_not_empty(demo, tmp_path):
    path = tmp_path / "b.jsonl"
    write_backup(path)
    rows = AuditEntry.objects.count()
    with pytest.raises(BackupError, match="ikke tom"):
        restore_backup(path)
    assert AuditEntry.objects.count() == rows


def test_backup_refuses_to_overwrite_a_file(db, tmp_path, capsys):
    path = tmp_path / "kopi.jsonl"
    path.write_text("gammel kopi", encoding="utf-8")
    assert main(["backup", str(path)]) == 2
    captured = capsys.readouterr()
    assert "finnes allerede" in captured.err and "skriver aldri over" in captured.err
    assert captured.out == ""
    assert path.read_text(encoding="utf-8") == "gammel kopi"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kopi.jsonl"]


def test_backup_into_a_folder_that_does_not_exist_exits_2(db, tmp_path, capsys):
    assert main(["backup", str(tmp_path / "mangler" / "kopi.jsonl")]) == 2
    captured = capsys.readouterr()
    assert "finnes ikke" in captured.err and captured.out == ""


# --- Refused files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "ugyldig JSON"),
        (json.dumps({"format": "other"}), "mangler format"),
        (json.dumps({"format": "losen-backup", "version": 99, "objects": []}), "formatversjon 99"),
        (
            json.dumps({"format": "losen-backup", "version": 1, "objects": [{}] * 10}),
            r"formatversjon 1 \(usignert",
        ),
        ("[" * 100_000, "ugyldig JSON"),
        ("", "ugyldig JSON"),
    ],
)
def test_restore_rejects_malformed_files_with_a_clear_message(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BackupError, match=message):
        restore_backup(path)
    assert not AuditEntry.objects.exists()


def test_a_version_1_backup_is_refused_with_the_way_forward(db, tmp_path):
    """The earlier format (one unsigned JSON document) is refused without reading it whole."""
    path = tmp_path / "v1.json"
    document = {"format": "losen-backup", "version": 1, "objects": [{"x": "y" * 100}] * 20_000}
    with path.open("w", encoding="utf-8") as handle:
        json.dump(document, handle)  # as version 1 wrote it: one line of about 2 MB
    with pytest.raises(BackupError) as raised:
        restore_backup(path)
    assert "formatversjon 1" in str(raised.value) and "losen migrate" in str(raised.value)


@pytest.mark.django_db
def test_a_backup_cut_short_is_refused(tmp_path):
    path = tmp_path / "b.jsonl"
    write_backup(path)
    lines = _lines(path)
    path.write_bytes(b"".join(lines[: len(lines) // 2]))
    _empty_database()
    with pytest.raises(BackupError, match="ufullstendig"):
        restore_backup(path)
    assert not AuditEntry.objects.exists()


def test_a_hand_edited_backup_with_an_injected_superuser_is_refused(demo, tmp_path, capsys):
    """The probe's attack: a superuser row added to the file. Exit 2, nothing restored."""
    path = tmp_path / "b.jsonl"
    assert main(["backup", str(path)]) == 0
    capsys.readouterr()
    lines = _lines(path)
    table = next(i for i, line in enumerate(lines) if b'"table":"accounts.user"' in line)
    columns = json.loads(lines[table])["columns"]
    template = dict(zip(columns, json.loads(lines[table + 1]), strict=True))
    intruder = {
        **template,
        "id": 9999,
        "username": "mallory",
        "is_superuser": True,
        "is_staff": True,
        "external_id": "8c0a6c5e-4a36-4f38-9a5b-8e7e1d3b9f11",
    }
    lines.insert(table + 1, json.dumps([intruder[c] for c in columns]).encode() + b"\n")
    path.write_bytes(b"".join(lines))  # the old signature line stays at the end
    _empty_database()
    assert main(["restore", str(path)]) == 2
    captured = capsys.readouterr()
    assert "signaturen stemmer ikke" in captured.err
    assert "Ingenting er gjenopprettet" in captured.err
    assert captured.out == ""
    assert not User.objects.exists() and not AuditEntry.objects.exists()


def test_a_backup_signed_with_another_key_is_refused_and_says_so(db, tmp_path, settings):
    path = tmp_path / "b.jsonl"
    write_backup(path)
    settings.AUDIT_KEY = b"the key of another installation, 32 bytes+"
    _empty_database()
    with pytest.raises(BackupError, match="annen nøkkel") as raised:
        restore_backup(path)
    assert "LOSEN_AUDIT_KEY" in str(raised.value)
    assert not AuditEntry.objects.exists()


def test_anything_after_the_signature_is_refused(db, tmp_path):
    path = tmp_path / "b.jsonl"
    write_backup(path)
    with path.open("ab") as handle:
        handle.write(b'[1, "tilf\\u00f8yd"]\n')
    _empty_database()
    with pytest.raises(BackupError, match="etter signaturlinjen"):
        restore_backup(path)


def test_re_signed_with_the_key_an_edited_audit_entry_is_still_refused(demo, tmp_path):
    """Someone who holds the key can sign anything; the chain check in the restore still
    refuses an edited entry (it cannot tell a rewritten chain that was recomputed with the
    key, which docs/security.md says)."""
    path = tmp_path / "b.jsonl"
    write_backup(path)
    state = {"table": None, "columns": None}

    def change(value):
        if isinstance(value, dict) and "table" in value:
            state.update(table=value["table"], columns=value["columns"])
        elif isinstance(value, list) and state["table"] == "audit.auditentry":
            row = dict(zip(state["columns"], value, strict=True))
            if row["sequence"] == 3:
                row["reason"] = "endret i ettertid"
                return [row[c] for c in state["columns"]]
        return value

    _edit(path, change, resign=True)
    _empty_database()
    with pytest.raises(BackupError, match="brutt ved post 3"):
        restore_backup(path)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["clinical"].append("9999_from_the_future"), "nyere Losen"),
        (lambda m: m["clinical"].pop(), "eldre Losen"),
        (lambda m: m.clear(), "eldre Losen"),
    ],
)
def test_a_backup_of_another_database_structure_is_refused_before_anything(
    demo, tmp_path, change, message
):
    """A backup from before (or after) a migration names the difference and restores nothing."""
    path = tmp_path / "b.jsonl"
    write_backup(path)

    def edit(value):
        if isinstance(value, dict) and value.get("format") == "losen-backup":
            change(value["migrations"])
        return value

    _edit(path, edit, resign=True)
    _empty_database()
    with pytest.raises(BackupError, match=message) as raised:
        restore_backup(path)
    assert "losen migrate" in str(raised.value)
    assert "Ingenting er gjenopprettet" in str(raised.value)
    assert not AuditEntry.objects.exists()


# --- Memory does not grow with the database -------------------------------------------------------


def _peak_traced_bytes(function) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.django_db
def test_backup_and_restore_memory_does_not_grow_with_the_rows(tmp_path):
    """Peak traced memory for 5 000 and for 25 000 audit entries (a valid chain) is about
    the same, for the backup and for the restore: both stream. Holding the rows, as the
    earlier format did, grows the peak about fivefold. (benchmarks/backup.py does 4 million
    rows and measures the process's peak resident memory.)"""
    from benchmarks.backup import fill_audit_chain

    peaks = {}
    written = 0
    for rows in (5_000, 25_000):
        fill_audit_chain(rows - written)
        written = rows
        path = tmp_path / f"{rows}.jsonl"
        peaks[("backup", rows)] = _peak_traced_bytes(lambda path=path: write_backup(path))
        written += 1  # the backup's own entry
        _empty_database()
        peaks[("restore", rows)] = _peak_traced_bytes(lambda path=path: restore_backup(path))
        written += 1  # the restore's entry
        assert AuditEntry.objects.count() == written
    for kind in ("backup", "restore"):
        small, large = peaks[(kind, 5_000)], peaks[(kind, 25_000)]
        assert large < small * 1.3 + 1_000_000, (kind, small, large)
        assert large < 20_000_000, (kind, large)
    assert verify_chain().ok
    assert AuditHead.objects.get(pk=1).last_sequence == written
