"""Hostile and careless files: each gets a clear problem naming its place, never an exception.

The payloads are those of a probe of the import as an attacker and a careless user (random
bytes as CSV, NUL, a lone surrogate, JSON nested 100 000 deep, numbers of 5 000 digits, codes of
regions that do not exist, UTF-16, a template of three columns, a decompression bomb, a sheet of
a million rows with no header), then random JSON, CSV and bytes from hypothesis. Large inputs are
made on the fly (see :mod:`.hostile_files`); every test is quick.
"""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.domain.indicators import ParseResult, ReadLimits, parse, to_csv, to_json
from losen.domain.indicators.register import default_register

from .hostile_files import many_rows_sheet, random_bytes, shared_strings_bomb

HEADER = "kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;enhet\n"


def template(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


def problems(data: bytes, name: str = "fil.csv", **kwargs) -> list[str]:
    result = parse(data, name, **kwargs)
    assert not result.ok and result.observations == ()
    return [str(p) for p in result.problems]


def jsonstat(**changes) -> dict:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "12345: Test",
        "source": "Statistisk sentralbyrå",
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [1, 1, 1],
        "dimension": {
            "Region": {"category": {"index": {"0301": 0}}},
            "ContentsCode": {"category": {"index": {"Personer": 0}}},
            "Tid": {"category": {"index": {"2024": 0}}},
        },
        "value": [1],
    }
    doc.update(changes)
    return doc


def test_a_clean_jsonstat_is_read() -> None:
    result = parse(json.dumps(jsonstat()).encode())
    assert result.ok and result.observations[0].region_code == "0301"


# --- Bytes that are not text ------------------------------------------------------------------


def test_one_megabyte_of_random_bytes_as_csv() -> None:
    found = problems(random_bytes(1024 * 1024), "tilfeldig.csv")
    assert len(found) == 1 and found[0].startswith("tilfeldig.csv: linje ")
    assert "så det er ikke en CSV-tekst" in found[0]


def test_a_nul_in_a_label_names_the_line() -> None:
    found = problems(template("lokal;t;a;Navn\x00med NUL;0301;2024;1;", "lokal;t;b;B;0301;2024;1;"))
    assert found == [
        "fil.csv: linje 2: inneholder et NUL-tegn (U+0000), så det er ikke en CSV-tekst; "
        "fjern tegnet eller velg riktig fil"
    ]


def test_a_nul_escaped_in_json_is_refused_with_its_path() -> None:
    doc = jsonstat(label="12345: Test\u0000")
    (found,) = problems(json.dumps(doc).encode(), "x.json")
    assert found.startswith("x.json: label: teksten inneholder et NUL-tegn")


def test_a_lone_surrogate_in_a_label_or_an_id_is_refused() -> None:
    doc = jsonstat()
    doc["dimension"]["ContentsCode"]["category"]["index"] = {"\ud800": 0}
    (found,) = problems(json.dumps(doc).encode(), "x.json")
    assert "halvt surrogatpar U+D800" in found and found.startswith("x.json: dimension.")
    own = json.loads(to_json(parse(json.dumps(jsonstat()).encode()).observations))
    own["observations"][0]["contents_label"] = "\ud800"
    (found,) = problems(json.dumps(own).encode(), "eksport.json")
    assert found.startswith("eksport.json: observations[0].contents_label: teksten inneholder")


def test_json_nested_100_000_deep_is_refused_quickly() -> None:
    started = time.perf_counter()
    for deep in (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, b"[" * 100_000 + b"]" * 100_000):
        doc = b'{"version": "2.0", "x": ' + deep + b"}"
        (found,) = problems(doc, "dyp.json")
        assert "nøstet mer enn 64 nivåer dypt" in found
    assert time.perf_counter() - started < 5


def test_numbers_of_5000_digits_and_non_finite_numbers() -> None:
    for literal, expected in (
        ("9" * 5000, "har 5000 tegn; høyst 100 er tillatt"),
        ("NaN", "NaN er ikke et tall som kan brukes"),
        ("-Infinity", "-Infinity er ikke et tall som kan brukes"),
    ):
        text = json.dumps(jsonstat(value=[0])).replace("[0]", f"[{literal}]")
        (found,) = problems(text.encode(), "tall.json")
        assert expected in found


def test_utf16_and_utf32_files_are_told_to_be_saved_as_utf8() -> None:
    text = HEADER + "lokal;t;a;A;0301;2024;1;\n"
    for encoding, name in (("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-32", "UTF-32")):
        (found,) = problems(text.encode(encoding), "mal.csv")
        assert found.startswith(f"mal.csv: fila er lagret som {name}; lagre den som UTF-8")


# --- Content that is wrong --------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9999", "abc", "-1", "0000", "99", "K-9999", "03011", "1"])
def test_region_codes_that_do_not_exist_are_refused_naming_the_code_and_the_line(code) -> None:
    found = problems(template("lokal;t;a;A;0301;2024;1;", f"lokal;t;b;B;{code};2024;1;"))
    assert len(found) == 1 and found[0].startswith("line 3: regionkode ")
    assert repr(code) in found[0] or f"regionkode {code} " in found[0]


def test_region_codes_of_every_kind_that_exist_are_accepted() -> None:
    codes = ["0301", "1507", "3001", "0101", "03", "46", "21", "030101", "K-3101"]
    codes += ["K-21-22", "K-Rest", "EAK", "EAKUO", "EKG12", "EKA03", "0"]
    rows = [f"lokal;t;k{i};K;{code};2024;1;" for i, code in enumerate(codes)]
    result = parse(template(*rows))
    assert result.ok, result.problems
    assert default_register().problem("9999").startswith("regionkode '9999' er SSBs kode")


def test_an_installations_own_municipality_is_accepted_when_added() -> None:
    data = template("lokal;t;a;A;4699;2024;1;")
    assert problems(data)[0].startswith("line 2: regionkode '4699' finnes ikke")
    assert parse(data, regions=default_register().with_codes(["4699"])).ok


def test_region_codes_in_jsonstat_and_in_ssb_csv() -> None:
    doc = jsonstat()
    doc["dimension"]["Region"]["category"]["index"] = {"abc": 0}
    assert problems(json.dumps(doc).encode()) == [
        "dimension Region: regionkode 'abc' finnes ikke i kommuneregisteret (skriv et "
        "kommunenummer som 0301, et fylkesnummer, en bydel, en K-kode eller EAK/EKG/EKA)"
    ]
    csv_data = b'"12345: Test"\n\n"region";"Personer 2024"\n"9999 Uoppgitt";"12"\n'
    (found,) = problems(csv_data)
    assert found.startswith("line 4: regionkode '9999' er SSBs kode for «uoppgitt kommune»")


def test_a_three_column_template_is_told_which_columns_a_template_has() -> None:
    (found,) = problems(b"regionkode;periode;verdi\n0301;2024;12\n", "tre.csv")
    assert found.startswith("line 1: mangler kolonne(r): kilde, tabell, indikatorkode; ")
    assert "en importmal har kolonnene kilde, tabell, indikatorkode, regionkode, periode og " in (
        found
    )
    (found,) = problems(b"kilde,tabell,indikatorkode\nlokal,t,a\n", "tre.csv")
    assert "mangler kolonne(r): regionkode, periode, verdi eller status" in found


def test_a_jsonstat_cube_larger_than_the_limit_is_refused_before_its_cells_are_made() -> None:
    doc = jsonstat(size=[10_000, 10_000, 10_000], value={})
    for dim, n in (("Region", 10_000), ("ContentsCode", 10_000), ("Tid", 10_000)):
        doc["dimension"][dim]["category"]["index"] = [f"{dim}{i}" for i in range(n)]
    started = time.perf_counter()
    found = problems(json.dumps(doc).encode())
    assert time.perf_counter() - started < 3
    assert any("kuben har 1000000000000 celler" in p for p in found)


def test_a_file_above_the_size_limit_is_refused_before_it_is_read() -> None:
    data = template(*["lokal;t;a;A;0301;2024;1;"] * 10)
    (found,) = problems(data, "stor.csv", limits=ReadLimits(max_bytes=100))
    assert found.startswith("stor.csv: fila er 0,0 MB; høyst 0,0 MB")


def test_more_lines_than_allowed_are_refused_at_once() -> None:
    data = b"kilde;tabell;verdi\n" + b"1\n" * 1_500_000
    started = time.perf_counter()
    (found,) = problems(data, "lang.csv")
    assert time.perf_counter() - started < 2
    assert (
        found == "lang.csv: fila har 1500001 linjer; høyst 1000000 kan importeres her, del den opp"
    )


def test_a_field_larger_than_the_field_limit() -> None:
    (found,) = problems(template('lokal;t;a;"' + "x" * 200_000 + '";0301;2024;1;'))
    assert "et felt er lengre enn 65536 tegn" in found


# --- XLSX -------------------------------------------------------------------------------------


def test_a_decompression_bomb_is_refused_in_well_under_a_second(tmp_path) -> None:
    bomb = shared_strings_bomb(tmp_path / "bombe.xlsx", 40).read_bytes()
    assert len(bomb) < 300_000  # 40 MB of XML in a file of a few hundred kB
    started = time.perf_counter()
    (found,) = problems(bomb, "bombe.xlsx")
    assert time.perf_counter() - started < 1
    assert found.startswith("bombe.xlsx: xl/sharedStrings.xml: delen pakker seg ut til 39 MiB")


def test_a_sheet_of_many_rows_reports_a_missing_header_at_once(tmp_path) -> None:
    sheet = many_rows_sheet(tmp_path / "rader.xlsx", 300_000, ["kilde", "verdi"]).read_bytes()
    started = time.perf_counter()
    (found,) = problems(sheet, "rader.xlsx")
    assert time.perf_counter() - started < 1
    assert found.startswith("sheet data, row 1: mangler kolonne(r): tabell, indikatorkode")


def test_a_large_sheet_that_does_not_declare_its_size_is_refused_at_once(tmp_path) -> None:
    path = many_rows_sheet(tmp_path / "udeklarert.xlsx", 300_000, ["kilde"], dimension=False)
    started = time.perf_counter()
    (found,) = problems(path.read_bytes(), "udeklarert.xlsx")
    assert time.perf_counter() - started < 1
    assert "oppgir ikke størrelsen sin (<dimension>)" in found


def test_rows_beyond_the_row_limit_are_refused_while_streaming(tmp_path) -> None:
    header = ["kilde", "tabell", "indikatorkode", "regionkode", "periode", "verdi"]
    sheet = many_rows_sheet(tmp_path / "mange.xlsx", 3000, header).read_bytes()
    limits = ReadLimits(max_xlsx_rows=1000)
    (found,) = problems(sheet, "mange.xlsx", limits=limits)
    assert found == "mange.xlsx: arket «data»: arket har mer enn 1000 rader; del det opp"


# --- Formula payloads survive a round trip as text ----------------------------------------


def test_formula_labels_and_units_are_neutralised_in_the_csv_export_and_read_back() -> None:
    read = parse(template('lokal;t;a;=HYPERLINK("https://x.example");0301;2024;-12.5;@SUM(A1)'))
    assert read.ok, read.problems
    line = to_csv(read.observations).decode("utf-8").splitlines()[-1]
    (row,) = csv.reader(io.StringIO(line), delimiter=";")
    assert row[3] == '\'=HYPERLINK("https://x.example")'  # label
    assert row[9] == "'@SUM(A1)"  # unit
    assert row[7] == "-12.5"  # a negative number stays a number
    again = parse(to_csv(read.observations))
    assert again.ok and again.observations == read.observations


# --- Fuzz ---------------------------------------------------------------------------------


def _assert_clean(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    assert result.ok or result.problems
    for problem in result.problems:
        str(problem).encode("utf-8")  # printable: no lone surrogate in a message
    for obs in result.observations:
        for text in (obs.source, obs.table, obs.contents_code, obs.contents_label, obs.unit):
            text.encode("utf-8")
            assert "\x00" not in text


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
jsonstat_keys = st.sampled_from(
    ["version", "class", "id", "size", "dimension", "value", "status", "role", "label", "source"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(jsonstat_keys, json_values, max_size=8))
def test_fuzz_random_json_documents(doc) -> None:
    _assert_clean(parse(json.dumps(doc).encode("utf-8", "surrogatepass"), "f.json"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_jsonstat_with_one_part_replaced(data) -> None:
    doc = jsonstat()
    key = data.draw(st.sampled_from(sorted(doc)))
    doc[key] = data.draw(json_values)
    _assert_clean(parse(json.dumps(doc).encode("utf-8", "surrogatepass"), "f.json"))


cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["0301", "9999", "2024", "1,5", "..", ":", "=1+1", '"', "'", "#"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, max_size=9), max_size=6), st.sampled_from([";", ",", "\t"]))
def test_fuzz_random_template_csv(rows, delimiter) -> None:
    lines = [delimiter.join(HEADER.strip().split(";"))] + [delimiter.join(r) for r in rows]
    _assert_clean(parse("\n".join(lines).encode("utf-8", "surrogatepass"), "f.csv"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(data) -> None:
    _assert_clean(parse(data, "f"))
    _assert_clean(parse(b"PK\x03\x04" + data, "f.xlsx"))
    _assert_clean(parse(b'"1: t"\n\n"region";"x 2024"\n' + data, "f.csv"))
