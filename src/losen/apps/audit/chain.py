"""How an audit entry's hash is computed. Kept apart so verification and writing agree."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


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
) -> str:
    """Return the SHA-256 hex digest over an entry's fields and the previous entry's hash."""
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
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
