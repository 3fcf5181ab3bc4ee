"""The keyed audit chain: each way of rewriting the log without the key is found.

An attacker here can read and write every row of the database (raw SQL behind the ORM's
back) and knows the algorithms, but does not hold the audit key. For each kind of tampering
the test rewrites the log the way such an attacker would (recomputing every hash and the head
with the key they do not have replaced by a guess, or with plain SHA-256), and checks that
``verify_chain`` fails and names the first entry that does not fit.
"""

from __future__ import annotations

import hashlib
import json
import string

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from losen.apps.audit import chain
from losen.apps.audit.chain import GENESIS_HASH, KEYED, LEGACY, entry_hash, head_seal
from losen.apps.audit.keys import audit_key, fingerprint
from losen.apps.audit.models import Action, AuditEntry, AuditHead
from losen.apps.audit.services import ChainHeadMissing, record, verify_chain
from losen.cli import main

ENTRY_TABLE = AuditEntry._meta.db_table
HEAD_TABLE = AuditHead._meta.db_table
GUESSED_KEY = b"the attacker's guess at the key, 32+ bytes long"

_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "municipality_id",
    "action",
    "object_type",
    "object_id",
    "reason",
    "details",
    "is_flagged",
)


def _sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _write(n: int, **kwargs) -> list[AuditEntry]:
    return [
        record(actor=None, action=Action.CREATE, object_type="test", object_id=str(i), **kwargs)
        for i in range(n)
    ]


def _rows() -> list[dict]:
    return list(AuditEntry.objects.order_by("sequence").values(*_FIELDS, "previous_hash", "pk"))


def _attacker_rechains(*, key: bytes | None, start: int = 1) -> None:
    """Recompute every hash from *start* on, the links and the head, as someone without the
    real key would: with a guessed key, or with plain SHA-256 when *key* is None."""
    rows = _rows()
    previous = GENESIS_HASH
    for row in rows:
        if row["sequence"] < start:
            previous = AuditEntry.objects.get(pk=row["pk"]).entry_hash
            continue
        fields = {name: row[name] for name in _FIELDS}
        digest = entry_hash(
            **fields,
            previous_hash=previous,
            algorithm=LEGACY if key is None else KEYED,
            key=key,
        )
        _sql(
            f"UPDATE {ENTRY_TABLE} SET previous_hash = %s, entry_hash = %s, algorithm = %s "
            "WHERE id = %s",
            [previous, digest, LEGACY if key is None else KEYED, row["pk"]],
        )
        previous = digest
    head = AuditHead.objects.get(pk=1)
    last = rows[-1]["sequence"] if rows else 0
    _attacker_moves_head(last, previous, key=key or GUESSED_KEY, legacy_until=head.legacy_until)


def _attacker_moves_head(sequence: int, last_hash: str, *, key: bytes, legacy_until=0) -> None:
    head = AuditHead.objects.get(pk=1)
    forged = head_seal(
        key,
        chain_id=head.chain_id,
        last_sequence=sequence,
        last_hash=last_hash,
        legacy_until=legacy_until,
    )
    _sql(
        f"UPDATE {HEAD_TABLE} SET last_sequence = %s, last_hash = %s, legacy_until = %s, "
        "seal = %s WHERE id = 1",
        [sequence, last_hash, legacy_until, forged],
    )


@pytest.fixture
def anchor_file(settings, tmp_path):
    """An anchor file of the test's own, a line every 3 entries."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit_anchor"
    settings.AUDIT_ANCHOR_EVERY = 3
    return settings.AUDIT_ANCHOR_FILE


# --- What holds -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_entries_are_keyed_and_the_head_is_sealed():
    entries = _write(4)
    assert {e.algorithm for e in entries} == {KEYED}
    head = AuditHead.objects.get(pk=1)
    assert head.last_sequence == 4 and head.last_hash == entries[-1].entry_hash
    assert head.key_fingerprint == fingerprint() and len(head.chain_id) == 32
    assert head.seal == head_seal(
        audit_key(),
        chain_id=head.chain_id,
        last_sequence=4,
        last_hash=entries[-1].entry_hash,
        legacy_until=0,
    )
    # The plain SHA-256 of the same fields is not what is stored: the key is needed.
    fields = {name: getattr(entries[0], name) for name in _FIELDS}
    assert entries[0].entry_hash != entry_hash(**fields, previous_hash=GENESIS_HASH)
    assert verify_chain().ok


# --- Each kind of tampering -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("guess", [None, GUESSED_KEY], ids=["sha256", "guessed-key"])
def test_edited_entry_with_the_chain_and_head_recomputed_without_the_key(guess):
    _write(6)
    _sql(f"UPDATE {ENTRY_TABLE} SET reason = %s WHERE sequence = 4", ["ingen grunn"])
    _attacker_rechains(key=guess, start=4)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 4 and result.entries_checked == 3


@pytest.mark.django_db
def test_the_whole_chain_recomputed_as_legacy_is_found_at_the_first_entry():
    """Calling every entry "sha256" (the unkeyed algorithm) does not help."""
    _write(3)
    _attacker_rechains(key=None)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 1
    assert "algoritmen «sha256»" in result.problem


@pytest.mark.django_db
def test_newest_entries_deleted_and_the_head_moved_back():
    entries = _write(6)
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence > 4")
    _attacker_moves_head(4, entries[3].entry_hash, key=GUESSED_KEY)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 5
    assert "forsegling" in result.problem


@pytest.mark.django_db
def test_newest_entries_deleted_and_the_head_left_alone():
    _write(6)
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence > 4")
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 5 and "5 til 6 mangler" in result.problem


@pytest.mark.django_db
def test_every_entry_and_the_head_deleted():
    _write(3)
    _sql(f"DELETE FROM {ENTRY_TABLE}")
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 1


@pytest.mark.django_db
def test_the_head_row_deleted():
    _write(3)
    _sql(f"DELETE FROM {HEAD_TABLE}")
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 1 and "hode mangler" in result.problem
    with pytest.raises(ChainHeadMissing):
        _write(1)


@pytest.mark.django_db
def test_middle_entry_deleted():
    _write(5)
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence = 3")
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 3 and "post 3 mangler" in result.problem


@pytest.mark.django_db
def test_middle_entry_deleted_and_the_rest_renumbered_and_rechained():
    _write(5)
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence = 3")
    for sequence in (4, 5):
        _sql(
            f"UPDATE {ENTRY_TABLE} SET sequence = %s WHERE sequence = %s", [sequence - 1, sequence]
        )
    _attacker_rechains(key=GUESSED_KEY, start=3)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 3


@pytest.mark.django_db
def test_entry_inserted_at_the_end():
    entries = _write(3)
    forged = entry_hash(
        sequence=4,
        occurred_at=entries[-1].occurred_at,
        actor_id=None,
        actor_label="system",
        municipality_id=None,
        action=Action.LOGIN,
        object_type="",
        object_id="",
        reason="",
        details={},
        is_flagged=False,
        previous_hash=entries[-1].entry_hash,
        algorithm=KEYED,
        key=GUESSED_KEY,
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                sequence=4,
                occurred_at=entries[-1].occurred_at,
                actor_label="system",
                action=Action.LOGIN,
                previous_hash=entries[-1].entry_hash,
                entry_hash=forged,
                algorithm=KEYED,
            )
        ]
    )
    _attacker_moves_head(4, forged, key=GUESSED_KEY)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 4


@pytest.mark.django_db
def test_entry_inserted_in_the_middle_and_the_chain_recomputed():
    entries = _write(4)
    for sequence in (4, 3):
        _sql(
            f"UPDATE {ENTRY_TABLE} SET sequence = %s WHERE sequence = %s", [sequence + 1, sequence]
        )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                sequence=3,
                occurred_at=entries[1].occurred_at,
                actor_label="system",
                action=Action.READ,
                previous_hash="x" * 64,
                entry_hash="y" * 64,
                algorithm=KEYED,
            )
        ]
    )
    _attacker_rechains(key=GUESSED_KEY, start=3)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 3


@pytest.mark.django_db
def test_two_entries_swapped():
    _write(5)
    _sql(f"UPDATE {ENTRY_TABLE} SET sequence = 1000 WHERE sequence = 3")
    _sql(f"UPDATE {ENTRY_TABLE} SET sequence = 3 WHERE sequence = 4")
    _sql(f"UPDATE {ENTRY_TABLE} SET sequence = 4 WHERE sequence = 1000")
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 3


@pytest.mark.django_db
def test_two_entries_swapped_and_the_chain_recomputed():
    _write(5)
    _sql(f"UPDATE {ENTRY_TABLE} SET sequence = 1000 WHERE sequence = 3")
    _sql(f"UPDATE {ENTRY_TABLE} SET sequence = 3 WHERE sequence = 4")
    _sql(f"UPDATE {ENTRY_TABLE} SET sequence = 4 WHERE sequence = 1000")
    _attacker_rechains(key=GUESSED_KEY, start=3)
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 3


@pytest.mark.django_db
def test_another_key_is_found_and_named(settings):
    _write(3)
    settings.AUDIT_KEY = b"another key of at least thirty-two bytes!"
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 1
    assert "annen nøkkel" in result.problem and "LOSEN_AUDIT_KEY" in result.problem


@pytest.mark.django_db
def test_moving_the_legacy_boundary_needs_the_key():
    """Declaring keyed entries legacy (so plain SHA-256 would do) breaks the head's seal."""
    _write(4)
    _sql(f"UPDATE {HEAD_TABLE} SET legacy_until = 4 WHERE id = 1")
    _attacker_rechains(key=None)
    result = verify_chain()
    assert not result.ok
    assert "forsegling" in result.problem


@pytest.mark.django_db
def test_a_head_with_a_broken_seal_is_never_sealed_again():
    """Entries go on being written, but a moved-back head stays detectable."""
    entries = _write(6)
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence > 4")
    _attacker_moves_head(4, entries[3].entry_hash, key=GUESSED_KEY)
    _write(2)
    result = verify_chain()
    assert not result.ok and "forsegling" in result.problem


# --- The external anchor --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_old_head_put_back_after_deleting_the_newest_is_found_by_the_anchor(anchor_file):
    """Replaying an earlier head row with its valid seal passes the seal check; the anchor
    file (a line every 3 entries, after the commit) remembers entry 6."""
    _write(4)
    old_head = AuditHead.objects.values("last_sequence", "last_hash", "legacy_until", "seal").get(
        pk=1
    )
    _write(3)
    assert [json.loads(line)["sequence"] for line in anchor_file.read_text().splitlines()] == [
        3,
        6,
    ]
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence > 4")
    _sql(
        f"UPDATE {HEAD_TABLE} SET last_sequence = %s, last_hash = %s, legacy_until = %s, "
        "seal = %s WHERE id = 1",
        list(old_head.values()),
    )
    result = verify_chain()
    assert not result.ok and result.broken_sequence == 5
    assert "ankerfilen kjenner post 6" in result.problem


@pytest.mark.django_db(transaction=True)
def test_a_successful_verify_anchors_the_head(anchor_file):
    _write(2)
    assert verify_chain().ok
    lines = anchor_file.read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [2]
    assert verify_chain().ok
    assert anchor_file.read_text().splitlines() == lines  # the same head is not anchored twice
    assert oct(anchor_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db(transaction=True)
def test_an_anchor_line_without_the_key_and_a_rewritten_anchored_entry(anchor_file):
    entries = _write(3)
    head = AuditHead.objects.get(pk=1)
    with anchor_file.open("a") as handle:
        handle.write(
            json.dumps(
                {
                    "chain_id": head.chain_id,
                    "sequence": 1,
                    "entry_hash": entries[0].entry_hash,
                    "mac": "0" * 64,
                }
            )
            + "\n"
        )
    result = verify_chain()
    assert not result.ok and "ankerfilen har linjer" in result.problem


@pytest.mark.django_db(transaction=True)
def test_a_line_cut_short_by_a_crash_is_ignored(anchor_file):
    _write(3)
    with anchor_file.open("a") as handle:
        handle.write('{"chain_id": "abc", "seq')
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_entry_writes_no_anchor_line(anchor_file):
    from django.db import transaction

    _write(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _write(1)  # would be the third, anchored entry
        raise RuntimeError("abort")
    assert not anchor_file.exists()
    _write(1)
    assert [json.loads(line)["sequence"] for line in anchor_file.read_text().splitlines()] == [3]
    assert verify_chain().ok


# --- The command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_verify_names_the_first_bad_entry_and_exits_1(capsys):
    entries = _write(5)
    assert main(["audit", "verify"]) == 0
    assert "5 poster kontrollert" in capsys.readouterr().out
    _sql(f"DELETE FROM {ENTRY_TABLE} WHERE sequence > 3")
    _attacker_moves_head(3, entries[2].entry_hash, key=GUESSED_KEY)
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "brutt ved post 4" in out and "forsegling" in out


# --- The hash itself ------------------------------------------------------------------------------

_text = st.text(alphabet=string.ascii_letters + "æøåÆØÅ -", max_size=20)


@given(
    reason=_text,
    changed=_text,
    sequence=st.integers(min_value=1, max_value=10**12),
    key=st.binary(min_size=32, max_size=64),
)
def test_any_change_of_a_field_or_the_key_changes_the_keyed_hash(reason, changed, sequence, key):
    import datetime as dt

    fields = dict(
        sequence=sequence,
        occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        actor_id=1,
        actor_label="kliniker",
        municipality_id=2,
        action="read",
        object_type="persons.person",
        object_id="p1",
        reason=reason,
        details={"n": 1},
        is_flagged=False,
        previous_hash=GENESIS_HASH,
    )
    digest = entry_hash(**fields, algorithm=KEYED, key=key)
    assert digest != entry_hash(**fields, algorithm=LEGACY)
    assert digest != entry_hash(**fields, algorithm=KEYED, key=key + b"x")
    assert digest != entry_hash(**{**fields, "sequence": sequence + 1}, algorithm=KEYED, key=key)
    if changed != reason:
        assert digest != entry_hash(**{**fields, "reason": changed}, algorithm=KEYED, key=key)


def test_legacy_hash_is_the_one_earlier_versions_wrote():
    """Entries from before the key still verify: the legacy digest is unchanged."""
    import datetime as dt

    fields = dict(
        sequence=1,
        occurred_at=dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC),
        actor_id=None,
        actor_label="system",
        municipality_id=None,
        action="create",
        object_type="test",
        object_id="0",
        reason="",
        details={},
        is_flagged=False,
        previous_hash=GENESIS_HASH,
    )
    payload = {**fields, "occurred_at": "2026-01-01T12:00:00.000000+00:00"}
    expected = hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    assert chain.entry_hash(**fields) == expected == chain.entry_hash(**fields, algorithm=LEGACY)
