"""JSON-stat 2.0 as FHI's Statistikk API returns it: array index, role null, status "".

Fixture (a real-data file, see tests/domain/indicators/shared_data.py):
fhi_jsonstat2_example_befolkningsvekst.json, FHI's documented response example
(https://github.com/folkehelseinstituttet/Fhi.Statistikk.OpenAPI, README), which gives Oslo 2020
= 3516 and Viken 2021 = 16846.
"""

from __future__ import annotations

import json
from decimal import Decimal

from losen.domain.indicators import parse

from .shared_data import shared_bytes

FIXTURE = "fhi_jsonstat2_example_befolkningsvekst.json"


def test_fhi_example_values() -> None:
    result = parse(shared_bytes(FIXTURE), FIXTURE, table="befolkningsvekst")
    assert result.ok, result.problems
    values = {(o.region_code, o.period): o.value for o in result.observations}
    assert values[("03", "2020_2020")] == Decimal(3516)
    assert values[("30", "2021_2021")] == Decimal(16846)
    assert len(values) == 4


def test_fhi_quirks_are_in_the_fixture_and_accepted() -> None:
    doc = json.loads(shared_bytes(FIXTURE))
    assert doc["role"]["time"] is None and doc["role"]["geo"] is None
    assert isinstance(doc["dimension"]["GEO"]["category"]["index"], list)
    assert doc["status"] == "" and doc["source"] is None
    result = parse(shared_bytes(FIXTURE), table="173")
    assert all(o.status is None for o in result.observations)
    first = result.observations[0]
    assert first.source == "FHI"
    assert first.contents_code == "BEFVEKST_ANT"
    assert first.unit == "antall" and first.decimals is None
    assert first.dimensions == (("KJONN", "0"), ("ALDER", "0"))
    assert first.region_vintage == "2020"


def test_fhi_needs_a_table_id() -> None:
    result = parse(shared_bytes(FIXTURE))
    assert not result.ok
    assert [p.place for p in result.problems] == ["extension.px.tableid"]


def test_role_entirely_missing_or_null() -> None:
    doc = json.loads(shared_bytes(FIXTURE))
    for role in (None, "absent"):
        changed = dict(doc)
        if role is None:
            changed["role"] = None
        else:
            del changed["role"]
        result = parse(json.dumps(changed).encode(), table="173")
        assert result.ok, result.problems
        assert len(result.observations) == 4
