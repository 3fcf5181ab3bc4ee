"""Fifty people at once: logged-in users reading and writing, and the public answering.

The requirement: 50 concurrent logged-in users through a mix of reading and writing pages
for 60 s, on SQLite and on PostgreSQL, with 0 errors (no 5xx, no «database is locked») and
p50/p95/p99 printed; a long import running beside the load causes no error and no page waits
more than 2 s.

What runs (``.venv/bin/python -m benchmarks --only load``):

1. For each database (SQLite in a temporary directory; PostgreSQL at ``--postgres-url`` in a
   throwaway database ``losen_bench_load_PID`` created and dropped here, skipped when the server
   cannot be reached) ``losen demo`` migrates an empty database and loads the demo
   municipality, and ``losen indicators import`` stores a generated national table (the
   JSON-stat file of :mod:`benchmarks.indicators`: 375 000 cells of invented figures).
2. ``losen serve`` starts the production server (gunicorn, ``--workers`` workers of
   ``--threads`` threads, 4 and 16 by default) on a free port, with the production
   application and the local settings; the only change is a consultation answer limit high
   enough for one test address.
3. ``--users`` (50) virtual people log in through the login form (with its CSRF token), and
   ``--public`` (12) members of the public come besides them without logging in; then each,
   in its own thread with its own cookies, opens a page, waits a thinking time drawn
   between ``--think`` seconds (4 to 10 s by default: someone reading the page or filling in
   a form; ``--think 1-3`` is a harder test), and opens the next, for ``--seconds`` (60 by
   default, or ``LOSEN_BENCH_LOAD_SECONDS``). First they arrive: each logs in at a random
   moment of the first 20 s (a login is a deliberately slow password hash, Argon2, and fifty
   at the same instant is not a day at work), and this arrival phase is reported on its own;
   the steady phase of ``--seconds`` begins when all are logged in (at most after 120 s).

   - 20 leaders: the start page, a prioritisation case, the management dashboard;
   - 16 clinicians: the person list and person pages (each read is audited, so it writes);
   - 14 caseworkers: person pages, the decision form, and a decision registered (a POST that
     writes the decision and its audit entry);
   - besides these 50, 12 members of the public, anonymous: the open consultation, and an
     answer sent (a POST that writes the answer and raises the address's answer counter).

   Every person also asks ``/healthz`` now and then: the named peer in the same run, the
   cheapest page there is (one ``SELECT 1``), so each page's median is also given as a ratio
   to it.
4. Then, with the users still working, ``losen indicators import`` stores a revised table
   (a new update date on every cell, as in SSB's 15 June revision) beside the load; that phase
   lasts until the import is done. ``--no-import`` skips it.

Each phase prints, per page and for all pages together, the number of requests, p50, p95,
p99 and the longest wait, the median as a ratio to ``/healthz``'s, and how many pages waited
more than 2 s.

An error is a 5xx answer, a page that says «database is locked», a request that failed or
timed out (30 s), or an answer other than the page's expected one (for example 403 or 429);
the server's own log is scanned for tracebacks and «database is locked» as well. The wait of a
page is the time from sending the request to the last byte of the answer.

Every requirement gets PASS, FAIL or SKIPPED; the exit code is 1 on a failure. The machine's
load average is printed: on a shared machine other work slows the pages in proportion.
``LOSEN_BENCH_LOAD_DB`` names the throwaway PostgreSQL database instead. The run is bounded:
the steady phase lasts ``--seconds``, the import phase at most 300 s (the import is stopped
then, and the phase fails), each request at most 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import child_env

REPO = Path(__file__).resolve().parent.parent
#: The throwaway PostgreSQL database, one per run (two runs at once must not drop each other's).
BENCH_DB = os.environ.get("LOSEN_BENCH_LOAD_DB") or f"losen_bench_load_{os.getpid()}"
WAIT_LIMIT_S = 2.0
REQUEST_TIMEOUT_S = 30.0
IMPORT_CAP_S = 300.0
#: People log in at random moments over the first ARRIVAL_S seconds; the steady phase begins
#: when all are in, or after ARRIVAL_CAP_S.
ARRIVAL_S = 20.0
ARRIVAL_CAP_S = 120.0
PASSWORD = "belastning-" + secrets.token_urlsafe(12)
LOCKED = b"database is locked"
#: Logged-in virtual people per role, out of 50 (scaled to --users); the public come besides.
ROLE_SHARES = {"leder": 20, "kliniker": 16, "saksbehandler": 14}
PUBLIC = "publikum"
SETTINGS = """\
from losen.web.settings.local import *  # noqa: F403

# One test address sends every public answer: the per-address answer limit is lifted.
PRIORITIES_CONSULTATION_RATE = (10**9, 3600)
"""


# --- The table imported beside the load -------------------------------------------------------


def generated_table() -> dict:
    """:func:`benchmarks.indicators.national_table`, with municipality numbers that exist.

    Imports check region codes against the municipality register; the generated table's
    invented numbers are replaced, in order, by the register's own.
    """
    from benchmarks.indicators import national_table

    table = national_table()
    try:
        from losen.domain.indicators.register import default_register
    except ImportError:  # a Losen without the register accepts the invented numbers
        return table
    real = sorted(default_register().municipalities)
    category = table["dimension"]["KOKkommuneregion0000"]["category"]
    invented = [code for code in category["index"] if code[:1].isdigit()]
    rename = dict(zip(invented, real, strict=False))
    category["index"] = {rename.get(c, c): i for c, i in category["index"].items()}
    category["label"] = {rename.get(c, c): label for c, label in category["label"].items()}
    return table


# --- What the pages need: ids from the demo ---------------------------------------------------


def demo_ids() -> dict:
    """Run with Django set up: the ids the virtual people's pages are built from."""
    import django

    django.setup()
    from losen.apps.accounts.models import Municipality, Unit, User
    from losen.apps.cases.models import DEFAULT_LEGAL_BASIS, DecisionStatus, ServiceKind
    from losen.apps.persons.models import CareRelation
    from losen.apps.priorities.models import Consultation, PrioritizationCase

    fjordvik = Municipality.objects.get(number="4699")
    consultation = Consultation.objects.filter(case__municipality=fjordvik, is_open=True).first()

    def persons_of(username: str) -> list[str]:
        user = User.objects.get(username=username)
        return [
            str(external_id)
            for external_id in CareRelation.objects.filter(user=user).values_list(
                "person__external_id", flat=True
            )
        ]

    return {
        "case": str(PrioritizationCase.objects.filter(municipality=fjordvik).first().external_id),
        "consultation": consultation.token,
        "kliniker_persons": persons_of("kliniker"),
        "saksbehandler_persons": persons_of("saksbehandler"),
        "unit": Unit.objects.filter(municipality=fjordvik).order_by("name").first().pk,
        "service": ServiceKind.values[0],
        "legal_basis": DEFAULT_LEGAL_BASIS,
        "status": DecisionStatus.UTKAST.value,
    }


# --- One virtual person -------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    started: float
    seconds: float
    status: int
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    login_failures: list[str] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""


#: What a failed connection said, shortened to the cause (for the error counts).
_CAUSES = ("RemoteDisconnected", "refused", "reset by peer", "Broken pipe", "timed out")


def _failure_name(failure: Exception) -> str:
    """The exception's class, and for a connection error its cause (a closed keep-alive
    connection, a refused or reset connection)."""
    name = type(failure).__name__
    text = str(failure)
    cause = next((c for c in _CAUSES if c in text), "")
    return f"{name} ({cause})" if cause else name


class Person:
    """One virtual person: their own cookies, their own pages, their own thinking time."""

    def __init__(self, base: str, role: str, number: int, ids: dict, recorder: Recorder, think):
        import requests

        self.base = base
        self.role = role
        self.number = number
        self.ids = ids
        self.recorder = recorder
        self.think = think
        self.http = requests.Session()
        self.rng = random.Random(f"{role}-{number}")  # a load mix, not security
        self.decisions = 0
        self.logged_in = False
        self.arrival = 10.0

    def request(self, page: str, method: str, path: str, expected: tuple[int, ...], **kw):
        started = time.perf_counter()
        error = ""
        status = 0
        text = ""
        try:
            response = self.http.request(
                method,
                self.base + path,
                timeout=REQUEST_TIMEOUT_S,
                allow_redirects=False,
                **kw,
            )
            body = response.content
            status = response.status_code
            text = body.decode("utf-8", "replace")
            if LOCKED in body:
                error = "database is locked"
            elif status >= 500:
                error = f"HTTP {status}"
            elif status not in expected:
                error = f"unexpected HTTP {status}"
        except Exception as failure:  # a timeout or a refused connection is an error too
            error = _failure_name(failure)
        seconds = time.perf_counter() - started
        self.recorder.add(Sample(page, started, seconds, status, error))
        return status, text

    def log_in(self) -> bool:
        if self.role == PUBLIC:
            return True
        _status, html = self.request("login form", "GET", "/logg-inn/", (200,))
        if not _token(html):
            self.recorder.login_failures.append(f"{self.role}-{self.number}: no login form")
            return False  # the form did not come (counted above): nothing to send
        status, _ = self.request(
            "login",
            "POST",
            "/logg-inn/",
            (302,),
            data={
                "username": self.role,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _token(html),
            },
        )
        if status != 302:
            self.recorder.login_failures.append(f"{self.role}-{self.number}: HTTP {status}")
            return False
        self.logged_in = True
        return True

    def step(self) -> None:
        ids = self.ids
        draw = self.rng.random()
        if draw < 0.08:
            self.request("healthz", "GET", "/healthz", (200,))
            return
        if self.role == "leder":
            if draw < 0.40:
                self.request("start page (leader)", "GET", "/", (200,))
            elif draw < 0.70:
                self.request("prioritisation case", "GET", f"/prioritering/{ids['case']}/", (200,))
            else:
                self.request("dashboard", "GET", "/styringsinformasjon/", (200,))
        elif self.role == "kliniker":
            if draw < 0.35:
                self.request("person list", "GET", "/personer/", (200,))
            else:
                person = self.rng.choice(ids["kliniker_persons"])
                self.request("person page", "GET", f"/personer/{person}/", (200,))
        elif self.role == "saksbehandler":
            person = self.rng.choice(ids["saksbehandler_persons"])
            if draw < 0.55:
                self.request("person page", "GET", f"/personer/{person}/", (200,))
            else:
                path = f"/vedtak/person/{person}/ny/"
                _status, html = self.request("decision form", "GET", path, (200,))
                if not _token(html):
                    return  # the form did not come (counted above): nothing to send
                self.decisions += 1
                self.request(
                    "decision registered (POST)",
                    "POST",
                    path,
                    (302,),
                    data={
                        "csrfmiddlewaretoken": _token(html),
                        "reference": f"B{os.getpid()}/{self.number}-{self.decisions}",
                        "service": ids["service"],
                        "unit": ids["unit"],
                        "scope": "6 timer per uke",
                        "hours_per_week": "6",
                        "valid_from": time.strftime("%Y-%m-%d"),
                        "legal_basis": ids["legal_basis"],
                        "status": ids["status"],
                    },
                )
        else:
            path = f"/apent/medvirkning/{ids['consultation']}/"
            _status, html = self.request("consultation (public)", "GET", path, (200,))
            if draw < 0.55 and _token(html):
                self.request(
                    "consultation answer (public POST)",
                    "POST",
                    path,
                    (302,),
                    data={
                        "csrfmiddlewaretoken": _token(html),
                        "group": "innbygger",
                        "points_benefit": "100",
                        "points_severity": str(self.rng.randint(0, 100)),
                        "points_resource": str(self.rng.randint(0, 100)),
                        "theme": "",
                        "comment": "",
                    },
                )

    def run(self, stop: threading.Event, go: threading.Event, ready) -> None:
        # People arrive over the first seconds (a login is a deliberately slow password hash),
        # and start working together once everyone is in.
        stop.wait(self.rng.uniform(0, self.arrival))
        while not stop.is_set() and not self.log_in():
            stop.wait(self.rng.uniform(*self.think))  # and try again, as a person would
        ready()
        go.wait()
        stop.wait(self.rng.uniform(0, self.think[0]))  # not all at the same instant
        while not stop.is_set():
            self.step()
            stop.wait(self.rng.uniform(*self.think))


# --- Running one database -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _losen(env: dict, *args: str, log=None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "losen.cli", *args],
        env=env,
        cwd=REPO,
        stdout=log or subprocess.PIPE,
        stderr=subprocess.STDOUT if log else subprocess.PIPE,
        text=True,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"losen {args[0]} failed (exit {done.returncode}): {done.stderr}")
    return done


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"losen serve stopped (exit {server.returncode})")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"losen serve did not answer {url} in {seconds:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_database(engine: str, work: Path, url: str | None, args, tables: dict) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    (work / "losen_bench_load_settings.py").write_text(SETTINGS)
    env = child_env(work / "var", url)
    env.update(
        DJANGO_SETTINGS_MODULE="losen_bench_load_settings",
        LOSEN_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=os.pathsep.join([str(work), env["PYTHONPATH"]]),
    )
    start = time.perf_counter()
    _losen(env, "demo", "--password", PASSWORD)
    ids_done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--ids"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if ids_done.returncode != 0:
        raise RuntimeError(f"reading the demo failed: {ids_done.stderr[-2000:]}")
    ids = json.loads(ids_done.stdout.strip().splitlines()[-1])
    if tables.get("first"):
        _losen(env, "indicators", "import", str(tables["first"]))
    setup_s = time.perf_counter() - start

    port = _free_port()
    server_log_path = work / "server.log"
    with server_log_path.open("w") as server_log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "losen.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            env=env,
            cwd=REPO,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base + "/healthz", server)
            result = drive(base, ids, env, args, tables.get("beside"), work)
        finally:
            _stop(server)
    log = server_log_path.read_text(errors="replace")
    result.update(
        engine=engine,
        setup_s=setup_s,
        server_tracebacks=log.count("Traceback"),
        server_locked=log.count("database is locked"),
        worker_timeouts=log.count("WORKER TIMEOUT"),
        server_log_excerpt=log[log.find("Traceback") :][:3000] if "Traceback" in log else "",
    )
    return result


def _people(count: int, public: int = 0) -> list[str]:
    """*count* logged-in people shared out by ``ROLE_SHARES``, and *public* anonymous ones."""
    total = sum(ROLE_SHARES.values())
    roles: list[str] = []
    for role, share in ROLE_SHARES.items():
        roles += [role] * max(1, round(count * share / total))
    while len(roles) > count:
        roles.remove(max(ROLE_SHARES, key=lambda r: roles.count(r)))
    while len(roles) < count:
        roles.append(min(ROLE_SHARES, key=lambda r: roles.count(r) / ROLE_SHARES[r]))
    return roles + [PUBLIC] * public


def drive(base: str, ids: dict, env: dict, args, beside: Path | None, work: Path) -> dict:
    recorder = Recorder()
    stop, go = threading.Event(), threading.Event()
    people = [
        Person(base, role, number, ids, recorder, args.think)
        for number, role in enumerate(_people(args.users, args.public))
    ]
    for person in people:
        person.arrival = ARRIVAL_S
    arrived = threading.Semaphore(0)
    threads = [
        threading.Thread(target=p.run, args=(stop, go, arrived.release), daemon=True)
        for p in people
    ]
    load_before = os.getloadavg()[0]
    arrival_began = time.perf_counter()
    for thread in threads:
        thread.start()
    # Everyone logs in first (at most ARRIVAL_CAP_S); then all work together for --seconds.
    deadline = arrival_began + ARRIVAL_CAP_S
    for _person in people:
        if not arrived.acquire(timeout=max(0.0, deadline - time.perf_counter())):
            break
    began = time.perf_counter()
    go.set()
    time.sleep(args.seconds)
    steady_end = time.perf_counter()
    load_steady = os.getloadavg()[0]
    phases = {"arrival": (arrival_began, began), "steady": (began, steady_end)}
    import_result: dict = {}
    if beside is not None:
        with (work / "import.log").open("w") as import_log:
            import_began = time.perf_counter()
            importer = subprocess.Popen(
                [sys.executable, "-m", "losen.cli", "indicators", "import", str(beside)],
                env=env,
                cwd=REPO,
                stdout=import_log,
                stderr=subprocess.STDOUT,
            )
            try:
                returncode = importer.wait(timeout=IMPORT_CAP_S)
            except subprocess.TimeoutExpired:
                importer.kill()
                returncode = importer.wait()
            import_end = time.perf_counter()
        phases["import"] = (import_began, import_end)
        import_result = {
            "import_s": import_end - import_began,
            "import_exit": returncode,
            "import_output": (work / "import.log").read_text(errors="replace")[-600:],
        }
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_S + 5)
    load_after = os.getloadavg()[0]
    by_phase: dict[str, list[Sample]] = defaultdict(list)
    for sample in recorder.samples:
        for name, (start, end) in phases.items():
            if start <= sample.started < end:
                by_phase[name].append(sample)
    return {
        "users": sum(1 for p in people if p.role != PUBLIC),
        "public": sum(1 for p in people if p.role == PUBLIC),
        "roles": {role: sum(1 for p in people if p.role == role) for role in ROLE_SHARES},
        "phases": {
            name: summarise(by_phase[name], end - start) for name, (start, end) in phases.items()
        },
        "login_failures": recorder.login_failures,
        "never_logged_in": sum(1 for p in people if p.role != PUBLIC and not p.logged_in),
        "load": [load_before, load_steady, load_after],
        **import_result,
    }


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summarise(samples: list[Sample], seconds: float) -> dict:
    pages: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        pages[sample.page].append(sample)

    def row(items: list[Sample]) -> dict:
        times = [s.seconds for s in items]
        return {
            "n": len(items),
            "p50": statistics.median(times),
            "p95": _percentile(times, 0.95),
            "p99": _percentile(times, 0.99),
            "max": max(times),
            "errors": sum(1 for s in items if s.error),
            "over_limit": sum(1 for t in times if t > WAIT_LIMIT_S),
        }

    table = {page: row(items) for page, items in sorted(pages.items())}
    errors: dict[str, int] = defaultdict(int)
    for sample in samples:
        if sample.error:
            errors[f"{sample.page}: {sample.error}"] += 1
    return {
        "seconds": seconds,
        "requests": len(samples),
        "pages": table,
        "all": row(samples) if samples else {},
        "errors": dict(errors),
        "max_wait": max((s.seconds for s in samples), default=0.0),
        "worst_page": max(samples, key=lambda s: s.seconds).page if samples else "",
    }


# --- Reporting ----------------------------------------------------------------------------------


def verdict(verdicts: list[dict], requirement: str, measured: str, passed: bool | None) -> None:
    word = "SKIPPED" if passed is None else ("PASS" if passed else "FAIL")
    verdicts.append({"requirement": requirement, "measured": measured, "verdict": word})
    print(f"  {word}: {requirement} ({measured})", flush=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


def _spread(phase: dict) -> str:
    """p50/p95/p99/max of all pages of a phase, in ms."""
    row = phase["all"]
    if not row:
        return "no requests"
    return (
        "p50/p95/p99/max "
        + "/".join(f"{row[k] * 1000:.0f}" for k in ("p50", "p95", "p99", "max"))
        + " ms"
    )


def print_phase(title: str, phase: dict) -> None:
    count = phase["requests"]
    print(
        f"    {title}: {count} requests in {phase['seconds']:.0f} s "
        f"({count / max(phase['seconds'], 1e-9):.1f} per second), "
        f"{sum(phase['errors'].values())} errors, longest wait {phase['max_wait']:.2f} s "
        f"({phase['worst_page']})"
    )
    health = phase["pages"].get("healthz", {}).get("p50")
    print(
        f"      {'page':<36} {'n':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'×healthz':>8} {'>2 s':>5} {'errors':>6}"
    )
    rows = list(phase["pages"].items())
    if phase["all"]:
        rows.append(("all pages", phase["all"]))
    for page, row in rows:
        ratio = f"{row['p50'] / health:8.1f}" if health else "       –"
        print(
            f"      {page:<36} {row['n']:>5} {_ms(row['p50'])} {_ms(row['p95'])} "
            f"{_ms(row['p99'])} {_ms(row['max'])} {ratio} {row['over_limit']:>5} "
            f"{row['errors']:>6}"
        )
    for what, times in sorted(phase["errors"].items()):
        print(f"      error: {what} × {times}")


def report(result: dict, verdicts: list[dict], with_import: bool) -> None:
    engine = result["engine"]
    load = result["load"]
    roles = ", ".join(f"{n} {r}" for r, n in result["roles"].items())
    print(
        f"  {engine}: {result['users']} logged-in people ({roles}) and {result['public']} "
        "of the public; "
        f"set-up (demo, first import) {result['setup_s']:.0f} s; load average (1 min) "
        f"{load[0]:.2f} before, {load[1]:.2f} after the steady phase, {load[2]:.2f} at the end"
    )
    if result["login_failures"]:
        print(
            f"    {len(result['login_failures'])} failed logins (each tried again after a "
            f"pause; counted as errors below), e.g. {result['login_failures'][:3]}; "
            f"{result['never_logged_in']} people never logged in"
        )
    arrival = result["phases"]["arrival"]
    print_phase("arrival (everyone logs in)", arrival)
    steady = result["phases"]["steady"]
    print_phase("steady load (everyone logged in)", steady)
    server_problems = result["server_tracebacks"] + result["server_locked"]
    print(
        f"    server log: {result['server_tracebacks']} tracebacks, {result['server_locked']} "
        f"«database is locked», {result['worker_timeouts']} worker timeouts"
    )
    if result["server_log_excerpt"]:
        print("    first traceback in the server log:")
        print("      " + result["server_log_excerpt"].replace("\n", "\n      "))
    steady_errors = (
        sum(steady["errors"].values()) + sum(arrival["errors"].values()) + result["never_logged_in"]
    )
    verdict(
        verdicts,
        f"{engine}: {result['users']} concurrent logged-in users, 0 errors (no 5xx, "
        "no «database is locked»)",
        f"{steady_errors} errors in {arrival['requests']} + {steady['requests']} requests; "
        f"{_spread(steady)}",
        steady_errors == 0 and steady["requests"] > 0,
    )
    if not with_import:
        verdict(verdicts, f"{engine}: an import beside the load", "--no-import", None)
    else:
        phase = result["phases"]["import"]
        print(
            f"    import beside the load: {result['import_s']:.1f} s, exit {result['import_exit']}"
        )
        if result["import_exit"] != 0:
            print("      " + result["import_output"].replace("\n", "\n      "))
        print_phase("while importing", phase)
        errors = sum(phase["errors"].values())
        verdict(
            verdicts,
            f"{engine}: an import beside the load causes no error",
            f"{errors} errors in {phase['requests']} requests; import {result['import_s']:.0f} s, "
            f"exit {result['import_exit']}; {_spread(phase)}",
            errors == 0 and result["import_exit"] == 0 and phase["requests"] > 0,
        )
        over = phase["all"].get("over_limit", 0)
        verdict(
            verdicts,
            f"{engine}: no page waits more than {WAIT_LIMIT_S:.0f} s beside the import",
            f"longest {phase['max_wait']:.2f} s ({phase['worst_page']}); {over} of "
            f"{phase['requests']} waited more than {WAIT_LIMIT_S:.0f} s",
            phase["max_wait"] <= WAIT_LIMIT_S and phase["requests"] > 0,
        )
    verdict(
        verdicts,
        f"{engine}: no traceback or «database is locked» in the server's log",
        f"{server_problems} found",
        server_problems == 0,
    )


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    pair = (float(low), float(high or low))
    if pair[0] < 0 or pair[1] < pair[0]:
        raise argparse.ArgumentTypeError("--think: MIN-MAX in seconds, e.g. 1-3")
    return pair


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.load", description=__doc__)
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get("LOSEN_BENCH_LOAD_SECONDS", "60")),
        help="length of the steady phase (60 s, or LOSEN_BENCH_LOAD_SECONDS)",
    )
    parser.add_argument("--users", type=int, default=50, help="logged-in people (50)")
    parser.add_argument(
        "--public", type=int, default=12, help="members of the public besides them (12)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--threads", type=int, default=16, help="threads per worker (16, as losen serve)"
    )
    parser.add_argument(
        "--think",
        type=_think,
        default=(4.0, 10.0),
        help="thinking time between pages, MIN-MAX s (4-10: someone reading the page)",
    )
    parser.add_argument("--no-import", action="store_true", help="skip the import beside the load")
    parser.add_argument(
        "--import-file",
        type=Path,
        help="import this table beside the load (into an empty table) instead of a generated one",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LOSEN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/"),
        help="server to create the throwaway database on",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--ids", action="store_true", help=argparse.SUPPRESS)
    args, _others = parser.parse_known_args(argv)

    if args.ids:
        print(json.dumps(demo_ids()))
        return 0

    from benchmarks.indicators import _database_url, postgres_available

    verdicts: list[dict] = []
    with_import = not args.no_import
    with tempfile.TemporaryDirectory(prefix="losen-bench-load-") as tmp:
        tmp_path = Path(tmp)
        tables: dict = {}
        if with_import and args.import_file:
            tables["beside"] = args.import_file.resolve()
        elif with_import:
            table = generated_table()
            tables["first"] = tmp_path / "12209-national.json"
            tables["first"].write_text(json.dumps(table, separators=(",", ":")))
            table["updated"] = "2025-06-15T06:00:00Z"
            tables["beside"] = tmp_path / "12209-national-revised.json"
            tables["beside"].write_text(json.dumps(table, separators=(",", ":")))
            print(f"  generated a national table of {len(table['value'])} cells", flush=True)
            del table

        if not args.skip_sqlite:
            try:
                result = run_database("sqlite", tmp_path / "sqlite", None, args, tables)
                report(result, verdicts, with_import)
            except RuntimeError as error:
                verdict(verdicts, "sqlite: load", str(error), False)

        reason = "--skip-postgres" if args.skip_postgres else postgres_available(args.postgres_url)
        if reason is None:
            import psycopg

            def admin(sql: str) -> None:
                with psycopg.connect(args.postgres_url, autocommit=True) as connection:
                    connection.execute(sql)

            url = _database_url(args.postgres_url, BENCH_DB)
            try:
                admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
                admin(f'CREATE DATABASE "{BENCH_DB}"')
                result = run_database("postgresql", tmp_path / "pg", url, args, tables)
                report(result, verdicts, with_import)
            except RuntimeError as error:
                verdict(verdicts, "postgresql: load", str(error), False)
            finally:
                admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        else:
            verdict(verdicts, "postgresql: load", f"not reachable: {reason}", None)

    print("  summary:")
    for item in verdicts:
        print(f"    {item['verdict']:<7} {item['requirement']} ({item['measured']})")
    return 1 if any(item["verdict"] == "FAIL" for item in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
