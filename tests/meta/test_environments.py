"""Two environments: the runtime lock holds what Losen runs on, the development lock adds the rest.

``make demo`` and a production install take requirements.lock alone; ``make test`` and
``make bench`` add requirements-dev.lock. Both are made by ``make lock`` from pyproject.toml.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"

#: Test, lint, type and benchmark tools, the benchmarks' peers and what those pull in: none of
#: them may reach the runtime lock (a deployed Losen must not carry them).
NOT_AT_RUNTIME = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "hypothesis",
    "playwright",
    "ruff",
    "bandit",
    "import-linter",
    "mypy",
    "django-stubs",
    "factory-boy",
    "faker",
    "scikit-criteria",
    "pymcdm",
    "pulp",
    "pandas",
    "matplotlib",
    "scikit-learn",
    "uv",
    "freezegun",
}

#: Test libraries that a runtime dependency itself requires, each with the one that pulls it in:
#: they are in the runtime lock only while that dependency needs them.
PULLED_IN_AT_RUNTIME = {
    # rq-scheduler (the RQ backend's scheduler, through django-tasks-rq) declares freezegun as
    # a dependency of its own; it goes when the RQ backend becomes an optional extra.
    "freezegun": "rq-scheduler",
}


def _name(requirement: str) -> str:
    """The normalised project name of a requirement such as ``fhir.resources>=8.0``."""
    bare = re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, version = line.partition("==")
            assert version, f"{lock.name}: {line!r} is not pinned with =="
            pins[_name(name)] = version.split(";")[0].strip()
    return pins


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _pulled_in_by(lock: Path, name: str) -> set[str]:
    """The packages a lock says *name* is there for (its ``# via`` lines)."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if _name(line.partition("==")[0]) == name)
    parents = set()
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        parents.add(_name(line.strip().lstrip("#").strip().removeprefix("via").strip()))
    return parents - {""}


def test_the_runtime_lock_holds_no_test_tool_or_peer():
    runtime = _pins(RUNTIME_LOCK)
    dev_extra = {_name(r) for r in _project()["optional-dependencies"]["dev"]}
    found = (NOT_AT_RUNTIME | dev_extra) & runtime.keys()
    explained = {n for n in found if PULLED_IN_AT_RUNTIME.get(n) in _pulled_in_by(RUNTIME_LOCK, n)}
    assert sorted(found - explained) == []


def test_the_runtime_lock_holds_every_runtime_dependency():
    runtime = _pins(RUNTIME_LOCK)
    assert "django" in runtime
    assert [r for r in _project()["dependencies"] if _name(r) not in runtime] == []


def test_the_development_lock_adds_to_the_runtime_pins_without_changing_them():
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    changed = {n: (v, dev.get(n)) for n, v in runtime.items() if dev.get(n) != v}
    assert changed == {}
    extra = [_name(r) for r in _project()["optional-dependencies"]["dev"]]
    assert [n for n in extra if n not in dev] == []
    assert {"pytest", "bandit", "playwright", "pulp"} <= dev.keys()


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_a_lock_names_no_package_index(lock):
    """No index URL, find-links or other address: the locks work with whatever index pip uses."""
    text = lock.read_text(encoding="utf-8")
    assert re.findall(r"--(?:extra-)?index-url|--find-links|-f\s|://", text) == []
    assert "make lock" in text.splitlines()[1]


def _dry_run(target: str) -> str:
    """What ``make`` would run for *target* on a fresh clone (nothing is run, -n, everything -B)."""
    # Not the flags of a make this suite may run under (`make test`): this make stands alone.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "-n", "-B", "--no-print-directory", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_runtime_lock_only_and_make_test_both():
    demo = _dry_run("demo")
    assert "pip install --quiet -r requirements.lock" in demo
    assert "requirements-dev.lock" not in demo
    for target in ("test", "bench"):
        commands = _dry_run(target)
        assert "-r requirements.lock" in commands and "-r requirements-dev.lock" in commands
    assert "bandit --recursive src" in _dry_run("test")


def test_the_production_install_takes_the_runtime_lock():
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.lock" in operations
    assert "requirements-dev.lock" in operations  # named only to say it is not installed there
