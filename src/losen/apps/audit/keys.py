"""The audit key: the secret the audit chain and backups are sealed with.

It is kept outside the database, so that someone who can write to the database (or to a
backup file) cannot write entries that verify. It comes from ``LOSEN_AUDIT_KEY`` (read and
checked by the settings, at least 32 bytes, required by the production settings) or else from
the file ``AUDIT_KEY_FILE`` (``var/audit_key``), created with a random key and mode 0600 the
first time Losen starts without one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .chain import key_fingerprint

MIN_KEY_BYTES = 32


def _read_key_file(path: Path) -> bytes:
    key = path.read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"Nøkkelfilen til revisjonsloggen {path} har {len(key)} byte; den må ha minst "
            f"{MIN_KEY_BYTES}. Sett LOSEN_AUDIT_KEY, eller flytt filen bort bare hvis "
            "revisjonsloggen er tom (en ny nøkkel gjør eksisterende poster ugyldige)."
        )
    return key


def _key_from_file(path: Path) -> bytes:
    """Read the key file, creating it (atomically, mode 0600) when it does not exist."""
    if path.exists():
        return _read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        # A hard link never replaces a file: when another process got there first, its key wins.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return _read_key_file(path)


@cache
def _cached(from_settings: bytes | None, path: str) -> bytes:
    if from_settings:
        return from_settings
    return _key_from_file(Path(path))


def audit_key() -> bytes:
    """The key in use: ``settings.AUDIT_KEY`` (from ``LOSEN_AUDIT_KEY``) or the key file."""
    from_settings = getattr(settings, "AUDIT_KEY", None)
    if isinstance(from_settings, str):
        from_settings = from_settings.encode("utf-8")
    if from_settings is not None and len(from_settings) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"AUDIT_KEY har {len(from_settings)} byte; den må ha minst {MIN_KEY_BYTES}."
        )
    path = getattr(settings, "AUDIT_KEY_FILE", None) or Path(settings.VAR_DIR) / "audit_key"
    return _cached(from_settings, str(path))


def fingerprint() -> str:
    """The public fingerprint of the key in use."""
    return key_fingerprint(audit_key())
