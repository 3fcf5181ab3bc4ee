"""Demand ahead (krav mot kapasitet) from stored figures: rates, base population, projection.

A service is projected from age bands whose use rates come from catalogue indicators (users
or årsverk per inhabitant in the band). The rates are the municipality's own, or a reference
(the KOSTRA group's or the country's), computed the same way from stored counts and population
(table 07459). The domain's :func:`~losen.domain.indicators.project_demand` does the projection
and writes the method statement shown on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext_lazy as _

from losen.domain import indicators as ind

from .catalogue import BY_KEY
from .queries import Profile, indicator_view, population_by_band, population_years


@dataclass(frozen=True)
class ServiceDef:
    """A service whose demand can be projected: its bands and the indicator giving each rate."""

    key: str
    label: str
    unit: str
    bands: tuple[tuple[ind.AgeBand, str], ...]
    name_in_method: str


SERVICES = (
    ServiceDef(
        "hjemmetjenester",
        _("Hjemmetjenester (mottakere 67 år og eldre)"),
        _("mottakere"),
        ((ind.AgeBand(67, 79), "hjemmetjenester-67-79"), (ind.AgeBand(80), "hjemmetjenester-80")),
        "hjemmetjenester",
    ),
    ServiceDef(
        "psykisk-helse-rus",
        _("Psykisk helse- og rusarbeid for voksne (årsverk)"),
        _("årsverk"),
        ((ind.AgeBand(18), "is248-arsverk-voksne"),),
        "årsverk i psykisk helse- og rusarbeid",
    ),
)
SERVICE_BY_KEY = {s.key: s for s in SERVICES}

RATE_SOURCES = {
    "egne": _("kommunens egne tall"),
    "gruppe": _("KOSTRA-gruppen"),
    "landet": _("landet"),
}


class ProjectionUnavailable(Exception):
    """The stored figures do not give what the projection needs; the message says what."""


@dataclass(frozen=True)
class RateChoice:
    band: ind.AgeBand
    per_1000: Decimal
    period: str


def latest_rates(
    municipality, service: ServiceDef, profile: Profile, rate_source: str
) -> list[RateChoice]:
    """The newest published rate per 1 000 in each band from the chosen region."""
    role = {"egne": "municipality", "gruppe": "group", "landet": "country"}[rate_source]
    out = []
    for band, key in service.bands:
        view = indicator_view(municipality, BY_KEY[key], profile)
        points = [] if view.comparison is None else view.comparison.points
        found = None
        for point in reversed(points):
            obs = getattr(point, role)
            if obs is not None and obs.value is not None and not obs.status:
                found = RateChoice(band, obs.value, point.period)
                break
        if found is None:
            raise ProjectionUnavailable(
                str(_("Ingen bruksrate for %(band)s fra %(source)s er lagret."))
                % {"band": band.label, "source": RATE_SOURCES[rate_source]}
            )
        out.append(found)
    return out


def project(
    municipality,
    profile: Profile,
    service: ServiceDef,
    *,
    rate_source: str,
    horizon_years: int,
    capacity: Decimal | None,
    scenario: ind.ConstantGrowth | ind.UserProjection,
) -> tuple[ind.DemandProjection, list[RateChoice], Decimal]:
    """Project the service's demand; return the projection, the rates used and the capacity.

    Raises:
        ProjectionUnavailable: No population or no rate is stored.
        ValueError: From the domain (horizon, incomplete user projection).
    """
    rates = latest_rates(municipality, service, profile, rate_source)
    years = population_years(municipality, profile.region_code)
    if not years:
        raise ProjectionUnavailable(str(_("Ingen befolkningstall (tabell 07459) er lagret.")))
    base_year = years[-1]
    bands = [r.band for r in rates]
    base = population_by_band(municipality, profile.region_code, base_year, bands)
    if len(base) != len(bands):
        raise ProjectionUnavailable(
            str(_("Befolkningstallene for %(year)s dekker ikke alle aldersgruppene."))
            % {"year": base_year}
        )
    use_rates = [ind.UseRate(r.band, r.per_1000 / 1000) for r in rates]
    today = sum((base[r.band] * r.per_person for r in use_rates), Decimal(0))
    if capacity is None:
        capacity = today.to_integral_value(rounding=ROUND_CEILING)
    projection = ind.project_demand(
        base,
        use_rates,
        capacity,
        base_year,
        horizon_years,
        scenario,
        service=service.name_in_method,
        rate_source=str(RATE_SOURCES[rate_source])
        + " ("
        + ", ".join(f"{r.band.label} {r.period}" for r in rates)
        + ")",
    )
    return projection, rates, capacity


MAX_PROJECTION_CHARS = 100_000
"""Longest projection text read (a century of years in a hundred age groups fits)."""
MAX_PROJECTION_PERSONS = 1e9
"""Most persons in one age group in one year."""
MIN_PROJECTION_YEAR, MAX_PROJECTION_YEAR = 1900, 2200


def parse_user_projection(text: str, bands: list[ind.AgeBand]) -> dict[int, dict]:
    """Read ``år;personer i gruppe 1;personer i gruppe 2 …`` lines (a user's projection).

    Raises:
        ValueError: Naming the line that cannot be read.
    """
    from losen.domain.safeinput import number_problem, text_problem

    problem = text_problem(text, "", max_chars=MAX_PROJECTION_CHARS)
    if problem is not None:
        raise ValueError(problem.message)
    out: dict[int, dict] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [
            c.strip().replace(" ", "").replace(",", ".") for c in line.replace("\t", ";").split(";")
        ]
        if len(cells) != len(bands) + 1:
            raise ValueError(f"linje {number}: {len(cells)} felt, ventet år og {len(bands)} tall")
        try:
            year = int(cells[0])
            values = [Decimal(c) for c in cells[1:]]
        except (ValueError, ArithmeticError) as error:
            raise ValueError(f"linje {number}: {raw.strip()[:80]!r} er ikke år og tall") from error
        for value in values:
            # NaN, Infinity and 1e999999 are Decimals too; a head count is finite and sane.
            problem = number_problem(
                float(value) if value.is_finite() else math.inf,
                "",
                max_magnitude=MAX_PROJECTION_PERSONS,
                allow_negative=False,
            )
            if problem is not None:
                raise ValueError(f"linje {number}: {problem.message}")
        if not MIN_PROJECTION_YEAR <= year <= MAX_PROJECTION_YEAR:
            raise ValueError(
                f"linje {number}: året {str(year)[:12]} er utenfor "
                f"{MIN_PROJECTION_YEAR}–{MAX_PROJECTION_YEAR}"
            )
        out[year] = dict(zip(bands, values, strict=True))
    return out
