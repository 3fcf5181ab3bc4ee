"""Importing, exporting and attaching indicator figures: every write is atomic and audited.

An import reads the whole file with the domain's :func:`~losen.domain.indicators.parse` and
checks that every observation fits the table before it writes anything; a file is stored whole
or not at all. On PostgreSQL it writes in one transaction. On SQLite, whose one write lock
every page that writes needs too, it writes its rows unseen in short transactions and then
makes them current (see "SQLite: staged, then published" below). See :mod:`.models` for the
scope (national or one municipality's) and the history kept on revision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import operator
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.domain import indicators as ind

from .models import BatchState, ComparisonProfile, ImportBatch, ImportMethod, StoredObservation

#: Rows per UPDATE or multi-row INSERT: within SQLite's and PostgreSQL's parameter limits.
WRITE_BATCH = 500
#: Rows prepared and written at a time (one ``executemany``; a part of the ``COPY``), and a
#: progress step.
INSERT_CHUNK = 5000
#: The largest value the numeric column holds (32 digits, 10 after the point).
MAX_ABS_VALUE = Decimal(10) ** 22
#: Ordinals are batch id × this + position in the file, so exports keep the file's order.
ORDINAL_STRIDE = 10_000_000
#: Seconds an import waits for another import of the same table (same scope) to finish before
#: it gives up and says so; see :func:`_lock_tables`.
IMPORT_LOCK_WAIT_S = 15.0
#: Seconds between two tries for that lock.
IMPORT_LOCK_POLL_S = 0.2

_LIMITS = {
    f.name: f.max_length
    for f in StoredObservation._meta.get_fields()
    if getattr(f, "max_length", None) and f.name not in {"key_hash"}
}


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of an import: ``phase`` (``lest``, ``kontrollert``, ``lagrer``, ``ferdig``),
    how much of ``total`` is done."""

    phase: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.done / self.total)


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did. ``problems`` is non-empty exactly when nothing was stored."""

    format: str
    problems: tuple[str, ...] = ()
    batch: ImportBatch | None = None
    in_file: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def scope_label(municipality) -> str:
    """The scope part of an observation's key: ``national`` or the municipality number."""
    return "national" if municipality is None else f"kommune:{municipality.number}"


def key_hash(obs: ind.Observation, scope: str, dims: str | None = None) -> str:
    """A stable hash of an observation's key (:func:`~losen.domain.indicators.observation_key`)
    within a scope; *dims* is :func:`dimensions_text` when the caller has it already."""
    parts = (
        scope,
        obs.source,
        obs.table,
        obs.contents_code,
        obs.region_code,
        obs.region_vintage,
        obs.period,
        dimensions_text(obs) if dims is None else dims,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def dimensions_text(obs: ind.Observation) -> str:
    """The other dimensions as compact JSON (``[["KOKart0000","AGD2"]]``), ``""`` for none."""
    if not obs.dimensions:
        return ""
    return json.dumps([list(p) for p in obs.dimensions], ensure_ascii=False, separators=(",", ":"))


def to_domain(row: StoredObservation) -> ind.Observation:
    """A stored row as the domain's :class:`~losen.domain.indicators.Observation`."""
    return ind.Observation(
        source=row.source,
        table=row.table,
        contents_code=row.contents_code,
        contents_label=row.contents_label,
        region_code=row.region_code,
        region_vintage=row.region_vintage,
        period=row.period,
        value=Decimal(row.value_text) if row.value_text else None,
        status=row.status or None,
        unit=row.unit,
        decimals=row.decimals,
        updated=row.updated,
        dimensions=tuple(tuple(p) for p in json.loads(row.dimensions)) if row.dimensions else (),
    )


DOMAIN_FIELDS = (
    "source",
    "table",
    "contents_code",
    "contents_label",
    "region_code",
    "region_vintage",
    "period",
    "value_text",
    "status",
    "unit",
    "decimals",
    "updated",
    "dimensions",
)


def domain_observations(rows) -> list[ind.Observation]:
    """A queryset of stored rows as domain observations, without building model instances."""
    out = []
    dims_cache: dict[str, tuple[tuple[str, str], ...]] = {}
    for (
        source,
        table,
        code,
        label,
        region,
        vintage,
        period,
        value_text,
        status,
        unit,
        decimals,
        updated,
        dims,
    ) in rows.values_list(*DOMAIN_FIELDS):
        if dims not in dims_cache:
            dims_cache[dims] = tuple(tuple(p) for p in json.loads(dims)) if dims else ()
        out.append(
            ind.Observation(
                source,
                table,
                code,
                label,
                region,
                vintage,
                period,
                Decimal(value_text) if value_text else None,
                status or None,
                unit,
                decimals,
                updated,
                dims_cache[dims],
            )
        )
    return out


def _comparable(obs: ind.Observation) -> tuple[Any, ...]:
    """The parts of an observation whose change makes a revision."""
    return (
        "" if obs.value is None else str(obs.value),
        obs.status or "",
        obs.unit,
        obs.decimals,
        obs.contents_label,
        obs.updated,
    )


def _text_problem(text: str):
    from losen.domain.safeinput import text_problem

    return text_problem(text, "", max_chars=None)


def check_fits(observations: Sequence[ind.Observation]) -> tuple[str, ...]:
    """Problems that would stop the rows from being stored, found before anything is written.

    Each text field is checked once for its longest value first; only a field that has a value
    too long is gone through row by row to name the observations.
    """
    problems: list[str] = []
    fields = (
        "source",
        "table",
        "contents_code",
        "contents_label",
        "region_code",
        "region_vintage",
        "period",
        "unit",
        "status",
    )
    for name in fields:
        texts = list(filter(None, map(operator.attrgetter(name), observations)))
        if any(_text_problem(text) for text in set(texts)):
            # The readers refuse these already; observations from elsewhere (a fetch, code)
            # are checked here too: PostgreSQL cannot store a NUL, UTF-8 no lone surrogate.
            for i, obs in enumerate(observations, start=1):
                problem = _text_problem(getattr(obs, name) or "")
                if problem:
                    problems.append(f"observation {i}: {name}: {problem.message}")
                    break
        if not texts or max(map(len, texts)) <= _LIMITS[name]:
            continue
        for i, obs in enumerate(observations, start=1):
            if len(getattr(obs, name) or "") > _LIMITS[name]:
                problems.append(
                    f"observation {i}: {name} is longer than {_LIMITS[name]} characters"
                )
                if len(problems) >= 20:
                    break
    for i, obs in enumerate(observations, start=1):
        if len(problems) >= 20:
            problems.append("… further problems not listed")
            break
        value = obs.value
        if value is not None:
            if abs(value) >= MAX_ABS_VALUE:
                problems.append(f"observation {i}: value {value} is too large to store")
            elif len(str(value)) > _LIMITS["value_text"]:
                problems.append(f"observation {i}: value {value} has too many digits")
        decimals = obs.decimals
        if decimals is not None and not -100 <= decimals <= 100:
            problems.append(f"observation {i}: decimals {decimals} out of range")
    return tuple(problems)


def import_file(
    *,
    actor,
    data: bytes,
    file_name: str,
    municipality=None,
    source: str | None = None,
    table: str | None = None,
    progress: ProgressCallback | None = None,
    limits: ind.ReadLimits | None = None,
) -> ImportOutcome:
    """Read a statistics file and store it whole, or store nothing and return every problem.

    Args:
        actor: The user importing (``None`` for the command line).
        data: The file's bytes.
        file_name: Shown in messages and kept on the batch.
        municipality: ``None`` stores national figures; a municipality stores its own.
        source: Publisher for files that do not name one (FHI JSON-stat).
        table: Table id for files that do not name one.
        progress: Called with :class:`Progress` as the import goes.
        limits: Size limits of the file (:class:`~losen.domain.indicators.ReadLimits`); the
            web import's when not given, ``COMMAND_LINE_LIMITS`` for the command line.
    """
    steps = import_steps(
        actor=actor,
        data=data,
        file_name=file_name,
        municipality=municipality,
        source=source,
        table=table,
        limits=limits,
    )
    return _drive(steps, progress)


def import_observations(
    *,
    actor,
    observations: Sequence[ind.Observation],
    file_name: str,
    data_format: str,
    municipality=None,
    method: str = ImportMethod.FETCH,
    sha256: str = "",
    source_option: str = "",
    progress: ProgressCallback | None = None,
) -> ImportOutcome:
    """Store observations already read (a fetch, the demo), with the same rules as a file."""
    steps = _store_steps(
        actor=actor,
        observations=observations,
        file_name=file_name,
        data_format=data_format,
        municipality=municipality,
        method=method,
        sha256=sha256,
        source_option=source_option,
    )
    return _drive(steps, progress)


def _drive(steps: Iterator[Progress], progress: ProgressCallback | None) -> ImportOutcome:
    while True:
        try:
            step = next(steps)
        except StopIteration as done:
            return done.value
        if progress is not None:
            progress(step)


def import_steps(
    *,
    actor,
    data: bytes,
    file_name: str,
    municipality=None,
    source: str | None = None,
    table: str | None = None,
    limits: ind.ReadLimits | None = None,
):
    """The import as a generator of :class:`Progress`; its return value is the outcome.

    The web import streams these steps to the browser as they happen. Closing the generator
    half-way rolls the transaction back, so nothing is stored.
    """
    yield Progress("lest", 0, len(data))
    result = ind.parse(
        data, file_name, source=source, table=table, regions=region_register(), limits=limits
    )
    if not result.ok:
        return ImportOutcome(result.format, problems=tuple(str(p) for p in result.problems))
    yield Progress("lest", len(data), len(data))
    return (
        yield from _store_steps(
            actor=actor,
            observations=result.observations,
            file_name=file_name,
            data_format=result.format,
            municipality=municipality,
            method=ImportMethod.FILE,
            sha256=hashlib.sha256(data).hexdigest(),
            source_option=source or "",
        )
    )


def region_register():
    """The region codes an import accepts: the shipped register and Losen's municipalities.

    See :mod:`losen.domain.indicators.register`; the municipalities registered in this
    installation (the demo's 4699 Fjordvik, say) are added to SSB's list.
    """
    from losen.apps.accounts.models import Municipality
    from losen.domain.indicators.register import default_register

    return default_register().with_codes(Municipality.objects.values_list("number", flat=True))


def check_regions(observations: Sequence[ind.Observation], register=None) -> tuple[str, ...]:
    """Region codes that do not exist, each named with the first observation that has it."""
    register = register or region_register()
    problems: list[str] = []
    seen: set[str] = set()
    for i, obs in enumerate(observations, start=1):
        code = obs.region_code
        if code in seen:
            continue
        seen.add(code)
        message = register.problem(code)
        if message:
            problems.append(f"observation {i}: {message}")
            if len(problems) >= 20:
                break
    return tuple(problems)


def _is_empty(obs: ind.Observation) -> bool:
    return obs.value is None and obs.status is None


class _TableBusy(Exception):
    """Another import of one of the tables (in the same scope) holds its lock."""


def _lock_key(scope: str, table: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory locks, from the scope and table."""
    digest = hashlib.sha256(f"losen.insight.import\x1f{scope}\x1f{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_tables(scope: str, tables: Sequence[str]) -> None:
    """Take, for this transaction, the import lock of each table in the scope, or raise.

    PostgreSQL: a transaction-level advisory lock per (scope, table), tried without waiting, in
    sorted order (two imports of overlapping tables cannot deadlock); released at commit or
    rollback. Without it two imports of the same table read the same current rows and both
    insert the new ones, and the second fails on the unique index of current rows. SQLite
    does not come here: its imports claim their tables with an unfinished batch
    (:func:`_claim`), and a second import tries again until its deadline
    (:func:`_store_steps`).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in sorted(set(tables)):
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(scope, table)])
            if not cursor.fetchone()[0]:
                raise _TableBusy(table)


def _busy_outcome(data_format: str, tables: Sequence[str], total: int) -> ImportOutcome:
    return ImportOutcome(
        data_format,
        problems=(
            _(
                "En annen import av tabell %(tables)s pågår; ingenting er lagret. Prøv igjen "
                "når den er ferdig."
            )
            % {"tables": ", ".join(tables)},
        ),
        in_file=total,
    )


def _store_steps(
    *,
    actor,
    observations: Sequence[ind.Observation],
    file_name: str,
    data_format: str,
    municipality,
    method: str,
    sha256: str,
    source_option: str,
    lock_wait_s: float | None = None,
):
    total = len(observations)
    problems = check_fits(observations)
    if not problems and method != ImportMethod.FILE:
        problems = check_regions(observations)  # a file's were checked by the reader, by line
    if problems:
        return ImportOutcome(data_format, problems=problems, in_file=total)
    if not observations:
        return ImportOutcome(data_format, problems=("the file holds no observations",))
    scope = scope_label(municipality)
    dims = _dimension_texts(observations)
    hashes = _key_hashes(observations, scope, dims)
    yield Progress("kontrollert", total, total)
    sources = sorted({o.source for o in observations})
    tables = sorted({o.table for o in observations})
    wait = IMPORT_LOCK_WAIT_S if lock_wait_s is None else lock_wait_s
    deadline = time.monotonic() + wait
    while True:
        try:
            return (
                yield from _write_steps(
                    actor=actor,
                    observations=observations,
                    file_name=file_name,
                    data_format=data_format,
                    municipality=municipality,
                    method=method,
                    sha256=sha256,
                    source_option=source_option,
                    scope=scope,
                    dims=dims,
                    hashes=hashes,
                    sources=sources,
                    tables=tables,
                )
            )
        except (_TableBusy, OperationalError) as error:
            # OperationalError: SQLite's write lock was not free within the busy timeout
            # ("database is locked"; "database table is locked" for a shared-cache database).
            if isinstance(error, OperationalError) and "locked" not in str(error):
                raise
            if time.monotonic() >= deadline:
                return _busy_outcome(data_format, tables, total)
            time.sleep(IMPORT_LOCK_POLL_S)
        except IntegrityError:
            # Another writer took a key between the read and the write (one not going through
            # this import, since imports of one table are serialised above); nothing is stored.
            return _busy_outcome(data_format, tables, total)


def _write_steps(*, municipality, **kwargs):
    """Write an import: in one transaction on PostgreSQL, staged then published on SQLite."""
    if connection.vendor == "sqlite":
        return (yield from _staged_write_steps(municipality=municipality, **kwargs))
    return (yield from _one_transaction_steps(municipality=municipality, **kwargs))


def _diff(observations, hashes, current) -> tuple[list[tuple[str, int, int, int | None]], int]:
    """What to write against the current rows: (key hash, position in the file, ordinal, id of
    the row it replaces or None) for each new or changed observation, and how many are
    unchanged."""
    to_write: list[tuple[str, int, int, int | None]] = []
    unchanged = 0
    get = current.get
    for position, digest in enumerate(hashes):
        existing = get(digest)
        if existing is None:
            to_write.append((digest, position, position, None))
        elif existing[2] == _comparable(observations[position]):
            unchanged += 1
        else:
            to_write.append((digest, position, existing[1], existing[0]))
    return to_write, unchanged


def _refusal(data_format, observations, hashes, current, to_write) -> ImportOutcome | None:
    """The outcome refusing the import when it would blank stored figures or holds none."""
    total = len(observations)
    blanked = sum(
        1
        for _digest, position, _ordinal, replaces in to_write
        if replaces is not None
        and _is_empty(observations[position])
        and current[hashes[position]][2][0]
    )
    if blanked:
        return ImportOutcome(
            data_format,
            problems=(
                _(
                    "Importen ville tømt %(count)s lagrede tall: fila har disse "
                    "observasjonene uten verdi og uten status. Ingenting er lagret. Rett "
                    "fila, eller la observasjonene uten tall være ute av den."
                )
                % {"count": blanked},
            ),
            in_file=total,
        )
    if all(map(_is_empty, observations)):
        return ImportOutcome(
            data_format,
            problems=(
                _(
                    "Ingen av de %(count)s observasjonene i fila har en verdi eller en "
                    "status; ingenting er lagret."
                )
                % {"count": total},
            ),
            in_file=total,
        )
    return None


def _batch_fields(
    *,
    actor,
    municipality,
    now,
    method,
    file_name,
    sha256,
    data_format,
    source_option,
    sources,
    tables,
    total,
) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "imported_by": actor if getattr(actor, "pk", None) else None,
        "actor_label": getattr(actor, "username", "") or "system",
        "imported_at": now,
        "method": method,
        "file_name": file_name[:255],
        "sha256": sha256,
        "format": data_format,
        "source_option": source_option,
        "sources": sources,
        "tables": tables,
        "observations_in_file": total,
    }


def _record_import(actor, batch, municipality, data_format, sha256, tables) -> None:
    record(
        actor=actor,
        action=Action.CREATE,
        target=batch,
        municipality=municipality,
        details={
            "format": data_format,
            "sha256": sha256,
            "tables": tables,
            "in_file": batch.observations_in_file,
            "created": batch.created_count,
            "revised": batch.revised_count,
            "unchanged": batch.unchanged_count,
        },
    )


def _one_transaction_steps(
    *,
    actor,
    observations: Sequence[ind.Observation],
    file_name: str,
    data_format: str,
    municipality,
    method: str,
    sha256: str,
    source_option: str,
    scope: str,
    dims: list[str],
    hashes: list[str],
    sources: list[str],
    tables: list[str],
):
    """The import in one transaction (PostgreSQL): readers see it whole at the commit.

    PostgreSQL's readers never wait for a writer (MVCC), and the advisory lock of
    :func:`_lock_tables` is the only lock another import needs, so the transaction may last
    as long as the writing does.
    """
    total = len(observations)
    with _large_write_cache(), transaction.atomic():
        _lock_tables(scope, tables)
        current = _current_rows(municipality, sources, tables)
        to_write, unchanged = _diff(observations, hashes, current)
        refused = _refusal(data_format, observations, hashes, current, to_write)
        if refused is not None:
            return refused
        if not to_write:
            yield Progress("ferdig", total, total)
            return ImportOutcome(data_format, in_file=total, unchanged=unchanged)
        revised = sum(1 for item in to_write if item[3] is not None)
        created = len(to_write) - revised
        now = dt.datetime.now(dt.UTC)
        batch = ImportBatch.objects.create(
            **_batch_fields(
                actor=actor,
                municipality=municipality,
                now=now,
                method=method,
                file_name=file_name,
                sha256=sha256,
                data_format=data_format,
                source_option=source_option,
                sources=sources,
                tables=tables,
                total=total,
            ),
            created_count=created,
            revised_count=revised,
            unchanged_count=unchanged,
        )
        # In key order: the key's unique index then grows at one end instead of everywhere
        # (the ordinal, not the row id, keeps the file's order for exports).
        to_write.sort()
        ids: list[int] | None = None
        if revised:
            # The new rows' ids are drawn first, so each replaced row is closed and pointed at
            # its successor in one UPDATE, before the successor (which takes its key in the
            # unique index of current rows) is written.
            ids = _new_ids(len(to_write))
            _close_replaced(
                [(item[3], ids[i]) for i, item in enumerate(to_write) if item[3] is not None],
                now,
            )
        first_ordinal = batch.pk * ORDINAL_STRIDE
        written = 0
        row_values = _row_maker(batch, municipality, now, with_ids=ids is not None)
        with _row_writer(with_ids=ids is not None) as write:
            for start in range(0, len(to_write), INSERT_CHUNK):
                chunk = to_write[start : start + INSERT_CHUNK]
                write(
                    [
                        row_values(
                            observations[position],
                            dims[position],
                            digest,
                            ordinal if replaces is not None else first_ordinal + ordinal,
                            None if ids is None else ids[start + i],
                        )
                        for i, (digest, position, ordinal, replaces) in enumerate(chunk)
                    ]
                )
                written += len(chunk)
                yield Progress("lagrer", unchanged + written, total)
        _record_import(actor, batch, municipality, data_format, sha256, tables)
    if len(to_write) >= ANALYZE_AFTER:
        _refresh_statistics()
    yield Progress("ferdig", total, total)
    return ImportOutcome(
        data_format,
        batch=batch,
        in_file=total,
        created=created,
        revised=revised,
        unchanged=unchanged,
    )


# --- SQLite: staged, then published in short transactions ------------------------------------
#
# SQLite has one write lock for the whole file and no queue for it: a writer that finds it
# taken sleeps and tries again until its busy timeout (20 s, the settings). An import written
# in one transaction held it for as long as it wrote (47 s of a 71 s revision of a national
# table), so every page that writes (an audited read of a person, a decision, a login) waited
# the busy timeout and answered 503. Here an import never holds the lock for more than one
# short transaction at a time:
#
# 1. Claim. One short transaction adds the batch as ``STAGING`` with its owner (``host:pid``)
#    and a heartbeat, unless an unfinished batch of the same scope claims one of its tables
#    and its owner still lives; then the import waits (``IMPORT_LOCK_WAIT_S``) and at last
#    says that another import is running, as before. Unfinished batches whose owner is dead
#    (a SIGKILL, a power cut) are cleaned up first: see :func:`_recover`.
# 2. Diff. The current rows are read outside any write transaction (WAL: a read waits for no
#    one); no other import of these tables can change them while the claim stands.
# 3. Stage. The new rows are written at most ``STAGE_CHUNK`` at a time, each chunk its own
#    transaction of about ``TRANSACTION_TARGET_S`` at most (:class:`_ChunkSize`), with
#    ``is_current`` false and no ``superseded_at``: readers ask for current rows
#    (:func:`visible_rows`) or closed ones (:func:`history_of`), so they see none of them.
#    Between two chunks the import sleeps ``STAGE_PAUSE_S``, long enough for the writers that
#    queued behind the chunk to take the lock (SQLite would otherwise hand it straight back
#    to the import, which asks again at once).
# 4. Publish. One transaction marks the batch ``PUBLISHING`` and writes its audit entry: from
#    here on the import is decided. Then the replaced rows are closed and the new ones made
#    current, at most ``PUBLISH_CHUNK`` keys at a time, each chunk a short transaction that
#    does both for the same keys, so every key always has exactly one current row. A small
#    import (at most ``PUBLISH_CHUNK`` rows to write: the web import's files, as a rule) is
#    published in the deciding transaction itself, batch complete included, so readers see
#    it whole at once. A large one becomes visible key by key over its publishing (a minute
#    or more for a national table on a busy machine, in the order of the key hashes, so in
#    no order a reader would recognise); that is the price of never holding the lock long.
#    The last transaction marks the batch ``COMPLETE``.
#
# A process killed while staging leaves rows no reader sees and a batch no list shows; one
# killed while publishing leaves a decided import half published. Either is found by the next
# SQLite import of any table (:func:`_recover`): the staged rows of an import that was not
# decided are deleted, a decided one is published to the end. A backup leaves out staging
# batches and their rows (:mod:`losen.apps.operations.backup`).

#: The most rows written by one staging transaction (fewer on a busy machine: see
#: :class:`_ChunkSize`).
STAGE_CHUNK = 2000
#: The most keys published by one transaction (a replaced row closed and its successor made
#: current; about twice the work of a staged row).
PUBLISH_CHUNK = 1000
#: Seconds one of the import's transactions should hold SQLite's write lock at most.
TRANSACTION_TARGET_S = 0.2
#: Seconds the import sleeps between two of its transactions, so that writers waiting for
#: SQLite's lock get it.
STAGE_PAUSE_S = 0.02
#: Seconds without a heartbeat after which an unfinished batch counts as abandoned even when
#: its owner seems alive (another machine, a hung process). The owner beats at every chunk.
IMPORT_STALE_S = 120.0


#: Rows to write from which an import logs how long its transactions held SQLite's lock.
LOG_LOCK_TIMES_AFTER = 10_000

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _write_transaction(times: list[float] | None = None) -> Iterator[None]:
    """``transaction.atomic()``, adding to *times* how long it held the write lock (from its
    ``BEGIN IMMEDIATE``, which has the lock when it returns, to its commit)."""
    with transaction.atomic():
        began = time.perf_counter()
        yield
    if times is not None:
        times.append(time.perf_counter() - began)


class _ClaimLost(Exception):
    """This import's unfinished batch was taken over as abandoned (it stalled too long)."""


def _owner_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(batch: ImportBatch, now: dt.datetime) -> bool:
    """Whether the process writing an unfinished *batch* is still at it.

    Dead: no heartbeat for ``IMPORT_STALE_S``, or an owner on this machine whose process no
    longer exists (a killed import is cleaned up by the very next one, not minutes later).
    """
    if batch.heartbeat_at is None or (now - batch.heartbeat_at).total_seconds() > IMPORT_STALE_S:
        return False
    host, _sep, pid = batch.owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user: alive
        return True
    return True


def _overlaps(batch: ImportBatch, municipality, tables: Sequence[str]) -> bool:
    same_scope = batch.municipality_id == (None if municipality is None else municipality.pk)
    return same_scope and bool(set(batch.tables) & set(tables))


def _beat(batch: ImportBatch) -> None:
    """In the caller's transaction: show that *batch*'s owner is at work, or raise
    :class:`_ClaimLost` when the batch was taken over."""
    updated = ImportBatch.objects.filter(pk=batch.pk, owner=batch.owner).update(
        heartbeat_at=dt.datetime.now(dt.UTC)
    )
    if not updated:
        raise _ClaimLost(batch.pk)


def _claim(fields: dict[str, Any], municipality, tables: Sequence[str]) -> ImportBatch:
    """Add this import's ``STAGING`` batch in one short transaction, or raise
    :class:`_TableBusy` when a live unfinished import of the scope claims one of *tables*.

    The check and the claim are one write transaction, and SQLite runs one at a time, so two
    imports cannot both claim a table. Abandoned batches are recovered first.
    """
    _recover()
    with transaction.atomic():
        now = dt.datetime.now(dt.UTC)
        for other in ImportBatch.objects.exclude(state=BatchState.COMPLETE):
            if _overlaps(other, municipality, tables):
                raise _TableBusy(",".join(tables))
        return ImportBatch.objects.create(
            **fields,
            created_count=0,
            revised_count=0,
            unchanged_count=0,
            state=BatchState.STAGING,
            owner=_owner_label(),
            heartbeat_at=now,
        )


def _recover() -> None:
    """Finish what dead imports left: delete the rows of an undecided one (``STAGING``), publish
    a decided one (``PUBLISHING``) to the end.

    Each abandoned batch is first taken over (its owner and heartbeat become this process's,
    in one short transaction), so two imports never recover the same one, and a recovery that
    dies in turn is taken over by the next import.
    """
    now = dt.datetime.now(dt.UTC)
    abandoned = [
        batch
        for batch in ImportBatch.objects.exclude(state=BatchState.COMPLETE)
        if not _owner_alive(batch, now)
    ]
    for batch in abandoned:
        with transaction.atomic():
            taken = ImportBatch.objects.filter(
                pk=batch.pk, owner=batch.owner, heartbeat_at=batch.heartbeat_at
            ).update(owner=_owner_label(), heartbeat_at=dt.datetime.now(dt.UTC))
        if not taken:
            continue  # another import took it over or finished it meanwhile
        batch.refresh_from_db()
        try:
            if batch.state == BatchState.STAGING:
                _discard(batch)
            else:
                _publish(batch, _unpublished_pairs(batch), batch.imported_at)
        except _ClaimLost:
            continue  # it stalled and was taken over in turn


def _staged_ids(batch: ImportBatch) -> list[int]:
    """Ids of *batch*'s rows that are not current yet (never made current: no
    ``superseded_at``)."""
    return list(
        StoredObservation.objects.filter(
            batch=batch, is_current=False, superseded_at__isnull=True
        ).values_list("id", flat=True)
    )


def _discard(batch: ImportBatch, ids: list[int] | None = None) -> None:
    """Delete an undecided batch's staged rows (*ids*, else read), ``STAGE_CHUNK`` at a time,
    then the batch itself."""
    table = connection.ops.quote_name(StoredObservation._meta.db_table)
    ids = _staged_ids(batch) if ids is None else ids
    for start in range(0, len(ids), STAGE_CHUNK):
        part = ids[start : start + STAGE_CHUNK]
        with transaction.atomic():
            _beat(batch)
            with connection.cursor() as cursor:
                for at in range(0, len(part), WRITE_BATCH):
                    few = part[at : at + WRITE_BATCH]
                    cursor.execute(
                        f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(few))})",  # noqa: S608 -- name from the model; ids are parameters
                        few,
                    )
        time.sleep(STAGE_PAUSE_S)
    with transaction.atomic():
        _beat(batch)
        with connection.cursor() as cursor:
            # Not the ORM's delete: its cascade would look for the batch's rows (gone now) by
            # reading the whole table, without an index on the batch, inside the transaction.
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(ImportBatch._meta.db_table)} "  # noqa: S608 -- name from the model; values are parameters
                "WHERE id = %s AND state = %s",
                [batch.pk, BatchState.STAGING],
            )


def _unpublished_pairs(batch: ImportBatch) -> list[tuple[int | None, int]]:
    """(id of the row it replaces or None, id) of each row of a decided *batch* not yet current,
    from the database: the replaced row is the current one with the same key."""
    staged = dict(
        StoredObservation.objects.filter(
            batch=batch, is_current=False, superseded_at__isnull=True
        ).values_list("key_hash", "id")
    )
    replaced = dict(
        StoredObservation.objects.filter(
            is_current=True,
            municipality=batch.municipality_id,
            source__in=batch.sources,
            table__in=batch.tables,
        ).values_list("key_hash", "id")
    )
    return [(replaced.get(digest), new_id) for digest, new_id in staged.items()]


def _publish_chunk(pairs: Sequence[tuple[int | None, int]], now: dt.datetime) -> None:
    """In the caller's transaction: close each replaced row and make its successor current."""
    meta = StoredObservation._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    table = quote(meta.db_table)
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        closing = [(when, new, old) for old, new in pairs if old is not None]
        if closing:
            cursor.executemany(
                f"UPDATE {table} SET {column('is_current')} = 0, {column('superseded_at')} = %s, "  # noqa: S608 -- names from the model; values are parameters
                f"{column('superseded_by')} = %s WHERE {column('id')} = %s "
                f"AND {column('is_current')}",
                closing,
            )
        cursor.executemany(
            f"UPDATE {table} SET {column('is_current')} = 1 WHERE {column('id')} = %s "  # noqa: S608 -- as above
            f"AND NOT {column('is_current')} AND {column('superseded_at')} IS NULL",
            [(new,) for _old, new in pairs],
        )


class _ChunkSize:
    """How many rows the next short transaction takes: at most *largest*, halved (down to a
    sixteenth) while a transaction holds the lock longer than ``TRANSACTION_TARGET_S``, and
    grown back while it holds it less than half of that. On a busy machine a transaction of
    the same rows takes several times as long; this keeps the lock's hold near the target."""

    def __init__(self, largest: int) -> None:
        self.largest = self.size = largest
        self.smallest = max(1, largest // 16)

    def took(self, seconds: float) -> None:
        if seconds > TRANSACTION_TARGET_S:
            self.size = max(self.smallest, self.size // 2)
        elif seconds < TRANSACTION_TARGET_S / 2:
            self.size = min(self.largest, self.size * 2)


def _publish(
    batch: ImportBatch,
    pairs: Sequence[tuple[int | None, int]],
    now: dt.datetime,
    times: list[float] | None = None,
) -> None:
    """Make a decided batch's staged rows current, at most ``PUBLISH_CHUNK`` keys per short
    transaction (see :class:`_ChunkSize`), and mark it ``COMPLETE`` with the last one."""
    times = [] if times is None else times
    size = _ChunkSize(PUBLISH_CHUNK)
    start = 0
    while True:
        chunk = pairs[start : start + size.size]
        start += len(chunk)
        with _write_transaction(times):
            _beat(batch)
            _publish_chunk(chunk, now)
            if start >= len(pairs):
                _mark_complete(batch)
        if start >= len(pairs):
            return
        size.took(times[-1])
        time.sleep(STAGE_PAUSE_S)


def _mark_complete(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=BatchState.COMPLETE, owner="", heartbeat_at=None
    )


def _give_up(batch: ImportBatch) -> None:
    """Leave *batch* to the next import's :func:`_recover` at once (no heartbeat: abandoned)."""
    with contextlib.suppress(Exception), transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk, owner=batch.owner).update(heartbeat_at=None)


def _staged_write_steps(
    *,
    actor,
    observations: Sequence[ind.Observation],
    file_name: str,
    data_format: str,
    municipality,
    method: str,
    sha256: str,
    source_option: str,
    scope: str,
    dims: list[str],
    hashes: list[str],
    sources: list[str],
    tables: list[str],
):
    """The import on SQLite: claimed, staged and published in short transactions (see above)."""
    total = len(observations)
    now = dt.datetime.now(dt.UTC)
    fields = _batch_fields(
        actor=actor,
        municipality=municipality,
        now=now,
        method=method,
        file_name=file_name,
        sha256=sha256,
        data_format=data_format,
        source_option=source_option,
        sources=sources,
        tables=tables,
        total=total,
    )
    batch = _claim(fields, municipality, tables)
    decided = False
    created = revised = 0
    try:
        with _large_write_cache():
            current = _current_rows(municipality, sources, tables)
            to_write, unchanged = _diff(observations, hashes, current)
            refused = _refusal(data_format, observations, hashes, current, to_write)
            if refused is not None or not to_write:
                _discard(batch, ids=[])
                if refused is not None:
                    return refused
                yield Progress("ferdig", total, total)
                return ImportOutcome(data_format, in_file=total, unchanged=unchanged)
            revised = sum(1 for item in to_write if item[3] is not None)
            created = len(to_write) - revised
            to_write.sort()  # key order: the key's unique index grows at one end
            first_ordinal = batch.pk * ORDINAL_STRIDE
            row_values = _row_maker(batch, municipality, now, with_ids=True, current=False)
            # (sort key for publishing, id of the replaced row or None, new id)
            # (id of the replaced row or None, new id), in key order like the rows: publishing
            # then walks the key indexes, the old rows (an earlier import wrote them in key
            # order too) and the new ones each from one end to the other, instead of touching
            # a page at random for each key.
            pairs: list[tuple[int | None, int]] = []
            written = 0
            # How long each transaction held the lock: staging, deciding, publishing.
            staged: list[float] = []
            deciding: list[float] = []
            published: list[float] = []
            size = _ChunkSize(STAGE_CHUNK)
            start = 0
            while start < len(to_write):
                chunk = to_write[start : start + size.size]
                start += len(chunk)
                with _write_transaction(staged):
                    _beat(batch)
                    ids = _new_ids(len(chunk))
                    with _row_writer(with_ids=True) as write:
                        write(
                            [
                                row_values(
                                    observations[position],
                                    dims[position],
                                    digest,
                                    ordinal if replaces is not None else first_ordinal + ordinal,
                                    ids[i],
                                )
                                for i, (digest, position, ordinal, replaces) in enumerate(chunk)
                            ]
                        )
                pairs.extend((item[3], ids[i]) for i, item in enumerate(chunk))
                written += len(chunk)
                size.took(staged[-1])
                yield Progress("lagrer", unchanged + written, total)
                time.sleep(STAGE_PAUSE_S)
            batch.created_count, batch.revised_count = created, revised
            batch.unchanged_count = unchanged
            # The decision: the batch is PUBLISHING and audited; when its keys fit one
            # transaction, they are published in it too and the batch is complete at once.
            whole = len(pairs) <= PUBLISH_CHUNK
            with _write_transaction(deciding):
                _beat(batch)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    state=BatchState.PUBLISHING,
                    created_count=created,
                    revised_count=revised,
                    unchanged_count=unchanged,
                )
                _record_import(actor, batch, municipality, data_format, sha256, tables)
                if whole:
                    _publish_chunk(pairs, now)
                    _mark_complete(batch)
            decided = True
            if not whole:
                time.sleep(STAGE_PAUSE_S)
                _publish(batch, pairs, now, published)
            if len(pairs) >= LOG_LOCK_TIMES_AFTER:
                logger.info(
                    "import %s: %s rows staged in %s transactions (longest %.0f ms), "
                    "decided in %.0f ms, published in %s (longest %.0f ms)",
                    batch.pk,
                    len(pairs),
                    len(staged),
                    1000 * max(staged),
                    1000 * deciding[0],
                    len(published),
                    1000 * max(published or [0]),
                )
    except _ClaimLost:
        return _busy_outcome(data_format, tables, total)
    except BaseException:
        # Not decided: take the staged rows away now. Decided (audited): publish the rest now.
        # When that fails too, the batch is left to the next import's _recover at once.
        try:
            if decided:
                _publish(batch, _unpublished_pairs(batch), now)
            else:
                _discard(batch)
        except Exception:
            _give_up(batch)
        raise
    batch.state = BatchState.COMPLETE
    if created + revised >= ANALYZE_AFTER:
        _refresh_statistics()  # nothing on SQLite today; kept beside PostgreSQL's path
    yield Progress("ferdig", total, total)
    return ImportOutcome(
        data_format,
        batch=batch,
        in_file=total,
        created=created,
        revised=revised,
        unchanged=unchanged,
    )


def _dimension_texts(observations: Sequence[ind.Observation]) -> list[str]:
    """:func:`dimensions_text` of each observation, worked out once per distinct combination."""
    texts: dict[tuple[tuple[str, str], ...], str] = {}
    out = []
    append = out.append
    for obs in observations:
        text = texts.get(obs.dimensions)
        if text is None:
            text = texts[obs.dimensions] = dimensions_text(obs)
        append(text)
    return out


def _key_hashes(observations: Sequence[ind.Observation], scope: str, dims: list[str]) -> list[str]:
    """:func:`key_hash` of each observation (the same text hashed, without a call per row)."""
    sha256 = hashlib.sha256
    return [
        sha256(
            f"{scope}\x1f{o.source}\x1f{o.table}\x1f{o.contents_code}\x1f{o.region_code}"
            f"\x1f{o.region_vintage}\x1f{o.period}\x1f{d}".encode()
        ).hexdigest()
        for o, d in zip(observations, dims, strict=True)
    ]


def _current_rows(municipality, sources: list[str], tables: list[str]):
    """Current rows of the scope for these sources and tables: hash → (id, ordinal, values)."""
    rows = StoredObservation.objects.filter(
        is_current=True, municipality=municipality, source__in=sources, table__in=tables
    ).values_list(
        "key_hash",
        "id",
        "ordinal",
        "value_text",
        "status",
        "unit",
        "decimals",
        "contents_label",
        "updated",
    )
    return {row[0]: (row[1], row[2], tuple(row[3:])) for row in rows.iterator(chunk_size=5000)}


#: Columns written by :func:`_row_writer`, in the order :func:`_row_maker` gives them.
_INSERT_FIELDS = (
    "batch",
    "municipality",
    "key_hash",
    "ordinal",
    "source",
    "table",
    "contents_code",
    "contents_label",
    "region_code",
    "region_vintage",
    "period",
    "dimensions",
    "value",
    "value_text",
    "status",
    "unit",
    "decimals",
    "updated",
    "fetched_at",
    "is_current",
)


def _copies() -> bool:
    """Whether rows are written with PostgreSQL's ``COPY`` (psycopg 3) rather than ``INSERT``."""
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


@contextlib.contextmanager
def _row_writer(*, with_ids: bool = False) -> Iterator[Callable[[list[Any]], None]]:
    """A function that inserts many rows at once, bypassing the ORM, valid inside the block.

    The rows are what :func:`_row_maker` makes. The ORM's ``bulk_create`` spends most of a
    large import building model instances and preparing each value; the values here are
    already plain, so they go straight to the driver. SQLite is fastest with ``executemany``.
    PostgreSQL gets one ``COPY … FROM STDIN`` (psycopg 3) for the whole block, inside the
    import's transaction like any other statement, fed with text lines made here (see
    :func:`_copy_line_maker`): the server stores rows while the next ones are being prepared.
    An exception in the block abandons the COPY, and the transaction is rolled back. Without
    psycopg 3's ``copy``, multi-row ``VALUES`` statements. *with_ids*: the rows start with
    their id (see :func:`_new_ids`).
    """
    meta = StoredObservation._meta
    quote = connection.ops.quote_name
    fields = ("id", *_INSERT_FIELDS) if with_ids else _INSERT_FIELDS
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    table = quote(meta.db_table)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if _copies():
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:

                def copy_rows(lines: list[str]) -> None:
                    copy.write("".join(lines))

                yield copy_rows
            return

        def insert_rows(rows: list[tuple[Any, ...]]) -> None:
            if connection.vendor != "postgresql":
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {marks}", rows)  # noqa: S608 -- names from the model; values are parameters
                return
            for start in range(0, len(rows), WRITE_BATCH):
                part = rows[start : start + WRITE_BATCH]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(part))}",  # noqa: S608 -- as above
                    [v for row in part for v in row],
                )

        yield insert_rows


def _row_maker(
    batch, municipality, now, *, with_ids: bool = False, current: bool = True
) -> Callable[..., Any]:
    """A function giving what :func:`_row_writer` writes for one observation: a line of
    ``COPY`` text for PostgreSQL with psycopg 3, else a tuple of values; it takes the
    observation, its dimensions text, key hash, ordinal and id (used only *with_ids*).

    What is the same for every row (batch, scope, time, the adapted update dates) is worked
    out once here, not once per row. *current*: whether the rows are written current (staged
    rows on SQLite are not: see :func:`_staged_write_steps`).
    """
    if _copies():
        if not current:
            raise ValueError("COPY writes current rows only")
        line = _copy_line_maker(batch, municipality, now)
        if not with_ids:
            return line
        return lambda obs, dims, digest, ordinal, row_id: (
            f"{row_id}\t" + line(obs, dims, digest, ordinal, row_id)
        )
    adapt_date = connection.ops.adapt_datefield_value
    # SQLite stores a Decimal through an adapter that turns it into its text; giving the text
    # directly is the same value without a Python call per row. PostgreSQL gets the Decimal.
    value_as_text = connection.vendor == "sqlite"
    dates: dict[Any, Any] = {}
    batch_id = batch.pk
    municipality_id = None if municipality is None else municipality.pk
    now = connection.ops.adapt_datetimefield_value(now)

    def row_values(obs, dims, digest, ordinal, row_id) -> tuple[Any, ...]:
        value = obs.value
        text = "" if value is None else str(value)
        updated = obs.updated
        if updated not in dates:
            dates[updated] = adapt_date(updated)
        values = (
            batch_id,
            municipality_id,
            digest,
            ordinal,
            obs.source,
            obs.table,
            obs.contents_code,
            obs.contents_label,
            obs.region_code,
            obs.region_vintage,
            obs.period,
            dims,
            (text or None) if value_as_text else value,
            text,
            obs.status or "",
            obs.unit,
            obs.decimals,
            dates[updated],
            now,
            current,
        )
        return (row_id, *values) if with_ids else values

    return row_values


#: What ``COPY``'s text format escapes in a value (PostgreSQL manual, "COPY", File Formats).
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_NULL = "\\N"


class _CopyTexts(dict):
    """Each value as ``COPY`` text, worked out once per distinct value: a national table has
    hundreds of thousands of cells but only hundreds of distinct texts besides the key hash,
    the ordinal and the value."""

    def __missing__(self, value: Any) -> str:
        if value is None:
            text = _COPY_NULL
        elif isinstance(value, str):
            text = value.translate(_COPY_ESCAPES)
        else:  # a date or a whole number
            text = str(value)
        self[value] = text
        return text


def _copy_line_maker(batch, municipality, now: dt.datetime) -> Callable[..., str]:
    """A function giving one row of ``COPY … FROM STDIN`` text (columns of ``_INSERT_FIELDS``).

    Making the text here is about five times faster than handing psycopg a tuple per row, which
    dumps every value on its own; the values are the same text the server would have received.
    """
    texts = _CopyTexts()
    t = texts.__getitem__
    scope_id = _COPY_NULL if municipality is None else str(municipality.pk)
    head = f"{batch.pk}\t{scope_id}\t"
    tail = f"\t{now.isoformat()}\tt\n"
    no_value = f"{_COPY_NULL}\t"

    def line(obs, dims, digest, ordinal, _row_id=None) -> str:
        value = obs.value
        if value is None:
            values = no_value
        else:
            text = str(value)
            values = f"{text}\t{text}"
        return (
            f"{head}{digest}\t{ordinal}\t{t(obs.source)}\t{t(obs.table)}\t"
            f"{t(obs.contents_code)}\t{t(obs.contents_label)}\t{t(obs.region_code)}\t"
            f"{t(obs.region_vintage)}\t{t(obs.period)}\t{t(dims)}\t{values}\t"
            f"{t(obs.status or '')}\t{t(obs.unit)}\t{t(obs.decimals)}\t{t(obs.updated)}{tail}"
        )

    return line


def _new_ids(count: int) -> list[int]:
    """Ids for *count* rows about to be written, drawn as the table would draw them.

    PostgreSQL: from the id column's sequence, so a concurrent writer can never take one.
    SQLite (the only other database the settings accept): the ones after the largest ever used;
    the caller is inside a write transaction (SQLite's only write lock is held until it
    commits, so no other writer can take them) and writes the rows in that same transaction;
    AUTOINCREMENT's counter follows the ids written.
    """
    table = StoredObservation._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = %s", [table])
        counter = cursor.fetchone()[0] or 0
        cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608 -- name from the model
        largest = cursor.fetchone()[0] or 0
        first = max(counter, largest) + 1
        return list(range(first, first + count))


#: Rows closed by one UPDATE on PostgreSQL (two arrays of ids as parameters).
CLOSE_CHUNK = 50_000


def _close_replaced(pairs: list[tuple[int, int]], now: dt.datetime) -> None:
    """Close each replaced row (id, successor's id): not current any more, when, and by what.

    One UPDATE per row, so each old row gets one new version: on PostgreSQL one statement for
    many rows, joining the ids to an ``unnest`` of two arrays; on SQLite ``executemany`` by
    rowid. The successors are written next, in the same transaction.
    """
    meta = StoredObservation._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"UPDATE {table} SET {column('is_current')} = false, "  # noqa: S608 -- names from the model
                f"{column('superseded_at')} = %s, {column('superseded_by')} = replaced.successor "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS replaced(id, successor) "
                f"WHERE {table}.{column('id')} = replaced.id"
            )
            for start in range(0, len(pairs), CLOSE_CHUNK):
                part = pairs[start : start + CLOSE_CHUNK]
                cursor.execute(sql, [now, [p[0] for p in part], [p[1] for p in part]])
            return
        when = connection.ops.adapt_datetimefield_value(now)
        cursor.executemany(
            f"UPDATE {table} SET {column('is_current')} = %s, {column('superseded_at')} = %s, "  # noqa: S608 -- names from the model; values are parameters
            f"{column('superseded_by')} = %s WHERE {column('id')} = %s",
            [(False, when, successor, old) for old, successor in pairs],
        )


#: Rows written by one import after which PostgreSQL's planner statistics are refreshed.
ANALYZE_AFTER = 10_000


def _refresh_statistics() -> None:
    """Bring PostgreSQL's planner statistics up to date after a large import.

    Until autovacuum gets to it, the planner believes the table is as small as before the
    import and reads a table's every version to find one municipality's current figures; with
    fresh statistics it uses the region in the index. ``ANALYZE`` samples the table; only the
    columns the reads filter on (``ANALYZED_FIELDS``) are analysed, which halves its time for a
    national table (0.6-0.7 s -> 0.3 s here: the key hashes and labels are the costly ones);
    autovacuum analyses every column later. SQLite plans without statistics.
    """
    if connection.vendor == "postgresql":
        meta = StoredObservation._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in ANALYZED_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(meta.db_table)} ({columns})")


#: The columns whose statistics the reads of :mod:`.queries` and :func:`visible_rows` need.
ANALYZED_FIELDS = ("is_current", "municipality", "source", "table", "contents_code", "region_code")


#: SQLite page cache during an import, in KiB (the default is 2 MiB). The key hashes are
#: random, so a large import writes all over their indexes; with the default cache most of
#: those writes miss. Only the importing connection uses it, and only while importing.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _large_write_cache() -> Iterator[None]:
    """Give SQLite a larger page cache while an import writes; other databases are unchanged."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


# --- Export -----------------------------------------------------------------------------------


EXPORT_FORMATS = ("csv", "json")


def export_table(
    *,
    actor,
    table: str,
    data_format: str,
    municipality=None,
    include_national: bool = True,
    source: str | None = None,
) -> tuple[bytes, int]:
    """Write the current observations of a table exactly as stored, with their status.

    Returns the bytes and the number of observations. The CSV and JSON carry the SSB/FHI
    attribution lines (CC BY 4.0) the domain writers add. The export is audited.

    Args:
        table: Table id.
        data_format: ``csv`` or ``json``.
        municipality: Whose own figures to include; ``None`` exports national figures only.
        include_national: Whether national figures are included beside the municipality's.
        source: Only this source, when given.
    """
    if data_format not in EXPORT_FORMATS:
        raise ValueError(f"format {data_format!r}: choose csv or json")
    observations = domain_observations(
        visible_rows(municipality, include_national=include_national)
        .filter(table=table, **({"source": source} if source else {}))
        .order_by("ordinal", "id")
    )
    body = ind.to_csv(observations) if data_format == "csv" else ind.to_json(observations)
    if not observations:
        return body, 0
    with transaction.atomic():
        record(
            actor=actor,
            action=Action.EXPORT,
            object_type="insight.table",
            object_id=table,
            municipality=municipality,
            details={"format": data_format, "observations": len(observations)},
        )
    return body, len(observations)


def visible_rows(municipality, *, include_national: bool = True):
    """Current rows a municipality may see: the national ones and its own."""
    from django.db.models import Q

    current = StoredObservation.objects.filter(is_current=True)
    if municipality is None:
        return current.filter(municipality__isnull=True)
    if include_national:
        return current.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
    return current.filter(municipality=municipality)


def history_of(row: StoredObservation) -> list[StoredObservation]:
    """Every stored version of a row's key, oldest first.

    Asked in two parts, current and earlier, so that each is answered from its partial index.
    An earlier version was closed (``superseded_at``); a row of an import still being written
    on SQLite is not current and was never closed, and is not a version yet.
    """
    versions = [
        *StoredObservation.objects.filter(
            key_hash=row.key_hash, is_current=False, superseded_at__isnull=False
        ),
        *StoredObservation.objects.filter(key_hash=row.key_hash, is_current=True),
    ]
    return sorted(versions, key=lambda version: (version.fetched_at, version.id))


def iter_domain(rows: Iterable[StoredObservation]) -> Iterator[ind.Observation]:
    for row in rows:
        yield to_domain(row)


# --- Comparison profile -----------------------------------------------------------------------


def set_comparison_profile(
    *, actor, municipality, kostra_group: str, region_code: str | None = None
) -> ComparisonProfile:
    """Set the KOSTRA group (``EKG01``–``EKG17``) and region code of a municipality."""
    group = kostra_group.strip().upper()
    if not (group.startswith("EKG") and group[3:].isdigit()):
        raise ValueError(f"KOSTRA group {kostra_group!r}: write it as EKG01 … EKG17")
    with transaction.atomic():
        profile, _created = ComparisonProfile.objects.update_or_create(
            municipality=municipality,
            defaults={"kostra_group": group, "region_code": region_code or municipality.number},
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="insight.comparisonprofile",
            object_id=str(municipality.external_id),
            municipality=municipality,
            details={"kostra_group": group, "region_code": profile.region_code},
        )
    return profile


# --- Figures attached to other modules' objects ---------------------------------------------


def attach_indicator(*, actor, municipality, target, snapshot, note: str = ""):
    """Freeze a figure (an :class:`~.queries.IndicatorSnapshot`) onto another module's object.

    *target* is any model instance of the municipality with an ``external_id`` (a
    prioritisation case, a follow-up, a self-assessment). The figure is copied, so later
    revisions of the statistics do not change what the case shows. Audited.
    """
    from .models import IndicatorAttachment

    target_municipality_id = getattr(target, "municipality_id", municipality.pk)
    if target_municipality_id != municipality.pk:
        raise ValueError("the target belongs to another municipality")
    with transaction.atomic():
        attachment = IndicatorAttachment.objects.create(
            municipality=municipality,
            target_type=target._meta.label_lower,
            target_id=str(getattr(target, "external_id", None) or target.pk),
            snapshot=snapshot.as_dict(),
            note=note[:500],
            attached_by=actor if getattr(actor, "pk", None) else None,
            attached_at=dt.datetime.now(dt.UTC),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=attachment,
            municipality=municipality,
            details={
                "target_type": attachment.target_type,
                "target_id": attachment.target_id,
                "indicator": snapshot.indicator,
                "period": snapshot.period,
            },
        )
    return attachment


def attachments_for(municipality, target):
    """The figures attached to *target*, oldest first; only the municipality's own."""
    from .models import IndicatorAttachment

    return list(
        IndicatorAttachment.objects.filter(
            municipality=municipality,
            target_type=target._meta.label_lower,
            target_id=str(getattr(target, "external_id", None) or target.pk),
        )
    )


def attached_figures(municipality, target) -> dict:
    """What ``insight/_attached_figures.html`` shows for *target*: its attached figures, each
    value written the way the page's language writes numbers, and the attribution they owe.

    Another module's template includes it with
    ``{% include "insight/_attached_figures.html" with figures=… %}``.
    """
    from django.utils.formats import number_format

    rows = []
    attribution: list[str] = []
    for attachment in attachments_for(municipality, target):
        snapshot = attachment.snapshot
        text = snapshot.get("value")
        shown = ""
        if text is not None:
            places = len(text.partition(".")[2])
            shown = number_format(
                Decimal(text), decimal_pos=places, use_l10n=True, force_grouping=True
            )
        rows.append({"attachment": attachment, "snapshot": snapshot, "value": shown})
        for line in snapshot.get("attribution", []):
            if line not in attribution:
                attribution.append(line)
    return {"rows": rows, "attribution": attribution}
