"""Where the shared real fixtures lie (``../shared/data`` from the repository root).

Tests read them in place and skip, with the reason, when the folder is absent; they are never
copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def shared_bytes(name: str) -> bytes:
    """Return a shared fixture's bytes, or skip the test saying which file is missing."""
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"shared fixture ../shared/data/{name} is not present")
    return path.read_bytes()
