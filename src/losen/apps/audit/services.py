"""Writing and verifying the audit log.

What the keyed chain proves, and what it does not (the threat model, also in docs/security.md):

* Someone who can change the database but does not hold the audit key cannot edit, insert,
  remove or reorder entries, nor recompute the chain and the head, without ``verify_chain``
  naming the first entry that does not fit.
* They could put back an older head row with its valid seal after deleting the newest
  entries; the external anchor file (:mod:`losen.apps.audit.anchors`) catches that for every
  entry up to its last line.
* Someone who holds both the database and the key can rewrite everything. Keep the key away
  from the database's machine and its backups (an environment variable from a secret store).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from . import anchors
from .chain import GENESIS_HASH, KEYED, LEGACY, entry_hash, equal, head_seal, key_fingerprint
from .keys import audit_key
from .models import Action, AuditEntry, AuditHead

logger = logging.getLogger("losen.audit")


class ChainHeadMissing(Exception):
    """The chain has entries but no head row: someone removed it; nothing can be appended."""


def _now() -> dt.datetime:
    """The current time, truncated to microseconds as every database stores it."""
    return dt.datetime.now(dt.UTC)


def seal(head: AuditHead, key: bytes) -> str:
    """The seal *head* should carry with *key*."""
    return head_seal(
        key,
        chain_id=head.chain_id,
        last_sequence=head.last_sequence,
        last_hash=head.last_hash,
        legacy_until=head.legacy_until,
    )


def new_head_fields(key: bytes) -> dict[str, Any]:
    """The fields of the head of a new, empty chain, sealed with *key*."""
    head = AuditHead(
        last_sequence=0,
        last_hash=GENESIS_HASH,
        chain_id=secrets.token_hex(16),
        legacy_until=0,
        key_fingerprint=key_fingerprint(key),
    )
    head.seal = seal(head, key)
    return {
        name: getattr(head, name)
        for name in (
            "last_sequence",
            "last_hash",
            "chain_id",
            "legacy_until",
            "key_fingerprint",
            "seal",
        )
    }


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
    key = audit_key()
    with transaction.atomic():
        head, created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults=new_head_fields(key)
        )
        if created and AuditEntry.objects.exists():
            raise ChainHeadMissing(
                "Revisjonsloggens hode mangler, men loggen har poster: noen har fjernet det. "
                "Kjør «losen audit verify» og undersøk databasen før noe mer skrives."
            )
        # Never re-seal a head whose seal is wrong: that would make a moved-back head
        # (newest entries deleted) look whole again. The entry is still written, and
        # ``verify_chain`` keeps reporting the head until someone has looked into it.
        seal_was_valid = equal(head.seal, seal(head, key))
        if not seal_was_valid:
            logger.warning("audit chain head seal does not verify; the head is not re-sealed")
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
            algorithm=KEYED,
            key=key,
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
            algorithm=KEYED,
        )
        head.last_sequence = sequence
        head.last_hash = digest
        fields = ["last_sequence", "last_hash"]
        if seal_was_valid:
            head.seal = seal(head, key)
            fields.append("seal")
        head.save(update_fields=fields)
        if seal_was_valid and sequence % anchors.every() == 0:
            anchors.append_later(key, chain_id=head.chain_id, sequence=sequence, entry_hash=digest)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain: ``ok``, how many entries, and the first break."""

    ok: bool
    entries_checked: int
    broken_sequence: int | None = None
    problem: str = ""


_ENTRY_FIELDS = (
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
    "previous_hash",
    "entry_hash",
    "algorithm",
)


def verify_chain(*, batch_size: int = 2000, use_anchor: bool = True) -> VerifyResult:
    """Walk the whole chain in order and report the first entry that does not fit.

    Checks, in order of the entries: the sequence has no gap, each entry names the one before
    it, its algorithm is the one its sequence number calls for, its HMAC (or, for entries
    from before the key, its SHA-256) matches, and it agrees with the anchor file. Then the
    head: present, sealed with the key, and pointing at the last entry; and nothing the
    anchor file remembers is missing at the end. A whole chain adds a line to the anchor file
    (unless *use_anchor* is false, as during a restore).
    """
    key = audit_key()
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEntry.objects.exists():
            return VerifyResult(
                False, 0, 1, _("revisjonsloggens hode mangler, men loggen har poster")
            )
        return VerifyResult(True, 0)
    other_key = head.key_fingerprint != key_fingerprint(key)
    key_hint = (
        _(
            " Hodet er forseglet med en annen nøkkel (fingeravtrykk %(theirs)s) enn den som er "
            "satt nå (%(ours)s): kontroller LOSEN_AUDIT_KEY."
        )
        % {"theirs": head.key_fingerprint or "?", "ours": key_fingerprint(key)}
        if other_key
        else ""
    )
    anchored = anchors.read(key, head.chain_id) if use_anchor else anchors.Anchors()
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    rows = (
        AuditEntry.objects.order_by("sequence")
        .values_list(*_ENTRY_FIELDS)
        .iterator(chunk_size=batch_size)
    )
    for row in rows:
        entry = dict(zip(_ENTRY_FIELDS, row, strict=True))
        sequence = entry["sequence"]
        if sequence != expected_sequence:
            return VerifyResult(
                False,
                checked,
                expected_sequence,
                _("post %(expected)s mangler (neste post har nummer %(found)s)")
                % {"expected": expected_sequence, "found": sequence},
            )
        problem = ""
        if entry["previous_hash"] != previous_hash:
            problem = _("posten peker ikke på posten før den (previous_hash)")
        algorithm = LEGACY if sequence <= head.legacy_until else KEYED
        if not problem and entry["algorithm"] != algorithm:
            problem = _(
                "posten oppgir algoritmen «%(found)s», men post nummer %(sequence)s skal ha "
                "«%(expected)s»"
            ) % {"found": entry["algorithm"], "sequence": sequence, "expected": algorithm}
        if problem:
            return VerifyResult(False, checked, sequence, problem)
        recomputed = entry_hash(
            sequence=sequence,
            occurred_at=entry["occurred_at"],
            actor_id=entry["actor_id"],
            actor_label=entry["actor_label"],
            municipality_id=entry["municipality_id"],
            action=entry["action"],
            object_type=entry["object_type"],
            object_id=entry["object_id"],
            reason=entry["reason"],
            details=entry["details"],
            is_flagged=entry["is_flagged"],
            previous_hash=entry["previous_hash"],
            algorithm=algorithm,
            key=key,
        )
        if not equal(recomputed, entry["entry_hash"]):
            problem = _(
                "innholdet stemmer ikke med postens nøkkelsum (posten er endret, lagt til eller "
                "flyttet)"
            ) + (key_hint if algorithm == KEYED else "")
            return VerifyResult(False, checked, sequence, problem)
        anchored_hash = anchored.hashes.get(sequence)
        if anchored_hash is not None and anchored_hash != entry["entry_hash"]:
            problem = _("posten stemmer ikke med ankerfilen (den er skrevet om)")
            return VerifyResult(False, checked, sequence, problem)
        previous_hash = entry["entry_hash"]
        expected_sequence += 1
        checked += 1
    after_last = checked + 1
    if not equal(head.seal, seal(head, key)):
        return VerifyResult(
            False,
            checked,
            min(head.last_sequence, checked) + 1,
            _(
                "hodets forsegling stemmer ikke: hodet er endret uten nøkkelen (de nyeste "
                "postene kan være slettet og hodet flyttet tilbake)"
            )
            + key_hint,
        )
    if head.last_sequence > checked:
        return VerifyResult(
            False,
            checked,
            after_last,
            _("postene fra og med %(first)s til %(last)s mangler (hodet står på %(last)s)")
            % {"first": after_last, "last": head.last_sequence},
        )
    if head.last_sequence < checked or (checked and not equal(head.last_hash, previous_hash)):
        return VerifyResult(
            False,
            checked,
            head.last_sequence + 1,
            _("loggen har poster etter hodet, eller hodet peker på en annen siste post"),
        )
    if head.legacy_until > checked:
        return VerifyResult(
            False, checked, after_last, _("hodet oppgir eldre poster som ikke finnes")
        )
    if anchored.last_sequence > checked:
        return VerifyResult(
            False,
            checked,
            after_last,
            _(
                "ankerfilen kjenner post %(anchored)s, men loggen slutter ved %(last)s: de "
                "nyeste postene er slettet og hodet satt tilbake"
            )
            % {"anchored": anchored.last_sequence, "last": checked},
        )
    if anchored.bad_lines:
        lines = ", ".join(str(n) for n in anchored.bad_lines[:5])
        return VerifyResult(
            False,
            checked,
            None,
            _("ankerfilen har linjer som ikke er skrevet med nøkkelen (linje %(lines)s)")
            % {"lines": lines},
        )
    if use_anchor and checked and anchored.hashes.get(checked) != previous_hash:
        anchors.append(key, chain_id=head.chain_id, sequence=checked, entry_hash=previous_hash)
    return VerifyResult(True, checked)
