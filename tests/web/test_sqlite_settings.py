"""The SQLite settings that let pages and a long import share the database take effect.

docs/operations.md, "SQLite under load": WAL (readers never wait for the writer), a busy
timeout (a writer waits for the lock instead of failing at once) and IMMEDIATE transactions
(a transaction takes the write lock when it starts, so it never fails half-way on an upgrade).
The checks open a real file with the connection settings Losen builds, not the test database
(which may live in memory).
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from losen.web.settings import base


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These tests open their own file, never the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def sqlite_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(base, "VAR_DIR", tmp_path)
    monkeypatch.setattr(base, "DEFAULT_SQLITE_PATH", tmp_path / "losen.sqlite3")
    config = base.database_from_environment()
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("CONN_MAX_AGE", 0)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    return config


def _open(config) -> DatabaseWrapper:
    wrapper = DatabaseWrapper(config, alias="sqlite-settings-check")
    wrapper.ensure_connection()
    return wrapper


def _pragma(wrapper: DatabaseWrapper, name: str):
    with wrapper.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_every_connection_runs_in_wal_mode_with_normal_sync(sqlite_settings):
    wrapper = _open(sqlite_settings)
    try:
        assert _pragma(wrapper, "journal_mode") == "wal"
        assert _pragma(wrapper, "synchronous") == 1  # NORMAL
        assert _pragma(wrapper, "busy_timeout") == 20_000
    finally:
        wrapper.close()


def test_transactions_take_the_write_lock_when_they_begin(sqlite_settings):
    wrapper = _open(sqlite_settings)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    path = sqlite_settings["NAME"]
    try:
        with wrapper.cursor() as cursor:
            # What transaction.atomic() does on SQLite: BEGIN in the configured mode.
            wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            cursor.execute("SELECT count(*) FROM t")  # a read only: the lock is taken anyway
            other = sqlite3.connect(path, timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            # A reader is not blocked by the writer (WAL).
            assert other.execute("SELECT count(*) FROM t").fetchone() == (0,)
            other.close()
            wrapper.rollback()
    finally:
        wrapper.set_autocommit(True)
        wrapper.close()


def test_a_writer_waits_for_the_lock_instead_of_failing(sqlite_settings):
    wrapper = _open(sqlite_settings)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    holder = sqlite3.connect(sqlite_settings["NAME"], isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, holder.rollback).start()
    start = time.monotonic()
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        waited = time.monotonic() - start
        assert 0.3 < waited < 5
    finally:
        wrapper.close()
        holder.close()
