"""The external anchor: an append-only file of (chain, sequence, hash) lines, each keyed.

The chain head lives in the database. Someone who can write to the database but does not have
the key cannot forge a new seal, but could put back an older head row with its valid seal
(from an earlier copy) after deleting the newest entries. The anchor file, outside the
database, remembers how far the chain had come: ``record`` adds a line every
``AUDIT_ANCHOR_EVERY`` entries (after the commit), and every successful ``losen audit verify``
adds one for the head it checked. Verification then requires every anchored entry to exist
with the same hash.

Each line is one JSON object with an HMAC (:func:`losen.apps.audit.chain.anchor_mac`). Lines
of other chains (another database, one before a restore) are skipped. Keep the file on other
storage than the database, or ship its lines elsewhere; on Linux ``chattr +a`` makes it
append-only even for its owner.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .chain import anchor_mac, equal

logger = logging.getLogger("losen.audit")


def anchor_file() -> Path | None:
    """The anchor file, or ``None`` when the settings switch it off (``AUDIT_ANCHOR_FILE``)."""
    configured = getattr(settings, "AUDIT_ANCHOR_FILE", None)
    return Path(configured) if configured else None


def every() -> int:
    """How many entries between two anchor lines written by ``record``."""
    return max(1, int(getattr(settings, "AUDIT_ANCHOR_EVERY", 100)))


def append(key: bytes, *, chain_id: str, sequence: int, entry_hash: str) -> None:
    """Add one line (a single ``write`` on a file opened for appending)."""
    path = anchor_file()
    if path is None or not chain_id:
        return
    line = json.dumps(
        {
            "chain_id": chain_id,
            "sequence": sequence,
            "entry_hash": entry_hash,
            "mac": anchor_mac(key, chain_id=chain_id, sequence=sequence, entry_hash=entry_hash),
        },
        separators=(",", ":"),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, (line + "\n").encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        # The entry itself is committed; a missing anchor line only narrows what can be proved.
        logger.warning("audit anchor could not be written (%s)", error.strerror)


def append_later(key: bytes, *, chain_id: str, sequence: int, entry_hash: str) -> None:
    """Append once the surrounding transaction commits (never for an entry rolled back)."""
    from django.db import transaction

    transaction.on_commit(
        lambda: append(key, chain_id=chain_id, sequence=sequence, entry_hash=entry_hash)
    )


@dataclass
class Anchors:
    """The lines of one chain: sequence → hash, and the lines that did not verify."""

    hashes: dict[int, str] = field(default_factory=dict)
    bad_lines: list[int] = field(default_factory=list)

    @property
    def last_sequence(self) -> int:
        return max(self.hashes, default=0)


def read(key: bytes, chain_id: str) -> Anchors:
    """Read the lines of *chain_id*; a last line cut short (a crash while writing) is ignored."""
    anchors = Anchors()
    path = anchor_file()
    if path is None or not chain_id or not path.exists():
        return anchors
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                break
            try:
                data = json.loads(raw)
                line_chain, sequence, digest, mac = (
                    data["chain_id"],
                    int(data["sequence"]),
                    str(data["entry_hash"]),
                    str(data["mac"]),
                )
            except (ValueError, KeyError, TypeError):
                anchors.bad_lines.append(number)
                continue
            if line_chain != chain_id:
                continue
            expected = anchor_mac(key, chain_id=chain_id, sequence=sequence, entry_hash=digest)
            if not equal(mac, expected):
                anchors.bad_lines.append(number)
                continue
            known = anchors.hashes.get(sequence)
            if known is not None and known != digest:
                anchors.bad_lines.append(number)
                continue
            anchors.hashes[sequence] = digest
    return anchors
