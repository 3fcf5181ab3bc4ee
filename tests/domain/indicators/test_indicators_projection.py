"""Demand ahead (krav mot kapasitet): properties of the projection, and a worked example.

Worked example computed by hand here: 1 000 persons 0–66 at 10 per 1 000 and 200 persons 67+
at 100 per 1 000 give 10 + 20 = 30 users; with 67+ growing 3 % a year, year 1 gives
10 + 20.6 = 30.6.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.indicators import (
    AgeBand,
    ConstantGrowth,
    UseRate,
    UserProjection,
    project_demand,
    use_rates_from,
)

YOUNG, OLD = AgeBand(0, 66), AgeBand(67)
RATES = (UseRate(YOUNG, Decimal("0.01")), UseRate(OLD, Decimal("0.1")))


def test_worked_example() -> None:
    result = project_demand(
        {YOUNG: Decimal(1000), OLD: Decimal(200)},
        RATES,
        Decimal(28),
        2024,
        5,
        ConstantGrowth(Decimal(0), {OLD: Decimal("0.03")}),
        service="hjemmetjenester",
    )
    assert [y.year for y in result.years] == list(range(2024, 2030))
    assert result.years[0].demand == Decimal(30)
    assert result.years[1].demand == Decimal("30.6")
    assert result.years[0].gap == Decimal(-2)
    assert result.first_shortfall_year == 2024
    assert "hjemmetjenester" in result.method
    assert "67 år og eldre: 100,0 per 1 000 innbyggere" in result.method
    assert "67 år og eldre: 3 %" in result.method
    assert "ikke en prognose" in result.method


def test_user_projection_is_followed_and_must_be_complete() -> None:
    future = {
        y: {YOUNG: Decimal(1000), OLD: Decimal(200 + 10 * (y - 2024))} for y in range(2025, 2030)
    }
    result = project_demand(
        {YOUNG: Decimal(1000), OLD: Decimal(200)},
        RATES,
        Decimal(40),
        2024,
        5,
        UserProjection("SSB 13536 MMMM", future),
    )
    assert result.years[-1].demand == Decimal(10) + Decimal("0.1") * 250
    assert "«SSB 13536 MMMM»" in result.method
    del future[2027][OLD]
    with pytest.raises(ValueError, match="the projection lacks 2027 67 år og eldre"):
        project_demand(
            {YOUNG: Decimal(1000), OLD: Decimal(200)},
            RATES,
            Decimal(40),
            2024,
            5,
            UserProjection("x", future),
        )


@pytest.mark.parametrize("horizon", [4, 16])
def test_horizon_is_5_to_15_years(horizon: int) -> None:
    with pytest.raises(ValueError, match="must be 5–15"):
        project_demand(
            {YOUNG: Decimal(1), OLD: Decimal(1)}, RATES, Decimal(1), 2024, horizon, ConstantGrowth()
        )


def test_overlapping_bands_are_refused() -> None:
    rates = (UseRate(AgeBand(0, 70), Decimal("0.1")), UseRate(AgeBand(67), Decimal("0.1")))
    with pytest.raises(ValueError, match="overlap"):
        project_demand(
            {AgeBand(0, 70): Decimal(1), AgeBand(67): Decimal(1)},
            rates,
            Decimal(1),
            2024,
            5,
            ConstantGrowth(),
        )


def test_use_rates_from_counts() -> None:
    rates = use_rates_from({OLD: Decimal(30)}, {OLD: Decimal(600)})
    assert rates == (UseRate(OLD, Decimal("0.05")),)
    with pytest.raises(ValueError):
        use_rates_from({OLD: Decimal(30)}, {OLD: Decimal(0)})


persons = st.decimals(min_value=0, max_value=100_000, places=0)
rates = st.decimals(min_value=0, max_value=1, places=4)
growth = st.decimals(min_value=Decimal("-0.05"), max_value=Decimal("0.05"), places=3)
horizons = st.integers(5, 15)


@settings(max_examples=80, deadline=None)
@given(persons, persons, rates, rates, persons, horizons)
def test_no_growth_keeps_demand_flat(young, old, r1, r2, capacity, horizon) -> None:
    result = project_demand(
        {YOUNG: young, OLD: old},
        (UseRate(YOUNG, r1), UseRate(OLD, r2)),
        capacity,
        2024,
        horizon,
        ConstantGrowth(),
    )
    assert {y.demand for y in result.years} == {young * r1 + old * r2}
    assert len(result.years) == horizon + 1
    assert all(y.gap + y.demand == capacity for y in result.years)


@settings(max_examples=80, deadline=None)
@given(persons, persons, rates, rates, growth, horizons)
def test_demand_is_linear_in_use_rates(young, old, r1, r2, g, horizon) -> None:
    base = {YOUNG: young, OLD: old}
    one = project_demand(
        base, (UseRate(YOUNG, r1), UseRate(OLD, r2)), Decimal(0), 2024, horizon, ConstantGrowth(g)
    )
    two = project_demand(
        base,
        (UseRate(YOUNG, 2 * r1), UseRate(OLD, 2 * r2)),
        Decimal(0),
        2024,
        horizon,
        ConstantGrowth(g),
    )
    for a, b in zip(one.years, two.years, strict=True):
        assert b.demand == pytest.approx(2 * a.demand, rel=Decimal("1e-20"))


@settings(max_examples=80, deadline=None)
@given(
    persons,
    persons,
    rates,
    rates,
    st.decimals(min_value=0, max_value=Decimal("0.05"), places=3),
    horizons,
)
def test_growth_never_lowers_demand(young, old, r1, r2, g, horizon) -> None:
    result = project_demand(
        {YOUNG: young, OLD: old},
        (UseRate(YOUNG, r1), UseRate(OLD, r2)),
        Decimal(0),
        2024,
        horizon,
        ConstantGrowth(g),
    )
    demands = [y.demand for y in result.years]
    assert demands == sorted(demands)


@settings(max_examples=50, deadline=None)
@given(persons, persons, rates, rates, growth, horizons)
def test_user_projection_equal_to_constant_growth_gives_the_same_demand(
    young, old, r1, r2, g, horizon
) -> None:
    base = {YOUNG: young, OLD: old}
    use = (UseRate(YOUNG, r1), UseRate(OLD, r2))
    constant = project_demand(base, use, Decimal(0), 2024, horizon, ConstantGrowth(g))
    future = {y.year: dict(y.population) for y in constant.years[1:]}
    supplied = project_demand(base, use, Decimal(0), 2024, horizon, UserProjection("same", future))
    assert [y.demand for y in supplied.years] == [y.demand for y in constant.years]
