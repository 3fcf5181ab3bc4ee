"""Synthetic figures for the demo municipality Fjordvik, generated here and marked as such.

Nothing here is real statistics: the numbers come from a seeded random generator around
plausible levels, the source is named :data:`~.queries.DEMO_SOURCE` everywhere it is shown,
and the figures are stored as Fjordvik's own (so resetting the demo removes them, and no other
municipality sees them). Real SSB/FHI files are never copied into the repository; the demo
works without any downloaded data file.

Fjordvik (4699) gets population by single-year age (as table 07459) for 2015–2025 and the
catalogue's indicators for 2015–2024, beside an invented KOSTRA group 12 and country, with one
suppressed and one missing value so the page shows how they look.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from losen.domain import indicators as ind

from .catalogue import BY_KEY, POPULATION_CONTENTS, POPULATION_TABLE
from .models import ImportMethod
from .queries import DEMO_SOURCE
from .services import import_observations, set_comparison_profile

FIRST_YEAR, LAST_YEAR = 2015, 2024
GROUP, COUNTRY = "EKG12", "EAK"
#: Population on 1 January 2015 and yearly change of the under-67s and the 67+ (ageing).
REGIONS = {
    "4699": (24_300, Decimal("-0.002"), Decimal("0.032")),
    GROUP: (1_150_000, Decimal("0.001"), Decimal("0.030")),
    COUNTRY: (5_166_000, Decimal("0.004"), Decimal("0.028")),
}
#: Level per 1 000 inhabitants in the band (or the ratio itself) for Fjordvik, group, country.
LEVELS = {
    "rus-netto-243": (Decimal(1350), Decimal(1180), Decimal(1240)),
    "is248-arsverk-voksne": (Decimal("1.9"), Decimal("1.7"), Decimal("1.8")),
    "brukerplan-rus-bolig-rod": (Decimal("1.3"), Decimal("1.1"), Decimal("1.2")),
    "hjemmetjenester-67-79": (Decimal(64), Decimal(58), Decimal(55)),
    "hjemmetjenester-80": (Decimal(318), Decimal(301), Decimal(296)),
    "hjemmesykepleie-timer": (Decimal("6.1"), Decimal("5.6"), Decimal("5.2")),
}
DECIMALS = {"is248-arsverk-voksne": 1, "hjemmesykepleie-timer": 1, "rus-netto-243": 0}
#: Shown as they would be published: suppressed (":") and not reported ("..").
STATUSES = {
    ("brukerplan-rus-bolig-rod", "4699", 2017): ":",
    ("is248-arsverk-voksne", "4699", 2020): "..",
}
EXTRA_DIMENSIONS = {"is248-arsverk-voksne": (("tiltakstype", "i alt"), ("utdanningsnivå", "i alt"))}


def _age_weight(age: int) -> float:
    if age < 20:
        return 1.0
    if age < 45:
        return 1.08
    if age < 67:
        return 1.1
    return 1.1 * math.exp(-(age - 66) / 11)


def population(region: str, year: int) -> dict[int, int]:
    """Persons by single-year age (0–105) on 1 January *year*."""
    total, young_growth, old_growth = REGIONS[region]
    weights = [_age_weight(a) for a in range(106)]
    scale = total / sum(weights)
    years = year - FIRST_YEAR
    out = {}
    for age, weight in enumerate(weights):
        growth = old_growth if age >= 67 else young_growth
        out[age] = round(weight * scale * float((1 + growth) ** years))
    return out


def _obs(table, code, label, region, period, value, unit, decimals, dims, status=None):
    return ind.Observation(
        source=DEMO_SOURCE,
        table=table,
        contents_code=code,
        contents_label=label,
        region_code=region,
        region_vintage=period[:4],
        period=period,
        value=value,
        status=status,
        unit=unit,
        decimals=decimals,
        updated=None,
        dimensions=dims,
    )


def synthetic_observations(rng: random.Random) -> list[ind.Observation]:
    """Every demo observation: population, then the catalogue's indicators."""
    out: list[ind.Observation] = []
    pops = {(r, y): population(r, y) for r in REGIONS for y in range(FIRST_YEAR, LAST_YEAR + 2)}
    for (region, year), by_age in pops.items():
        for age, persons in by_age.items():
            code = "105+" if age == 105 else f"{age:03d}"
            out.append(
                _obs(
                    POPULATION_TABLE,
                    POPULATION_CONTENTS,
                    "Personer (syntetisk)",
                    region,
                    str(year),
                    Decimal(persons),
                    "personer",
                    0,
                    (("Alder", code),),
                )
            )
    for key, levels in LEVELS.items():
        indicator = BY_KEY[key]
        decimals = DECIMALS.get(key, 0)
        dims = indicator.dimensions + EXTRA_DIMENSIONS.get(key, ())
        for region, level in zip(REGIONS, levels, strict=True):
            trend = Decimal(rng.uniform(-0.01, 0.025))
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                noise = Decimal(rng.uniform(-0.04, 0.04))
                per = level * (1 + trend) ** (year - FIRST_YEAR) * (1 + noise)
                if indicator.per_1000 is None:
                    value = per
                else:
                    band = indicator.per_1000
                    ages = pops[(region, year + indicator.population_year_offset)]
                    persons = sum(n for a, n in ages.items() if band.contains(a))
                    value = per * persons / 1000
                value = value.quantize(Decimal(1).scaleb(-decimals))
                status = STATUSES.get((key, region, year))
                out.append(
                    _obs(
                        indicator.table,
                        indicator.contents_code,
                        indicator.label + " (syntetisk)",
                        region,
                        str(year),
                        None if status else value,
                        indicator.unit,
                        decimals,
                        dims,
                        status,
                    )
                )
    return out


def build_demo(context) -> None:
    """Store Fjordvik's synthetic figures and the KOSTRA group it is compared with."""
    fjordvik = context.fjordvik
    set_comparison_profile(actor=None, municipality=fjordvik, kostra_group=GROUP)
    observations = synthetic_observations(random.Random(4699))  # noqa: S311 -- invented demo figures
    outcome = import_observations(
        actor=None,
        observations=observations,
        file_name="losen-demo-fjordvik.json",
        data_format="losen-demo",
        municipality=fjordvik,
        method=ImportMethod.DEMO,
        source_option=DEMO_SOURCE,
    )
    context.summary.append(
        f"Styringsinformasjon: {outcome.created} syntetiske tall for Fjordvik "
        f"(kilde «{DEMO_SOURCE}»)"
    )
