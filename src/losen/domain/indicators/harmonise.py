"""Show a series on today's municipal borders, saying how each figure was made.

The rules (following how SSB builds comparable series: its KommSummer grouping maps every code
used since 1994 to today's municipality, https://www.ssb.no/klass/klassifikasjoner/131 lists the
changes):

* **Counts** (persons, årsverk, 1000 kr) are summed over merged units, and split units are shared
  out by stated weights; a figure that rests on a weight is marked ``estimated``.
* **Ratios** (per inhabitant, per cent, coverage) are never summed. They are recomputed from
  harmonised numerator and denominator (:func:`harmonise_ratio`), or, as published, kept only
  where today's unit is the same unit (a renumbering) and otherwise marked not comparable
  (:func:`harmonise_published_ratios`).
* A status on any part (``:`` suppressed, ``..`` missing …) carries through to the result, whose
  value is then ``None``: a suppressed part is never counted as 0.
* Landet, county and KOSTRA-group figures (``EAK``, ``EKG..``) are SSB's own and pass unchanged;
  SSB's ``K-`` KommSummer figures are already on 2024 borders and only lose the ``K-`` prefix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from losen.domain.indicators.model import Observation, Problem
from losen.domain.indicators.regions import MunicipalityRegistry, Share, SplitWeight

ONE = Decimal(1)

#: Which status wins when parts of a sum carry different ones: confidentiality first.
STATUS_PRIORITY: tuple[str, ...] = (":", "..", "...", ".", "-", "*")

#: Statuses that mean there is no usable number, even if a file also carries one.
NO_NUMBER: frozenset[str] = frozenset({":", "..", "...", "."})


@dataclass(frozen=True, slots=True)
class HarmonisedObservation:
    """One figure on today's borders, with where it came from.

    Attributes:
        observation: The figure, with today's region code and vintage.
        sources: The old codes it was made from, with the weight of each.
        method: How it was made, in Norwegian, for display beside the figure.
        estimated: True when a split weight was used.
        comparable: False when no figure on today's borders can be given for this period.
    """

    observation: Observation
    sources: tuple[tuple[str, Decimal], ...]
    method: str
    estimated: bool = False
    comparable: bool = True


@dataclass(frozen=True, slots=True)
class HarmonisationResult:
    """The harmonised figures and notes on cells that could not be placed."""

    observations: tuple[HarmonisedObservation, ...]
    notes: tuple[Problem, ...] = ()


def strongest_status(statuses: Iterable[str | None]) -> str | None:
    """Pick the status to carry from several parts, by :data:`STATUS_PRIORITY`."""
    present = [s for s in statuses if s]
    if not present:
        return None
    ranked = sorted(present, key=lambda s: STATUS_PRIORITY.index(s) if s in STATUS_PRIORITY else 0)
    return ranked[0]


def municipality_code(region_code: str) -> str | None:
    """Return the four-digit municipality code, or ``None`` for other regions.

    ``"K-3103"`` (SSB KommSummer) gives ``"3103"``; ``"EAK"``, ``"EKG13"`` and counties give
    ``None``.
    """
    code = region_code.removeprefix("K-")
    return code if len(code) == 4 and code.isdigit() else None


def _series_key(obs: Observation) -> tuple[object, ...]:
    return (
        obs.source,
        obs.table,
        obs.contents_code,
        obs.period,
        obs.dimensions,
        obs.region_vintage,
    )


def harmonise_counts(
    observations: Iterable[Observation],
    registry: MunicipalityRegistry,
    split_weights: Sequence[SplitWeight] = (),
) -> HarmonisationResult:
    """Put a count series on today's borders: sum mergers, share out splits by stated weights.

    Args:
        observations: Count observations (any mix of periods, vintages and dimensions).
        registry: The municipality registry.
        split_weights: Shares for split units; a split without them makes its successors'
            figures not comparable for the years before it.

    Returns:
        One harmonised figure per today's unit, period and dimension combination that the data
        touches, and notes on cells whose code was not in force in their vintage.
    """
    weights = tuple(split_weights)
    groups: dict[tuple[object, ...], dict[str, Observation]] = defaultdict(dict)
    passthrough: list[HarmonisedObservation] = []
    notes: list[Problem] = []
    current = str(registry.current_year)
    for obs in observations:
        code = municipality_code(obs.region_code)
        if code is None:
            passthrough.append(
                HarmonisedObservation(obs, ((obs.region_code, ONE),), "ikke en kommune: uendret")
            )
        elif obs.region_code.startswith("K-"):
            moved = replace(obs, region_code=code, region_vintage=current)
            passthrough.append(
                HarmonisedObservation(
                    moved, ((obs.region_code, ONE),), "SSB KommSummer: allerede på 2024-grenser"
                )
            )
        else:
            groups[_series_key(obs)][code] = obs

    out: list[HarmonisedObservation] = []
    crosswalks: dict[int, dict[str, tuple[tuple[str, Share], ...]]] = {}
    blocked: dict[int, dict[str, list[str]]] = {}
    for _key, by_code in groups.items():
        sample = next(iter(by_code.values()))
        if not sample.region_vintage.isdigit():
            notes.append(Problem(f"{sample.table} {sample.period}", "no region vintage"))
            continue
        year = int(sample.region_vintage)
        if year not in crosswalks:
            crosswalks[year] = registry.crosswalk(year, weights)
            blocked[year] = _blocked_targets(registry, year, weights)
        valid = registry.codes_valid_in(year)
        for code, obs in sorted(by_code.items()):
            if code not in valid:
                notes.append(
                    Problem(
                        f"{obs.table} {code} {obs.period}",
                        f"code not in force in {year}; left out"
                        + (f" (status {obs.status})" if obs.status else ""),
                    )
                )
        touched = {
            target
            for target, sources in crosswalks[year].items()
            if any(code in by_code for code, _ in sources)
        } | {t for t, reasons in blocked[year].items() if any(c in by_code for c in reasons)}
        for target in sorted(touched):
            sources = crosswalks[year].get(target, ())
            out.append(
                _sum_into(target, current, sources, by_code, blocked[year].get(target), sample)
            )
    return HarmonisationResult(tuple(passthrough + out), tuple(notes))


def _blocked_targets(
    registry: MunicipalityRegistry, year: int, weights: Sequence[SplitWeight]
) -> dict[str, list[str]]:
    """Today's codes that got part of a unit split without stated weights, and those units."""
    out: dict[str, list[str]] = defaultdict(list)
    for code in registry.unresolved_in(year, weights):
        for target in registry.reachable(code, year):
            out[target].append(code)
    return dict(out)


def _sum_into(
    target: str,
    current: str,
    sources: Sequence[tuple[str, Share]],
    by_code: dict[str, Observation],
    blocked_by: list[str] | None,
    sample: Observation,
) -> HarmonisedObservation:
    parts = tuple((code, share.weight) for code, share in sources)
    steps = sorted({share.method for _, share in sources})
    formula = " + ".join(c if w == ONE else f"{w}×{c}" for c, w in parts)
    base = replace(sample, region_code=target, region_vintage=current, value=None, status=None)
    estimated = any(w != ONE for _, w in parts)
    if blocked_by:
        return HarmonisedObservation(
            base,
            parts,
            f"{target}: kan ikke vises på dagens grenser; {', '.join(blocked_by)} ble delt "
            "uten oppgitte vekter",
            estimated=estimated,
            comparable=False,
        )
    missing = [code for code, _ in parts if code not in by_code]
    if missing:
        return HarmonisedObservation(
            base,
            parts,
            f"{target} = {formula}; mangler tall for {', '.join(missing)}",
            estimated=estimated,
            comparable=False,
        )
    present = [by_code[code] for code, _ in parts]
    status = strongest_status(o.status for o in present)
    value: Decimal | None = None
    if all(o.value is not None and o.status not in NO_NUMBER for o in present):
        value = sum((by_code[c].value * w for c, w in parts), Decimal(0))  # type: ignore[operator]
    first = present[0]
    result = replace(
        first,
        region_code=target,
        region_vintage=current,
        value=value,
        status=status,
        updated=max((o.updated for o in present if o.updated), default=None),
    )
    method = f"{target} = {formula}" + (f" ({'; '.join(steps)})" if steps else "")
    return HarmonisedObservation(result, parts, method, estimated=estimated)


def harmonise_ratio(
    numerators: Iterable[Observation],
    denominators: Iterable[Observation],
    registry: MunicipalityRegistry,
    split_weights: Sequence[SplitWeight] = (),
    *,
    contents_code: str,
    contents_label: str,
    unit: str,
    scale: Decimal = ONE,
    decimals: int | None = None,
) -> HarmonisationResult:
    """Recompute a ratio on today's borders from its harmonised numerator and denominator.

    Numerator and denominator are matched on today's region code, period and dimensions.
    A status on either carries through; a zero denominator gives no value.

    Args:
        numerators: The numerator counts.
        denominators: The denominator counts.
        registry: The municipality registry.
        split_weights: Shares for split units.
        contents_code: Code for the recomputed ratio.
        contents_label: Label for the recomputed ratio.
        unit: Unit for the recomputed ratio (``per 1 000 innbyggere``).
        scale: Multiplier (1000 for "per 1 000").
        decimals: Decimals to round to (half up), or ``None`` to keep every digit.
    """
    num = harmonise_counts(numerators, registry, split_weights)
    den = harmonise_counts(denominators, registry, split_weights)
    by_key = {
        (h.observation.region_code, h.observation.period, h.observation.dimensions): h
        for h in den.observations
    }
    out: list[HarmonisedObservation] = []
    for h in num.observations:
        o = h.observation
        d = by_key.get((o.region_code, o.period, o.dimensions))
        ratio = replace(
            o,
            contents_code=contents_code,
            contents_label=contents_label,
            unit=unit,
            decimals=decimals,
            value=None,
            status=None,
        )
        if d is None:
            out.append(
                HarmonisedObservation(
                    ratio, h.sources, f"{h.method}; mangler nevner", h.estimated, comparable=False
                )
            )
            continue
        method = f"teller: {h.method}; nevner: {d.method}"
        status = strongest_status((o.status, d.observation.status))
        value = None
        if o.value is not None and d.observation.value not in (None, Decimal(0)):
            value = o.value * scale / d.observation.value  # type: ignore[operator]
            if decimals is not None:
                value = round_half_up(value, decimals)
        comparable = h.comparable and d.comparable
        out.append(
            HarmonisedObservation(
                replace(ratio, value=value, status=status),
                h.sources,
                method,
                h.estimated or d.estimated,
                comparable,
            )
        )
    return HarmonisationResult(tuple(out), num.notes + den.notes)


def harmonise_published_ratios(
    ratios: Iterable[Observation], registry: MunicipalityRegistry
) -> HarmonisationResult:
    """Keep a published ratio where today's unit is the same unit, else mark it not comparable.

    A renumbering (3002 → 3103 Moss in 2024) keeps the figure. A merger or split before the
    figure's year makes it a figure for another unit; it is given as not comparable, with the
    first comparable year in the method.
    """
    out: list[HarmonisedObservation] = []
    notes: list[Problem] = []
    seen: set[tuple[object, ...]] = set()
    current = str(registry.current_year)
    for obs in ratios:
        code = municipality_code(obs.region_code)
        if code is None or obs.region_code.startswith("K-") or not obs.region_vintage.isdigit():
            out.append(HarmonisedObservation(obs, ((obs.region_code, ONE),), "uendret"))
            continue
        year = int(obs.region_vintage)
        if code not in registry.codes_valid_in(year):
            notes.append(
                Problem(f"{obs.table} {code} {obs.period}", f"code not in force in {year}")
            )
            continue
        for target in sorted(registry.reachable(code, year)):
            key = (target, obs.source, obs.table, obs.contents_code, obs.period, obs.dimensions)
            if key in seen:
                continue
            seen.add(key)
            since = registry.comparable_from(target)
            mapping = registry.map_to_current(code, year, use_kommsummer=False)
            moved = replace(obs, region_code=target, region_vintage=current)
            if since is not None and year >= since and mapping.whole:
                method = mapping.shares[0].method
                out.append(HarmonisedObservation(moved, ((code, ONE),), method))
            else:
                out.append(
                    HarmonisedObservation(
                        replace(moved, value=None, status=None),
                        ((code, ONE),),
                        f"andel/forholdstall: ikke sammenlignbar før {since}",
                        comparable=False,
                    )
                )
    return HarmonisationResult(tuple(out), tuple(notes))


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round the way SSB publishes (half away from zero)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
