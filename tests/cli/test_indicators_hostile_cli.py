"""``losen indicators`` against hostile and careless files: exit code 2, the message on stderr,
nothing on stdout and nothing stored; exports write formula payloads as text.

The payloads are a probe's (random bytes, NUL, lone surrogate, JSON 100 000 deep, 5 000-digit
numbers, regions that do not exist, ``"value": {}``, UTF-16, three columns, a zip bomb), then
random files from hypothesis, each run through :func:`losen.cli.main` as a user runs it.
"""

from __future__ import annotations

import csv
import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.insight.models import ImportBatch, StoredObservation
from losen.cli import main

from ..domain.indicators.hostile_files import shared_strings_bomb
from ..hostile_imports import HOSTILE_FILES, cube, import_files, template

pytestmark = pytest.mark.django_db


def refused(capsys, path, *extra: str) -> str:
    before = StoredObservation.objects.count()
    assert main(["indicators", "import", str(path), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert StoredObservation.objects.count() == before
    return captured.err


# The shared payloads (tests/hostile_imports.py): the file name, and what the command says.
PAYLOADS = {
    "random bytes": ("tilfeldig.csv", "så det er ikke en CSV-tekst"),
    "NUL in a label": ("nul.csv", "linje 2: inneholder et NUL-tegn"),
    "nested 100 000 deep": ("dyp.json", "nøstet"),
    "lone surrogate": ("surrogat.json", "halvt surrogatpar U+D800"),
    "5000-digit number": ("sifre.json", "5000 tegn"),
    "region 9999": ("9999.csv", "regionkode '9999' er SSBs kode"),
    "region abc": ("abc.csv", "regionkode 'abc' finnes ikke"),
    "region -1": ("minus.csv", "regionkode '-1' finnes ikke"),
    "UTF-16": ("utf16.csv", "UTF-16"),
    "three columns": ("tre.csv", "en importmal har kolonnene"),
    "fake XLSX": ("falsk.xlsx", "er ikke en XLSX-fil"),
    "a program": ("program.csv", "så det er ikke en CSV-tekst"),
}


def test_every_shared_payload_has_a_message_here():
    assert set(PAYLOADS) == set(HOSTILE_FILES)


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_each_payload_exits_2_with_a_message_and_stores_nothing(tmp_path, capsys, payload):
    name, message = PAYLOADS[payload]
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[payload])
    err = refused(capsys, path)
    assert message in err and "Traceback" not in err
    assert err.startswith(f"losen: {name}: ingenting er lagret; fila har disse feilene:")


def test_a_zip_bomb_exits_2_at_once(tmp_path, capsys):
    import time

    path = shared_strings_bomb(tmp_path / "bombe.xlsx", 40)
    started = time.perf_counter()
    err = refused(capsys, path)
    assert time.perf_counter() - started < 2
    assert "xl/sharedStrings.xml: delen pakker seg ut til 39 MiB" in err


def test_value_empty_over_stored_figures_exits_2_saying_how_many(tmp_path, capsys):
    first = tmp_path / "a.json"
    first.write_bytes(cube([1, 2]))
    assert main(["indicators", "import", str(first)]) == 0
    capsys.readouterr()
    empty = tmp_path / "tom.json"
    empty.write_bytes(cube({}))
    err = refused(capsys, empty)
    assert "Importen ville tømt 2 lagrede tall" in err
    assert ImportBatch.objects.count() == 1


def test_a_file_above_the_command_lines_limit_is_not_read_whole(tmp_path, capsys):
    big = tmp_path / "stor.csv"
    with big.open("wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: no disk used, 600 MB to read
    err = refused(capsys, big)
    assert str(big) in err and "512" in err


def test_exports_write_formula_payloads_as_text(tmp_path, capsys):
    source = tmp_path / "f.csv"
    source.write_bytes(
        template('lokal;L1;a;"=HYPERLINK(""https://x.example"",""K"")";0301;2024;-2;;@SUM(A1)')
    )
    assert main(["indicators", "import", str(source)]) == 0
    capsys.readouterr()
    out = tmp_path / "eksport.csv"
    assert main(["indicators", "export", "--table", "L1", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter=";"))
    assert rows[-1][3] == '\'=HYPERLINK("https://x.example","K")'
    assert rows[-1][9] == "'@SUM(A1)" and rows[-1][7] == "-2"
    assert main(["indicators", "export", "--table", "L1", "--format", "csv"]) == 0
    assert ";'@SUM(A1);" in capsys.readouterr().out


def test_harmonise_refuses_a_register_file_nested_too_deep(tmp_path, capsys):
    klass = tmp_path / "klass.json"
    klass.write_bytes(b'{"codeChanges": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    kommsummer = tmp_path / "ks.csv"
    kommsummer.write_text("GRUPPEKODE,GRUPPETEKST,KODE,TEKST\nK.0301,Oslo,0301,Oslo\n")
    code = main(
        [
            "indicators",
            "harmonise",
            "--table",
            "1",
            "--contents",
            "x",
            "--klass-changes",
            str(klass),
            "--kommsummer",
            str(kommsummer),
        ]
    )
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and "nøstet mer enn 64 nivåer" in captured.err


# --- Fuzz -------------------------------------------------------------------------------------

cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=8) | st.sampled_from(
    ["0301", "9999", "2024", "1", "..", "=1+1", '"', "\x00", "\ud800"]
)
files = import_files(cells, key="id", max_leaves=15)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files)
def test_fuzz_the_import_command_exits_0_or_2_and_never_with_a_traceback(tmp_path, capsys, data):
    path = tmp_path / "fuzz.dat"
    path.write_bytes(data)
    before = StoredObservation.objects.count()
    code = main(["indicators", "import", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 2), captured.err
    assert "Traceback" not in captured.err
    if code == 2:
        assert captured.out == "" and StoredObservation.objects.count() == before
    sys.stderr.flush()
