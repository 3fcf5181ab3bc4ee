"""How an audit entry's hash, the chain head's seal and an anchor line are computed.

Kept apart so verification and writing agree, and free of Django so it can be reasoned about
(and property-tested) on its own.

Two algorithms exist, and an entry's algorithm is fixed by its sequence number:

* ``sha256`` (legacy): the plain SHA-256 digest of the entry's canonical JSON. Anyone who can
  write to the database can recompute it, so it proves nothing on its own. Entries written
  before the key was introduced keep it; the head records up to which sequence
  (``legacy_until``), under the keyed seal.
* ``hmac-sha256``: an HMAC-SHA256 (RFC 2104) of the same canonical JSON plus the algorithm's
  name, with the audit key that is kept outside the database. Without the key nobody can
  write an entry, or rewrite one and every entry after it, that verifies.

The first keyed entry covers the last legacy entry's hash (``previous_hash``), so the legacy
part of a chain is sealed too once one keyed entry (or the keyed head) follows it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
LEGACY = "sha256"
KEYED = "hmac-sha256"
ALGORITHMS = (LEGACY, KEYED)


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass"
    )


def entry_hash(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    municipality_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    details: dict[str, Any],
    is_flagged: bool,
    previous_hash: str,
    algorithm: str = LEGACY,
    key: bytes | None = None,
) -> str:
    """Return the hex digest over an entry's fields and the previous entry's hash.

    With ``algorithm="hmac-sha256"`` *key* is required and the digest is an HMAC; with
    ``"sha256"`` (entries from before the key) it is the plain digest the earlier Losen wrote.
    """
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "municipality_id": municipality_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "reason": reason,
        "details": details,
        "is_flagged": is_flagged,
        "previous_hash": previous_hash,
    }
    if algorithm == LEGACY:
        return hashlib.sha256(_canonical(payload)).hexdigest()
    if algorithm != KEYED:
        raise ValueError(f"unknown audit algorithm {algorithm!r}")
    if not key:
        raise ValueError("the keyed audit algorithm needs a key")
    payload["algorithm"] = KEYED
    return hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()


def head_seal(
    key: bytes, *, chain_id: str, last_sequence: int, last_hash: str, legacy_until: int
) -> str:
    """The keyed seal over the chain head: which chain, how long, its last hash, and up to
    which sequence the legacy algorithm applies. Moving the head back (after deleting the
    newest entries) or changing the legacy boundary needs the key."""
    message = _canonical(
        {
            "kind": "losen-audit-head",
            "chain_id": chain_id,
            "last_sequence": last_sequence,
            "last_hash": last_hash,
            "legacy_until": legacy_until,
        }
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def anchor_mac(key: bytes, *, chain_id: str, sequence: int, entry_hash: str) -> str:
    """The keyed checksum of one line of the external anchor file."""
    message = _canonical(
        {
            "kind": "losen-audit-anchor",
            "chain_id": chain_id,
            "sequence": sequence,
            "entry_hash": entry_hash,
        }
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """A short public name for a key (an HMAC of a fixed text; it does not reveal the key).

    Shown when a chain or a backup was sealed with another key than the one configured, so
    the operator sees a wrong ``LOSEN_AUDIT_KEY`` rather than only "broken"."""
    return hmac.new(key, b"losen-audit-key-fingerprint", hashlib.sha256).hexdigest()[:16]


def equal(a: str, b: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
