"""Backup then restore into an empty database gives back every row."""

from __future__ import annotations

import json

import pytest
from django.core import serializers
from django.db import connection

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.audit.services import verify_chain
from losen.apps.operations.backup import (
    BackupError,
    backed_up_models,
    restore_backup,
    write_backup,
)


def _snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label_lower: serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }


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
            for field in model._meta.local_many_to_many:
                through_table = field.remote_field.through._meta.db_table
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(through_table)}")
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def test_backup_then_restore_gives_back_every_row(demo, client_for, tmp_path):
    """Every row of every model comes back identical, and the audit chain still verifies."""
    from django.urls import reverse

    from losen.apps.persons.models import Person

    person = Person.objects.filter(care_relations__user__username="kliniker").first()
    client_for("kliniker").get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    )
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 50
    path = tmp_path / "losen-backup.json"
    counts = write_backup(path)
    assert counts == {label: len(rows) for label, rows in before.items()}

    _empty_database()
    assert all(not rows for rows in _snapshot().values())

    restored = restore_backup(path)
    assert restored == {label: n for label, n in counts.items() if n}
    after = _snapshot()
    restore_entries = [
        r for r in after["audit.auditentry"] if r["fields"]["action"] == Action.RESTORE
    ]
    assert len(restore_entries) == 1
    after["audit.auditentry"] = [r for r in after["audit.auditentry"] if r not in restore_entries]
    assert after == before
    assert verify_chain().ok


def test_restore_refuses_a_database_that_is_not_empty(demo, tmp_path):
    path = tmp_path / "b.json"
    write_backup(path)
    rows = AuditEntry.objects.count()
    with pytest.raises(BackupError, match="ikke tom"):
        restore_backup(path)
    assert AuditEntry.objects.count() == rows


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "ugyldig JSON"),
        (json.dumps({"format": "other"}), "mangler format"),
        (json.dumps({"format": "losen-backup", "version": 99, "objects": []}), "formatversjon 99"),
    ],
)
def test_restore_rejects_malformed_files_with_a_clear_message(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BackupError, match=message):
        restore_backup(path)


def test_restore_with_a_tampered_audit_chain_restores_nothing(demo, tmp_path):
    path = tmp_path / "b.json"
    write_backup(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    for obj in document["objects"]:
        if obj["model"] == "audit.auditentry" and obj["fields"]["sequence"] == 3:
            obj["fields"]["reason"] = "endret i ettertid"
    path.write_text(json.dumps(document), encoding="utf-8")
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
    path = tmp_path / "b.json"
    write_backup(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["migrations"])
    path.write_text(json.dumps(document), encoding="utf-8")
    _empty_database()
    with pytest.raises(BackupError, match=message) as raised:
        restore_backup(path)
    assert "losen migrate" in str(raised.value)
    assert "Ingenting er gjenopprettet" in str(raised.value)
    assert not AuditEntry.objects.exists()
