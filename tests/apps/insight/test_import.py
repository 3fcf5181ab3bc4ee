"""Importing statistics files into the database: whole or not at all, idempotent, with history.

Real fixtures are the public SSB and FHI files that tests/domain/indicators/shared_data.py
describes (skipped with the reason when absent). Expected counts are those of the files: SSB
table 12367 has 1250 cells with status ``.`` ×400 and ``:`` ×85, value[0] = 1943974; the
07459 export has 38 160 rows summing to 5 550 203; FHI's example has Oslo 2020 = 3516.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from losen.apps.audit.models import AuditEntry
from losen.apps.audit.services import verify_chain
from losen.apps.insight.models import ImportBatch, StoredObservation
from losen.apps.insight.services import export_table, import_file, to_domain
from losen.domain import indicators as ind

from ...domain.indicators.shared_data import shared_bytes

pytestmark = pytest.mark.django_db

KOSTRA = "ssb_jsonstat2_12367_kostra_regnskap.json"
FHI = "fhi_jsonstat2_example_befolkningsvekst.json"
POPULATION = "ssb_07459_population_by_age_2024_kcodes.csv"


@pytest.fixture
def fictional():
    """The demo's fictional municipalities, registered: their numbers are not SSB's, so an
    import accepts them only as municipalities of this installation."""
    from losen.apps.accounts.models import Municipality

    for number, name in (("4699", "Fjordvik"), ("4698", "Nabovik")):
        Municipality.objects.create(number=number, name=name, is_synthetic=True)


def _import(name: str, **kwargs):
    return import_file(actor=None, data=shared_bytes(name), file_name=name, **kwargs)


def test_kostra_12367_is_stored_one_row_per_cell_with_statuses():
    outcome = _import(KOSTRA)
    assert outcome.ok and outcome.format == "jsonstat2"
    assert (outcome.in_file, outcome.created, outcome.revised) == (1250, 1250, 0)
    rows = StoredObservation.objects.filter(is_current=True, table="12367")
    assert rows.count() == 1250
    assert rows.filter(status=".").count() == 400
    assert rows.filter(status=":").count() == 85
    assert rows.filter(status__in=[".", ":"], value__isnull=False).count() == 0
    first = rows.order_by("ordinal").first()
    assert (first.region_code, first.period, first.value_text) == ("EAK", "2015", "1943974")
    assert first.source == "SSB" and first.unit == "1000 kr"
    assert str(first.updated) == "2021-06-14"  # 22:00 UTC the day before is Oslo midnight
    assert to_domain(first).dimensions[:2] == (
        ("KOKregnskapsomfa0000", "A"),
        ("KOKfunksjon0000", "100"),
    )
    batch = outcome.batch
    assert batch.municipality is None and len(batch.sha256) == 64
    assert batch.tables == ["12367"] and batch.observations_in_file == 1250
    entry = AuditEntry.objects.get(object_id=str(batch.external_id))
    assert entry.details["created"] == 1250
    assert verify_chain().ok


def test_population_07459_csv_export_in_latin1():
    outcome = _import(POPULATION)
    assert outcome.ok and outcome.format == "ssb-csv" and outcome.created == 38160
    rows = StoredObservation.objects.filter(table="07459", is_current=True)
    assert sum(rows.values_list("value", flat=True)) == 5_550_203
    assert rows.filter(region_code="K-0301").count() == 106
    assert set(rows.values_list("region_vintage", flat=True)) == {"2024"}


def test_fhi_example_needs_and_takes_a_table_id():
    refused = _import(FHI)
    assert not refused.ok
    assert refused.problems == (
        "extension.px.tableid: table id not in the file; give it explicitly",
    )
    assert StoredObservation.objects.count() == 0
    outcome = _import(FHI, table="befolkningsvekst")
    assert outcome.ok and outcome.created == 4
    oslo = StoredObservation.objects.get(region_code="03", period="2020_2020")
    assert (oslo.source, oslo.value_text) == ("FHI", "3516")


def test_malformed_file_stores_nothing_and_names_the_place():
    """A broken index is reported as in the issue's example; no batch, no row, no audit entry."""
    import json

    doc = json.loads(shared_bytes(KOSTRA))
    index = doc["dimension"]["KOKkommuneregion0000"]["category"]["index"]
    index.pop(list(index)[-1])
    entries = AuditEntry.objects.count()
    outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name="broken.json")
    assert not outcome.ok and outcome.batch is None
    assert "dimension KOKkommuneregion0000: 4 values in index, size says 5" in outcome.problems
    assert StoredObservation.objects.count() == ImportBatch.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_a_failure_while_writing_rolls_back_everything(monkeypatch):
    """If the database fails half-way, the rows already written are rolled back too (on
    SQLite, whose chunks are transactions of their own, the staged ones are deleted)."""
    import contextlib

    from losen.apps.insight import services

    monkeypatch.setattr(services, "INSERT_CHUNK", 100)
    monkeypatch.setattr(services, "STAGE_CHUNK", 100)
    original = services._row_writer
    calls = []

    @contextlib.contextmanager
    def failing(**kwargs):
        with original(**kwargs) as write:

            def write_or_fail(rows):
                calls.append(len(rows))
                if len(calls) == 3:
                    raise RuntimeError("disk full")
                write(rows)

            yield write_or_fail

    monkeypatch.setattr(services, "_row_writer", failing)
    with pytest.raises(RuntimeError):
        _import(KOSTRA)
    assert len(calls) == 3
    assert StoredObservation.objects.count() == ImportBatch.objects.count() == 0


def test_reimporting_the_same_file_changes_nothing():
    _import(KOSTRA)
    entries = AuditEntry.objects.count()
    again = _import(KOSTRA)
    assert again.ok and again.batch is None
    assert (again.created, again.revised, again.unchanged) == (0, 0, 1250)
    assert StoredObservation.objects.count() == 1250
    assert ImportBatch.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_a_revised_file_replaces_values_and_keeps_the_history():
    """SSB revises KOSTRA on 15 June: changed cells get a new current row, the old one stays."""
    import json

    _import(KOSTRA)
    before = StoredObservation.objects.order_by("ordinal").first()
    doc = json.loads(shared_bytes(KOSTRA))
    doc["value"][0] = 1943975
    doc["status"].pop(next(iter(doc["status"])))  # one suppressed cell becomes plain missing
    doc["updated"] = "2021-06-14T22:00:00Z"
    outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name="revidert.json")
    assert outcome.ok
    # Every cell's update date changed, so every cell is a new version of its key.
    assert (outcome.created, outcome.revised, outcome.unchanged) == (0, 1250, 0)
    assert StoredObservation.objects.count() == 2500
    current = StoredObservation.objects.filter(is_current=True)
    assert current.count() == 1250
    first = current.get(key_hash=before.key_hash)
    assert first.value_text == "1943975"
    old = StoredObservation.objects.get(key_hash=first.key_hash, is_current=False)
    assert old.value_text == "1943974" and old.superseded_by_id == first.pk
    assert old.superseded_at is not None and first.ordinal == old.ordinal


def test_batch_and_successor_links_hold_without_database_constraints():
    """The batch and successor of a row have no database constraint (the import writes both in
    its own transaction; see models.StoredObservation). Every row points at an existing batch,
    every earlier version at the current row of its key, and the ORM still cascades."""
    import json

    from losen.apps.insight.services import _key_hashes, key_hash

    first = _import(KOSTRA)
    doc = json.loads(shared_bytes(KOSTRA))
    doc["value"][0] = 1943975
    doc["updated"] = "2021-06-14T22:00:00Z"
    second = import_file(actor=None, data=json.dumps(doc).encode(), file_name="revidert.json")
    assert second.revised == 1250
    batches = {first.batch.pk, second.batch.pk}
    assert set(StoredObservation.objects.values_list("batch_id", flat=True)) == batches
    current = dict(StoredObservation.objects.filter(is_current=True).values_list("key_hash", "pk"))
    earlier = StoredObservation.objects.filter(is_current=False)
    assert earlier.count() == 1250
    for digest, successor in earlier.values_list("key_hash", "superseded_by_id"):
        assert current[digest] == successor
    # The hashes of a whole file are those of key_hash, one by one.
    observations = ind.parse(shared_bytes(KOSTRA), KOSTRA).observations[:50]
    dims = [""] * 50
    assert _key_hashes(observations, "national", dims) == [
        key_hash(o, "national", "") for o in observations
    ]
    # Deleting the revision through the ORM removes its rows and clears the links to them.
    second.batch.delete()
    assert StoredObservation.objects.count() == 1250
    assert not StoredObservation.objects.filter(superseded_by__isnull=False).exists()


def test_history_lists_every_version_of_a_cell_oldest_first():
    """Two revisions of one cell: three versions, the last current, each pointing to the next."""
    import json

    from losen.apps.insight.services import history_of

    _import(KOSTRA)
    doc = json.loads(shared_bytes(KOSTRA))
    for value in (1943975, 1943976):
        doc["value"][0] = value
        outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name=f"{value}.json")
        assert (outcome.created, outcome.revised, outcome.unchanged) == (0, 1, 1249)
    current = StoredObservation.objects.get(
        is_current=True,
        ordinal__in=[StoredObservation.objects.order_by("ordinal").values("ordinal")[:1]],
    )
    versions = history_of(current)
    assert [v.value_text for v in versions] == ["1943974", "1943975", "1943976"]
    assert [v.is_current for v in versions] == [False, False, True]
    assert versions[0].superseded_by_id == versions[1].pk
    assert versions[1].superseded_by_id == versions[2].pk
    untouched = StoredObservation.objects.filter(is_current=True).exclude(pk=current.pk).first()
    assert history_of(untouched) == [untouched]


def test_revision_of_only_some_values_counts_the_rest_unchanged():
    import json

    _import(KOSTRA)
    doc = json.loads(shared_bytes(KOSTRA))
    doc["value"][0] = 1
    outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name="én endring.json")
    assert (outcome.created, outcome.revised, outcome.unchanged) == (0, 1, 1249)
    assert outcome.batch.revised_count == 1


def test_export_round_trip_gives_back_exactly_what_was_stored():
    original = ind.parse(shared_bytes(KOSTRA), KOSTRA).observations
    _import(KOSTRA)
    for fmt in ("csv", "json"):
        body, count = export_table(actor=None, table="12367", data_format=fmt)
        assert count == 1250
        assert ind.parse(body).observations == original
        assert b"Statistisk sentralbyr" in body  # CC BY 4.0 attribution
    # An export imported again changes nothing.
    body, _ = export_table(actor=None, table="12367", data_format="json")
    again = import_file(actor=None, data=body, file_name="eksport.json")
    assert again.batch is None and again.unchanged == 1250


def test_local_figures_are_kept_apart_from_national_ones(demo):
    fjordvik, nabovik = demo["fjordvik"], demo["nabovik"]
    national = _import(KOSTRA)
    local = _import(KOSTRA, municipality=fjordvik)
    assert local.created == 1250 and national.created == 1250  # same keys, other scope
    _body, count = export_table(actor=None, table="12367", data_format="csv", municipality=nabovik)
    assert count == 1250  # national only
    _body, count = export_table(actor=None, table="12367", data_format="csv", municipality=fjordvik)
    own = StoredObservation.objects.filter(municipality=fjordvik, table="12367", is_current=True)
    assert own.count() == 1250 + 30  # the file, and the demo's synthetic 12367 rows
    assert count == 1250 + own.count()


def test_progress_is_reported_up_to_done(monkeypatch):
    from losen.apps.insight import services

    monkeypatch.setattr(services, "INSERT_CHUNK", 300)
    monkeypatch.setattr(services, "STAGE_CHUNK", 300)  # SQLite's chunks
    steps = []
    _import(KOSTRA, progress=steps.append)
    phases = [s.phase for s in steps]
    assert phases[0] == "lest" and phases[-1] == "ferdig"
    saving = [s.done for s in steps if s.phase == "lagrer"]
    assert saving == [300, 600, 900, 1200, 1250]
    assert steps[-1].percent == 100


def test_values_are_kept_as_exact_text(fictional):
    text = (
        b"kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;status;enhet\n"
        b"lokal;L1;andel;Andel;4699;2024;12.30;;prosent\n"
        b"lokal;L1;andel;Andel;4698;2024;;:;prosent\n"
    )
    outcome = import_file(actor=None, data=text, file_name="lokal.csv")
    assert outcome.ok
    row = StoredObservation.objects.get(region_code="4699")
    assert row.value_text == "12.30" and row.value == Decimal("12.30")
    assert to_domain(row).value.as_tuple() == Decimal("12.30").as_tuple()
    suppressed = StoredObservation.objects.get(region_code="4698")
    assert suppressed.status == ":" and suppressed.value is None


def test_a_large_import_refreshes_planner_statistics(monkeypatch):
    """After a large import PostgreSQL's statistics are refreshed (SQLite has nothing to do)."""
    from django.db import connection

    from losen.apps.insight import services

    calls = []
    original = services._refresh_statistics
    monkeypatch.setattr(services, "ANALYZE_AFTER", 1250)
    monkeypatch.setattr(services, "_refresh_statistics", lambda: calls.append(original()))
    assert _import(KOSTRA).created == 1250
    assert len(calls) == 1  # ran, inside the test's transaction on PostgreSQL too
    monkeypatch.setattr(services, "ANALYZE_AFTER", 1251)
    import json

    doc = json.loads(shared_bytes(KOSTRA))
    doc["updated"] = "2021-06-14T22:00:00Z"
    outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name="revidert.json")
    assert outcome.revised == 1250 and len(calls) == 1  # below the threshold: not refreshed
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'insight_storedobservation'"
            )
            assert cursor.fetchone()[0] > 0


def test_texts_with_tabs_newlines_and_backslashes_are_stored_as_they_are(fictional):
    """PostgreSQL gets the rows as COPY text made by the import: tab, newline, carriage return
    and backslash are escaped, ``\\N`` in a text is not a null, and null stays null."""
    import datetime as dt

    from losen.apps.insight.services import import_observations

    tricky = "a\tb\nc\rd\\e \\N ø"
    observations = [
        ind.Observation(
            source="lokal",
            table="T\\1",
            contents_code="k\t1",
            contents_label=tricky,
            region_code="4699",
            region_vintage="",
            period="2024",
            value=Decimal("-12.500"),
            status=None,
            unit="\\N",
            decimals=None,
            updated=dt.date(2024, 6, 14),
            dimensions=(("alder\t", 'a"\\b'),),
        ),
        ind.Observation(
            source="lokal",
            table="T\\1",
            contents_code="k\t1",
            contents_label="",
            region_code="4698",
            region_vintage="",
            period="2024",
            value=None,
            status=":",
            unit="",
            decimals=2,
            updated=None,
            dimensions=(),
        ),
    ]
    outcome = import_observations(
        actor=None, observations=observations, file_name="tegn.json", data_format="test"
    )
    assert outcome.ok and outcome.created == 2
    stored = StoredObservation.objects.get(region_code="4699")
    assert (stored.table, stored.contents_code, stored.contents_label) == ("T\\1", "k\t1", tricky)
    assert stored.unit == "\\N" and stored.value == Decimal("-12.5") and stored.decimals is None
    assert stored.value_text == "-12.500" and stored.status == ""
    assert to_domain(stored) == observations[0]
    empty = StoredObservation.objects.get(region_code="4698")
    assert empty.value is None and empty.updated is None and empty.contents_label == ""
    assert to_domain(empty) == observations[1]
