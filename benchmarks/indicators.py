"""Management information benchmarks: a national table imported, and a dashboard page served.

The requirement: a national table (357 municipalities × 25 years × 40 contents codes) imports
in under 20 s on SQLite and on PostgreSQL, and the dashboard page for one municipality answers
in under 200 ms.

What runs, in one command (``.venv/bin/python -m benchmarks --only indicators``):

1. A JSON-stat 2.0 file shaped like an SSB KOSTRA answer is generated in a temporary
   directory: table 12209, dimensions ``KOKkommuneregion0000`` × ``ContentsCode`` × ``Tid``,
   the 357 municipality codes plus the country (``EAK``) and the 17 KOSTRA groups, so the
   dashboard has something to compare with (375 regions × 40 contents codes × 25 years =
   375 000 cells, a little more than the requirement), with decimals, units and a sparse
   ``status`` (``:`` suppressed, ``..`` missing) as SSB publishes them. The figures are
   invented by a seeded generator; they are not statistics.
2. For each database (SQLite in the temporary directory; PostgreSQL at ``--postgres-url`` in a
   throwaway database ``losen_bench`` created and dropped here, skipped when the server cannot
   be reached), a child process with its own Django settings migrates an empty database and
   imports the file with :func:`losen.apps.insight.services.import_file`, the service
   ``losen indicators import`` calls, with the command's progress bar. It then imports the
   same file again (nothing may change), then a revised file (a new update date on every
   cell, as in SSB's 15 June revision; timed for information, with no limit set, but every
   value must be replaced and the earlier ones kept; ``--no-revision`` skips it), and times
   the dashboard (``/styringsinformasjon/``)
   for a leader of one municipality (code 4601, compared with ``EKG12`` and ``EAK``) with
   Django's test client: one cold request (the first in the process), then the median and
   worst of warm requests. Losen keeps no page cache, so "warm" means only that the process
   and the database have served the page before. The limit is applied to the warm median.
3. Each child prints its figures, peak memory (the process's peak resident set), the load
   average before and after the import (the machine has two cores: another busy process
   slows the import in proportion) and PASS or FAIL against the limits; the summary repeats
   them, and the exit code is 1 on a failure.

Every requirement gets PASS, FAIL or SKIPPED (not measured, for example no PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import child_env

IMPORT_LIMIT_S = 20.0
DASHBOARD_LIMIT_MS = 200.0
MUNICIPALITIES, YEARS, CONTENTS = 357, 25, 40
FIRST_YEAR = 2000
BENCH_DB = "losen_bench"
OWN_CODE, OWN_GROUP = "4601", "EKG12"
#: The contents code the dashboard's home-care ratio reads (see insight/catalogue.py).
DASHBOARD_CODE = "KOStimerhjemmesyk0000"
REPO = Path(__file__).resolve().parent.parent


# --- The generated table ----------------------------------------------------------------------


def municipality_codes(count: int = MUNICIPALITIES) -> list[str]:
    """*count* distinct four-digit codes shaped like 2024 ones, with ``OWN_CODE`` among them."""
    counties = ["03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55"]
    codes = {OWN_CODE}
    number = 1
    while len(codes) < count:
        for county in counties:
            if len(codes) < count:
                codes.add(f"{county}{number:02d}")
        number += 1
    return sorted(codes)


def national_table(seed: int = 12209) -> dict:
    """A JSON-stat 2.0 dataset as SSB's PxWebApi returns a KOSTRA table (invented figures)."""
    rng = random.Random(seed)
    regions = [*municipality_codes(), "EAK", *(f"EKG{n:02d}" for n in range(1, 18))]
    contents = [DASHBOARD_CODE] + [f"KOSbench{n:02d}0000" for n in range(1, CONTENTS)]
    years = [str(FIRST_YEAR + n) for n in range(YEARS)]
    units = {
        code: {"base": ("antall", "prosent", "1000 kr", "timer")[i % 4], "decimals": i % 3}
        for i, code in enumerate(contents)
    }
    values: list[float | None] = []
    status: dict[str, str] = {}
    cell = 0
    for _region in regions:
        for code in contents:
            decimals = units[code]["decimals"]
            level = rng.uniform(1, 5000)
            for _year in years:
                draw = rng.random()
                if draw < 0.02:
                    values.append(None)
                    status[str(cell)] = ":"
                elif draw < 0.03:
                    values.append(None)
                    status[str(cell)] = ".."
                else:
                    level *= rng.uniform(0.97, 1.05)
                    values.append(round(level, decimals) if decimals else round(level))
                cell += 1
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "12209: Benchmark, syntetiske tall (K)",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-06-14T06:00:00Z",
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [len(regions), len(contents), len(years)],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "KOKkommuneregion0000": {
                "label": "region",
                "category": {
                    "index": {code: i for i, code in enumerate(regions)},
                    "label": {code: f"Region {code}" for code in regions},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {code: i for i, code in enumerate(contents)},
                    "label": {code: f"Innhold {code}" for code in contents},
                    "unit": units,
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {year: i for i, year in enumerate(years)},
                    "label": {year: year for year in years},
                },
            },
        },
        "value": values,
        "status": status,
        "extension": {"px": {"tableid": "12209", "decimals": 0}},
    }


# --- One database, in a child process -----------------------------------------------------------


def _peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(engine: str, file_path: Path, runs: int, revised_path: Path | None = None) -> dict:
    """Migrate, import twice and time the dashboard; runs with Django set up for one database."""
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest pages need
    from losen.apps.accounts.models import Role
    from losen.apps.accounts.services import create_municipality, create_user
    from losen.apps.insight.models import StoredObservation
    from losen.apps.insight.services import import_file, set_comparison_profile
    from losen.cli.commands.indicators import ProgressBar

    municipality = create_municipality(
        actor=None, number=OWN_CODE, name="Benchmark kommune", is_synthetic=True
    )
    leader = create_user(
        actor=None,
        username="bench-leder",
        password=secrets.token_urlsafe(16),
        municipality=municipality,
        roles=[Role.LEDER],
        is_synthetic=True,
        check_password_strength=False,
    )
    set_comparison_profile(actor=None, municipality=municipality, kostra_group=OWN_GROUP)

    data = file_path.read_bytes()
    bar_stream = io.StringIO()
    load_before = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), time.process_time()
    first = import_file(
        actor=None, data=data, file_name=file_path.name, progress=ProgressBar(bar_stream)
    )
    import_s = time.perf_counter() - start
    import_cpu_s = time.process_time() - cpu_start
    load_after = os.getloadavg()[0]
    if not first.ok:
        raise SystemExit("import refused: " + "; ".join(first.problems[:5]))
    stored = StoredObservation.objects.count()
    import_rss = _peak_rss_mib()

    start = time.perf_counter()
    again = import_file(actor=None, data=data, file_name=file_path.name)
    reimport_s = time.perf_counter() - start

    revision: dict = {}
    if revised_path is not None:
        start = time.perf_counter()
        revised = import_file(actor=None, data=revised_path.read_bytes(), file_name="revidert.json")
        revision = {
            "revised_s": time.perf_counter() - start,
            "revised": revised.revised,
            "rows_after_revision": StoredObservation.objects.count(),
            "current_after_revision": StoredObservation.objects.filter(is_current=True).count(),
            "linked": StoredObservation.objects.filter(superseded_by__isnull=False).count(),
        }

    client = Client()
    client.force_login(leader)
    url = "/styringsinformasjon/"
    start = time.perf_counter()
    response = client.get(url)
    cold_ms = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"dashboard answered {response.status_code}")
    page = response.content.decode()
    warm: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        warm.append((time.perf_counter() - start) * 1000)
    return {
        "engine": engine,
        "server": _server_version(connection),
        "in_file": first.in_file,
        "stored": stored,
        "import_s": import_s,
        "import_cpu_s": import_cpu_s,
        "load": [load_before, load_after],
        "progress_lines": len(bar_stream.getvalue().splitlines()),
        "reimport_s": reimport_s,
        "reimport_changed": again.created + again.revised,
        "import_peak_rss_mib": import_rss,
        "cold_ms": cold_ms,
        "warm_median_ms": statistics.median(warm),
        "warm_best_ms": min(warm),
        "warm_worst_ms": max(warm),
        "warm_runs": runs,
        "page_shows_the_table": "12209" in page and "tabell 12209 ennå" not in page,
        "peak_rss_mib": _peak_rss_mib(),
        **revision,
    }


def _server_version(connection) -> str:
    if connection.vendor == "sqlite":
        return "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor}"


def run_child(
    engine: str, file_path: Path, var_dir: Path, url: str | None, runs: int, revised: Path | None
) -> dict:
    var_dir.mkdir(parents=True, exist_ok=True)
    out = var_dir / "result.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.indicators",
        "--worker",
        engine,
        "--file",
        str(file_path),
        "--result",
        str(out),
        "--runs",
        str(runs),
        *(["--revised", str(revised)] if revised else []),
    ]
    done = subprocess.run(command, env=child_env(var_dir, url), cwd=REPO, check=False)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"{engine}: the benchmark process failed (exit {done.returncode})")
    return json.loads(out.read_text())


# --- PostgreSQL: a throwaway database -------------------------------------------------------


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def postgres_available(url: str) -> str | None:
    """``None`` when the server answers, else why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    try:
        with _admin_connection(url):
            return None
    except Exception as error:
        return str(error).splitlines()[0] if str(error) else type(error).__name__


def _drop_database(url: str) -> None:
    with _admin_connection(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def _create_database(url: str) -> None:
    _drop_database(url)
    with _admin_connection(url) as admin:
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _database_url(server_url: str, name: str) -> str:
    """The server's URL with *name* as its database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


# --- Reporting --------------------------------------------------------------------------------


def verdict(verdicts: list[dict], requirement: str, measured: str, passed: bool | None) -> None:
    word = "SKIPPED" if passed is None else ("PASS" if passed else "FAIL")
    verdicts.append({"requirement": requirement, "measured": measured, "verdict": word})
    print(f"  {word}: {requirement} ({measured})", flush=True)


def report(result: dict, verdicts: list[dict]) -> None:
    engine = result["engine"]
    print(f"  {engine} ({result['server']}):")
    print(
        f"    import of {result['in_file']} observations: {result['import_s']:.2f} s "
        f"({result['in_file'] / result['import_s']:,.0f} per second; "
        f"{result['import_cpu_s']:.2f} s CPU in Losen's process), "
        f"{result['stored']} rows stored, {result['progress_lines']} progress-bar lines; "
        f"load average (1 min) {result['load'][0]:.2f} before, {result['load'][1]:.2f} after"
    )
    if not result["page_shows_the_table"]:
        print("    warning: the dashboard did not show the imported table")
    print(
        f"    re-import of the same file: {result['reimport_s']:.2f} s, "
        f"{result['reimport_changed']} rows changed"
    )
    if "revised_s" in result:
        print(
            f"    import of a revised table (new update date on every cell): "
            f"{result['revised_s']:.2f} s, {result['revised']} revised; afterwards "
            f"{result['rows_after_revision']} rows, {result['current_after_revision']} current, "
            f"{result['linked']} linked to their successor (no limit set)"
        )
    print(
        f"    dashboard for {OWN_CODE}: cold (first request) {result['cold_ms']:.1f} ms; "
        f"warm median {result['warm_median_ms']:.1f} ms, best {result['warm_best_ms']:.1f} ms, "
        f"worst {result['warm_worst_ms']:.1f} ms ({result['warm_runs']} requests)"
    )
    print(
        f"    peak memory (resident): {result['import_peak_rss_mib']:.0f} MiB after the import, "
        f"{result['peak_rss_mib']:.0f} MiB at the end"
    )
    verdict(
        verdicts,
        f"{engine}: import of the national table < {IMPORT_LIMIT_S:.0f} s",
        f"{result['import_s']:.2f} s",
        result["import_s"] < IMPORT_LIMIT_S and result["stored"] == result["in_file"],
    )
    verdict(
        verdicts,
        f"{engine}: re-importing the same file changes nothing",
        f"{result['reimport_changed']} changed",
        result["reimport_changed"] == 0,
    )
    if "revised_s" in result:
        n = result["in_file"]
        verdict(
            verdicts,
            f"{engine}: a revised table replaces the values and keeps the history",
            f"{result['revised']} revised, {result['rows_after_revision']} rows kept",
            result["revised"] == n
            and result["rows_after_revision"] == 2 * n
            and result["current_after_revision"] == n
            and result["linked"] == n,
        )
    verdict(
        verdicts,
        f"{engine}: dashboard for one municipality < {DASHBOARD_LIMIT_MS:.0f} ms (warm median)",
        f"{result['warm_median_ms']:.1f} ms; cold {result['cold_ms']:.1f} ms",
        result["warm_median_ms"] < DASHBOARD_LIMIT_MS and result["page_shows_the_table"],
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.indicators", description=__doc__)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LOSEN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/"),
        help="server to create the throwaway database on",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=20, help="warm dashboard requests")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--revised", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-revision", action="store_true", help="skip importing a revised table (faster)"
    )
    args, _others = parser.parse_known_args(argv)

    if args.worker:
        result = worker(args.worker, args.file, args.runs, args.revised)
        args.result.write_text(json.dumps(result))
        return 0

    verdicts: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="losen-bench-") as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        table = national_table()
        file_path = tmp_path / "12209-national.json"
        file_path.write_text(json.dumps(table, separators=(",", ":")))
        cells = len(table["value"])
        print(
            f"  generated {file_path.name}: {cells} cells "
            f"({table['size'][0]} regions × {table['size'][1]} contents × {table['size'][2]} "
            f"years), {file_path.stat().st_size / 2**20:.1f} MiB, "
            f"{len(table['status'])} with a status, in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        revised_path = None
        if not args.no_revision:
            # SSB's 15 June revision: a new update date on every cell, and some new values.
            table["updated"] = "2025-06-15T06:00:00Z"
            values = table["value"]
            for cell in range(0, len(values), 97):
                if values[cell] is not None:
                    values[cell] += 1
            revised_path = tmp_path / "12209-national-revised.json"
            revised_path.write_text(json.dumps(table, separators=(",", ":")))
        del table

        try:
            sqlite = run_child(
                "sqlite", file_path, tmp_path / "sqlite", None, args.runs, revised_path
            )
            report(sqlite, verdicts)
        except RuntimeError as error:
            verdict(verdicts, "sqlite: import and dashboard", str(error), False)

        reason = "--skip-postgres" if args.skip_postgres else postgres_available(args.postgres_url)
        if reason is None:
            url = _database_url(args.postgres_url, BENCH_DB)
            try:
                _create_database(args.postgres_url)
                postgres = run_child(
                    "postgresql", file_path, tmp_path / "pg", url, args.runs, revised_path
                )
                report(postgres, verdicts)
            except RuntimeError as error:
                verdict(verdicts, "postgresql: import and dashboard", str(error), False)
            finally:
                _drop_database(args.postgres_url)
        else:
            for requirement in ("import < 20 s", "dashboard < 200 ms"):
                verdict(verdicts, f"postgresql: {requirement}", f"not reachable: {reason}", None)

    print("  summary:")
    for item in verdicts:
        print(f"    {item['verdict']:<7} {item['requirement']} ({item['measured']})")
    return 1 if any(item["verdict"] == "FAIL" for item in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
