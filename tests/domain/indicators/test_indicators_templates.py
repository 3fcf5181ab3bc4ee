"""Import templates for sources with no API (IS-24/8, BrukerPlan, local figures), CSV and XLSX."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from losen.domain.indicators import detect_format, parse, template_csv, template_xlsx
from losen.domain.indicators.templates import COLUMNS, expected_columns, template_header


def csv_bytes(*rows: str, header: str | None = None) -> bytes:
    head = header or ";".join(template_header("is-24-8"))
    return ("\r\n".join([head, *rows]) + "\r\n").encode("utf-8")


def test_is_24_8_template_rows() -> None:
    data = csv_bytes(
        "IS-24/8;IS-24/8 2023;arsverk;Årsverk;0301;;2023;12,5;;årsverk;1;2024-05-01;voksne;"
        "psykisk helse;videreutdanning",
        "IS-24/8;IS-24/8 2023;arsverk;Årsverk;0301;;2023;;:;årsverk;1;;barn_unge;rus;høyskole",
    )
    assert detect_format(data) == "mal-csv"
    result = parse(data)
    assert result.ok, result.problems
    first, second = result.observations
    assert first.value == Decimal("12.5") and first.status is None
    assert first.region_code == "0301" and first.region_vintage == "2023"
    assert first.updated == date(2024, 5, 1)
    assert first.dimensions == (
        ("målgruppe", "voksne"),
        ("tiltakstype", "psykisk helse"),
        ("utdanningsnivå", "videreutdanning"),
    )
    assert second.value is None and second.status == ":"


def test_kind_rules_and_missing_fields_are_all_reported() -> None:
    data = csv_bytes(
        "IS-24/8;t;a;;0301;;2023;1;;;;;eldre;x;y",
        "IS-24/8;t;a;;301;;2023;1;;;;;voksne;x;y",
        "IS-24/8;t;a;;0301;;2023;;;;;;voksne;x;y",
        "IS-24/8;t;a;;0301;;2023;x1;;;;;voksne;x;y",
        "IS-24/8;t;;;0301;;2023;1;;;;;voksne;x;y",
        "IS-24/8;t;a;;0301;;2023;1;?;;;;voksne;x;y",
    )
    result = parse(data)
    assert [str(p) for p in result.problems] == [
        "line 2: dim:målgruppe 'eldre' is not one of: voksne, barn_unge",
        "line 3: regionkode 301 looks like a number that lost its leading zero; "
        "write it as text (0301)",
        "line 4: neither verdi nor status",
        "line 5: verdi 'x1' is not a number",
        "line 6: empty required field(s): indikatorkode",
        "line 7: status '?' is not one of: . .. ... : - *",
    ]


def test_missing_required_column() -> None:
    data = b"kilde;tabell;indikatorkode;periode;verdi\r\nlokal;t;a;2024;1\r\n"
    assert detect_format(data) == "mal-csv"
    assert [str(p) for p in parse(data).problems] == [
        "line 1: mangler kolonne(r): regionkode; " + expected_columns()
    ]
    data = (
        b"kilde;tabell;indikatorkode;regionkode;periode;verdi;farge\r\nlokal;t;a;0301;2024;1;x\r\n"
    )
    result = parse(data)
    assert [str(p) for p in result.problems] == ["line 1: unknown column(s): farge"]


def test_brukerplan_template_and_comma_separator() -> None:
    header = ",".join(template_header("brukerplan"))
    row = "BrukerPlan,BrukerPlan 2023,personer,Personer,1108,,2023,41,,antall,0,,ROP,bolig,rød"
    result = parse(csv_bytes(row, header=header))
    assert result.ok, result.problems
    assert result.observations[0].dimensions[-1] == ("farge", "rød")


def test_empty_templates_have_the_documented_header() -> None:
    text = template_csv("lokal").decode("utf-8")
    assert text.splitlines()[1] == ";".join(COLUMNS)
    assert parse(template_csv("brukerplan")).ok
    assert detect_format(template_xlsx("is-24-8")) == "mal-xlsx"


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_template_with_number_cells_and_dates() -> None:
    header = list(template_header("lokal"))
    row = ["lokal", "egne", "ventetid", "Ventetid", "4601", "", 2024, 12.5, None, "dager", 1]
    data = _xlsx([header, [*row, date(2024, 3, 1)]])
    result = parse(data, "mal.xlsx")
    assert result.format == "mal-xlsx" and result.ok, result.problems
    obs = result.observations[0]
    assert obs.value == Decimal("12.5") and obs.period == "2024" and obs.updated == date(2024, 3, 1)


def test_xlsx_region_code_that_lost_its_zero() -> None:
    header = list(template_header("lokal"))
    data = _xlsx([header, ["lokal", "egne", "x", "", 301, "", "2024", 1]])
    result = parse(data)
    assert [str(p) for p in result.problems] == [
        "sheet Sheet, row 2: regionkode 301 looks like a number that lost its leading zero; "
        "write it as text (0301)"
    ]


def test_xlsx_that_is_not_a_workbook() -> None:
    result = parse(b"PK\x03\x04 not really a zip")
    assert not result.ok and result.problems[0].message.startswith("er ikke en XLSX-fil")


def test_duplicate_rows_are_refused() -> None:
    row = "lokal;t;a;;0301;;2024;1;;;;"
    result = parse(csv_bytes(row, row, header=";".join(COLUMNS)))
    assert [str(p) for p in result.problems] == [
        "observation 2: same a / 0301 / 2024 as observation 1"
    ]
