"""The municipality registry across the 2020 and 2024 reforms, from KLASS 131 changes, checked
against SSB's KommSummer grouping (codes as strings, never names).

Fixtures (a real-data file, see tests/domain/indicators/shared_data.py):
klass_131_changes_2008_2024.json (KLASS /changes), ssb_kommsummer_1994_2024.csv (KommSummer),
derived_municipalities_2024.csv and derived_municipalities_2020_2023.csv (422 → 356
municipalities in 2020, 356 → 357 in 2024).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from losen.domain.indicators import load_registry
from losen.domain.indicators.regions import (
    MunicipalityRegistry,
    load_kommsummer,
    split_weights_from_csdata,
)

from .shared_data import shared_bytes


@pytest.fixture(scope="module")
def registry() -> MunicipalityRegistry:
    return load_registry(
        shared_bytes("klass_131_changes_2008_2024.json"),
        shared_bytes("ssb_kommsummer_1994_2024.csv"),
    )


def codes_in(name: str) -> set[str]:
    text = shared_bytes(name).decode("utf-8")
    return {row["kommunenummer"] for row in csv.DictReader(io.StringIO(text))}


def test_counts_422_356_357(registry: MunicipalityRegistry) -> None:
    assert len(registry.codes_valid_in(2019)) == 422
    assert len(registry.codes_valid_in(2020)) == 356
    assert len(registry.codes_valid_in(2023)) == 356
    assert len(registry.codes_valid_in(2024)) == 357


def test_earlier_counts(registry: MunicipalityRegistry) -> None:
    """2017: 426 municipalities, 2016: 428 (Sandefjord/Tønsberg and Trøndelag reforms)."""
    assert len(registry.codes_valid_in(2017)) == 426
    assert len(registry.codes_valid_in(2016)) == 428


def test_code_lists_match_the_derived_lists(registry: MunicipalityRegistry) -> None:
    assert registry.codes_valid_in(2024) == codes_in("derived_municipalities_2024.csv")
    assert registry.codes_valid_in(2022) == codes_in("derived_municipalities_2020_2023.csv")


def test_codes_are_strings_with_leading_zeros(registry: MunicipalityRegistry) -> None:
    assert "0301" in registry.codes_valid_in(2024)
    assert {"0104", "0136"} <= registry.codes_valid_in(2019)
    assert "0104" not in registry.codes_valid_in(2020)
    assert all(isinstance(c, str) and len(c) == 4 for c in registry.codes_valid_in(2019))


def test_moss_chain_0104_and_0136_to_3002_to_3103(registry: MunicipalityRegistry) -> None:
    for old in ("0104", "0136"):
        mapping = registry.map_to_current(old, 2019)
        assert mapping.whole and mapping.shares[0].target_code == "3103"
        assert "2020: slått sammen" in mapping.shares[0].method
        assert "2024: omnummerert" in mapping.shares[0].method
    assert registry.map_to_current("3002", 2022).shares[0].target_code == "3103"
    assert registry.crosswalk(2019)["3103"][0][0] == "0104"
    assert [code for code, _ in registry.crosswalk(2019)["3103"]] == ["0104", "0136"]
    assert [code for code, _ in registry.crosswalk(2023)["3103"]] == ["3002"]


def test_alesund_haram_2024_split_needs_weights(registry: MunicipalityRegistry) -> None:
    plain = registry.map_to_current("1507", 2023)
    assert plain.shares == () and "1507 ble delt i 2024 (1508, 1580)" in plain.unresolved[0]
    weights = split_weights_from_csdata(
        shared_bytes("csdata_norway_municipality_redistricting.csv"), "csdata (FHI), 0,5/0,5"
    )
    weighted = registry.map_to_current("1507", 2023, weights)
    assert [(s.target_code, s.weight) for s in weighted.shares] == [
        ("1508", Decimal("0.5")),
        ("1580", Decimal("0.5")),
    ]
    assert "etter csdata (FHI), 0,5/0,5" in weighted.shares[0].method


def test_old_haram_goes_wholly_to_new_haram(registry: MunicipalityRegistry) -> None:
    """1534 Haram merged into 1507 Ålesund in 2020 and came back as 1580 in 2024; KommSummer
    puts 1534 in K.1580, so no weight is needed."""
    mapping = registry.map_to_current("1534", 2019)
    assert mapping.whole and mapping.shares[0].target_code == "1580"
    old_alesund = registry.map_to_current("1504", 2019)
    assert old_alesund.whole and old_alesund.shares[0].target_code == "1508"


def test_tysfjord_split_2020(registry: MunicipalityRegistry) -> None:
    assert registry.reachable("1850", 2019) == {"1806", "1875"}
    assert registry.map_to_current("1850", 2019).unresolved
    weights = split_weights_from_csdata(
        shared_bytes("csdata_norway_municipality_redistricting.csv"), "csdata"
    )
    mapping = registry.map_to_current("1850", 2019, weights)
    assert {(s.target_code, s.weight) for s in mapping.shares} == {
        ("1806", Decimal("0.5")),
        ("1875", Decimal("0.5")),
    }


def test_snillfjord_split_2020(registry: MunicipalityRegistry) -> None:
    weights = split_weights_from_csdata(
        shared_bytes("csdata_norway_municipality_redistricting.csv"), "csdata"
    )
    mapping = registry.map_to_current("5012", 2019, weights)
    assert [(s.target_code, s.weight) for s in mapping.shares] == [
        ("5055", Decimal("0.35")),
        ("5056", Decimal("0.35")),
        ("5059", Decimal("0.3")),
    ]
    assert sum(s.weight for s in mapping.shares) == 1
    # 1613 Snillfjord (to 2017) is renumbered 5012 in 2018 and then split:
    earlier = registry.map_to_current("1613", 2017, weights).shares
    assert [(s.target_code, s.weight) for s in earlier] == [
        (s.target_code, s.weight) for s in mapping.shares
    ]
    assert earlier[0].method.startswith("2018: omnummerert; 2020: delt")


def test_kommsummer_agrees_with_klass(registry: MunicipalityRegistry) -> None:
    checks = registry.check_against_kommsummer(
        load_kommsummer(shared_bytes("ssb_kommsummer_1994_2024.csv"))
    )
    assert [c for c in checks if c.kind == "conflict"] == []
    by_code = {c.code: c for c in checks}
    assert by_code["0104"].kind == "agree" and by_code["0104"].kommsummer == "3103"
    assert by_code["1850"].kind == "rest"
    assert by_code["5012"].kind == "rest"
    assert by_code["1805"].kind == "rest"  # Narvik got part of Tysfjord, so SSB cannot sum it
    assert by_code["1507"].kind == "whole" and by_code["1507"].kommsummer == "1508"
    assert sum(c.kind == "agree" for c in checks) > 800


def test_a_wrong_kommsummer_row_is_a_conflict(registry: MunicipalityRegistry) -> None:
    rows = load_kommsummer(shared_bytes("ssb_kommsummer_1994_2024.csv"))
    broken = tuple(
        r if r.code != "0136" else r.__class__("3101", "Halden", "0136", "Rygge") for r in rows
    )
    checks = registry.check_against_kommsummer(broken)
    assert [(c.code, c.kind) for c in checks if c.kind == "conflict"] == [("0136", "conflict")]


def test_comparable_from(registry: MunicipalityRegistry) -> None:
    assert registry.comparable_from("3103") == 2020
    assert registry.comparable_from("1508") == 2024
    assert registry.comparable_from("1580") == 2024
    assert registry.comparable_from("1806") == 2020
    assert registry.comparable_from("0301") == 2010
    assert registry.comparable_from("9999") is None
