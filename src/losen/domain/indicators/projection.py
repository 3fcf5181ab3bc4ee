"""Demand ahead ("krav mot kapasitet"): project demand for a service and set it against capacity.

The method is the plain age-standardised projection used in municipal planning: demand in year
*t* is the sum over age bands of the population in the band in year *t* times the band's use
rate (users per inhabitant), with use rates held at today's level. The population in year *t*
comes from a scenario: a projection the user supplies (for example SSB's municipal population
projection, table 13536, read into bands), or today's population changed at a constant yearly
rate per band. Today's capacity is held fixed, and the gap is capacity minus demand (negative
means too little capacity). The method statement says all of this in Norwegian for the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from losen.domain.indicators.rates import AgeBand

MIN_HORIZON_YEARS = 5
MAX_HORIZON_YEARS = 15


@dataclass(frozen=True, slots=True)
class UseRate:
    """Users (or hours, places …) per inhabitant in one age band."""

    band: AgeBand
    per_person: Decimal


@dataclass(frozen=True, slots=True)
class ConstantGrowth:
    """Population scenario: each band changes by a constant share each year.

    Attributes:
        annual_growth: Growth per year as a share (``Decimal("0.01")`` is 1 % a year); applies to
            bands not named in ``by_band``. 0 means today's population stays as it is.
        by_band: Growth per year for particular bands (an ageing population grows at 80+).
    """

    annual_growth: Decimal = Decimal(0)
    by_band: Mapping[AgeBand, Decimal] = field(default_factory=dict)

    def describe(self) -> str:
        """A Norwegian sentence for the method statement."""
        text = f"dagens befolkning endret med {_percent(self.annual_growth)} per år"
        if self.by_band:
            parts = ", ".join(f"{b.label}: {_percent(g)}" for b, g in self.by_band.items())
            text += f" ({parts})"
        return text


@dataclass(frozen=True, slots=True)
class UserProjection:
    """Population scenario supplied by the user: persons by band for each future year.

    Attributes:
        name: What the projection is (``"SSB 13536, hovedalternativet (MMMM)"``).
        population: Year → band → persons.
    """

    name: str
    population: Mapping[int, Mapping[AgeBand, Decimal]]

    def describe(self) -> str:
        """A Norwegian sentence for the method statement."""
        return f"befolkningsframskrivingen «{self.name}»"


Scenario = ConstantGrowth | UserProjection


@dataclass(frozen=True, slots=True)
class DemandYear:
    """One projected year."""

    year: int
    population: tuple[tuple[AgeBand, Decimal], ...]
    demand: Decimal
    capacity: Decimal

    @property
    def gap(self) -> Decimal:
        """Capacity minus demand: negative when demand exceeds capacity."""
        return self.capacity - self.demand


@dataclass(frozen=True, slots=True)
class DemandProjection:
    """The projection by year, with the method statement to show beside it."""

    base_year: int
    years: tuple[DemandYear, ...]
    method: str

    @property
    def first_shortfall_year(self) -> int | None:
        """The first year demand exceeds capacity, or ``None``."""
        return next((y.year for y in self.years if y.gap < 0), None)


def use_rates_from(
    users: Mapping[AgeBand, Decimal], population: Mapping[AgeBand, Decimal]
) -> tuple[UseRate, ...]:
    """Derive use rates (users per inhabitant) by band from today's users and population.

    Raises:
        ValueError: A band has users but no population, or a population of 0.
    """
    out: list[UseRate] = []
    for band, count in users.items():
        persons = population.get(band)
        if persons is None or persons == 0:
            raise ValueError(f"no population for {band.label}")
        out.append(UseRate(band, count / persons))
    return tuple(out)


def project_demand(
    base_population: Mapping[AgeBand, Decimal],
    use_rates: Sequence[UseRate],
    capacity: Decimal,
    base_year: int,
    horizon_years: int,
    scenario: Scenario,
    *,
    service: str = "tjenesten",
    rate_source: str = "kommunens egne tall",
) -> DemandProjection:
    """Project demand from ``base_year`` to ``base_year + horizon_years`` against capacity.

    Args:
        base_population: Persons by band in the base year.
        use_rates: Use rates by band, held constant.
        capacity: Today's capacity, in the unit demand is counted in (users, places, hours).
        base_year: The year the population and rates describe.
        horizon_years: How far ahead, 5 to 15 years.
        scenario: How the population develops.
        service: Name of the service for the method statement.
        rate_source: Where the rates come from, for the method statement.

    Returns:
        A :class:`DemandProjection` with one :class:`DemandYear` per year, the base year first.

    Raises:
        ValueError: On a horizon outside 5–15 years, overlapping bands, a rate for a band with no
            population, or a user projection lacking a year or band.
    """
    if not MIN_HORIZON_YEARS <= horizon_years <= MAX_HORIZON_YEARS:
        raise ValueError(
            f"horizon {horizon_years} years: must be {MIN_HORIZON_YEARS}–{MAX_HORIZON_YEARS}"
        )
    bands = [r.band for r in use_rates]
    _check_bands(bands)
    missing = [b.label for b in bands if b not in base_population]
    if missing:
        raise ValueError("no base population for " + ", ".join(missing))
    if capacity < 0:
        raise ValueError("capacity cannot be negative")
    years = range(base_year, base_year + horizon_years + 1)
    if isinstance(scenario, UserProjection):
        lacking = [
            f"{year} {band.label}"
            for year in years[1:]
            for band in bands
            if band not in scenario.population.get(year, {})
        ]
        if lacking:
            raise ValueError("the projection lacks " + ", ".join(lacking))
    out: list[DemandYear] = []
    for year in years:
        population = tuple(
            (band, _population(base_population, scenario, band, year, base_year)) for band in bands
        )
        demand = sum(
            (
                persons * rate.per_person
                for (_, persons), rate in zip(population, use_rates, strict=True)
            ),
            Decimal(0),
        )
        out.append(DemandYear(year, population, demand, capacity))
    return DemandProjection(
        base_year,
        tuple(out),
        _method(use_rates, capacity, base_year, scenario, service, rate_source),
    )


def _population(
    base: Mapping[AgeBand, Decimal], scenario: Scenario, band: AgeBand, year: int, base_year: int
) -> Decimal:
    if year == base_year:
        return base[band]
    if isinstance(scenario, UserProjection):
        return Decimal(scenario.population[year][band])
    growth = scenario.by_band.get(band, scenario.annual_growth)
    return base[band] * (1 + growth) ** (year - base_year)


def _check_bands(bands: Sequence[AgeBand]) -> None:
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            a_high = a.high if a.high is not None else 10**6
            b_high = b.high if b.high is not None else 10**6
            if a.low <= b_high and b.low <= a_high:
                raise ValueError(f"age bands overlap: {a.label} and {b.label}")


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f} %".replace(".", ",")


def _method(
    use_rates: Sequence[UseRate],
    capacity: Decimal,
    base_year: int,
    scenario: Scenario,
    service: str,
    rate_source: str,
) -> str:
    rates = "; ".join(
        f"{r.band.label}: {_per_thousand(r.per_person)} per 1 000 innbyggere" for r in use_rates
    )
    return (
        f"Behovet for {service} er framskrevet som innbyggere i hver aldersgruppe ganget med "
        f"bruksraten for gruppen, summert over gruppene. Bruksratene er fra {base_year} "
        f"({rate_source}) og holdes uendret: {rates}. Befolkningen følger {scenario.describe()}. "
        f"Kapasiteten ({capacity.normalize():f}) holdes fast på dagens nivå. Gapet er kapasitet "
        "minus behov; et negativt tall betyr at behovet er større enn kapasiteten. "
        "Framskrivingen viser hva som skjer hvis bruken per innbygger ikke endres, "
        "den er ikke en prognose."
    )


def _per_thousand(per_person: Decimal) -> str:
    return f"{(per_person * 1000).quantize(Decimal('0.1')):f}".replace(".", ",")
