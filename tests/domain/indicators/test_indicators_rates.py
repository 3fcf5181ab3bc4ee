"""Rates per 1 000 inhabitants from table 07459 with age-band denominators.

Fixture (a real-data file, see tests/domain/indicators/shared_data.py):
ssb_07459_population_by_age_2024_kcodes.csv (SSB 07459, 1 January 2024, national sum 5 550 203;
Oslo 717 710 per derived_population_2024_total_by_municipality.csv).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from losen.domain.indicators import AgeBand, Observation, parse, population_in_band, rate_per_1000
from losen.domain.indicators.rates import STANDARD_BANDS, age_of

from .shared_data import shared_bytes


@pytest.fixture(scope="module")
def population() -> tuple[Observation, ...]:
    return parse(shared_bytes("ssb_07459_population_by_age_2024_kcodes.csv")).observations


def users(
    code: str, value: str | None, status: str | None = None, period: str = "2024"
) -> Observation:
    return Observation(
        "SSB",
        "12003",
        "KOSbrukere",
        "Brukere",
        code,
        period,
        period,
        None if value is None else Decimal(value),
        status,
        "antall",
        0,
        None,
    )


@pytest.mark.parametrize(
    ("label", "age"),
    [
        ("0 years", 0),
        ("1 year", 1),
        ("105 years or older", 105),
        ("000", 0),
        ("080", 80),
        ("80 år", 80),
        ("105+", 105),
        ("999B", None),
        ("F00-04", None),
        ("Total", None),
    ],
)
def test_age_of(label: str, age: int | None) -> None:
    assert age_of(label) == age


def test_standard_bands_add_up_to_the_whole_population(population) -> None:
    total = Decimal(0)
    for band in STANDARD_BANDS:
        total += sum(p.persons for p in population_in_band(population, band).values())
    assert total == Decimal(5550203)
    assert population_in_band(population, AgeBand(0))[("0301", "2024")].persons == 717710


def test_rate_per_1000_in_an_age_band(population) -> None:
    oslo_18_66 = population_in_band(population, AgeBand(18, 66))[("0301", "2024")].persons
    result = rate_per_1000([users("0301", "1234")], population, AgeBand(18, 66), decimals=3)
    rate = result.observations[0]
    expected = (Decimal(1234) * 1000 / oslo_18_66).quantize(Decimal("0.001"))
    assert rate.value == expected
    assert rate.unit == "per 1 000 innbyggere 18–66 år"
    assert rate.contents_code == "KOSbrukere/1000:18-66"


def test_kommsummer_codes_and_plain_codes_meet(population) -> None:
    result = rate_per_1000([users("K-3103", "52051")], population)
    assert result.observations[0].value == Decimal("1000.0")


def test_status_carries_through_and_never_becomes_zero(population) -> None:
    result = rate_per_1000([users("3103", None, ":")], population)
    assert result.observations[0].value is None and result.observations[0].status == ":"


def test_missing_population_is_named(population) -> None:
    result = rate_per_1000([users("0104", "5", period="2019")], population)
    assert result.observations == ()
    assert str(result.notes[0]) == "0104 2019: no population 0 år og eldre"


def test_population_year_offset(population) -> None:
    """KOSTRA divides year-end figures by the population on 1 January of the next year."""
    result = rate_per_1000(
        [users("0301", "717.71", period="2023")], population, population_year_offset=1
    )
    assert result.observations[0].value == Decimal("1.0")


def test_incomplete_band_gives_no_denominator() -> None:
    partial = [
        Observation(
            "SSB",
            "07459",
            "Personer1",
            "Personer",
            "0301",
            "2024",
            "2024",
            Decimal(10),
            None,
            "personer",
            0,
            None,
            (("Alder", f"{a:03d}"),),
        )
        for a in range(18, 60)
    ]
    band = population_in_band(partial, AgeBand(18, 66))[("0301", "2024")]
    assert band.persons is None
    result = rate_per_1000([users("0301", "5")], partial, AgeBand(18, 66))
    assert result.observations[0].value is None
    assert "incomplete" in str(result.notes[0])


def test_sexes_are_summed_and_a_suppressed_age_suppresses_the_band() -> None:
    rows = [
        Observation(
            "SSB",
            "07459",
            "Personer1",
            "Personer",
            "0301",
            "2024",
            "2024",
            Decimal(5),
            None,
            "personer",
            0,
            None,
            (("Kjonn", sex), ("Alder", f"{a:03d}")),
        )
        for a in range(80, 106)
        for sex in ("1", "2")
    ]
    assert population_in_band(rows, AgeBand(80))[("0301", "2024")].persons == Decimal(260)
    rows[0] = replace(rows[0], value=None, status=":")
    band = population_in_band(rows, AgeBand(80))[("0301", "2024")]
    assert band.persons is None and band.status == ":"
