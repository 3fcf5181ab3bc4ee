"""Reading stored figures for a municipality: comparisons, rates and population by age band.

Every read goes through :func:`~.services.visible_rows`, so a municipality sees the national
figures and its own, never another municipality's. The arithmetic (rates per 1 000, the
comparison with the KOSTRA group and the country, status handling) is the domain's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from losen.domain import indicators as ind
from losen.domain.indicators.harmonise import municipality_code
from losen.domain.indicators.rates import AGE_DIMENSIONS, age_of

from .catalogue import CATALOGUE, POPULATION_TABLE, IndicatorDef
from .models import ComparisonProfile
from .services import domain_observations, visible_rows

#: The source name of the demo's invented figures; shown with a warning wherever it appears.
DEMO_SOURCE = "Losen demo (syntetisk)"

#: What the status symbols mean (SSB's standard symbols, data.md §1.3), translatable.
STATUS_LABELS = {
    ".": gettext_lazy("kan ikke forekomme"),
    "..": gettext_lazy("mangler"),
    "...": gettext_lazy("mangler foreløpig"),
    ":": gettext_lazy("prikket av personvernhensyn"),
    "-": gettext_lazy("null"),
    "*": gettext_lazy("foreløpig tall"),
}


def attribution_lines(sources: Iterable[str]) -> list[str]:
    """The credit owed for the sources shown (CC BY 4.0 for SSB and FHI)."""
    sources = set(sources)
    lines = list(ind.attribution_for(sources - {DEMO_SOURCE}))
    if DEMO_SOURCE in sources:
        lines.append(_("Syntetiske tall laget av Losen for demoen; ikke ekte statistikk."))
    return lines


@dataclass(frozen=True)
class Profile:
    """Who a municipality is compared with."""

    region_code: str
    kostra_group: str
    country_code: str = "EAK"


def profile_for(municipality) -> Profile:
    stored = ComparisonProfile.objects.filter(municipality=municipality).first()
    if stored is None:
        return Profile(municipality.number, "")
    return Profile(stored.region_code, stored.kostra_group, stored.country_code)


@dataclass(frozen=True)
class IndicatorView:
    """One indicator for one municipality, ready for a chart and a table."""

    indicator: IndicatorDef
    profile: Profile
    source: str | None = None
    comparison: ind.Comparison | None = None
    notes: tuple[str, ...] = ()
    sources: frozenset[str] = field(default_factory=frozenset)

    @property
    def attribution(self) -> list[str]:
        return attribution_lines(self.sources)

    @property
    def is_synthetic(self) -> bool:
        return DEMO_SOURCE in self.sources

    @property
    def unit(self) -> str:
        return self.indicator.shown_unit


def _region_codes(profile: Profile) -> list[str]:
    codes = [profile.region_code, f"K-{profile.region_code}", profile.country_code]
    if profile.kostra_group:
        codes.append(profile.kostra_group)
    return codes


def _matches(obs: ind.Observation, wanted: tuple[tuple[str, str], ...]) -> bool:
    return all(obs.dimension(name) == code for name, code in wanted)


def observations_for(
    municipality, indicator: IndicatorDef, profile: Profile
) -> list[ind.Observation]:
    """Stored observations of an indicator for the municipality, its group and the country."""
    rows = visible_rows(municipality).filter(
        table=indicator.table,
        contents_code=indicator.contents_code,
        region_code__in=_region_codes(profile),
    )
    return [o for o in domain_observations(rows) if _matches(o, indicator.dimensions)]


def population_for(municipality, profile: Profile, source: str | None = None, cache=None):
    """Population by single-year age (table 07459) for the three regions compared.

    Figures from *source* are preferred (the demo's own population goes with the demo's
    figures); otherwise SSB's. *cache* (a dict) keeps the rows read for one page.
    """
    key = (municipality.pk, tuple(_region_codes(profile)))
    if cache is not None and key in cache:
        observations = cache[key]
    else:
        observations = domain_observations(
            visible_rows(municipality).filter(
                table=POPULATION_TABLE, region_code__in=_region_codes(profile)
            )
        )
        if cache is not None:
            cache[key] = observations
    sources = {o.source for o in observations}
    chosen = source if source in sources else ("SSB" if "SSB" in sources else None)
    if chosen is None and sources:
        chosen = sorted(sources)[0]
    return [o for o in observations if o.source == chosen]


def _in_band(population: list[ind.Observation], band: ind.AgeBand) -> list[ind.Observation]:
    """Only the single-year ages of *band* (the domain sums them; fewer rows, same result)."""
    out = []
    for obs in population:
        age = next((age_of(code) for name, code in obs.dimensions if name in AGE_DIMENSIONS), None)
        if age is not None and band.contains(age):
            out.append(obs)
    return out


def indicator_view(
    municipality, indicator: IndicatorDef, profile: Profile, cache=None
) -> IndicatorView:
    """Line up an indicator for the municipality, its KOSTRA group and the country."""
    observations = observations_for(municipality, indicator, profile)
    own = {
        o.source
        for o in observations
        if (municipality_code(o.region_code) or o.region_code) == profile.region_code
    }
    if not own:
        return IndicatorView(indicator, profile)
    source = indicator.source if indicator.source in own else sorted(own)[0]
    observations = [o for o in observations if o.source == source]
    notes: list[str] = []
    sources = {source}
    if indicator.kind == "count" and indicator.per_1000 is not None:
        population = _in_band(
            population_for(municipality, profile, source, cache), indicator.per_1000
        )
        sources |= {o.source for o in population}
        result = ind.rate_per_1000(
            observations,
            population,
            indicator.per_1000,
            population_year_offset=indicator.population_year_offset,
            decimals=1,
        )
        observations = list(result.observations)
        if result.notes:
            notes.append(
                _("Befolkningstall mangler for %(n)s av tallene; de vises som manglende.")
                % {"n": len(result.notes)}
            )
    comparisons = ind.compare(
        observations, profile.region_code, profile.kostra_group or "-", profile.country_code
    )
    comparison = comparisons[0] if comparisons else None
    return IndicatorView(indicator, profile, source, comparison, tuple(notes), frozenset(sources))


def dashboard_views(municipality, indicators: Iterable[IndicatorDef] = CATALOGUE):
    profile = profile_for(municipality)
    cache: dict = {}
    return [indicator_view(municipality, i, profile, cache) for i in indicators]


def population_by_band(
    municipality, region_code: str, year: int, bands: Iterable[ind.AgeBand]
) -> dict[ind.AgeBand, Decimal]:
    """Persons in each band on 1 January *year* (07459) for one region; missing bands left out."""
    profile = Profile(region_code, "")
    population = population_for(municipality, profile)
    out: dict[ind.AgeBand, Decimal] = {}
    for band in bands:
        in_band = ind.population_in_band(population, band)
        found = in_band.get((region_code, str(year)))
        if found is not None and found.persons is not None:
            out[band] = found.persons
    return out


def population_years(municipality, region_code: str) -> list[int]:
    """Years with population figures for a region, newest last."""
    rows = visible_rows(municipality).filter(
        table=POPULATION_TABLE, region_code__in=[region_code, f"K-{region_code}"]
    )
    return sorted({int(p[:4]) for p in rows.values_list("period", flat=True) if p[:4].isdigit()})


# --- Snapshots for other modules --------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSnapshot:
    """One figure as it stood when a decision used it: value or status, source and period.

    Other modules keep :meth:`as_dict` (through :func:`~.services.attach_indicator`), so a case
    shows the figure it rested on even after the statistics are revised.
    """

    indicator: str
    label: str
    source: str
    table: str
    contents_code: str
    region_code: str
    period: str
    value: str | None
    status: str | None
    status_meaning: str
    unit: str
    attribution: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "source": self.source,
            "table": self.table,
            "contents_code": self.contents_code,
            "region_code": self.region_code,
            "period": self.period,
            "value": self.value,
            "status": self.status,
            "status_meaning": self.status_meaning,
            "unit": self.unit,
            "attribution": list(self.attribution),
        }

    @property
    def shown(self) -> str:
        """``"71,4 per 1 000 innbyggere 67–79 år (2024)"`` or ``": prikket … (2017)"``."""
        if self.value is None:
            return f"{self.status or '..'} {self.status_meaning} ({self.period})".strip()
        return f"{self.value.replace('.', ',')} {self.unit} ({self.period})"


def indicator_snapshot(municipality, key: str, *, period: str | None = None):
    """The municipality's figure for a catalogue indicator: the newest period, or *period*.

    Returns ``None`` when the indicator has no figure for the municipality. Rates per 1 000
    are computed as on the dashboard; statuses are kept.

    Raises:
        KeyError: *key* is not in the catalogue.
    """
    from .catalogue import BY_KEY

    indicator = BY_KEY[key]
    view = indicator_view(municipality, indicator, profile_for(municipality))
    return _snapshot_from_view(indicator, view, period)


def _snapshot_from_view(indicator: IndicatorDef, view: IndicatorView, period: str | None):
    if view.comparison is None:
        return None
    points = [p for p in view.comparison.points if p.municipality is not None]
    if period is not None:
        points = [p for p in points if p.period == period]
    if not points:
        return None
    return _snapshot_of(
        points[-1].municipality,
        indicator=indicator.key,
        label=indicator.label,
        unit=indicator.shown_unit,
        sources=view.sources,
    )


def _snapshot_of(obs: ind.Observation, *, indicator: str, label: str, unit: str, sources):
    """One stored figure as an :class:`IndicatorSnapshot`, with the credit its sources need."""
    return IndicatorSnapshot(
        indicator=indicator,
        label=label,
        source=obs.source,
        table=obs.table,
        contents_code=obs.contents_code,
        region_code=obs.region_code,
        period=obs.period,
        value=None if obs.value is None else str(obs.value),
        status=obs.status,
        status_meaning=str(STATUS_LABELS.get(obs.status or "", "")),
        unit=unit,
        attribution=tuple(attribution_lines(sources)),
    )


# --- Figures other modules may attach ---------------------------------------------------------

CATALOGUE_PREFIX = "indikator:"
SERIES_PREFIX = "serie:"


@dataclass(frozen=True)
class AttachableFigure:
    """A figure another module may attach, as offered in its form.

    Attributes:
        token: What the form posts back to :func:`attachable_snapshot`: ``indikator:<key>`` for
            a catalogue indicator, ``serie:<16 hex>`` for one of the municipality's own series.
        snapshot: The newest figure, shown beside the choice.
        periods: Every period with a figure, newest first (for choosing an earlier one).
    """

    token: str
    snapshot: IndicatorSnapshot
    periods: tuple[str, ...]


def _series_token(source: str, table: str, contents_code: str, region: str, dims: str) -> str:
    key = json.dumps([source, table, contents_code, region, dims], ensure_ascii=False)
    return SERIES_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:16]


def _own_series(municipality) -> dict[str, list[ind.Observation]]:
    """The municipality's own figures (local, IS-24/8, BrukerPlan templates) for its own region,
    other than population and the catalogue's indicators, grouped by series, oldest first."""
    profile = profile_for(municipality)
    covered = {(i.table, i.contents_code) for i in CATALOGUE}
    rows = (
        visible_rows(municipality, include_national=False)
        .exclude(table=POPULATION_TABLE)
        .order_by("ordinal")
    )
    series: dict[str, list[ind.Observation]] = {}
    for obs in domain_observations(rows):
        if (obs.table, obs.contents_code) in covered:
            continue
        if (municipality_code(obs.region_code) or obs.region_code) != profile.region_code:
            continue
        dims = json.dumps([list(p) for p in obs.dimensions], ensure_ascii=False)
        token = _series_token(obs.source, obs.table, obs.contents_code, obs.region_code, dims)
        series.setdefault(token, []).append(obs)
    for observations in series.values():
        observations.sort(key=lambda o: o.period)
    return series


def _series_snapshot(obs: ind.Observation) -> IndicatorSnapshot:
    label = obs.contents_label or obs.contents_code
    if obs.dimensions:
        label += " (" + ", ".join(code for _name, code in obs.dimensions) + ")"
    return _snapshot_of(
        obs,
        indicator=f"{obs.table}/{obs.contents_code}",
        label=label,
        unit=obs.unit,
        sources={obs.source},
    )


def attachable_figures(municipality) -> list[AttachableFigure]:
    """What a prioritisation case (or a follow-up, a self-assessment) can attach: every catalogue
    indicator the municipality has a figure for, then its own series, each with its newest figure.
    """
    out: list[AttachableFigure] = []
    profile = profile_for(municipality)
    cache: dict = {}
    for indicator in CATALOGUE:
        view = indicator_view(municipality, indicator, profile, cache)
        snapshot = _snapshot_from_view(indicator, view, None)
        if snapshot is None:
            continue
        points = [p for p in view.comparison.points if p.municipality is not None]
        periods = tuple(p.period for p in reversed(points))
        out.append(AttachableFigure(CATALOGUE_PREFIX + indicator.key, snapshot, periods))
    for token, observations in _own_series(municipality).items():
        newest = observations[-1]
        periods = tuple(o.period for o in reversed(observations))
        out.append(AttachableFigure(token, _series_snapshot(newest), periods))
    return out


def attachable_snapshot(municipality, token: str, *, period: str | None = None):
    """The figure *token* names (see :class:`AttachableFigure`) for *period* (newest if
    ``None``), or ``None`` when the municipality has no such figure."""
    if token.startswith(CATALOGUE_PREFIX):
        try:
            return indicator_snapshot(
                municipality, token.removeprefix(CATALOGUE_PREFIX), period=period
            )
        except KeyError:
            return None
    if token.startswith(SERIES_PREFIX):
        observations = _own_series(municipality).get(token, [])
        if period is not None:
            observations = [o for o in observations if o.period == period]
        return _series_snapshot(observations[-1]) if observations else None
    return None
