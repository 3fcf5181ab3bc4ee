"""Migration audit 0002: a chain written before the key keeps verifying, and is sealed by it.

The database is taken back to ``audit 0001`` (no key, plain SHA-256 entries), entries are
written there as the earlier Losen wrote them, and the migration is run forward: the head
then records the legacy part (``legacy_until``) under the keyed seal, ``verify_chain`` and
``losen audit verify`` pass, new entries are keyed and follow on from the last legacy one, and
a legacy entry rewritten afterwards (its hash recomputed, as anyone could without the key) is
found.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from losen.apps.audit.chain import GENESIS_HASH, KEYED, LEGACY, entry_hash
from losen.apps.audit.keys import fingerprint

BEFORE = ("audit", "0001_initial")
AFTER = ("audit", "0002_keyed_chain")
LEGACY_ENTRIES = 7


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _legacy_chain(apps, count: int) -> list[str]:
    """Write *count* entries and the head as Losen did before the key; return the hashes."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    assert {f.name for f in AuditEntry._meta.fields} >= {"entry_hash", "previous_hash"}
    assert "algorithm" not in {f.name for f in AuditEntry._meta.fields}
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    previous, hashes = GENESIS_HASH, []
    for sequence in range(1, count + 1):
        fields = {
            "sequence": sequence,
            "occurred_at": start + dt.timedelta(minutes=sequence),
            "actor_id": None,
            "actor_label": "system",
            "municipality_id": None,
            "action": "read" if sequence % 2 else "update",
            "object_type": "persons.person",
            "object_id": f"{sequence:032x}",
            "reason": "før nøkkelen" if sequence == 3 else "",
            "details": {"n": sequence, "tekst": "æøå"},
            "is_flagged": sequence == 5,
        }
        digest = entry_hash(**fields, previous_hash=previous, algorithm=LEGACY)
        AuditEntry.objects.create(**fields, previous_hash=previous, entry_hash=digest)
        hashes.append(digest)
        previous = digest
    AuditHead.objects.create(pk=1, last_sequence=count, last_hash=previous)
    return hashes


@pytest.mark.django_db(transaction=True)
def test_a_legacy_chain_is_sealed_by_the_migration_and_keeps_verifying():
    from losen.apps.audit.models import Action, AuditEntry, AuditHead
    from losen.apps.audit.services import record, verify_chain
    from losen.cli import main

    try:
        apps = _migrate(BEFORE)
        hashes = _legacy_chain(apps, LEGACY_ENTRIES)

        _migrate(AFTER)
        head = AuditHead.objects.get(pk=1)
        assert (head.last_sequence, head.last_hash) == (LEGACY_ENTRIES, hashes[-1])
        assert head.legacy_until == LEGACY_ENTRIES
        assert head.key_fingerprint == fingerprint()
        assert len(head.chain_id) == 32 and len(head.seal) == 64
        entries = list(AuditEntry.objects.order_by("sequence"))
        assert [e.algorithm for e in entries] == [LEGACY] * LEGACY_ENTRIES
        assert [e.entry_hash for e in entries] == hashes  # not rewritten
        assert verify_chain(use_anchor=False).ok

        # New entries are keyed and go on from the last legacy hash.
        entry = record(actor=None, action=Action.UPDATE, object_type="test", object_id="etter")
        assert (entry.sequence, entry.algorithm) == (LEGACY_ENTRIES + 1, KEYED)
        assert entry.previous_hash == hashes[-1]
        result = verify_chain(use_anchor=False)
        assert result.ok, result
        assert main(["audit", "verify"]) == 0

        # Without the key, a legacy entry rewritten with its hash recomputed is found.
        victim = AuditEntry.objects.get(sequence=3)
        fields = {
            name: getattr(victim, name)
            for name in (
                "sequence",
                "occurred_at",
                "actor_id",
                "actor_label",
                "municipality_id",
                "action",
                "object_type",
                "object_id",
                "details",
                "is_flagged",
            )
        }
        forged = entry_hash(
            **fields, reason="endret", previous_hash=victim.previous_hash, algorithm=LEGACY
        )
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(AuditEntry._meta.db_table)
            cursor.execute(
                f"UPDATE {table} SET reason = %s, entry_hash = %s WHERE sequence = 3",
                ["endret", forged],
            )
        broken = verify_chain(use_anchor=False)
        assert not broken.ok and broken.broken_sequence == 4
    finally:
        with connection.cursor() as cursor:  # the audit log refuses deletes through the ORM
            for model in (AuditEntry, AuditHead):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
