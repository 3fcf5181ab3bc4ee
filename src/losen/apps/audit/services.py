"""Writing and verifying the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

from .chain import GENESIS_HASH, entry_hash
from .models import Action, AuditEntry, AuditHead


def _now() -> dt.datetime:
    """The current time, truncated to microseconds as every database stores it."""
    return dt.datetime.now(dt.UTC)


def record(
    *,
    actor: Any | None,
    action: Action | str,
    target: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    municipality: Any | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    is_flagged: bool = False,
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction.

    Call it inside the ``transaction.atomic`` block of the change it describes, so that the
    change and its entry are stored together or not at all. *target* names the object by
    its model label and ``external_id`` (or primary key); never put personal data in
    *details*: use codes and counts.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(getattr(target, "external_id", None) or target.pk)
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") or (str(actor) if actor else "system")
    municipality_id = getattr(municipality, "pk", None)
    details = details or {}
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        sequence = head.last_sequence + 1
        occurred_at = _now()
        digest = entry_hash(
            sequence=sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            municipality_id=municipality_id,
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            details=details,
            is_flagged=is_flagged,
            previous_hash=head.last_hash,
        )
        entry = AuditEntry.objects.create(
            sequence=sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            municipality_id=municipality_id,
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            details=details,
            is_flagged=is_flagged,
            previous_hash=head.last_hash,
            entry_hash=digest,
        )
        head.last_sequence = sequence
        head.last_hash = digest
        head.save(update_fields=["last_sequence", "last_hash"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain: ``ok``, how many entries, and the first break."""

    ok: bool
    entries_checked: int
    broken_sequence: int | None = None
    problem: str = ""


def verify_chain(*, batch_size: int = 2000) -> VerifyResult:
    """Walk the whole chain in order and report the first entry that does not fit."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for entry in entries:
        if entry.sequence != expected_sequence:
            return VerifyResult(
                False,
                checked,
                entry.sequence,
                f"expected sequence {expected_sequence}, found {entry.sequence}",
            )
        if entry.previous_hash != previous_hash:
            return VerifyResult(
                False, checked, entry.sequence, "previous_hash does not match the entry before"
            )
        recomputed = entry_hash(
            sequence=entry.sequence,
            occurred_at=entry.occurred_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            municipality_id=entry.municipality_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            reason=entry.reason,
            details=entry.details,
            is_flagged=entry.is_flagged,
            previous_hash=entry.previous_hash,
        )
        if recomputed != entry.entry_hash:
            return VerifyResult(
                False, checked, entry.sequence, "the entry's content does not match its hash"
            )
        previous_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_sequence, head.last_hash) != (checked, previous_hash):
        return VerifyResult(
            False, checked, checked + 1, "entries after this point are missing (chain head ahead)"
        )
    return VerifyResult(True, checked)
