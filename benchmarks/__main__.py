"""Run every benchmark in one process: ``.venv/bin/python -m benchmarks`` from the repo root.

Each suite is a module of this package with ``main(argv) -> int``. ``--only NAME`` runs one
suite; other arguments go to every suite (e.g. ``--quick``).
"""

from __future__ import annotations

import importlib
import sys

SUITES = ("decision_engine", "indicators", "priorities", "load", "backup")


def run(argv: list[str]) -> int:
    """Run the suites named in ``SUITES`` (those present) and return the worst exit code."""
    only = None
    if "--only" in argv:
        position = argv.index("--only")
        only = argv[position + 1] if position + 1 < len(argv) else None
        argv = argv[:position] + argv[position + 2 :]
        if only not in SUITES:
            print(f"--only: choose one of {', '.join(SUITES)}", file=sys.stderr)
            return 2
    worst = 0
    for name in SUITES:
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"benchmarks.{name}":
                raise
            continue
        print(f"== {name} ==", flush=True)
        worst = max(worst, int(module.main(argv) or 0))
    return worst


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
