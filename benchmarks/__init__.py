"""Performance runs against named peers, printing ratios (``python -m benchmarks``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child_env(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a benchmark's child process: its own settings, data folder and
    database (SQLite in *var_dir* unless *database_url* is given)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="losen.web.settings.local",
        LOSEN_VAR_DIR=str(var_dir),
        LOSEN_SECRET_KEY=secrets.token_urlsafe(40),
        LOSEN_ALLOWED_HOSTS="testserver",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env
