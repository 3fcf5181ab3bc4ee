"""Backup and restore of a large database: memory stays under 500 MB for 4 million rows.

The requirement: a backup streams (memory stays under 500 MB for 4 million rows) and restores
into an empty database, with the audit chain valid.

What runs, in one command (``.venv/bin/python -m benchmarks --only backup``):

1. For each database (SQLite in a temporary directory; PostgreSQL at ``--postgres-url`` in
   throwaway databases ``losen_bench_backup`` and ``losen_bench_restore``, created and dropped
   here, skipped when the server cannot be reached), a child process migrates an empty
   database and fills it with ``--rows`` rows (4 000 000 by default): half a valid keyed audit
   chain (the table that grows with every page a clinician opens), half stored indicator
   observations (the table a national import fills; decimals, dates and times in every row).
   The figures are invented; they are not statistics. The fill is bulk SQL in one
   transaction (SQLite: ``executemany`` of 20 000 rows at a time; PostgreSQL: ``COPY``), each
   audit entry keyed and linked to the one before as ``record`` would write it.
   ``--source-db``, ``--target-db`` and ``--peer-db`` name other PostgreSQL databases.
2. ``losen backup FILE`` runs as its own process, the command an operator runs, and its peak
   resident memory is read from the kernel when it ends (``os.wait4``, ``ru_maxrss``).
3. ``losen restore FILE`` runs the same way into a second, empty database, then ``losen audit
   verify`` on it.
4. The named peers run on the same source in the same run: the database's own dump and load
   tools (SQLite: ``sqlite3 FILE .dump`` and ``sqlite3 NEW < dump``; PostgreSQL: ``pg_dump``
   in plain SQL with COPY, and ``psql --single-transaction -f dump`` into a new, empty
   database ``losen_bench_peer``), measured the same way. They neither sign nor check
   anything, and the load does not verify an audit chain; the ratios (Losen's time and peak
   memory over the peer's) are printed for information, with no limit.
5. Each step prints its time, rows per second and peak memory, and PASS or FAIL against the
   limit (500 MiB for each of backup and restore; the restore must give back every row and
   the chain must verify). The exit code is 1 on a failure.

``--rows 200000`` gives a quick run. The generators (:func:`fill_audit_chain`,
:func:`fill_observations`) are also used by the test suite's bounded memory test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks import REPO, child_env

MEMORY_LIMIT_MIB = 500
DEFAULT_ROWS = 4_000_000
SOURCE_DB, TARGET_DB = "losen_bench_backup", "losen_bench_restore"
PEER_DB = "losen_bench_peer"
#: Rows a fill sends to the database at a time (one ``executemany`` or one ``COPY``).
BATCH = 20_000


# --- Generators (run inside a configured Django) ------------------------------------------------


def _preparation(field, database):
    """How a Python value of *field* becomes what the driver takes, or ``None`` when it goes
    as it is (text, integers, booleans, keys)."""
    from django.db import models

    ops = database.ops
    kind = type(field)
    if kind is models.DateTimeField:
        return ops.adapt_datetimefield_value
    if kind is models.DateField:
        return ops.adapt_datefield_value
    if kind is models.DecimalField:
        return partial(
            ops.adapt_decimalfield_value,
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
        )
    if kind is models.JSONField:
        return partial(ops.adapt_json_value, encoder=field.encoder)
    internal = field.get_internal_type()
    if field.is_relation or internal in {"CharField", "TextField", "BooleanField"}:
        return None
    if internal.endswith("IntegerField"):
        return None
    return partial(field.get_db_prep_save, connection=database)


class _BulkWriter:
    """Writes rows of one model in big batches: on SQLite one prepared ``INSERT`` run with
    ``executemany``, on PostgreSQL one ``COPY … FROM STDIN`` a batch. Each value is prepared
    once by the database's own adaptation of its type (as ``get_db_prep_save`` ends up doing
    for these fields), without the ORM's per-object work; the caller holds the transaction.
    """

    def __init__(self, model, names: list[str], *, batch: int = BATCH) -> None:
        from django.db import DEFAULT_DB_ALIAS, connections

        self.database = database = connections[DEFAULT_DB_ALIAS]
        self.batch_size = batch
        fields = {f.attname: f for f in model._meta.concrete_fields}
        columns = [fields[name] for name in names]
        ops = database.ops
        preparations = [_preparation(field, database) for field in columns]
        self.prepare = [(i, prepare) for i, prepare in enumerate(preparations) if prepare]
        quote = ops.quote_name
        table = quote(model._meta.db_table)
        quoted = ", ".join(quote(f.column) for f in columns)
        if database.vendor == "postgresql":
            self.copy_sql = f"COPY {table} ({quoted}) FROM STDIN"
            self.sql = None
        else:
            self.copy_sql = None
            self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (model names, quoted)
                table, quoted, ", ".join(["%s"] * len(columns))
            )
        self.rows: list[list] = []

    def add(self, values: list) -> None:
        for index, prepare in self.prepare:
            if values[index] is not None:
                values[index] = prepare(values[index])
        self.rows.append(values)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with self.database.cursor() as cursor:
            if self.copy_sql is None:
                cursor.executemany(self.sql, self.rows)
            else:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in self.rows:
                        copy.write_row(values)
        self.rows = []


_AUDIT_COLUMNS = [
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
]


def fill_audit_chain(count: int, *, batch: int = BATCH) -> None:
    """Append *count* entries to the audit chain, keyed and linked as ``record`` writes them
    (each entry's HMAC over its fields and the hash before it, with the audit key), in bulk
    (``record`` takes a lock and a transaction per entry). The head is sealed at the end, so
    ``losen audit verify`` passes."""
    from django.db import transaction

    from losen.apps.audit.chain import KEYED, entry_hash
    from losen.apps.audit.keys import audit_key
    from losen.apps.audit.models import AuditEntry, AuditHead
    from losen.apps.audit.services import new_head_fields, seal

    key = audit_key()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults=new_head_fields(key)
        )
        sequence, previous = head.last_sequence, head.last_hash
        writer = _BulkWriter(AuditEntry, _AUDIT_COLUMNS, batch=batch)
        for _ in range(count):
            sequence += 1
            occurred_at = start + dt.timedelta(seconds=sequence)
            object_id = f"{sequence:032x}"
            details = {"n": sequence % 7}
            is_flagged = sequence % 97 == 0
            digest = entry_hash(
                sequence=sequence,
                occurred_at=occurred_at,
                actor_id=None,
                actor_label="kliniker",
                municipality_id=None,
                action="read",
                object_type="persons.person",
                object_id=object_id,
                reason="",
                details=details,
                is_flagged=is_flagged,
                previous_hash=previous,
                algorithm=KEYED,
                key=key,
            )
            writer.add(
                [sequence, occurred_at, None, "kliniker", None, "read", "persons.person",
                 object_id, "", details, is_flagged, previous, digest, KEYED]
            )  # fmt: skip
            previous = digest
        writer.flush()
        head.last_sequence, head.last_hash = sequence, previous
        head.seal = seal(head, key)
        head.save(update_fields=["last_sequence", "last_hash", "seal"])


_OBSERVATION_COLUMNS = [
    "batch_id",
    "municipality_id",
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
    "superseded_at",
    "superseded_by_id",
]


def fill_observations(count: int, *, batch: int = BATCH) -> None:
    """Store *count* indicator observations in one import batch (invented figures: 40
    contents, 357 regions, 25 years, a decimal value in every row)."""
    from django.db import transaction

    from losen.apps.insight.models import ImportBatch, StoredObservation

    now = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)
    updated = dt.date(2026, 6, 15)
    with transaction.atomic():
        import_batch = ImportBatch.objects.create(
            actor_label="system",
            imported_at=now,
            method="file",
            file_name="benchmark.json",
            sha256="0" * 64,
            format="json-stat2",
            sources=["SSB"],
            tables=["12209"],
            observations_in_file=count,
            created_count=count,
            revised_count=0,
            unchanged_count=0,
        )
        writer = _BulkWriter(StoredObservation, _OBSERVATION_COLUMNS, batch=batch)
        for n in range(count):
            hundredths = n % 100_000
            writer.add(
                [import_batch.pk, None, f"{n:064x}", n, "SSB", "12209", f"KOS{n % 40:04d}",
                 "Årsverk per 10 000 innbyggere", f"{n % 357:04d}", "", str(2000 + n % 25),
                 '[["ContentsCode","KOS"]]', decimal.Decimal(hundredths) / 100,
                 f"{hundredths / 100:.2f}", "", "årsverk", 2, updated, now, True, None, None]
            )  # fmt: skip
        writer.flush()


# --- Child processes ---------------------------------------------------------------------------


def _measured(
    command: list[str], env: dict[str, str], *, stdin=None, stdout=subprocess.DEVNULL
) -> tuple[int, float, float, str]:
    """Run *command*; return its exit code, wall time, peak resident MiB and stderr."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    return process.returncode, elapsed, usage.ru_maxrss / 1024, stderr


def _losen(args: list[str], env: dict[str, str]) -> tuple[int, float, float, str]:
    """Run ``losen ARGS``; return its exit code, wall time, peak resident MiB and stderr."""
    return _measured([str(Path(sys.executable).with_name("losen")), *args], env)


# --- The named peers: the database's own dump and load tools ----------------------------------


def _peer_sqlite(env: dict[str, str], tmp: Path) -> dict[str, tuple] | str:
    """``sqlite3 FILE .dump`` of the source, and loading that dump into a new file with
    ``sqlite3 NEW < dump``."""
    tool = shutil.which("sqlite3")
    if tool is None:
        return "the sqlite3 command-line tool is not installed"
    source = Path(env["LOSEN_VAR_DIR"]) / "losen.sqlite3"
    dump, loaded = tmp / "peer.sql", tmp / "peer.sqlite3"
    with dump.open("w") as out:
        dumped = _measured([tool, str(source), ".dump"], env, stdout=out)
    with dump.open() as handle:
        load = _measured([tool, str(loaded)], env, stdin=handle)
    size = dump.stat().st_size / 2**20
    dump.unlink(missing_ok=True)
    loaded.unlink(missing_ok=True)
    return {"name": "sqlite3 .dump", "load_name": "sqlite3 < dump", "size": size,
            "dump": dumped, "load": load}  # fmt: skip


def _peer_postgres(
    source_url: str, server_url: str, tmp: Path, peer_db: str = PEER_DB
) -> dict[str, tuple] | str:
    """``pg_dump`` (plain SQL, COPY) of the source, and ``psql -f dump`` into a new, empty
    database."""
    pg_dump, psql = shutil.which("pg_dump"), shutil.which("psql")
    if pg_dump is None or psql is None:
        return "pg_dump and psql are not installed"
    dump = tmp / "peer.sql"
    env = dict(os.environ)
    dumped = _measured([pg_dump, "--no-owner", "-f", str(dump), "-d", source_url], env)
    _recreate(server_url, peer_db)
    try:
        load = _measured(
            [psql, "-q", "-X", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(dump),
             "-d", _database_url(server_url, peer_db)],
            env,
        )  # fmt: skip
    finally:
        _recreate(server_url, peer_db, create=False)
    size = dump.stat().st_size / 2**20 if dump.exists() else 0
    dump.unlink(missing_ok=True)
    return {"name": "pg_dump", "load_name": "psql -f dump", "size": size,
            "dump": dumped, "load": load}  # fmt: skip


def _fill(env: dict[str, str], rows: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("losen")), "migrate"],
        env=env,
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, "-m", "benchmarks.backup", "--fill", str(rows)],
        env=env,
        cwd=REPO,
        check=True,
    )
    return time.perf_counter() - start


def _fill_here(rows: int) -> None:
    import django

    django.setup()
    fill_audit_chain(rows // 2)
    fill_observations(rows - rows // 2)


# --- PostgreSQL: throwaway databases ------------------------------------------------------------


def _admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def _postgres_problem(url: str) -> str | None:
    try:
        with _admin(url):
            return None
    except Exception as error:  # any reason the server cannot be used is a reason to skip
        return str(error).splitlines()[0] if str(error) else type(error).__name__


def _database_url(server_url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def _recreate(url: str, *names: str, create: bool = True) -> None:
    with _admin(url) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                admin.execute(f'CREATE DATABASE "{name}"')


# --- The run -----------------------------------------------------------------------------------


def _load() -> str:
    """The machine's load averages (1, 5 and 15 minutes): others' work slows every step."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def verdict(requirement: str, measured: str, passed: bool | None) -> bool | None:
    word = "SKIPPED" if passed is None else ("PASS" if passed else "FAIL")
    print(f"  {word}: {requirement} ({measured})", flush=True)
    return passed


def _ratios(engine: str, peer: dict | str, ours: dict[str, tuple[float, float]]) -> None:
    """Print the peer's figures and Losen's against them (time and peak memory)."""
    if isinstance(peer, str):
        print(f"    peer not run: {peer}", flush=True)
        return
    for step, name in (("dump", peer["name"]), ("load", peer["load_name"])):
        code, seconds, mib, err = peer[step]
        print(
            f"    peer {name}: exit {code}, {seconds:.1f} s, peak resident memory {mib:.0f} MiB"
            + (f", file {peer['size']:.0f} MiB" if step == "dump" else ""),
            flush=True,
        )
        if code:
            print(f"    {err.strip()[-500:]}")
    for step, kind in (("dump", "backup"), ("load", "restore")):
        code, seconds, mib, _err = peer[step]
        if code or not seconds:
            continue
        our_s, our_mib = ours[kind]
        name = peer["name"] if step == "dump" else peer["load_name"]
        print(
            f"    → {engine}: losen {kind} / {name} = {our_s / seconds:.1f}× the time, "
            f"{our_mib / mib:.1f}× the peak memory",
            flush=True,
        )


def run_engine(
    engine: str,
    rows: int,
    tmp: Path,
    source_url: str | None,
    target_url: str | None,
    server_url: str | None = None,
    peer_db: str = PEER_DB,
):
    source_env = child_env(tmp / "source", source_url)
    target_env = child_env(tmp / "target", target_url)
    key = os.urandom(32).hex()
    for env in (source_env, target_env):
        env["LOSEN_AUDIT_KEY"] = key  # the restoring machine holds the same key
    fill_s = _fill(source_env, rows)
    print(
        f"  {engine}: {rows:,} rows generated and stored in {fill_s:.0f} s ({_load()})",
        flush=True,
    )
    backup_file = tmp / "losen-backup.jsonl"
    code, backup_s, backup_mib, err = _losen(["backup", str(backup_file)], source_env)
    size_mib = backup_file.stat().st_size / 2**20 if backup_file.exists() else 0
    print(
        f"    losen backup: exit {code}, {backup_s:.1f} s ({rows / backup_s:,.0f} rows/s), "
        f"file {size_mib:.0f} MiB, peak resident memory {backup_mib:.0f} MiB ({_load()})",
        flush=True,
    )
    if code:
        print(f"    {err.strip()}")
    subprocess.run(
        [str(Path(sys.executable).with_name("losen")), "migrate"],
        env=target_env,
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    code_r, restore_s, restore_mib, err_r = _losen(["restore", str(backup_file)], target_env)
    print(
        f"    losen restore: exit {code_r}, {restore_s:.1f} s ({rows / restore_s:,.0f} rows/s), "
        f"peak resident memory {restore_mib:.0f} MiB ({_load()})",
        flush=True,
    )
    if code_r:
        print(f"    {err_r.strip()}")
    code_v, verify_s, _verify_mib, _ = _losen(["audit", "verify"], target_env)
    print(f"    losen audit verify after the restore: exit {code_v}, {verify_s:.1f} s")
    if engine == "sqlite":
        peer = _peer_sqlite(source_env, tmp)
    else:
        peer = _peer_postgres(source_url, server_url, tmp, peer_db)
    _ratios(engine, peer, {"backup": (backup_s, backup_mib), "restore": (restore_s, restore_mib)})
    results = [
        verdict(
            f"{engine}: losen backup of {rows:,} rows < {MEMORY_LIMIT_MIB} MiB",
            f"{backup_mib:.0f} MiB",
            code == 0 and backup_mib < MEMORY_LIMIT_MIB,
        ),
        verdict(
            f"{engine}: losen restore of {rows:,} rows < {MEMORY_LIMIT_MIB} MiB, chain valid",
            f"{restore_mib:.0f} MiB, verify exit {code_v}",
            code_r == 0 and restore_mib < MEMORY_LIMIT_MIB and code_v == 0,
        ),
    ]
    backup_file.unlink(missing_ok=True)
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.backup", description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LOSEN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/"),
        help="server to create the throwaway databases on",
    )
    parser.add_argument(
        "--source-db", default=SOURCE_DB, help=f"PostgreSQL database to fill ({SOURCE_DB})"
    )
    parser.add_argument(
        "--target-db", default=TARGET_DB, help=f"PostgreSQL database to restore into ({TARGET_DB})"
    )
    parser.add_argument(
        "--peer-db",
        default=PEER_DB,
        help=f"PostgreSQL database psql loads the peer's dump into ({PEER_DB}; may be the "
        "target, which is emptied again after the restore is verified)",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    args, _others = parser.parse_known_args(argv)
    if args.fill is not None:
        _fill_here(args.fill)
        return 0
    if "--quick" in argv and "--rows" not in argv:
        args.rows = 200_000

    results: list[bool | None] = []
    with tempfile.TemporaryDirectory(prefix="losen-bench-backup-") as name:
        tmp = Path(name)
        if not args.skip_sqlite:
            results += run_engine("sqlite", args.rows, tmp / "sqlite", None, None)
            shutil.rmtree(tmp / "sqlite", ignore_errors=True)
        problem = "--skip-postgres" if args.skip_postgres else _postgres_problem(args.postgres_url)
        if problem:
            results.append(verdict("postgresql: backup and restore", f"not run: {problem}", None))
        else:
            try:
                _recreate(args.postgres_url, args.source_db, args.target_db)
                results += run_engine(
                    "postgresql",
                    args.rows,
                    tmp / "postgresql",
                    _database_url(args.postgres_url, args.source_db),
                    _database_url(args.postgres_url, args.target_db),
                    args.postgres_url,
                    args.peer_db,
                )
            finally:
                names = dict.fromkeys([args.source_db, args.target_db, args.peer_db])
                _recreate(args.postgres_url, *names, create=False)
    return 1 if any(r is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
