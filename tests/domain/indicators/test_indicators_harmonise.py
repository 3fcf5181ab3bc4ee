"""Series on today's borders: counts summed over mergers and shared out by stated weights,
ratios recomputed from harmonised parts or marked not comparable; statuses carry through.

Cases: 0104 Moss + 0136 Rygge → 3002 (2020) → 3103 (2024); 1507 Ålesund → 1508 Ålesund + 1580
Haram (2024); 1850 Tysfjord → 1806 Narvik + 1875 Hamarøy (2020); 5012 Snillfjord → 5055 Heim +
5056 Hitra + 5059 Orkland (2020). Weights from csdata_norway_municipality_redistricting.csv (a
real-data file, see tests/domain/indicators/shared_data.py): 0.5/0.5 and 0.35/0.35/0.3.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from losen.domain.indicators import (
    Observation,
    harmonise_counts,
    harmonise_published_ratios,
    harmonise_ratio,
    load_registry,
    split_weights_from_csdata,
)
from losen.domain.indicators.regions import MunicipalityRegistry, SplitWeight

from .shared_data import shared_bytes


@pytest.fixture(scope="module")
def registry() -> MunicipalityRegistry:
    return load_registry(
        shared_bytes("klass_131_changes_2008_2024.json"),
        shared_bytes("ssb_kommsummer_1994_2024.csv"),
    )


@pytest.fixture(scope="module")
def weights() -> tuple[SplitWeight, ...]:
    return split_weights_from_csdata(
        shared_bytes("csdata_norway_municipality_redistricting.csv"), "csdata"
    )


def obs(
    code: str, year: int, value: str | None, status: str | None = None, contents: str = "n"
) -> Observation:
    return Observation(
        "SSB",
        "12003",
        contents,
        contents,
        code,
        str(year),
        str(year),
        None if value is None else Decimal(value),
        status,
        "antall",
        0,
        None,
    )


def by_region(result) -> dict[tuple[str, str], object]:
    return {(h.observation.region_code, h.observation.period): h for h in result.observations}


def test_moss_counts_summed_then_renumbered(registry: MunicipalityRegistry) -> None:
    result = harmonise_counts(
        [
            obs("0104", 2019, "100"),
            obs("0136", 2019, "50"),
            obs("3002", 2022, "160"),
            obs("3103", 2024, "170"),
        ],
        registry,
    )
    got = by_region(result)
    assert got[("3103", "2019")].observation.value == Decimal(150)
    assert (
        got[("3103", "2019")].method
        == "3103 = 0104 + 0136 (2020: slått sammen (summert); 2024: omnummerert)"
    )
    assert got[("3103", "2019")].sources == (("0104", Decimal(1)), ("0136", Decimal(1)))
    assert got[("3103", "2022")].observation.value == Decimal(160)
    assert got[("3103", "2024")].observation.value == Decimal(170)
    assert all(h.observation.region_vintage == "2024" for h in result.observations)
    assert not any(h.estimated for h in result.observations)


def test_a_suppressed_part_suppresses_the_sum(registry: MunicipalityRegistry) -> None:
    result = harmonise_counts([obs("0104", 2019, "100"), obs("0136", 2019, None, ":")], registry)
    moss = by_region(result)[("3103", "2019")]
    assert moss.observation.value is None and moss.observation.status == ":"
    assert moss.comparable


def test_a_missing_part_is_not_a_partial_sum(registry: MunicipalityRegistry) -> None:
    result = harmonise_counts([obs("0104", 2019, "100")], registry)
    moss = by_region(result)[("3103", "2019")]
    assert moss.observation.value is None and not moss.comparable
    assert "mangler tall for 0136" in moss.method


def test_tysfjord_shared_by_weight(registry: MunicipalityRegistry, weights) -> None:
    data = [
        obs("1805", 2019, "200"),
        obs("1854", 2019, "30"),
        obs("1850", 2019, "10"),
        obs("1849", 2019, "20"),
    ]
    got = by_region(harmonise_counts(data, registry, weights))
    narvik, hamaroy = got[("1806", "2019")], got[("1875", "2019")]
    assert narvik.observation.value == Decimal("235.0")
    assert hamaroy.observation.value == Decimal("25.0")
    assert narvik.estimated and hamaroy.estimated
    assert "0.5×1850" in narvik.method and "delt, 0.5 av 1850 etter csdata" in narvik.method


def test_tysfjord_without_weights_is_not_comparable(registry: MunicipalityRegistry) -> None:
    data = [obs("1805", 2019, "200"), obs("1854", 2019, "30"), obs("1850", 2019, "10")]
    narvik = by_region(harmonise_counts(data, registry))[("1806", "2019")]
    assert not narvik.comparable and narvik.observation.value is None
    assert "1850 ble delt uten oppgitte vekter" in narvik.method


def test_snillfjord_shared_by_weight(registry: MunicipalityRegistry, weights) -> None:
    data = [
        obs("5012", 2019, "100"),
        obs("1571", 2019, "1"),
        obs("5011", 2019, "2"),
        obs("5013", 2019, "3"),
        obs("5016", 2019, "4"),
        obs("5023", 2019, "5"),
        obs("5024", 2019, "6"),
    ]
    got = by_region(harmonise_counts(data, registry, weights))
    assert got[("5055", "2019")].observation.value == Decimal("38.00")
    assert got[("5056", "2019")].observation.value == Decimal("38.00")
    assert got[("5059", "2019")].observation.value == Decimal("45.0")
    total = sum(got[(c, "2019")].observation.value for c in ("5055", "5056", "5059"))
    assert total == Decimal(121)


def test_alesund_haram_2024(registry: MunicipalityRegistry, weights) -> None:
    data = [obs("1507", 2023, "1000"), obs("1508", 2024, "900"), obs("1580", 2024, "110")]
    got = by_region(harmonise_counts(data, registry, weights))
    assert got[("1508", "2023")].observation.value == Decimal(500)
    assert got[("1580", "2023")].observation.value == Decimal(500)
    assert got[("1508", "2023")].estimated
    assert got[("1508", "2024")].observation.value == Decimal(900)
    without = by_region(harmonise_counts(data, registry))
    assert not without[("1580", "2023")].comparable
    assert without[("1580", "2024")].comparable


def test_old_haram_2019_goes_to_new_haram_exactly(registry: MunicipalityRegistry) -> None:
    data = [obs(c, 2019, "10") for c in ("1504", "1523", "1529", "1546")] + [obs("1534", 2019, "7")]
    got = by_region(harmonise_counts(data, registry))
    assert got[("1508", "2019")].observation.value == Decimal(40)
    assert got[("1580", "2019")].observation.value == Decimal(7)
    assert not got[("1580", "2019")].estimated


def test_national_group_and_kommsummer_codes_pass(registry: MunicipalityRegistry) -> None:
    data = [obs("EAK", 2019, "5"), obs("EKG13", 2019, "3"), obs("K-3103", 2019, "150")]
    result = harmonise_counts(data, registry)
    codes = [(h.observation.region_code, h.method) for h in result.observations]
    assert codes == [
        ("EAK", "ikke en kommune: uendret"),
        ("EKG13", "ikke en kommune: uendret"),
        ("3103", "SSB KommSummer: allerede på 2024-grenser"),
    ]


def test_code_not_in_force_is_noted_not_placed(registry: MunicipalityRegistry) -> None:
    """KOSTRA table 12367 lists 3001 Halden for 2015 with status '.'; 3001 began in 2020."""
    result = harmonise_counts([obs("3001", 2015, None, ".")], registry)
    assert result.observations == ()
    assert str(result.notes[0]) == "12003 3001 2015: code not in force in 2015; left out (status .)"


def test_ratio_recomputed_from_harmonised_parts(registry: MunicipalityRegistry) -> None:
    users = [obs("0104", 2019, "30"), obs("0136", 2019, "10"), obs("3002", 2022, "50")]
    population = [
        obs("0104", 2019, "32000", contents="pop"),
        obs("0136", 2019, "15000", contents="pop"),
        obs("3002", 2022, "50000", contents="pop"),
    ]
    result = harmonise_ratio(
        users,
        population,
        registry,
        contents_code="n/1000",
        contents_label="per 1 000",
        unit="per 1 000 innbyggere",
        scale=Decimal(1000),
        decimals=2,
    )
    got = by_region(result)
    assert got[("3103", "2019")].observation.value == Decimal("0.85")
    assert got[("3103", "2022")].observation.value == Decimal("1.00")
    assert got[("3103", "2019")].method.startswith("teller: 3103 = 0104 + 0136")


def test_published_ratio_kept_after_renumbering_marked_before_merger(
    registry: MunicipalityRegistry,
) -> None:
    ratios = [obs("0104", 2019, "1.2"), obs("0136", 2019, "0.7"), obs("3002", 2022, "1.1")]
    got = by_region(harmonise_published_ratios(ratios, registry))
    assert got[("3103", "2022")].observation.value == Decimal("1.1")
    assert got[("3103", "2022")].comparable
    before = got[("3103", "2019")]
    assert before.observation.value is None and not before.comparable
    assert before.method == "andel/forholdstall: ikke sammenlignbar før 2020"
    assert len([h for h in harmonise_published_ratios(ratios, registry).observations]) == 2


def test_published_ratio_of_a_split_unit_is_not_comparable(registry: MunicipalityRegistry) -> None:
    got = by_region(harmonise_published_ratios([obs("1507", 2023, "3.0")], registry))
    assert not got[("1508", "2023")].comparable and not got[("1580", "2023")].comparable
