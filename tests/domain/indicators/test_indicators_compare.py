"""A municipality against its KOSTRA group and the country, over years; statuses stay statuses.

Fixture (a real-data file, see tests/domain/indicators/shared_data.py):
ssb_jsonstat2_12367_kostra_regnskap.json (KOSTRA 12367: 3001 Halden, EKG16, EKG17, EAK; many
cells are ':' suppressed or '.' cannot occur).
"""

from __future__ import annotations

from decimal import Decimal

from losen.domain.indicators import Observation, compare, parse

from .shared_data import shared_bytes


def test_halden_against_group_and_country() -> None:
    observations = parse(shared_bytes("ssb_jsonstat2_12367_kostra_regnskap.json")).observations
    comparisons = compare(observations, municipality="3001", group="EKG16")
    assert len(comparisons) == 2 * 5 * 5  # regnskapsomfang × funksjon × art
    helse = next(
        c
        for c in comparisons
        if c.dimensions
        == (("KOKregnskapsomfa0000", "A"), ("KOKfunksjon0000", "FGK9"), ("KOKart0000", "AGD2"))
    )
    assert [p.period for p in helse.points] == ["2015", "2016", "2017", "2019", "2020"]
    for point in helse.points:
        m, g, c = point.municipality, point.group, point.country
        if m and g and m.value is not None and g.value is not None:
            assert point.minus_group == m.value - g.value
        else:
            assert point.minus_group is None
        assert c is not None


def test_suppressed_values_give_no_difference_and_are_kept() -> None:
    observations = parse(shared_bytes("ssb_jsonstat2_12367_kostra_regnskap.json")).observations
    comparisons = compare(observations, municipality="3001", group="EKG16")
    suppressed = [
        p for c in comparisons for p in c.points if p.municipality and p.municipality.status == ":"
    ]
    assert suppressed
    assert all(p.minus_group is None and p.minus_country is None for p in suppressed)
    assert all(p.municipality.value is None for p in suppressed)


def obs(code: str, period: str, value: str | None, status: str | None = None) -> Observation:
    return Observation(
        "SSB",
        "t",
        "c",
        "c",
        code,
        period,
        period,
        None if value is None else Decimal(value),
        status,
        "prosent",
        1,
        None,
    )


def test_trend_and_differences() -> None:
    data = [
        obs("K-3103", "2021", "10"),
        obs("EKG13", "2021", "12"),
        obs("EAK", "2021", "11"),
        obs("3103", "2022", None, ".."),
        obs("EKG13", "2022", "12"),
        obs("3103", "2023", "14"),
        obs("EKG13", "2023", "12"),
        obs("EAK", "2023", "13"),
        obs("0301", "2023", "99"),
    ]
    (comparison,) = compare(data, "3103", "EKG13")
    points = {p.period: p for p in comparison.points}
    assert points["2021"].minus_group == Decimal(-2)
    assert points["2021"].minus_country == Decimal(-1)
    assert points["2022"].minus_group is None
    assert points["2022"].municipality.status == ".."
    assert points["2022"].country is None
    assert comparison.change == Decimal(4)
