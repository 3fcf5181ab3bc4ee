"""Compare a municipality with its KOSTRA group and the country, year by year.

Landet (``EAK``) and KOSTRA-group (``EKG01``–``EKG17``) figures are SSB's own estimates and are
used as published, never recomputed from our sums (SSB weights them; see the notes to the
KOSTRA tables in Statistikkbanken, e.g. https://www.ssb.no/statbank/table/12367). A difference
is given only
when both figures are numbers; a suppressed or missing figure stays what it is. KOSTRA groups
were redrawn in 2020 (a break between 2019 and 2020); the caller passes the group that applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from losen.domain.indicators.harmonise import NO_NUMBER, municipality_code
from losen.domain.indicators.model import Observation

COUNTRY = "EAK"


@dataclass(frozen=True, slots=True)
class ComparisonPoint:
    """One period: the three figures as observations (with status) and the differences."""

    period: str
    municipality: Observation | None
    group: Observation | None
    country: Observation | None

    @property
    def minus_group(self) -> Decimal | None:
        """Municipality minus group, or ``None`` unless both are numbers."""
        return _difference(self.municipality, self.group)

    @property
    def minus_country(self) -> Decimal | None:
        """Municipality minus the country, or ``None`` unless both are numbers."""
        return _difference(self.municipality, self.country)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One indicator (contents code and other dimensions) over time, for three regions."""

    source: str
    table: str
    contents_code: str
    contents_label: str
    unit: str
    dimensions: tuple[tuple[str, str], ...]
    municipality_code: str
    group_code: str
    country_code: str
    points: tuple[ComparisonPoint, ...]

    @property
    def change(self) -> Decimal | None:
        """The municipality's change from its first to its last numeric period, or ``None``."""
        numbers = [p.municipality.value for p in self.points if _number(p.municipality) is not None]
        if len(numbers) < 2:
            return None
        return numbers[-1] - numbers[0]  # type: ignore[operator]


def _number(obs: Observation | None) -> Decimal | None:
    if obs is None or obs.value is None or obs.status in NO_NUMBER:
        return None
    return obs.value


def _difference(a: Observation | None, b: Observation | None) -> Decimal | None:
    x, y = _number(a), _number(b)
    return None if x is None or y is None else x - y


def compare(
    observations: Iterable[Observation],
    municipality: str,
    group: str,
    country: str = COUNTRY,
) -> tuple[Comparison, ...]:
    """Line up a municipality, its KOSTRA group and the country for every indicator present.

    Args:
        observations: Observations of one or more tables (already on comparable borders).
        municipality: The municipality code (``"3103"``; ``"K-3103"`` also matches).
        group: The KOSTRA group code (``"EKG13"``).
        country: The country's code (``"EAK"`` in KOSTRA tables, ``"0"`` elsewhere).

    Returns:
        One :class:`Comparison` per indicator, periods in ascending order.
    """
    roles = {municipality: "m", group: "g", country: "c"}
    table: dict[tuple[object, ...], dict[str, dict[str, Observation]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    meta: dict[tuple[object, ...], Observation] = {}
    for obs in observations:
        code = municipality_code(obs.region_code) or obs.region_code
        role = roles.get(code)
        if role is None:
            continue
        key = (obs.source, obs.table, obs.contents_code, obs.dimensions)
        table[key][obs.period][role] = obs
        meta.setdefault(key, obs)
    out: list[Comparison] = []
    for key, by_period in table.items():
        sample = meta[key]
        points = tuple(
            ComparisonPoint(period, cells.get("m"), cells.get("g"), cells.get("c"))
            for period, cells in sorted(by_period.items())
        )
        out.append(
            Comparison(
                source=sample.source,
                table=sample.table,
                contents_code=sample.contents_code,
                contents_label=sample.contents_label,
                unit=sample.unit,
                dimensions=sample.dimensions,
                municipality_code=municipality,
                group_code=group,
                country_code=country,
                points=points,
            )
        )
    return tuple(sorted(out, key=lambda c: (c.table, c.contents_code, c.dimensions)))
