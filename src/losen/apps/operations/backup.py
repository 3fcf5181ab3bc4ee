"""Backup and restore of a whole Losen database, streamed and signed.

The backup (format ``losen-backup`` version 2) holds every row of every Losen model, of
Django's auth tables and of the audit chain's head, with its primary keys, so foreign keys and
the audit chain come back exactly; the one exception is an indicator import still being staged
on SQLite (its batch and rows, which no reader sees and a restore must not bring back). Left
out, because ``migrate`` recreates them: content types and permissions (rows that point at one
name it by its natural key). Left out, because
they are transient and not data to restore: sessions, the cache, the throttle's rate windows
(``accounts.RateWindow``) and django-axes' sign-in attempts and lock-outs.

The file is JSON Lines (UTF-8, one JSON value a line)::

    {"format": "losen-backup", "version": 2, "created_at": …, "migrations": {…}, …}
    {"table": "accounts.municipality", "columns": ["id", "number", …]}
    [1, "4699", …]                           one line per row, values in column order
    …
    {"end": true, "counts": {"accounts.municipality": 2, …}, "rows": 1234}
    {"mac": "…"}

The last line is an HMAC-SHA256 (RFC 2104) with the audit key
(:mod:`losen.apps.audit.keys`) over every byte before it, so a file that was changed, cut
short or written with another key is refused before anything is restored.

Writing reads every table in one consistent snapshot (PostgreSQL: a ``REPEATABLE READ, READ
ONLY`` transaction; SQLite: one read transaction, which in WAL mode lets writers go on), row by
row with server-side cursors, so memory does not grow with the database. The file is written
under a temporary name in the same folder, synced to disk and then linked to its name, which
never replaces an existing file; a backup killed half-way leaves only the temporary file.

Restoring requires an empty database (fresh ``migrate``), checks the signature first, loads the
rows in batches in one transaction (checking the signature again as it reads, so a file
changed in between is rolled back), checks the audit chain, starts a new anchor chain and
records the restore itself in the audit log.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import hmac
import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils.translation import gettext as _

FORMAT = "losen-backup"
FORMAT_VERSION = 2
SIGNATURE = "hmac-sha256"
#: Rows fetched from the database at a time, and inserted at a time when restoring.
CHUNK_SIZE = 2000
#: Rows ``migrate`` creates again; rows that point at one name it by its natural key.
RECREATED_MODELS = frozenset({"contenttypes.contenttype", "auth.permission"})
#: Rows that are not data to restore: sign-ins (sessions), the throttle's counters for sign-in
#: and consultation answers (``accounts.RateWindow``: keyed hashes, each for one window of
#: minutes up to an hour), and django-axes' failed sign-ins and lock-outs (keyed hashes of
#: usernames and client addresses, kept for the cool-off and cleared on a successful sign-in).
#: Restoring them would bring back stale lock-outs and sessions the restored database never
#: issued; leaving them out, a restore starts with everyone signed out and no one locked out.
TRANSIENT_MODELS = frozenset({"sessions.session", "accounts.ratewindow"})
#: Whole apps of transient rows, when installed (every model of django-axes).
TRANSIENT_APPS = frozenset({"axes"})
EXCLUDED_MODELS = RECREATED_MODELS | TRANSIENT_MODELS
#: The longest header, table or end line read (a row line may be longer).
_MAX_META_LINE = 1 << 20


class BackupError(Exception):
    """A backup could not be written or restored; the message says what to do."""


# --- What a backup holds ------------------------------------------------------------------------


def excluded(model: type[Model]) -> bool:
    """Whether a backup leaves *model*'s rows out (see ``RECREATED_MODELS`` and
    ``TRANSIENT_MODELS``)."""
    return model._meta.label_lower in EXCLUDED_MODELS or model._meta.app_label in TRANSIENT_APPS


def backed_up_models() -> list[type[Model]]:
    """Every concrete model whose rows a backup holds (many-to-many tables included), in an
    order that loads parents before children where there is one."""
    app_list: dict = {}
    for model in apps.get_models(include_auto_created=True):
        if excluded(model) or model._meta.proxy:
            continue
        app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _columns(model: type[Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _natural_target(column: models.Field) -> type[Model] | None:
    """The excluded model a foreign key points at (named by natural key in the file)."""
    if column.is_relation and column.related_model is not None:
        target = column.related_model
        if target._meta.label_lower in RECREATED_MODELS:
            return target
    return None


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


# --- Values in and out of JSON --------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    """Values JSON has no type for, as text the field reads back (``default`` of the encoder)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} kan ikke skrives til en sikkerhetskopi")


# ASCII only: a stored lone surrogate or a NUL comes back as the same escape, never as bytes.
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=_encode_value)


def _decoder(column: models.Field):
    """A function from the JSON value to what the model field takes (``None`` stays)."""
    internal = column.get_internal_type()
    if internal == "JSONField":
        return None
    if internal == "BinaryField":
        return lambda value: None if value is None else base64.b64decode(value)
    if internal == "DurationField":
        return lambda value: None if value is None else dt.timedelta(seconds=value)
    if internal in {
        "DateTimeField",
        "DateField",
        "TimeField",
        "DecimalField",
        "UUIDField",
    }:
        return column.to_python
    return None


# --- The signed stream ----------------------------------------------------------------------------


class _SignedWriter:
    """Writes lines and keeps the running HMAC of every byte written."""

    def __init__(self, handle: BinaryIO, key: bytes) -> None:
        self.handle = handle
        self.mac = hmac.new(key, digestmod=hashlib.sha256)

    def line(self, value: Any) -> None:
        data = _ENCODER.encode(value).encode("ascii") + b"\n"
        self.mac.update(data)
        self.handle.write(data)

    def finish(self) -> None:
        self.handle.write(_ENCODER.encode({"mac": self.mac.hexdigest()}).encode("ascii") + b"\n")


@contextlib.contextmanager
def _consistent_snapshot() -> Iterator[None]:
    """Read everything inside one snapshot of the database.

    Inside a transaction the caller already has (the test suite), that transaction is the
    snapshot.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: the settings make atomic() take the write lock (BEGIN IMMEDIATE), which would
    # stop every writer for the whole backup; a deferred transaction that reads at once holds
    # one snapshot and, in WAL mode, lets them go on.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        cursor.execute("SELECT count(*) FROM sqlite_master")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _already_exists(path: Path) -> BackupError:
    return BackupError(
        _(
            "%(path)s finnes allerede; losen backup skriver aldri over en fil. Velg et nytt "
            "filnavn, eller flytt eller slett den gamle filen først."
        )
        % {"path": path}
    )


def _backed_up_rows(model: type[Model]):
    """The rows of *model* a backup holds: all of them, unless the model says otherwise with a
    ``backup_rows(manager)`` class method (import batches still being written leave
    themselves and their rows out: :meth:`losen.apps.insight.models.ImportBatch.backup_rows`).
    """
    rows = getattr(model, "backup_rows", None)
    return model._base_manager.all() if rows is None else rows(model._base_manager)


def _write_rows(writer: _SignedWriter, chunk_size: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    natural_keys: dict[type[Model], dict[Any, list]] = {}
    for model in backed_up_models():
        columns = _columns(model)
        names = [column.attname for column in columns]
        natural = {}
        for index, column in enumerate(columns):
            target = _natural_target(column)
            if target is not None:
                if target not in natural_keys:
                    natural_keys[target] = {
                        obj.pk: list(obj.natural_key()) for obj in target._default_manager.all()
                    }
                natural[index] = natural_keys[target]
        writer.line(
            {
                "table": model._meta.label_lower,
                "columns": names,
                "natural_keys": {
                    names[i]: _natural_target(columns[i])._meta.label_lower for i in natural
                },
            }
        )
        rows = _backed_up_rows(model).order_by("pk").values_list(*names).iterator(chunk_size)
        count = 0
        for row in rows:
            if natural:
                row = list(row)
                for index, mapping in natural.items():
                    if row[index] is not None:
                        row[index] = mapping[row[index]]
            writer.line(row)
            count += 1
        counts[model._meta.label_lower] = count
    return counts


def write_backup(path: Path, *, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Write the database to *path*, which must not exist yet; return the rows per model.

    The export is recorded in the audit log first (so the backup holds its own entry).
    """
    from losen.apps.audit.keys import audit_key, fingerprint
    from losen.apps.audit.models import Action
    from losen.apps.audit.services import record

    path = Path(path)
    if path.exists() or path.is_symlink():
        raise _already_exists(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise BackupError(
            _("Mappen %(directory)s finnes ikke; lag den før du tar sikkerhetskopien.")
            % {"directory": directory}
        )
    key = audit_key()
    record(actor=None, action=Action.EXPORT, object_type="backup", object_id=path.name[:64])
    # Created with mode 0600: the backup holds personal health data.
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, renamed or removed)
        dir=directory, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            writer = _SignedWriter(handle, key)
            with _consistent_snapshot():
                writer.line(
                    {
                        "format": FORMAT,
                        "version": FORMAT_VERSION,
                        "created_at": dt.datetime.now(dt.UTC).isoformat(),
                        "database_vendor": connection.vendor,
                        "migrations": _applied_migrations(),
                        "signature": SIGNATURE,
                        "key_fingerprint": fingerprint(),
                    }
                )
                counts = _write_rows(writer, chunk_size)
            writer.line({"end": True, "counts": counts, "rows": sum(counts.values())})
            writer.finish()
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            raise _already_exists(path) from None
        except OSError:  # a file system without hard links: rename, after one more look
            if path.exists():
                raise _already_exists(path) from None
            os.rename(temporary, path)
        _fsync_directory(directory)
    finally:
        temporary.unlink(missing_ok=True)
    return counts


# --- Reading a backup -----------------------------------------------------------------------------


@dataclass
class _Header:
    document: dict
    counts: dict[str, int] = field(default_factory=dict)
    rows: int = 0


def _not_a_backup(path: Path, why: str) -> BackupError:
    return BackupError(
        _("%(path)s: er ikke en Losen-sikkerhetskopi (%(why)s).") % {"path": path, "why": why}
    )


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError as error:
        raise BackupError(_("%(path)s: finnes ikke.") % {"path": path}) from error
    except IsADirectoryError as error:
        raise BackupError(_("%(path)s: er en mappe, ikke en fil.") % {"path": path}) from error
    except OSError as error:
        raise BackupError(
            _("%(path)s: kan ikke leses (%(why)s).") % {"path": path, "why": error.strerror}
        ) from error


def _meta_line(raw: bytes, path: Path, number: int) -> dict:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BackupError(
            _("%(path)s, linje %(line)s: ugyldig JSON (%(why)s).")
            % {"path": path, "line": number, "why": str(error).split(":")[0]}
        ) from error
    if not isinstance(value, dict):
        raise BackupError(
            _("%(path)s, linje %(line)s: ventet et JSON-objekt.") % {"path": path, "line": number}
        )
    return value


def _read_header(handle: BinaryIO, path: Path) -> tuple[dict, bytes]:
    first = handle.readline(_MAX_META_LINE)
    old_format = first.lstrip().startswith(b'{"format": "losen-backup", "version": 1')
    if old_format or (first.startswith(b"{") and not first.endswith(b"\n") and handle.read(1)):
        if old_format:
            raise BackupError(
                _(
                    "%(path)s: sikkerhetskopien har formatversjon 1 (usignert, fra før "
                    "revisjonsloggen fikk nøkkel); denne Losen leser bare versjon %(version)s. "
                    "Gjenopprett den med Losen-versjonen som laget den, kjør «losen migrate» med "
                    "denne versjonen og ta en ny sikkerhetskopi. Ingenting er gjenopprettet."
                )
                % {"path": path, "version": FORMAT_VERSION}
            )
        raise _not_a_backup(path, _("første linje er for lang"))
    try:
        document = json.loads(first)
    except (ValueError, RecursionError) as error:
        raise _not_a_backup(path, _("ugyldig JSON: %(why)s") % {"why": error}) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _not_a_backup(path, _("mangler format «%(format)s»") % {"format": FORMAT})
    if document.get("version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "%(path)s: sikkerhetskopien har formatversjon %(theirs)s, denne Losen leser "
                "versjon %(ours)s. Ingenting er gjenopprettet."
            )
            % {"path": path, "theirs": document.get("version"), "ours": FORMAT_VERSION}
        )
    return document, first


def _signature_problem(path: Path, document: dict) -> BackupError:
    from losen.apps.audit.keys import fingerprint

    ours = fingerprint()
    theirs = document.get("key_fingerprint")
    if theirs and theirs != ours:
        return BackupError(
            _(
                "%(path)s: sikkerhetskopien er signert med en annen nøkkel (fingeravtrykk "
                "%(theirs)s) enn revisjonsloggens nøkkel her (%(ours)s). Sett LOSEN_AUDIT_KEY "
                "til nøkkelen fra databasen som tok kopien. Ingenting er gjenopprettet."
            )
            % {"path": path, "theirs": theirs, "ours": ours}
        )
    return BackupError(
        _(
            "%(path)s: signaturen stemmer ikke: filen er endret etter at den ble laget (eller "
            "ødelagt). Den gjenopprettes ikke; bruk en annen sikkerhetskopi. Ingenting er "
            "gjenopprettet."
        )
        % {"path": path}
    )


def _check_file(path: Path, key: bytes) -> _Header:
    """Read the whole file once, in constant memory: structure, end line and signature."""
    with _open(path) as handle:
        document, first = _read_header(handle, path)
        mac = hmac.new(key, first, hashlib.sha256)
        header = _Header(document)
        number, rows, ended, signature = 1, 0, False, None
        for raw in handle:
            number += 1
            if signature is not None:
                raise _not_a_backup(path, _("noe står etter signaturlinjen"))
            if raw.startswith(b"["):
                if ended:
                    raise _not_a_backup(path, _("rader etter sluttlinjen"))
                rows += 1
                mac.update(raw)
                continue
            meta = _meta_line(raw, path, number)
            if "mac" in meta:
                signature = str(meta["mac"])
                continue
            if meta.get("end") is True:
                ended = True
                header.counts = meta.get("counts") or {}
                header.rows = int(meta.get("rows") or 0)
            mac.update(raw)
    if not ended or signature is None:
        raise BackupError(
            _(
                "%(path)s: sikkerhetskopien er ufullstendig (sluttlinjen eller signaturen "
                "mangler; filen er avkortet). Ingenting er gjenopprettet."
            )
            % {"path": path}
        )
    if not hmac.compare_digest(signature, mac.hexdigest()):
        raise _signature_problem(path, document)
    if rows != header.rows:
        raise _not_a_backup(path, _("antall rader stemmer ikke med sluttlinjen"))
    return header


def _check_schema(document: dict, path: Path) -> None:
    """Refuse a backup made with another database structure than this Losen's.

    Rows are loaded with today's models, so a backup from before a migration that removed or
    changed a field (or from a newer Losen) cannot be read row by row. The way is to restore
    it with the Losen version that made it, then upgrade that database with ``losen migrate``.
    """
    recorded = document.get("migrations")
    if not isinstance(recorded, dict):
        raise BackupError(
            _("%(path)s: sikkerhetskopien mangler listen over migrasjoner.") % {"path": path}
        )
    theirs = {(app, name) for app, names in recorded.items() for name in names}
    ours = {(app, name) for app, names in _applied_migrations().items() for name in names}
    newer = sorted(theirs - ours)
    older = sorted(ours - theirs)
    if not newer and not older:
        return

    def shown(pairs):
        text = ", ".join(f"{app} {name}" for app, name in pairs[:5])
        return text + (_(" og %(n)s til") % {"n": len(pairs) - 5} if len(pairs) > 5 else "")

    if newer:
        problem = _(
            "sikkerhetskopien er laget av en nyere Losen (databasen mangler %(missing)s). "
            "Oppgrader Losen og kjør «losen migrate» før du gjenoppretter."
        ) % {"missing": shown(newer)}
    else:
        problem = _(
            "sikkerhetskopien er laget av en eldre Losen (den mangler %(missing)s). "
            "Gjenopprett den med versjonen som laget den, kjør så «losen migrate» med denne "
            "versjonen og ta en ny sikkerhetskopi."
        ) % {"missing": shown(older)}
    raise BackupError(
        _("%(path)s: %(problem)s Ingenting er gjenopprettet.") % {"path": path, "problem": problem}
    )


def non_empty_models() -> list[str]:
    """Labels of backed-up models that already hold rows."""
    return [m._meta.label_lower for m in backed_up_models() if m._base_manager.exists()]


def _reset_sequences(models_: Iterable[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


#: Field types whose JSON value is already what the database driver takes.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "IntegerField",
        "SmallIntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
        "CharField",
        "TextField",
        "FloatField",
    }
)


def _plain(column: models.Field) -> bool:
    """Whether the value of *column* goes to the database as it comes out of JSON."""
    if column.is_relation:
        column = column.target_field
    return column.get_internal_type() in _PLAIN_TYPES and type(column).__module__.startswith(
        "django.db.models."
    )


def _direct_converter(column: models.Field, database) -> Any:
    """For Django's own date, time stamp, decimal and JSON fields: a shorter way from the
    JSON value to the very value ``to_python`` and then ``get_db_prep_save`` give (the same
    parsing, the same adaptation by the database's operations), or ``None`` where the field
    is another class (a subclass may prepare its values differently).

    A time stamp without a time zone (a backup never writes one, ``isoformat`` of an aware
    value always has an offset) takes the field's own way, with its warning.
    """
    ops = database.ops
    kind = type(column)
    if kind is models.DateTimeField:

        def datetime_value(value):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except (TypeError, ValueError):  # the field's own parsing says what is wrong
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                return column.get_db_prep_save(column.to_python(value), database)
            return ops.adapt_datetimefield_value(parsed)

        return datetime_value
    if kind is models.DateField:
        return lambda value: ops.adapt_datefield_value(column.to_python(value))
    if kind is models.DecimalField:
        digits, places = column.max_digits, column.decimal_places
        return lambda value: ops.adapt_decimalfield_value(column.to_python(value), digits, places)
    if kind is models.JSONField:
        encoder = column.encoder
        return lambda value: ops.adapt_json_value(value, encoder)
    return None


class _Loader:
    """Turns the row lines of one table into database rows and inserts them in batches.

    Rows go in with one prepared ``INSERT`` per table (``executemany``; on PostgreSQL one
    ``COPY … FROM STDIN`` a batch, which the server takes several times faster and which
    checks the same constraints), each value prepared by its field for this database
    (``get_db_prep_save``, or :func:`_direct_converter`'s shorter way to the same value) but
    nothing else run: no field's ``pre_save``, so an ``auto_now`` time or a default is not
    replaced by today's, and no signals.
    """

    def __init__(self, path: Path, batch_size: int) -> None:
        self.path = path
        self.batch_size = batch_size
        self.models = {m._meta.label_lower: m for m in backed_up_models()}
        self.model: type[Model] | None = None
        self.batch: list[tuple] = []
        self.counts: dict[str, int] = {}
        self._natural_pks: dict[str, dict[tuple, Any]] = {}

    def _natural_pk_map(self, label: str) -> dict[tuple, Any]:
        if label not in self._natural_pks:
            target = apps.get_model(label)
            self._natural_pks[label] = {
                tuple(obj.natural_key()): obj.pk for obj in target._default_manager.all()
            }
        return self._natural_pks[label]

    def table(self, meta: dict, number: int) -> None:
        self.flush()
        label = meta.get("table")
        model = self.models.get(label)
        if model is None:
            raise BackupError(
                _(
                    "%(path)s, linje %(line)s: tabellen «%(table)s» finnes ikke i denne Losen. "
                    "Ingenting er gjenopprettet."
                )
                % {"path": self.path, "line": number, "table": label}
            )
        columns = {column.attname: column for column in _columns(model)}
        names = meta.get("columns")
        if not isinstance(names, list) or set(names) != set(columns) or len(names) != len(columns):
            raise BackupError(
                _(
                    "%(path)s: kolonnene i «%(table)s» stemmer ikke med denne Losen. "
                    "Ingenting er gjenopprettet."
                )
                % {"path": self.path, "table": label}
            )
        natural = meta.get("natural_keys") or {}
        self.model = model
        self.width = len(names)
        self.converters = []
        # The connection itself, not the thread-local proxy: a value's preparation looks it up.
        database = connections[DEFAULT_DB_ALIAS]
        for index, name in enumerate(names):
            column = columns[name]
            if name in natural:
                convert = self._natural_decoder(self._natural_pk_map(natural[name]), natural[name])
            elif _plain(column):
                convert = None
            else:
                convert = _direct_converter(column, database) or self._converter(
                    _decoder(column), column.get_db_prep_save, database
                )
            if convert is not None:
                self.converters.append((index, convert))
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        quoted_columns = ", ".join(quote(columns[name].column) for name in names)
        # The names are this Losen's own tables and columns, quoted; every value is a parameter.
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
            table, quoted_columns, ", ".join(["%s"] * len(names))
        )
        self.copy_sql = (
            f"COPY {table} ({quoted_columns}) FROM STDIN"
            if connection.vendor == "postgresql"
            else None
        )
        self.counts.setdefault(label, 0)

    @staticmethod
    def _converter(decode, prepare, database):
        if decode is None:
            return lambda value: prepare(value, database)
        return lambda value: prepare(decode(value), database)

    def _natural_decoder(self, mapping: dict[tuple, Any], label: str):
        def decode(value):
            try:
                return mapping[tuple(value)]
            except (KeyError, TypeError):
                raise BackupError(
                    _(
                        "%(path)s: %(model)s %(key)s finnes ikke i denne databasen. Ingenting er "
                        "gjenopprettet."
                    )
                    % {"path": self.path, "model": label, "key": value}
                ) from None

        return decode

    def row(self, raw: bytes, number: int) -> None:
        if self.model is None:
            raise _not_a_backup(self.path, _("en rad står før første tabell"))
        try:
            values = json.loads(raw)
        except (ValueError, RecursionError) as error:
            raise BackupError(
                _("%(path)s, linje %(line)s: ugyldig JSON. Ingenting er gjenopprettet.")
                % {"path": self.path, "line": number}
            ) from error
        if not isinstance(values, list) or len(values) != self.width:
            raise BackupError(
                _(
                    "%(path)s, linje %(line)s: raden har feil antall verdier. Ingenting er "
                    "gjenopprettet."
                )
                % {"path": self.path, "line": number}
            )
        for index, convert in self.converters:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        self.batch.append(values)
        self.counts[self.model._meta.label_lower] += 1
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        with connection.cursor() as cursor:
            if self.copy_sql is None:
                cursor.executemany(self.sql, self.batch)
            else:
                # psycopg adapts each value as it would a query parameter.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in self.batch:
                        copy.write_row(values)
        self.batch = []


def restore_backup(path: Path, *, batch_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Load *path* into an empty, migrated database; all or nothing.

    Returns the rows restored per model (models without rows left out).
    """
    from losen.apps.audit import anchors
    from losen.apps.audit.keys import audit_key
    from losen.apps.audit.models import Action, AuditHead
    from losen.apps.audit.services import record, seal, verify_chain

    path = Path(path)
    key = audit_key()
    header = _check_file(path, key)
    document = header.document
    _check_schema(document, path)
    occupied = non_empty_models()
    if occupied:
        raise BackupError(
            _(
                "Databasen er ikke tom (har rader i %(tables)s). Gjenopprett til en ny, tom "
                "database: lag den og kjør «losen migrate» først. Ingenting er endret."
            )
            % {"tables": ", ".join(occupied[:5]) + ("…" if len(occupied) > 5 else "")}
        )
    loader = _Loader(path, batch_size)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows may point forward to rows restored later (a measure that requires
            # another, a parent case); the keys are checked when the whole set is in.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        with _open(path) as handle:
            document_again, first = _read_header(handle, path)
            mac = hmac.new(key, first, hashlib.sha256)
            signature = None
            for number, raw in enumerate(handle, start=2):
                if raw.startswith(b"["):
                    mac.update(raw)
                    loader.row(raw, number)
                    continue
                meta = _meta_line(raw, path, number)
                if "mac" in meta:
                    signature = str(meta["mac"])
                    break
                mac.update(raw)
                if "table" in meta:
                    loader.table(meta, number)
            loader.flush()
        if signature is None or not hmac.compare_digest(signature, mac.hexdigest()):
            raise _signature_problem(path, document_again)  # changed since the first read
        counts = {label: n for label, n in loader.counts.items() if n}
        expected = {label: n for label, n in header.counts.items() if n}
        if counts != expected:
            mismatched = sorted(
                label
                for label in set(counts) | set(expected)
                if counts.get(label) != expected.get(label)
            )
            raise BackupError(
                _(
                    "Antall rader stemmer ikke med sikkerhetskopiens opptelling for %(tables)s. "
                    "Ingenting er gjenopprettet."
                )
                % {"tables": ", ".join(mismatched)}
            )
        _reset_sequences(backed_up_models())
        result = verify_chain(use_anchor=False)
        if not result.ok:
            raise BackupError(
                _(
                    "Revisjonskjeden i sikkerhetskopien er brutt ved post %(sequence)s "
                    "(%(problem)s); ingenting er gjenopprettet."
                )
                % {"sequence": result.broken_sequence, "problem": result.problem}
            )
        # The restored chain goes on under a new id: anchor lines written for the database the
        # backup came from (and for whatever this machine held before) no longer apply.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        previous_chain = ""
        if head is not None:
            previous_chain = head.chain_id
            head.chain_id = os.urandom(16).hex()
            head.seal = seal(head, key)
            head.save(update_fields=["chain_id", "seal"])
        entry = record(
            actor=None,
            action=Action.RESTORE,
            object_type="backup",
            object_id=str(document.get("created_at", ""))[:64],
            details={"rows": sum(counts.values()), "previous_chain": previous_chain},
        )
        new_head = AuditHead.objects.get(pk=1)
        anchors.append_later(
            key, chain_id=new_head.chain_id, sequence=entry.sequence, entry_hash=entry.entry_hash
        )
    return counts
