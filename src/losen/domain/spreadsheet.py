"""Cells that a spreadsheet cannot run: the one place every CSV and XLSX writer goes through.

A spreadsheet program reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return before them) as a formula, so a label such as
``=HYPERLINK("https://…")`` written into an export would run when a user opens the file
(OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection; OWASP ASVS
4.0.3 V5.3.1, output encoded for the interpreter that reads it). Losen writes such cells so
that they stay text:

* **CSV**: the cell gets a leading single quote (``'=HYPERLINK(…)``), OWASP's advice;
  :func:`unescape_csv_cell` takes exactly that quote off again, so a Losen export reads back into
  Losen as the very same text (a cell that already starts with quotes before a formula character
  gets one more, so the rule can be undone without guessing).
* **XLSX**: the cell is written with the string type and Excel's ``quotePrefix`` style, which is
  the workbook's own "this is text" mark: the value is the exact text, never a formula, and it
  stays text when the user edits it.

Numbers stay numbers: a number (``int``, ``Decimal``, ``float``) is written as one, and in CSV a
text that is a plain number (``-12.5``, ``+3``, ``-1E+3``) is left alone, as is SSB's lone ``-``
status symbol ("null"), which no spreadsheet reads as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_HARMLESS = frozenset({"-"})


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read *text* as a formula (and it is not a plain number)."""
    if not text or not text.startswith(FORMULA_STARTS):
        return False
    return text not in _HARMLESS and _PLAIN_NUMBER.fullmatch(text) is None


def _needs_quote(text: str) -> bool:
    """A formula-like text, or a formula-like text behind leading quotes (``'=A1``)."""
    return is_formula_like(text.lstrip("'"))


def csv_cell(value: Any) -> str:
    """One value as a safe CSV cell: ``None`` → ``""``, numbers as they are, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if _needs_quote(text) else text


def unescape_csv_cell(text: str) -> str:
    """Undo :func:`csv_cell` on text read back: ``'=SUM(A1)`` → ``=SUM(A1)``; else unchanged."""
    if text.startswith("'") and _needs_quote(text):
        return text[1:]
    return text


class SafeCsvWriter:
    """A :func:`csv.writer` whose every cell goes through :func:`csv_cell`."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **options: Any) -> SafeCsvWriter:
    """The CSV writer every export uses (the options are :func:`csv.writer`'s)."""
    return SafeCsvWriter(out, **options)


def set_xlsx_cell(cell: Any, value: Any) -> None:
    """Write *value* into an openpyxl cell: numbers and dates as such, all text as text.

    Text is stored with the string type, so openpyxl never writes it as a formula (it would for
    any text beginning with ``=``); formula-like text also gets Excel's ``quotePrefix``.
    """
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        cell.value = value
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def append_xlsx_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet, each cell through :func:`set_xlsx_cell`."""
    row = list(values)
    sheet.append([None] * len(row))
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        set_xlsx_cell(cell, value)
