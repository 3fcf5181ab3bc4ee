"""Run every benchmark in one process: ``.venv/bin/python -m benchmarks`` from the repo root."""

from __future__ import annotations

import sys

from benchmarks.decision_engine import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
