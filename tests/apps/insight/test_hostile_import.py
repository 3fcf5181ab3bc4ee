"""The import and export doors against hostile and careless input, through the service and the
web pages: a clear refusal (a problem, a form error), nothing stored, never a 5xx; exports write
formula payloads as text.

Measured with payloads from a probe of the import (see the domain's hostile tests for the
readers themselves) and with hypothesis feeding random files to the whole import.
"""

from __future__ import annotations

import io
import json
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from losen.apps.accounts.models import Membership, Municipality, Role, User
from losen.apps.insight import forms as insight_forms
from losen.apps.insight.models import ImportBatch, StoredObservation
from losen.apps.insight.services import export_table, import_file, import_observations
from losen.domain import indicators as ind

from ...domain.indicators.hostile_files import shared_strings_bomb
from ...domain.indicators.shared_data import shared_bytes
from ...hostile_imports import FORMULA, FORMULA_ROW, HOSTILE_FILES, import_files, template
from ...hostile_imports import cube as shared_cube

pytestmark = pytest.mark.django_db


def cube(values) -> bytes:
    """The shared cube (table 12345) with Oslo and Bergen."""
    return shared_cube(values, regions=("0301", "4601"))


def _state() -> tuple[int, int, list[tuple[str, str]]]:
    return (
        ImportBatch.objects.count(),
        StoredObservation.objects.count(),
        sorted(StoredObservation.objects.values_list("key_hash", "value_text")),
    )


# --- Figures that would be blanked -------------------------------------------------------------


def test_value_as_an_empty_object_is_refused_saying_how_many_figures_it_would_blank():
    assert import_file(actor=None, data=cube([1, 2, 3, 4]), file_name="a.json").created == 4
    before = _state()
    outcome = import_file(actor=None, data=cube({}), file_name="tom.json")
    assert outcome.problems == (
        "Importen ville tømt 4 lagrede tall: fila har disse observasjonene uten verdi og uten "
        "status. Ingenting er lagret. Rett fila, eller la observasjonene uten tall være ute av "
        "den.",
    )
    assert _state() == before
    # One cell of four left without a number: 1 figure would be blanked; still nothing stored.
    outcome = import_file(actor=None, data=cube({"0": 1, "1": 2, "2": 3}), file_name="b.json")
    assert outcome.problems[0].startswith("Importen ville tømt 1 lagrede tall")
    assert _state() == before


def test_a_file_with_no_value_and_no_status_at_all_is_refused():
    outcome = import_file(actor=None, data=cube({}), file_name="tom.json")
    assert outcome.problems == (
        "Ingen av de 4 observasjonene i fila har en verdi eller en status; ingenting er lagret.",
    )
    assert StoredObservation.objects.count() == 0


def test_the_probes_kostra_table_with_value_empty_is_refused():
    """12367 has 1 250 cells: 765 numbers, 400 «.» and 85 «:»; ``"value": {}`` keeps the
    statuses and would blank the 765 numbers."""
    data = shared_bytes("ssb_jsonstat2_12367_kostra_regnskap.json")
    assert import_file(actor=None, data=data, file_name="12367.json").created == 1250
    doc = json.loads(data)
    doc["value"] = {}
    outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name="tom.json")
    assert outcome.problems[0].startswith("Importen ville tømt 765 lagrede tall")
    assert StoredObservation.objects.filter(is_current=True, value__isnull=False).count() == 765


def test_a_number_replaced_by_a_status_is_a_revision_not_a_blank():
    import_file(actor=None, data=cube([1, 2, 3, 4]), file_name="a.json")
    doc = json.loads(cube([1, 2, 3, None]))
    doc["status"] = {"3": ":"}
    outcome = import_file(actor=None, data=json.dumps(doc).encode(), file_name="prikket.json")
    assert outcome.ok and outcome.revised == 1


# --- Region codes ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9999", "abc", "-1"])
def test_region_codes_that_do_not_exist_are_refused_by_the_file_import(code):
    outcome = import_file(
        actor=None, data=template(f"lokal;L1;a;A;{code};2024;1;;"), file_name="r.csv"
    )
    assert len(outcome.problems) == 1 and outcome.problems[0].startswith("line 2: regionkode ")
    assert f"'{code}'" in outcome.problems[0]
    assert StoredObservation.objects.count() == 0


def test_region_codes_are_checked_for_observations_not_read_from_a_file():
    obs = ind.Observation(
        "SSB", "1", "k", "k", "9999", "2024", "2024", Decimal(1), None, "", None, None
    )
    outcome = import_observations(
        actor=None, observations=[obs], file_name="hentet.json", data_format="jsonstat2"
    )
    assert outcome.problems == (
        "observation 1: regionkode '9999' er SSBs kode for «uoppgitt kommune», ikke en kommune; "
        "tall uten kjent kommune kan ikke lagres",
    )


def test_a_registered_municipality_of_the_installation_is_a_known_region():
    Municipality.objects.create(number="4699", name="Fjordvik", is_synthetic=True)
    outcome = import_file(actor=None, data=template("lokal;L1;a;A;4699;2024;1;;"), file_name="x")
    assert outcome.ok and outcome.created == 1


def test_nul_and_lone_surrogates_are_refused_for_observations_from_code():
    for bad in ("Navn\x00", "\ud800"):
        obs = ind.Observation(
            "lokal", "1", "k", bad, "0301", "2024", "2024", Decimal(1), None, "", None, None
        )
        outcome = import_observations(
            actor=None, observations=[obs], file_name="kode", data_format="test"
        )
        assert len(outcome.problems) == 1
        assert outcome.problems[0].startswith("observation 1: contents_label: teksten inneholder")
    assert StoredObservation.objects.count() == 0


# --- Exports neutralise formulas ---------------------------------------------------------------


def test_formula_payloads_are_text_in_the_csv_export_and_numbers_stay_numbers():
    assert import_file(actor=None, data=template(FORMULA_ROW), file_name="f.csv").ok
    body, count = export_table(actor=None, table="L1", data_format="csv")
    assert count == 1
    import csv

    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";"))
    row = rows[-1]
    assert row[3] == "'" + FORMULA
    assert row[9] == "'@SUM(A1)" and row[7] == "-12.5"
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r)
    # and the export reads back as the same figures
    again = import_file(actor=None, data=body, file_name="eksport.csv")
    assert again.ok and again.unchanged == 1


def test_the_xlsx_template_has_no_formula_cells():
    workbook = load_workbook(io.BytesIO(ind.template_xlsx("is-24-8")))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


# --- The web upload ---------------------------------------------------------------------------


@pytest.fixture
def analyst():
    municipality = Municipality.objects.create(number="4601", name="Bergen")
    user = User.objects.create_user("analytiker-test", password="x" * 16)
    Membership.objects.create(user=user, municipality=municipality, role=Role.ANALYTIKER)
    client = Client()
    client.force_login(user)
    return client


def _page(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _upload(client, name: str, body: bytes):
    # A file the form accepts is imported by a task; its page (after the redirect) says how
    # it went.
    return client.post(
        reverse("insight:imports"), {"file": SimpleUploadedFile(name, body)}, follow=True
    )


def test_an_upload_above_20_mb_is_cut_off_as_it_arrives_with_a_form_error(analyst):
    body = b"kilde;tabell\n" + b"x" * (insight_forms.MAX_UPLOAD_BYTES + 1024)
    response = _upload(analyst, "stor.csv", body)
    assert response.status_code == 200 and not response.streaming
    assert "Fila er større enn 20 MB." in _page(response)
    assert StoredObservation.objects.count() == 0


def test_the_upload_handler_stops_at_the_limit(analyst, monkeypatch):
    from losen.apps.insight import uploads

    seen = []
    original = uploads.SizeLimitedUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        seen.append(start + len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(uploads.SizeLimitedUploadHandler, "receive_data_chunk", spy)
    monkeypatch.setattr(insight_forms, "MAX_UPLOAD_BYTES", 100_000)
    # the declared length is below the form's framing allowance: the file part is cut off
    response = _upload(analyst, "stor.csv", b"a;b\n" + b"1;2\n" * 30_000)
    assert "Fila er større enn 20 MB." in _page(response)
    assert max(seen) <= 100_000 + 64 * 1024


def test_a_decompression_bomb_upload_is_refused_by_the_form_in_under_a_second(analyst, tmp_path):
    bomb = shared_strings_bomb(tmp_path / "bombe.xlsx", 40).read_bytes()
    started = time.perf_counter()
    response = _upload(analyst, "bombe.xlsx", bomb)
    page = _page(response)
    assert time.perf_counter() - started < 1.5
    assert response.status_code == 200 and not response.streaming
    assert "Fila kan ikke importeres: bombe.xlsx: xl/sharedStrings.xml: delen pakker seg ut" in (
        page
    )


# The shared payloads (tests/hostile_imports.py): what the upload form says, as HTML.
UPLOAD_MESSAGES = {
    "random bytes": "så det er ikke en CSV- eller JSON-fil",
    "NUL in a label": "inneholder et NUL-tegn",
    "nested 100 000 deep": "nøstet mer enn",
    "lone surrogate": "halvt surrogatpar",
    "5000-digit number": "5000 tegn",
    "region 9999": "regionkode &#x27;9999&#x27;",
    "region abc": "regionkode &#x27;abc&#x27; finnes ikke",
    "region -1": "regionkode &#x27;-1&#x27; finnes ikke",
    "UTF-16": "fila er lagret som UTF-16; lagre den som UTF-8",
    "three columns": "mangler kolonne(r): kilde, tabell",
    "fake XLSX": "er ikke en XLSX-fil",
    "a program": "ikke en CSV- eller JSON",
}


def test_every_shared_payload_has_a_message_here():
    assert set(UPLOAD_MESSAGES) == set(HOSTILE_FILES)


@pytest.mark.parametrize("payload", sorted(UPLOAD_MESSAGES))
def test_each_payload_uploaded_gets_a_form_error_and_stores_nothing(analyst, payload):
    name = "fil.xlsx" if payload == "fake XLSX" else "fil.csv"
    response = _upload(analyst, name, HOSTILE_FILES[payload])
    page = _page(response)
    assert response.status_code == 200
    assert UPLOAD_MESSAGES[payload] in page, page[:3000]
    assert StoredObservation.objects.count() == 0


def test_the_import_page_still_checks_the_csrf_token(analyst):
    user = User.objects.get(username="analytiker-test")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(
        reverse("insight:imports"), {"file": SimpleUploadedFile("a.csv", template())}
    )
    assert response.status_code == 403
    page = strict.get(reverse("insight:imports"))
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()


def test_a_formula_label_uploaded_comes_out_neutralised_in_the_web_export(analyst):
    page = _page(_upload(analyst, "f.csv", template(FORMULA_ROW)))
    assert "Ferdig: 1 observasjoner; 1 nye" in page
    response = analyst.get(reverse("insight:export") + "?tabell=L1&format=csv")
    text = response.content.decode()
    assert "'=HYPERLINK(" in text and ";'@SUM(A1)" in text and ";-12.5;" in text
    assert ";=HYPERLINK" not in text and ";@SUM" not in text


# --- Fuzz of the whole import -------------------------------------------------------------------


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=10) | st.sampled_from(
    ["0301", "9999", "abc", "2024", "12,5", "..", ":", "=1+1", "\x00", "{}", "[]"]
)
files = import_files(texts, key="value", max_leaves=20)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files)
def test_fuzz_the_import_service_gives_a_clean_outcome(data):
    before = _state()
    outcome = import_file(actor=None, data=data, file_name="fuzz")
    assert outcome.ok or outcome.problems
    for problem in outcome.problems:
        problem.encode("utf-8")
    if not outcome.ok:
        assert _state() == before


# --- The demand page's own projection (a text field read as numbers) ---------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026;NaN;1", "ikke endelig"),
        ("2026;Infinity;1", "ikke endelig"),
        ("2026;1e999999;1", "ikke endelig"),
        ("2026;2e9;1", "for stort"),
        ("2026;-5;1", "negativt"),
        ("2026;" + "9" * 5000 + ";1", "ikke endelig"),
        ("99999999999;1;1", "utenfor 1900–2200"),
        ("2026;1\x00;1", "ull-tegn er ikke tillatt"),  # Django's own check, first
        ("2026;1;1\n" * 20_000, "høyst 100000 tegn"),
    ],
    ids=["NaN", "Infinity", "1e999999", "2e9", "negative", "5000 digits", "year", "NUL", "long"],
)
def test_a_hostile_projection_on_the_demand_page_is_a_form_error(client_for, text, message):
    response = client_for("analytiker").get(
        reverse("insight:demand"),
        {
            "service": "hjemmetjenester",
            "rate_source": "egne",
            "horizon_years": "5",
            "scenario": "egen",
            "projection_text": text,
        },
    )
    assert response.status_code == 200
    assert message in _page(response)
