"""Losen runs on SQLite and PostgreSQL; any other DATABASE_URL is refused at start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from losen.web.settings.base import database_from_environment


def test_postgresql_url_is_accepted(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert database_from_environment()["ENGINE"] == "django.db.backends.postgresql"


def test_another_database_is_refused_with_what_to_use(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@127.0.0.1:3306/test")
    with pytest.raises(ImproperlyConfigured, match="SQLite og PostgreSQL"):
        database_from_environment()
