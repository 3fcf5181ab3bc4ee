"""Backup and restore of a whole Losen database as one JSON document.

The backup holds every row of every Losen model and of Django's auth tables, with its primary
keys, so foreign keys and the audit chain come back exactly. Left out, because ``migrate``
recreates them or they are transient: content types, permissions, sessions and the cache.
Restoring requires an empty database (fresh ``migrate``), checks the audit chain afterwards,
and records the restore itself in the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

FORMAT = "losen-backup"
FORMAT_VERSION = 1
EXCLUDED_MODELS = frozenset(
    {"contenttypes.contenttype", "auth.permission", "sessions.session", "audit.audithead"}
)


class BackupError(Exception):
    """A backup could not be written or restored; the message says what to do."""


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping microseconds: audit hashes cover the exact timestamp."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[Model]]:
    """Every concrete model whose rows a backup holds, in an order safe for loading."""
    app_list = {}
    for model in apps.get_models():
        if model._meta.label_lower in EXCLUDED_MODELS or model._meta.proxy:
            continue
        app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def write_backup(path: Path) -> dict[str, int]:
    """Write the database to *path* (atomically: a temporary file renamed at the end)."""
    counts: dict[str, int] = {}
    objects: list[dict] = []
    with transaction.atomic():  # one consistent snapshot
        for model in backed_up_models():
            rows = model._default_manager.order_by("pk")
            serialized = serializers.serialize(
                "python", rows, use_natural_foreign_keys=True, use_natural_primary_keys=False
            )
            counts[model._meta.label_lower] = len(serialized)
            objects.extend(serialized)
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database_vendor": connection.vendor,
            "migrations": _applied_migrations(),
            "counts": counts,
            "objects": objects,
        }
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, cls=_ExactJSONEncoder, ensure_ascii=False)
    temporary.replace(path)
    return counts


def _read_document(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as error:
        raise BackupError(f"{path}: finnes ikke.") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(
            f"{path}: er ikke en Losen-sikkerhetskopi (ugyldig JSON: {error})."
        ) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path}: er ikke en Losen-sikkerhetskopi (mangler format «{FORMAT}»).")
    if document.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: sikkerhetskopien har formatversjon {document.get('version')}, "
            f"denne Losen leser versjon {FORMAT_VERSION}."
        )
    if not isinstance(document.get("objects"), list):
        raise BackupError(f"{path}: feltet «objects» mangler eller er ikke en liste.")
    return document


def _check_schema(document: dict, path: Path) -> None:
    """Refuse a backup made with another database structure than this Losen's.

    Rows are loaded with today's models, so a backup from before a migration that removed or
    changed a field (or from a newer Losen) cannot be read row by row. The way is to restore
    it with the Losen version that made it, then upgrade that database with ``losen migrate``.
    """
    recorded = document.get("migrations")
    if not isinstance(recorded, dict):
        raise BackupError(f"{path}: sikkerhetskopien mangler listen over migrasjoner.")
    theirs = {(app, name) for app, names in recorded.items() for name in names}
    ours = {(app, name) for app, names in _applied_migrations().items() for name in names}
    newer = sorted(theirs - ours)
    older = sorted(ours - theirs)
    if not newer and not older:
        return

    def shown(pairs):
        text = ", ".join(f"{app} {name}" for app, name in pairs[:5])
        return text + (f" og {len(pairs) - 5} til" if len(pairs) > 5 else "")

    if newer:
        problem = (
            f"sikkerhetskopien er laget av en nyere Losen (databasen mangler {shown(newer)}). "
            "Oppgrader Losen og kjør «losen migrate» før du gjenoppretter."
        )
    else:
        problem = (
            f"sikkerhetskopien er laget av en eldre Losen (den mangler {shown(older)}). "
            "Gjenopprett den med versjonen som laget den, kjør så «losen migrate» med denne "
            "versjonen og ta en ny sikkerhetskopi."
        )
    raise BackupError(f"{path}: {problem} Ingenting er gjenopprettet.")


def non_empty_models() -> list[str]:
    """Labels of backed-up models that already hold rows."""
    return [m._meta.label_lower for m in backed_up_models() if m._default_manager.exists()]


def _reset_sequences(models: Iterable[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def restore_backup(path: Path) -> dict[str, int]:
    """Load *path* into an empty, migrated database; all or nothing."""
    from losen.apps.audit.chain import GENESIS_HASH
    from losen.apps.audit.models import Action, AuditEntry, AuditHead
    from losen.apps.audit.services import record, verify_chain

    document = _read_document(path)
    _check_schema(document, path)
    occupied = non_empty_models()
    if occupied:
        raise BackupError(
            "Databasen er ikke tom (har rader i "
            + ", ".join(occupied[:5])
            + ("…" if len(occupied) > 5 else "")
            + "). Gjenopprett til en ny, tom database: lag den og kjør «losen migrate» først."
        )
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Rows may point forward to rows restored later (a measure that requires
                # another, a parent case); the keys are checked when the whole set is in.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for deserialized in serializers.deserialize(
                "python", document["objects"], handle_forward_references=True
            ):
                deserialized.save()
                label = deserialized.object._meta.label_lower
                counts[label] = counts.get(label, 0) + 1
            expected = document.get("counts") or {}
            mismatched = [label for label, n in expected.items() if counts.get(label, 0) != n]
            if mismatched:
                raise BackupError(
                    "Antall rader stemmer ikke med sikkerhetskopiens opptelling for "
                    + ", ".join(mismatched)
                    + ". Ingenting er gjenopprettet."
                )
            _reset_sequences(backed_up_models())
            last = AuditEntry.objects.order_by("-sequence").first()
            AuditHead.objects.update_or_create(
                pk=1,
                defaults={
                    "last_sequence": last.sequence if last else 0,
                    "last_hash": last.entry_hash if last else GENESIS_HASH,
                },
            )
            result = verify_chain()
            if not result.ok:
                raise BackupError(
                    f"Revisjonskjeden i sikkerhetskopien er brutt ved post {result.broken_sequence}"
                    f" ({result.problem}); ingenting er gjenopprettet."
                )
            record(
                actor=None,
                action=Action.RESTORE,
                object_type="backup",
                object_id=str(document.get("created_at", ""))[:64],
                details={"rows": sum(counts.values())},
            )
    except serializers.base.DeserializationError as error:
        raise BackupError(
            f"{path}: kunne ikke lese en rad: {error}. Ingenting er gjenopprettet."
        ) from error
    return counts
