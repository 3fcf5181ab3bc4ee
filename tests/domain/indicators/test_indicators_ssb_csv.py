"""SSB Statistikkbanken CSV export: ISO-8859-1, ``;``, CRLF, a title line, labels with codes.

Fixture (a real-data file, see tests/domain/indicators/shared_data.py):
ssb_07459_population_by_age_2024_kcodes.csv, a real export of table 07459
(https://www.ssb.no/statbank/table/07459: population 1 January 2024 by KommSummer region and
single-year age) with 38 160 data rows, 360 regions and a national sum of 5 550 203;
derived_population_2024_total_by_municipality.csv gives Oslo 717 710 and Bergen 291 940.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from losen.domain.indicators import detect_format, parse
from losen.domain.indicators.ssb_csv import parse_ssb_csv

from .shared_data import shared_bytes

FIXTURE = "ssb_07459_population_by_age_2024_kcodes.csv"


def test_fixture_really_is_latin1_crlf() -> None:
    raw = shared_bytes(FIXTURE)
    assert b"\r\n" in raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("expected bytes that are not valid UTF-8")


def test_reads_the_whole_export() -> None:
    raw = shared_bytes(FIXTURE)
    assert detect_format(raw) == "ssb-csv"
    result = parse(raw, FIXTURE)
    assert result.ok, result.problems
    assert len(result.observations) == 38160
    assert len({o.region_code for o in result.observations}) == 360
    assert sum(o.value for o in result.observations) == Decimal(5550203)
    first = result.observations[0]
    assert (first.table, first.region_code, first.period) == ("07459", "K-3101", "2024")
    assert first.contents_label == "Persons"
    assert first.dimensions == (("age", "0 years"),)
    assert first.region_vintage == "2024"


def test_totals_per_municipality() -> None:
    result = parse(shared_bytes(FIXTURE))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for obs in result.observations:
        totals[obs.region_code] += obs.value or 0
    assert totals["K-0301"] == 717710
    assert totals["K-4601"] == 291940


def test_latin1_letters_are_decoded() -> None:
    text = shared_bytes(FIXTURE).decode("iso-8859-1")
    assert "Ålesund" in text or "Bærum" in text
    raw = '"99999: Tabell"\r\n\r\n"region";"alder";"Personer 2024"\r\n"3103 Moss";"Ås";5\r\n'
    result = parse_ssb_csv(raw.encode("iso-8859-1"))
    assert result.observations[0].dimensions == (("alder", "Ås"),)


def test_status_symbols_and_norwegian_decimal_comma() -> None:
    raw = (
        '"12345: Tabell"\r\n\r\n'
        '"region";"Andel 2022";"Andel 2023"\r\n'
        '"0301 Oslo";12,5;:\r\n'
        '"3103 Moss";..;.\r\n'
        '"EAK Landet";-;7\r\n'
    )
    result = parse_ssb_csv(raw.encode("iso-8859-1"))
    assert result.ok, result.problems
    got = [(o.region_code, o.period, o.value, o.status) for o in result.observations]
    assert got == [
        ("0301", "2022", Decimal("12.5"), None),
        ("0301", "2023", None, ":"),
        ("3103", "2022", None, ".."),
        ("3103", "2023", None, "."),
        ("EAK", "2022", None, "-"),
        ("EAK", "2023", Decimal(7), None),
    ]


def test_period_as_a_stub_column() -> None:
    raw = '"region";"år";"Personer"\r\n"0301 Oslo";"2023";700000\r\n"0301 Oslo";"2024";717710\r\n'
    result = parse_ssb_csv(raw, table="07459")
    assert [(o.period, o.value) for o in result.observations] == [
        ("2023", Decimal(700000)),
        ("2024", Decimal(717710)),
    ]


def test_problems_name_line_and_column() -> None:
    raw = (
        '"12345: T"\r\n\r\n"region";"Andel 2023"\r\n'
        '"0301 Oslo";abc\r\n"Moss";3\r\n"0301 Oslo";1;2\r\n'
    )
    result = parse_ssb_csv(raw)
    assert [str(p) for p in result.problems] == [
        "line 4, column 'Andel 2023': 'abc' is neither a number nor a status symbol",
        "line 5: region 'Moss' has no code before the name",
        "line 6: 3 fields, header has 2",
    ]
    assert result.observations == ()
