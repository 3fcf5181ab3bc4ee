"""Prioritisation case pages: the demo budget round and a generated round of 200 alternatives.

What a leader waits for is the whole page: the case read once (ranking → Swedish ranks →
portfolio → cuts → checklist → missing items), rendered. One command
(``.venv/bin/python -m benchmarks --only priorities``):

1. A child process with its own settings migrates an empty SQLite database in a temporary
   directory and loads the demo; it adds a generated budget round of 200 alternatives
   (:func:`losen.apps.priorities.demo.generated_round`).
2. With Django's test client logged in as the demo leader it requests, for each round, the
   case page, the matrix and the portfolio: one cold request, then ``--runs`` warm ones
   (median and worst), and counts the queries of one request. Losen keeps no results across
   requests, so "warm" means only that the process has served the page before.
3. The named peer in the same run is ``/healthz``, Django's cheapest page here (one query):
   each page is reported as a ratio to it. A second peer is the raw computation: building
   the :class:`~losen.apps.priorities.overview.CaseOverview` parts the case page uses,
   without a request or a template, so the ratio shows what the page adds around it.

There are no limits to pass in this suite (it is reported for information); the exit
code is 0 unless the child fails.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import child_env

REPO = Path(__file__).resolve().parent.parent
GENERATED = 200


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _time(call, runs: int) -> dict:
    start = time.perf_counter()
    call()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        warm.append(time.perf_counter() - start)
    return {
        "cold_ms": _ms(cold),
        "median_ms": _ms(statistics.median(warm)),
        "worst_ms": _ms(max(warm)),
    }


def worker(runs: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages need the manifest
    from losen.apps.accounts.models import Municipality, User
    from losen.apps.demo.services import load_demo
    from losen.apps.priorities.demo import generated_round
    from losen.apps.priorities.models import PrioritizationCase
    from losen.apps.priorities.overview import CaseOverview

    load_demo(password=secrets.token_urlsafe(12))
    leader = User.objects.get(username="leder")
    fjordvik = Municipality.objects.get(number="4699")
    demo_round = PrioritizationCase.objects.get(
        municipality=fjordvik, title__startswith="Budsjett 2027"
    )
    big_round = generated_round(fjordvik, actor=leader, alternatives=GENERATED)
    client = Client()
    client.force_login(leader)

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")

    result = {"peer_healthz": _time(lambda: get("/healthz"), runs), "rounds": {}}
    for label, case in (
        ("demo budget round (8)", demo_round),
        (f"generated ({GENERATED})", big_round),
    ):
        pages = {}
        for name in ("case_detail", "matrix", "portfolio"):
            url = reverse(f"priorities:{name}", kwargs={"external_id": case.external_id})
            count = [0]

            def counter(execute, sql, params, many, context, count=count):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                get(url)
            pages[name] = {**_time(lambda url=url: get(url), runs), "queries": count[0]}

        def compute(case=case):
            overview = CaseOverview(case)
            for part in ("table", "ranking", "stability", "first_shares", "missing", "affected"):
                getattr(overview, part)

        pages["raw computation"] = {**_time(compute, runs), "queries": None}
        result["rounds"][label] = pages
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.priorities", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="warm requests per page")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args, _others = parser.parse_known_args(argv)
    if args.worker:
        args.result.write_text(json.dumps(worker(args.runs)))
        return 0
    with tempfile.TemporaryDirectory(prefix="losen-bench-priorities-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "benchmarks.priorities", "--worker", "--result", str(out)]
        command += ["--runs", str(args.runs)]
        done = subprocess.run(
            command, env=child_env(Path(tmp)), cwd=REPO, check=False, stdout=subprocess.DEVNULL
        )
        if done.returncode != 0 or not out.exists():
            print(f"  FAIL: the benchmark process failed (exit {done.returncode})")
            return 1
        result = json.loads(out.read_text())
    peer = result["peer_healthz"]["median_ms"] or 0.1
    print(f"  peer /healthz: median {peer} ms (SQLite, one process, test client)")
    for label, pages in result["rounds"].items():
        print(f"  {label}:")
        raw = pages["raw computation"]["median_ms"] or 0.1
        for name, t in pages.items():
            queries = "" if t["queries"] is None else f", {t['queries']} queries"
            ratio = f"{t['median_ms'] / peer:.1f}× /healthz"
            if name != "raw computation":
                ratio += f", {t['median_ms'] / raw:.1f}× raw computation"
            print(
                f"    {name:<16} cold {t['cold_ms']:>8} ms, median {t['median_ms']:>8} ms, "
                f"worst {t['worst_ms']:>8} ms ({ratio}{queries})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
