"""SIGKILL in the middle of an import and of a decision leaves the database as it was.

The import is ``losen indicators import`` itself, killed once its progress
bar says it is storing rows (inside its one transaction). The decision is the caseworker's
service (the same code path as the web form's POST in a gunicorn worker), killed at the worst
moment: after the decision row and its audit entry are written, before the commit. After each
kill every table has the rows it had before (count and highest id), the audit chain verifies,
SQLite's integrity check passes, and the next write goes through (no lock is left behind).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import REPO, child, losen

pytestmark = pytest.mark.slow

REGIONS, CONTENTS, YEARS = 40, 40, 25  # 40 000 cells: a few seconds of storing


def _region_codes(count: int) -> list[str]:
    try:
        from losen.domain.indicators.register import default_register
    except ImportError:
        return [f"{3000 + n:04d}" for n in range(count)]
    return sorted(default_register().municipalities)[:count]


def _table(path, regions: int = REGIONS, updated: str = "2025-06-14T06:00:00Z") -> int:
    regions = _region_codes(regions)
    contents = [f"KOSfeil{n:02d}0000" for n in range(CONTENTS)]
    years = [str(2000 + n) for n in range(YEARS)]
    values = [float(i % 977) for i in range(len(regions) * len(contents) * len(years))]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "12209: Feiltest, syntetiske tall (K)",
        "source": "Statistisk sentralbyrå",
        "updated": updated,
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [len(regions), len(contents), len(years)],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "KOKkommuneregion0000": {
                "label": "region",
                "category": {"index": {c: i for i, c in enumerate(regions)}},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {c: i for i, c in enumerate(contents)},
                    "unit": {c: {"base": "antall", "decimals": 0} for c in contents},
                },
            },
            "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)}}},
        },
        "value": values,
        "extension": {"px": {"tableid": "12209", "decimals": 0}},
    }
    path.write_text(json.dumps(doc, separators=(",", ":")))
    return len(values)


def _assert_whole(deployment, before: dict) -> None:
    after = deployment.snapshot()
    changed = {
        table: (before["tables"].get(table), counts)
        for table, counts in after["tables"].items()
        if before["tables"].get(table) != counts
    }
    assert changed == {}, f"rows changed after the kill: {changed}"
    if after["vendor"] == "sqlite":
        assert after["integrity"] == ["ok"]
    verified = deployment.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Revisjonskjeden er hel" in verified.stdout


def _kill_when(process: subprocess.Popen, stream, marker, seconds: float) -> str:
    """Read *stream* until a line satisfies *marker*, then SIGKILL *process*."""
    deadline = time.monotonic() + seconds
    seen = []
    for line in stream:
        seen.append(line)
        if marker(line):
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            return line
        if time.monotonic() > deadline:
            break
    process.kill()
    process.wait(timeout=10)
    pytest.fail(f"the process never reached the point to kill it: {''.join(seen)[-2000:]}")


def _storing_half_way(line: str) -> bool:
    # «[#####-----]  20 % lagrer (24000/120000)»: inside the import's transaction.
    return "lagrer" in line and "%" in line and not line.strip().startswith("[" + "#" * 30)


def _assert_nothing_visible_changed(deployment, before: dict) -> None:
    """What readers see is as before; on SQLite the killed import's staged rows may remain."""
    if deployment.engine != "sqlite":
        _assert_whole(deployment, before)
        return
    after = deployment.snapshot()
    assert after["visible"]["current_observations"] == before["visible"]["current_observations"]
    assert after["visible"]["complete_batches"] == before["visible"]["complete_batches"]
    staging = {"insight_storedobservation", "insight_importbatch"}
    changed = {
        table: (before["tables"].get(table), counts)
        for table, counts in after["tables"].items()
        if table not in staging and before["tables"].get(table) != counts
    }
    assert changed == {}, f"rows changed after the kill: {changed}"
    # The leftovers are the unfinished import's: rows never current, and its one batch.
    rows = after["tables"]["insight_storedobservation"][0]
    batches = after["tables"]["insight_importbatch"][0]
    assert (
        batches - before["tables"]["insight_importbatch"][0]
        == (after["visible"]["unfinished_batches"])
        <= 1
    )
    staged = after["visible"]["staged_observations"]
    assert rows - before["tables"]["insight_storedobservation"][0] == staged > 0
    assert after["integrity"] == ["ok"]
    verified = deployment.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Revisjonskjeden er hel" in verified.stdout


def test_sigkill_during_an_import_stores_nothing(deployment, tmp_path):
    path = tmp_path / "12209-feiltest.json"
    cells = _table(path)
    before = deployment.snapshot()
    process = subprocess.Popen(
        [sys.executable, "-m", "losen.cli", "indicators", "import", str(path)],
        env=deployment.env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    line = _kill_when(process, process.stderr, _storing_half_way, seconds=50)
    assert process.returncode == -signal.SIGKILL
    assert "lagrer" in line
    _assert_nothing_visible_changed(deployment, before)

    # Nothing is left locked or half-done: a table (a small one, to keep the test short)
    # then imports whole, and on SQLite it first removes what the killed import left.
    small = tmp_path / "12209-liten.json"
    small_cells = _table(small, regions=2)
    done = losen(deployment.env, "indicators", "import", str(small), timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    after = deployment.snapshot()
    assert after["audit_ok"]
    rows = after["tables"]["insight_storedobservation"][0]
    assert rows == before["tables"]["insight_storedobservation"][0] + small_cells
    assert after["visible"]["unfinished_batches"] == after["visible"]["staged_observations"] == 0
    assert (
        after["tables"]["insight_importbatch"][0] == before["tables"]["insight_importbatch"][0] + 1
    )
    assert cells > small_cells
    assert time.monotonic() - started < 60


def test_sigkill_while_a_decision_is_being_recorded_leaves_no_trace(deployment):
    reference = f"FEIL/{os.getpid()}"
    before = deployment.snapshot()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.child", "decision", reference],
        env=deployment.env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _kill_when(process, process.stdout, lambda line: line.startswith("INSIDE"), seconds=40)
    assert process.returncode == -signal.SIGKILL
    _assert_whole(deployment, before)
    assert child(deployment.env, "decision-exists", reference) is False
