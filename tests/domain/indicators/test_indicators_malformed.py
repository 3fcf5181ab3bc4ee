"""Malformed files: every problem is collected, each message names its place, nothing is read."""

from __future__ import annotations

import json

from losen.domain.indicators import parse

from .shared_data import shared_bytes

KOSTRA = "ssb_jsonstat2_12367_kostra_regnskap.json"


def broken_kostra() -> dict:
    return json.loads(shared_bytes(KOSTRA))


def messages(data: bytes, **kwargs: str) -> list[str]:
    result = parse(data, "x", **kwargs)
    assert not result.ok
    assert result.observations == ()
    return [str(p) for p in result.problems]


def test_index_shorter_than_size_names_the_dimension() -> None:
    doc = broken_kostra()
    del doc["dimension"]["KOKkommuneregion0000"]["category"]["index"]["EKG17"]
    found = messages(json.dumps(doc).encode())
    assert "dimension KOKkommuneregion0000: 4 values in index, size says 5" in found


def test_the_example_message_of_the_issue() -> None:
    doc = broken_kostra()
    doc["dimension"]["KOKkommuneregion0000"]["category"]["index"] = {
        "EAK": 0,
        "EAKUO": 1,
        "3001": 2,
    }
    doc["size"][0] = 4
    found = messages(json.dumps(doc).encode())
    assert "dimension KOKkommuneregion0000: 3 values in index, size says 4" in found


def test_all_problems_are_collected_before_returning() -> None:
    doc = broken_kostra()
    doc["dimension"]["KOKkommuneregion0000"]["category"]["index"] = {
        "EAK": 0,
        "EAKUO": 1,
        "3001": 2,
    }
    doc["dimension"]["Tid"]["category"]["index"] = ["2015", "2016"]
    doc["value"] = doc["value"][:-1]
    doc["status"]["99999"] = ":"
    found = messages(json.dumps(doc).encode())
    assert "dimension KOKkommuneregion0000: 3 values in index, size says 5" in found
    assert "dimension Tid: 2 values in index, size says 5" in found
    assert "value: 1249 values, size gives 5×2×5×5×1×5 = 1250" in found
    assert "status[99999]: not one of the 1250 cells" in found


def test_a_value_that_is_not_a_number() -> None:
    doc = broken_kostra()
    doc["value"][17] = "12,5"
    found = messages(json.dumps(doc).encode())
    assert found == ["value[17]: '12,5' is not a number or null"]


def test_repeated_bad_values_are_counted_not_all_listed() -> None:
    doc = broken_kostra()
    doc["value"] = ["x"] * 1250
    found = messages(json.dumps(doc).encode())
    assert len(found) == 21
    assert found[-1] == "value[]: 1230 more problems of this kind"


def test_dimension_in_id_but_not_described() -> None:
    doc = broken_kostra()
    del doc["dimension"]["KOKart0000"]
    assert "dimension KOKart0000: listed in id but not described under dimension" in messages(
        json.dumps(doc).encode()
    )


def test_sizes_and_ids_disagree() -> None:
    doc = broken_kostra()
    doc["size"] = doc["size"][:-1]
    assert messages(json.dumps(doc).encode()) == ["size: 5 sizes for 6 dimensions in id"]


def test_invalid_json_names_the_line() -> None:
    found = messages(b'{\n "version": "2.0",\n "id": [\n}')
    assert found[0].startswith("line 4: ")


def test_unrecognised_content() -> None:
    assert messages(b"hello world") == [
        "x: format not recognised (expected JSON-stat 2.0, an SSB CSV export, "
        "or a Losen template in CSV or XLSX)"
    ]


def test_index_positions_with_a_gap() -> None:
    doc = broken_kostra()
    doc["dimension"]["KOKregnskapsomfa0000"]["category"]["index"] = {"A": 0, "B": 2}
    assert (
        "dimension KOKregnskapsomfa0000: index positions are not 0, 1, 2 … without gaps"
        in messages(json.dumps(doc).encode())
    )
