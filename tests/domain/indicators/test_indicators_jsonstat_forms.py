"""The other shapes JSON-stat 2.0 allows: status as array or string, sparse value object,
no index for a single category, and the JSON-stat 1.x wrapper of PxWebApi v1 ``json-stat``.

The shapes follow the JSON-stat 2.0 format description (json-stat.org, "value", "status",
"category.index"); the datasets are small ones written here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from losen.domain.indicators.jsonstat import parse_jsonstat


def dataset(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "12003: Omsorgstjenester",
        "source": "Statistisk sentralbyrå",
        "updated": "2024-06-14T06:00:00Z",
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [2, 1, 2],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "KOKkommuneregion0000": {
                "category": {"index": {"3103": 0, "EAK": 1}, "label": {"3103": "Moss"}}
            },
            "ContentsCode": {
                "category": {
                    "index": {"KOSbrukere0000": 0},
                    "label": {"KOSbrukere0000": "Brukere"},
                    "unit": {"KOSbrukere0000": {"base": "antall", "decimals": 0}},
                }
            },
            "Tid": {"category": {"index": {"2022": 0, "2023": 1}}},
        },
        "value": [10, None, 200, 210],
    }
    doc.update(changes)
    return doc


def test_status_as_array() -> None:
    result = parse_jsonstat(dataset(status=[None, ":", "", "*"]))
    assert [o.status for o in result.observations] == [None, ":", None, "*"]
    assert result.observations[3].value == Decimal(210)


def test_status_as_single_string_applies_to_every_cell() -> None:
    result = parse_jsonstat(dataset(status="*"))
    assert {o.status for o in result.observations} == {"*"}


def test_status_as_sparse_object() -> None:
    result = parse_jsonstat(dataset(status={"1": ".."}))
    assert [o.status for o in result.observations] == [None, "..", None, None]
    assert result.observations[1].value is None


def test_value_as_sparse_object() -> None:
    result = parse_jsonstat(dataset(value={"0": 10, "3": 210}))
    assert [o.value for o in result.observations] == [Decimal(10), None, None, Decimal(210)]


def test_single_category_without_index() -> None:
    doc = dataset()
    doc["dimension"]["ContentsCode"]["category"].pop("index")
    result = parse_jsonstat(doc)
    assert result.ok and result.observations[0].contents_code == "KOSbrukere0000"


def test_index_as_array() -> None:
    doc = dataset()
    doc["dimension"]["Tid"]["category"]["index"] = ["2022", "2023"]
    result = parse_jsonstat(doc)
    assert [o.period for o in result.observations] == ["2022", "2023", "2022", "2023"]


def test_row_major_order_last_dimension_fastest() -> None:
    result = parse_jsonstat(dataset())
    assert [(o.region_code, o.period) for o in result.observations] == [
        ("3103", "2022"),
        ("3103", "2023"),
        ("EAK", "2022"),
        ("EAK", "2023"),
    ]


def test_jsonstat_1_wrapper_from_pxwebapi_v1() -> None:
    doc = dataset()
    inner = {k: v for k, v in doc.items() if k not in ("id", "size", "role", "version", "class")}
    inner["dimension"] = dict(doc["dimension"], id=doc["id"], size=doc["size"], role=doc["role"])
    result = parse_jsonstat(json.dumps({"dataset": inner}))
    assert result.ok, result.problems
    assert [o.value for o in result.observations][2:] == [Decimal(200), Decimal(210)]


def test_region_codes_stay_strings_with_leading_zeros() -> None:
    doc = dataset()
    doc["dimension"]["KOKkommuneregion0000"]["category"]["index"] = {"0301": 0, "EAK": 1}
    result = parse_jsonstat(doc)
    assert result.observations[0].region_code == "0301"


def test_a_repeated_code_is_refused_so_a_cube_never_repeats_a_key() -> None:
    """``parse`` does not look for repeated keys in JSON-stat (a cube cannot hold one), which
    rests on the reader refusing a code listed twice in a dimension."""
    from losen.domain.indicators.parse import find_duplicates, parse

    doc = dataset()
    doc["dimension"]["Tid"]["category"]["index"] = ["2022", "2022"]
    result = parse_jsonstat(doc)
    assert not result.ok
    assert [str(p) for p in result.problems] == ["dimension Tid: a code is repeated in index"]
    doc = dataset()
    doc["dimension"]["Tid"]["category"]["index"] = ["2022", "2023"]
    parsed = parse(json.dumps(doc).encode())
    assert parsed.ok and not find_duplicates(parsed.observations)
