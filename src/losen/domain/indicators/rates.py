"""Rates per 1 000 inhabitants, with the population of a named age band as denominator.

Population comes from SSB table 07459 (population 1 January by region, sex and single-year age;
https://www.ssb.no/statbank/table/07459), read by any of our readers. Age categories are read
from the code (``"000"``, ``"105+"``) or the label (``"0 years"``, ``"105 years or older"``,
``"80 år"``). Every other dimension (sex) is summed. A band counts only if every single year of
it is present; otherwise the denominator is missing, never a partial sum.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from losen.domain.indicators.harmonise import (
    NO_NUMBER,
    municipality_code,
    round_half_up,
    strongest_status,
)
from losen.domain.indicators.model import Observation, Problem

#: Dimension ids that hold single-year age, in the order they are looked for.
AGE_DIMENSIONS = ("Alder", "alder", "age", "Age", "KOKalder0000", "ALDER")
_AGE = re.compile(
    r"^\s*(\d{1,3})\s*(\+|år|years?|year|aar)?(\s+(or older|eller eldre|og eldre))?\s*$"
)
#: The oldest single-year age 07459 publishes ("105 år eller eldre").
TOP_AGE = 105


@dataclass(frozen=True, slots=True)
class AgeBand:
    """An age band, both ends included; ``high=None`` means "and older".

    The bands Losen uses for per-capita figures: 0–17, 18–66, 67–79, 80+; KOSTRA's rus figures
    use 18–66 (SSB table 12228, https://www.ssb.no/statbank/table/12228).
    """

    low: int
    high: int | None = None

    @property
    def code(self) -> str:
        """``"18-66"`` or ``"80+"``."""
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    @property
    def label(self) -> str:
        """``"18–66 år"`` or ``"80 år og eldre"``."""
        return f"{self.low} år og eldre" if self.high is None else f"{self.low}–{self.high} år"

    def contains(self, age: int) -> bool:
        """True when ``age`` lies in the band."""
        return age >= self.low and (self.high is None or age <= self.high)

    def ages(self) -> range:
        """Every single-year age the band needs (up to :data:`TOP_AGE` when open)."""
        return range(self.low, (TOP_AGE if self.high is None else self.high) + 1)


ALL_AGES = AgeBand(0, None)
STANDARD_BANDS: tuple[AgeBand, ...] = (
    AgeBand(0, 17),
    AgeBand(18, 66),
    AgeBand(67, 79),
    AgeBand(80),
)


def age_of(category: str) -> int | None:
    """Return the single-year age of an age category, or ``None`` for totals and groups."""
    match = _AGE.match(category)
    return int(match.group(1)) if match else None


def _age_dimension(obs: Observation) -> str | None:
    names = {name for name, _ in obs.dimensions}
    return next((d for d in AGE_DIMENSIONS if d in names), None)


@dataclass(frozen=True, slots=True)
class BandPopulation:
    """The population of one region and period in one age band, or why there is none."""

    region_code: str
    period: str
    band: AgeBand
    persons: Decimal | None
    status: str | None


def population_in_band(
    population: Iterable[Observation], band: AgeBand
) -> dict[tuple[str, str], BandPopulation]:
    """Sum population observations over the ages of a band, by (municipality code, period).

    ``K-`` codes are read as today's municipality codes. A region whose ages do not cover the band
    gets ``persons=None``; a status on any age carries through.
    """
    ages: dict[tuple[str, str], dict[int, list[Observation]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for obs in population:
        dim = _age_dimension(obs)
        if dim is None:
            continue
        age = age_of(obs.dimension(dim) or "")
        if age is None or not band.contains(age):
            continue
        region = municipality_code(obs.region_code) or obs.region_code
        ages[(region, obs.period)][age].append(obs)
    out: dict[tuple[str, str], BandPopulation] = {}
    for (region, period), by_age in ages.items():
        parts = [o for group in by_age.values() for o in group]
        status = strongest_status(o.status for o in parts)
        complete = all(a in by_age for a in band.ages())
        usable = all(o.value is not None and o.status not in NO_NUMBER for o in parts)
        persons = sum((o.value for o in parts), Decimal(0)) if complete and usable else None  # type: ignore[misc]
        out[(region, period)] = BandPopulation(region, period, band, persons, status)
    return out


@dataclass(frozen=True, slots=True)
class RateResult:
    """Rates, and the numerators that got none (with the reason)."""

    observations: tuple[Observation, ...]
    notes: tuple[Problem, ...] = ()


def rate_per_1000(
    numerators: Iterable[Observation],
    population: Iterable[Observation],
    band: AgeBand = ALL_AGES,
    *,
    population_year_offset: int = 0,
    decimals: int = 1,
) -> RateResult:
    """Compute numerator per 1 000 inhabitants in an age band.

    Args:
        numerators: Counts (users, årsverk …) by region and period.
        population: Population by single-year age (table 07459).
        band: The age band of the denominator.
        population_year_offset: Which population year to use for period *t*: 0 takes
            1 January *t*; 1 takes 1 January *t+1*, i.e. 31 December *t*, as KOSTRA does for
            figures per inhabitant at year end.
        decimals: Decimals of the result (rounded half up).

    Returns:
        One rate observation per numerator that has a denominator; statuses carry through, and
        a numerator with no population figure is named in ``notes``.
    """
    denominators = population_in_band(population, band)
    out: list[Observation] = []
    notes: list[Problem] = []
    scale = Decimal(1000)
    for obs in numerators:
        region = municipality_code(obs.region_code) or obs.region_code
        year = obs.period[:4]
        if not year.isdigit():
            notes.append(Problem(f"{obs.region_code} {obs.period}", "period has no year"))
            continue
        den = denominators.get((region, str(int(year) + population_year_offset)))
        if den is None:
            notes.append(Problem(f"{obs.region_code} {obs.period}", f"no population {band.label}"))
            continue
        if den.persons is None and den.status is None:
            notes.append(
                Problem(f"{obs.region_code} {obs.period}", f"population {band.label} incomplete")
            )
        status = strongest_status((obs.status, den.status))
        value = None
        if (
            obs.value is not None
            and obs.status not in NO_NUMBER
            and den.persons is not None
            and den.persons != 0
        ):
            value = round_half_up(obs.value * scale / den.persons, decimals)
        out.append(
            replace(
                obs,
                contents_code=f"{obs.contents_code}/1000:{band.code}",
                contents_label=f"{obs.contents_label} per 1 000 innbyggere {band.label}",
                unit=f"per 1 000 innbyggere {band.label}",
                decimals=decimals,
                value=value,
                status=status,
            )
        )
    return RateResult(tuple(out), tuple(notes))
