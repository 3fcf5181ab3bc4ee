"""Two imports of the same table at once: one is stored, the other waits or is refused clearly.

The first import is held while it writes (its progress callback blocks once it has written
its rows: inside its transaction on PostgreSQL, between two of its short transactions on
SQLite) while a second import of the same table starts in another thread, with its own
database connection. On PostgreSQL the second finds the table's import lock taken (an advisory
lock per scope and table); on SQLite it finds the first one's unfinished batch claiming the
table (``services._claim``). Either way it never fails with ``UniqueViolation`` or ``database
is locked``: it waits, and then finds the figures stored, or says that another import of the
table is running and stores nothing.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from losen.apps.insight import services
from losen.apps.insight.models import ImportBatch, StoredObservation

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 400


def _csv(value: str = "1") -> bytes:
    lines = ["kilde;tabell;indikatorkode;regionkode;periode;verdi"]
    lines += [f"lokal;T1;k{i};0301;2024;{value}" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def _held_import(data: bytes, holding: threading.Event, release: threading.Event, out: dict):
    """Run an import in this thread and stop inside its transaction until *release* is set."""

    def progress(step):
        if step.phase == "lagrer" and not holding.is_set():
            holding.set()
            release.wait(30)

    try:
        out["outcome"] = services.import_file(
            actor=None, data=data, file_name="a.csv", progress=progress
        )
    except Exception as error:  # the test reports it
        out["error"] = error
    finally:
        holding.set()
        connections.close_all()


def _other_import(data: bytes, out: dict) -> None:
    try:
        out["outcome"] = services.import_file(actor=None, data=data, file_name="b.csv")
    except Exception as error:  # the test reports it
        out["error"] = error
    finally:
        connections.close_all()


def _run(first_data: bytes, second_data: bytes, *, release_after_s: float | None):
    holding, release = threading.Event(), threading.Event()
    first: dict = {}
    second: dict = {}
    a = threading.Thread(target=_held_import, args=(first_data, holding, release, first))
    a.start()
    assert holding.wait(30)
    b = threading.Thread(target=_other_import, args=(second_data, second))
    b.start()
    if release_after_s is None:
        b.join(60)
        release.set()
    else:
        b.join(release_after_s)
        release.set()
        b.join(60)
    a.join(60)
    assert not a.is_alive() and not b.is_alive()
    assert "error" not in first, first.get("error")
    assert "error" not in second, second.get("error")
    return first["outcome"], second["outcome"]


def test_the_second_import_is_refused_clearly_when_the_first_runs_too_long(monkeypatch):
    monkeypatch.setattr(services, "IMPORT_LOCK_WAIT_S", 0.6)
    if connection.vendor == "sqlite":
        # A short busy timeout too, should a write lock be what the second import waits for.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 1)
    first, second = _run(_csv("1"), _csv("2"), release_after_s=None)
    assert first.ok and first.created == ROWS
    assert not second.ok
    assert second.problems == (
        "En annen import av tabell T1 pågår; ingenting er lagret. Prøv igjen når den er ferdig.",
    )
    assert ImportBatch.objects.count() == 1
    assert StoredObservation.objects.filter(is_current=True).count() == ROWS
    assert set(StoredObservation.objects.values_list("value_text", flat=True)) == {"1"}


def test_the_second_import_waits_for_the_first_and_then_finds_the_figures_stored():
    first, second = _run(_csv("1"), _csv("1"), release_after_s=0.8)
    assert first.ok and first.created == ROWS
    assert second.ok and (second.created, second.unchanged) == (0, ROWS)
    assert ImportBatch.objects.count() == 1
    assert StoredObservation.objects.count() == ROWS


def test_a_waiting_revision_is_stored_after_the_first_as_a_new_version():
    first, second = _run(_csv("1"), _csv("2"), release_after_s=0.8)
    assert first.ok and second.ok and second.revised == ROWS
    assert ImportBatch.objects.count() == 2
    current = StoredObservation.objects.filter(is_current=True)
    assert current.count() == ROWS
    assert set(current.values_list("value_text", flat=True)) == {"2"}
    assert StoredObservation.objects.filter(is_current=False).count() == ROWS
