"""JSON-stat 2.0 as SSB's PxWebApi returns it: object index, sparse status object, no role.geo.

Fixture (a real-data file, see tests/domain/indicators/shared_data.py):
ssb_jsonstat2_12367_kostra_regnskap.json (a real SSB response for KOSTRA table 12367,
https://www.ssb.no/statbank/table/12367; value[0] = 1943974 for EAK, A, 100, AGD4, 2015).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal

from losen.domain.indicators import parse
from losen.domain.indicators.jsonstat import parse_jsonstat

from .shared_data import shared_bytes

FIXTURE = "ssb_jsonstat2_12367_kostra_regnskap.json"


def test_reads_every_cell_with_ssb_metadata() -> None:
    result = parse(shared_bytes(FIXTURE), FIXTURE)
    assert result.ok and result.format == "jsonstat2"
    assert len(result.observations) == 1250
    first = result.observations[0]
    assert first.value == Decimal(1943974)
    assert (first.region_code, first.period, first.table) == ("EAK", "2015", "12367")
    assert first.dimensions == (
        ("KOKregnskapsomfa0000", "A"),
        ("KOKfunksjon0000", "100"),
        ("KOKart0000", "AGD4"),
    )
    assert (first.unit, first.decimals, first.source) == ("1000 kr", 0, "SSB")
    assert first.contents_code == "KOSbelop0000"
    assert first.contents_label == "Beløp (1000 kr)"


def test_updated_is_the_norwegian_day() -> None:
    """SSB writes midnight in Oslo as 22:00 UTC the day before (2021-06-13T22:00:00Z)."""
    result = parse(shared_bytes(FIXTURE))
    assert {o.updated for o in result.observations} == {date(2021, 6, 14)}


def test_region_dimension_found_without_role_geo() -> None:
    doc = json.loads(shared_bytes(FIXTURE))
    assert "geo" not in doc["role"]
    result = parse_jsonstat(doc)
    assert {o.region_code for o in result.observations} == {
        "EAK",
        "EAKUO",
        "3001",
        "EKG16",
        "EKG17",
    }


def test_sparse_status_is_kept_and_never_a_number() -> None:
    result = parse(shared_bytes(FIXTURE))
    statuses = Counter(o.status for o in result.observations if o.status)
    assert statuses == {".": 400, ":": 85}
    for obs in result.observations:
        if obs.status in (".", ":"):
            assert obs.value is None
    assert Decimal(0) not in {o.value for o in result.observations if o.status}


def test_status_and_value_positions_agree_with_the_file() -> None:
    doc = json.loads(shared_bytes(FIXTURE))
    result = parse_jsonstat(doc)
    for key, symbol in doc["status"].items():
        assert result.observations[int(key)].status == symbol
    for i, raw in enumerate(doc["value"]):
        got = result.observations[i].value
        assert got == (None if raw is None else Decimal(raw))


def test_region_vintage_is_the_year_of_the_period() -> None:
    result = parse(shared_bytes(FIXTURE))
    halden = [o for o in result.observations if o.region_code == "3001"]
    assert {(o.period, o.region_vintage) for o in halden} == {
        (y, y) for y in ("2015", "2016", "2017", "2019", "2020")
    }


def test_decimals_are_kept_exactly() -> None:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "99999: test",
        "source": "Statistisk sentralbyrå",
        "id": ["ContentsCode", "Region", "Tid"],
        "size": [1, 1, 2],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "dimension": {
            "ContentsCode": {
                "category": {
                    "index": {"KOSandel0000": 0},
                    "label": {"KOSandel0000": "Andel"},
                    "unit": {"KOSandel0000": {"base": "prosent", "decimals": 2}},
                }
            },
            "Region": {"category": {"index": {"0301": 0}, "label": {"0301": "Oslo"}}},
            "Tid": {"category": {"index": {"2023": 0, "2024": 1}}},
        },
        "value": [12.30, 0.1],
    }
    result = parse_jsonstat(json.dumps(doc).replace("12.3,", "12.30,"))
    assert result.ok
    assert [str(o.value) for o in result.observations] == ["12.30", "0.1"]
    assert result.observations[0].region_code == "0301"
    assert result.observations[0].decimals == 2
