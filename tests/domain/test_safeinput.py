"""The shared guard for outside input: JSON, CSV, XLSX, text and numbers."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from losen.domain import safeinput
from losen.domain.errors import InputError, InputTooLarge, LosenDomainError
from losen.domain.safeinput import (
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
    check_text,
    check_xlsx,
    decode_text,
    iter_csv_rows,
    json_depth,
    load_json,
    number_problem,
    open_xlsx,
    read_bytes,
    read_csv,
    safe_number,
    text_problem,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


def _refusal(callable_, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        callable_(*args, **kwargs)
    assert isinstance(caught.value, LosenDomainError)
    return caught.value


# --- JSON -------------------------------------------------------------------------------------


def test_error_kinds_are_domain_errors():
    assert issubclass(InputTooLarge, InputError)
    assert issubclass(InputError, LosenDomainError)


@FAST
@given(json_values)
def test_valid_json_round_trips(value):
    text = json.dumps(value, ensure_ascii=False)
    assert load_json(text, source="x") == value
    assert load_json(text.encode(), source="x") == value


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_only_input_errors(data):
    try:
        load_json(data, source="x")
    except InputError as error:
        assert error.lines() and all(line.startswith("x") for line in error.lines())


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text_gives_only_input_errors(text):
    try:
        load_json(text, source="x")
    except InputError as error:
        assert error.lines()


@FAST
@given(
    st.lists(
        st.sampled_from(["[", "]", "{", "}", '"', "\\", ",", ":", "1", "a", '"["', " "]),
        max_size=200,
    ).map("".join)
)
def test_bracket_soup_gives_only_input_errors(text):
    with contextlib.suppress(InputError):
        load_json(text, source="x", max_depth=8)


@FAST
@given(json_values)
def test_depth_scan_agrees_with_the_parsed_document(value):
    def depth(node) -> int:
        if isinstance(node, list):
            return 1 + max((depth(item) for item in node), default=0)
        if isinstance(node, dict):
            return 1 + max((depth(item) for item in node.values()), default=0)
        return 0

    assert json_depth(json.dumps(value)) == depth(value)


def test_brackets_in_strings_do_not_count():
    assert json_depth('["[[[[", "\\"]]]", {"a": "{{{"}]') == 2


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deep_nesting_is_refused_before_parsing(depth):
    error = _refusal(load_json, "[" * depth + "]" * depth, source="dyp.json")
    assert isinstance(error, InputTooLarge)
    assert error.lines() == [
        f"dyp.json: linje 1: JSON-dokumentet er nøstet mer enn {MAX_JSON_DEPTH} nivåer dypt; "
        "bruk en flatere struktur"
    ]


def test_nesting_at_the_limit_is_read():
    depth = MAX_JSON_DEPTH
    assert json_depth("[" * depth + "]" * depth) == depth
    load_json("[" * depth + "]" * depth, source="x")


@pytest.mark.parametrize(
    ("text", "place", "fragment"),
    [
        ('{"label": "a\\ud800b"}', "label", "surrogatpar U+D800"),
        ('{"a": ["\\udfff"]}', "a[0]", "surrogatpar U+DFFF"),
        ('{"label": "a\\u0000"}', "label", "NUL-tegn"),
        ('{"label": "bell\\u0007"}', "label", "kontrolltegn (U+0007)"),
        ('{"x": {"n\\u0000": 1}}', 'x["n\\u0000"]', "feltnavnet"),
    ],
)
def test_refused_characters_are_named_with_their_path(text, place, fragment):
    error = _refusal(load_json, text, source="f.json")
    (line,) = error.lines()
    assert line.startswith(f"f.json: {place}: ") and fragment in line


def test_raw_surrogate_in_text_input_is_refused():
    error = _refusal(load_json, '{"id": "\ud800"}', source="f.json")
    assert error.lines()[0].startswith("f.json: id: ")


def test_tab_and_newline_escapes_are_fine():
    assert load_json('{"a": "x\\ty\\nz"}', source="x") == {"a": "x\ty\nz"}


@pytest.mark.parametrize(
    ("literal", "fragment"),
    [
        ("NaN", "NaN er ikke et tall"),
        ("Infinity", "Infinity er ikke et tall"),
        ("-Infinity", "-Infinity er ikke et tall"),
        ("1e400", "for stort til å regnes med"),
        ("-1e400", "for stort til å regnes med"),
        ("9" * 5000, "tallet har 5000 tegn"),
        ("9" * 400, "tallet har 400 tegn"),
        ("0." + "1" * 200, "tallet har 202 tegn"),
    ],
)
def test_refused_numbers_are_named_with_their_path(literal, fragment):
    error = _refusal(load_json, f'{{"budget": {literal}}}', source="p.json")
    (line,) = error.lines()
    assert line.startswith("p.json: budget: ") and fragment in line


def test_numbers_at_the_length_limit_are_read():
    literal = "9" * MAX_NUMBER_CHARS
    assert load_json(f"[{literal}]", source="x") == [int(literal)]


def test_size_limit_is_checked_first():
    error = _refusal(load_json, b"[" + b"1," * 100 + b"1]", source="s.json", max_bytes=100)
    assert isinstance(error, InputTooLarge) and "fila er for stor" in error.lines()[0]


def test_problem_size_limit():
    text = json.dumps([{"id": i} for i in range(100)])
    error = _refusal(load_json, text, source="s.json", max_items=150)
    assert isinstance(error, InputTooLarge)
    assert "mer enn 150 verdier" in error.lines()[0]
    assert len(load_json(text, source="s.json", max_items=201)) == 100


def test_many_problems_are_capped():
    text = json.dumps([float("nan")] * 500).replace("NaN", "NaN")
    error = _refusal(load_json, text, source="x")
    assert len(error.lines()) == safeinput.MAX_PROBLEMS + 1
    assert "450 problemer til" in error.lines()[-1]


def test_invalid_json_names_line_and_column():
    error = _refusal(load_json, '{\n  "a": [1,\n}', source="f.json")
    assert error.lines()[0].startswith("f.json: linje 3, kolonne 1: ikke gyldig JSON")


@pytest.mark.parametrize(
    "data", [b"\xff\xfe{\x00}\x00", '{"a": 1}'.encode("utf-16-le"), '{"a":1}'.encode("utf-32")]
)
def test_utf16_and_utf32_are_named(data):
    error = _refusal(load_json, data, source="f.json")
    assert "UTF-16 eller UTF-32" in error.lines()[0]


def test_random_bytes_are_not_json():
    error = _refusal(load_json, os.urandom(1 << 20), source="r.json")
    assert isinstance(error, InputError)


def test_bom_is_dropped():
    assert load_json(b"\xef\xbb\xbf[1]", source="x") == [1]


# --- Text and numbers -------------------------------------------------------------------------


@FAST
@given(st.text(max_size=50))
def test_check_text_refuses_exactly_the_bad_characters(value):
    bad = any(
        0xD800 <= ord(c) <= 0xDFFF or (ord(c) < 0x20 and c not in "\t\n\r") or c == "\x7f"
        for c in value
    )
    assert (text_problem(value, "w") is not None) == bad
    if not bad:
        assert check_text(value, where="w") == value


def test_check_text_length_and_type():
    assert "høyst 3 tegn" in _refusal(check_text, "abcd", where="w", max_chars=3).lines()[0]
    assert _refusal(check_text, 5, where="w").lines() == ["w: skal være tekst"]


@FAST
@given(
    st.integers()
    | st.floats()
    | st.booleans()
    | st.none()
    | st.text(max_size=3)
    | st.integers(min_value=10**300, max_value=10**5000)
)
def test_safe_number_accepts_exactly_finite_bounded_numbers(value):
    ok = (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and (not isinstance(value, float) or math.isfinite(value))
        and abs(value) <= safeinput.MAX_NUMBER_MAGNITUDE
    )
    assert (number_problem(value, "w") is None) == ok
    if ok:
        assert safe_number(value, where="w") == float(value)
    else:
        _refusal(safe_number, value, where="w")


def test_safe_number_negative_and_magnitude():
    assert safe_number(-3, where="w") == -3.0
    assert "negativt" in _refusal(safe_number, -3, where="w", allow_negative=False).lines()[0]
    assert _refusal(safe_number, 10**400, where="budget").lines()[0].startswith("budget: ")
    _refusal(safe_number, 1e308, where="s")
    _refusal(safe_number, 11, where="s", max_magnitude=10)


# --- Bytes, text and CSV ----------------------------------------------------------------------


def test_read_bytes_reads_no_more_than_the_limit(tmp_path):
    path = tmp_path / "f.json"
    path.write_bytes(b"x" * 1000)
    assert read_bytes(path, source="f.json", max_bytes=1000) == b"x" * 1000
    error = _refusal(read_bytes, path, source="f.json", max_bytes=999)
    assert isinstance(error, InputTooLarge)
    stream = io.BytesIO(b"y" * 10_000)
    _refusal(read_bytes, stream, source="standard inn", max_bytes=100)
    assert stream.tell() == 101
    assert _refusal(read_bytes, tmp_path / "nope", source="nope").lines() == [
        "nope: fila finnes ikke"
    ]
    assert "mappe" in _refusal(read_bytes, tmp_path, source="d").lines()[0]


@FAST
@given(st.binary(max_size=400))
def test_csv_of_arbitrary_bytes_gives_rows_or_an_input_error(data):
    try:
        rows = read_csv(data, source="f.csv")
    except InputError as error:
        assert error.lines()[0].startswith("f.csv")
    else:
        assert all(isinstance(field, str) for row in rows for field in row)


def test_random_megabyte_is_not_a_csv_text():
    error = _refusal(read_csv, os.urandom(1 << 20), source="r.csv")
    assert "er ikke en CSV-tekst" in error.lines()[0]


def test_long_unclosed_quote_is_a_clear_refusal():
    error = _refusal(read_csv, 'a,"b\n' + "x" * 200_000, source="f.csv")
    assert isinstance(error, InputTooLarge)
    assert "lengre enn" in error.lines()[0] and "anførselstegn" in error.lines()[0]
    error = _refusal(read_csv, 'a,"' + "x" * 70_000 + '"\n', source="f.csv")
    assert "lengre enn 65536 tegn" in error.lines()[0]


def test_csv_limits_and_delimiters():
    assert read_csv("a;b\n1;2\n", source="f") == [["a", "b"], ["1", "2"]]
    assert read_csv("a\tb\n", source="f") == [["a", "b"]]
    assert read_csv("a,b\n", source="f", delimiter=";") == [["a,b"]]
    rows = "h\n" + "1\n" * 10
    assert isinstance(_refusal(read_csv, rows, source="f", max_rows=5), InputTooLarge)
    assert isinstance(_refusal(read_csv, "a,b,c\n", source="f", max_columns=2), InputTooLarge)
    assert "linje 2" in _refusal(read_csv, "a\nb\x00\n", source="f").lines()[0]
    assert "ikke gyldig CSV" in _refusal(read_csv, '"a"b\n', source="f").lines()[0]


def test_csv_header_without_reading_the_rest():
    rows = iter_csv_rows("id,navn\n" + "1,x\n" * 1000, source="f")
    assert next(rows) == ["id", "navn"]


def test_decode_text_names_what_is_wrong():
    assert decode_text(b"\xef\xbb\xbfhei", source="f") == "hei"
    assert "UTF-16" in _refusal(decode_text, "hei".encode("utf-16"), source="f").lines()[0]
    assert "linje 2" in _refusal(decode_text, b"a\n\xff", source="f").lines()[0]


# --- XLSX -------------------------------------------------------------------------------------


def _workbook(tmp_path, rows=(("id", "navn"), ("a", "Alfa"))):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "ok.xlsx"
    workbook.save(path)
    return path


def _bomb(path, member="xl/sharedStrings.xml", size=500 * 1024 * 1024):
    """A ~1 MB XLSX-looking zip whose one member expands to ``size`` bytes, written in chunks."""
    chunk = b"<si><t>aaaa</t></si>" * 50_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as part:
            for _ in range(size // len(chunk)):
                part.write(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return _bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def test_zip_bomb_is_refused_before_openpyxl_runs(bomb, monkeypatch):
    import openpyxl

    def forbidden(*args, **kwargs):
        raise AssertionError("openpyxl was called on a decompression bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", forbidden)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    error = _refusal(open_xlsx, bomb, name="bomb.xlsx")
    assert isinstance(error, InputTooLarge)
    assert error.lines()[0].startswith("bomb.xlsx: xl/sharedStrings.xml: delen pakker seg ut til")
    # The same through bytes and an open file.
    _refusal(open_xlsx, bomb.read_bytes(), name="bomb.xlsx")
    with bomb.open("rb") as handle:
        _refusal(open_xlsx, handle, name="bomb.xlsx")


def test_ratio_and_total_limits(tmp_path):
    sheet_bomb = _bomb(tmp_path / "s.xlsx", member="xl/worksheets/sheet1.xml", size=20 << 20)
    error = _refusal(check_xlsx, sheet_bomb, name="s.xlsx")
    assert "dekomprimeringsbombe" in error.lines()[0]
    error = _refusal(
        check_xlsx, sheet_bomb, name="s.xlsx", max_ratio=10**6, max_uncompressed=1 << 20
    )
    assert "pakker seg ut til mer enn" in error.lines()[0]


def test_member_count_and_dtd(tmp_path):
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for k in range(30):
            archive.writestr(f"xl/p{k}.xml", "<a/>")
    assert "deler" in _refusal(check_xlsx, many, name="m.xlsx", max_members=10).lines()[0]
    dtd = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(dtd, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert "DTD" in _refusal(check_xlsx, dtd, name="d.xlsx").lines()[0]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"hello", "er ikke en XLSX-fil"),
        (b"PK\x03\x04broken", "er ikke en XLSX-fil"),
        (None, "er en zip-fil, men ikke en Excel-arbeidsbok"),
    ],
)
def test_not_an_xlsx(data, fragment):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.txt", "hei")
        data = buffer.getvalue()
    assert fragment in _refusal(open_xlsx, data, name="x.xlsx").lines()[0]


def test_random_bytes_are_not_an_xlsx():
    _refusal(open_xlsx, os.urandom(1 << 16), name="x.xlsx")


def test_rows_stream_and_stop_at_the_limits(tmp_path):
    path = _workbook(tmp_path, [("id", "navn"), *((str(k), "x") for k in range(50))])
    with open_xlsx(path, name="ok.xlsx") as book:
        assert book.sheetnames == ["data"]
        rows = book.rows("data")
        assert next(rows) == ("id", "navn")
        rows.close()
        assert len(list(book.rows("data"))) == 51
        error = _refusal(list, book.rows("data", max_rows=10))
        assert isinstance(error, InputTooLarge) and "mer enn 10 rader" in error.lines()[0]
        error = _refusal(list, book.rows("data", max_cells=20))
        assert "mer enn 20 celler" in error.lines()[0]
        error = _refusal(list, book.rows("data", max_columns=1))
        assert "rad 1" in error.lines()[0]


def test_a_workbook_with_another_suffix_opens(tmp_path):
    path = _workbook(tmp_path)
    renamed = path.rename(tmp_path / "plan.json")
    with open_xlsx(renamed, name="plan.json") as book:
        assert list(book.rows("data")) == [("id", "navn"), ("a", "Alfa")]
