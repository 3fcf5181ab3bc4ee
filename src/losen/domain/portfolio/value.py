"""The value of a measure in a budget case: persons reached × benefit × severity weight.

A portfolio that maximises the sum of weighted ordinal MCDA scores (each 0–1) has three
faults: it ignores how many people a measure reaches, it counts resources twice (as a
criterion inside the score and again against the budget), and splitting one measure into
five identical parts at a fifth of the cost each multiplies its value by five. The value here
has none of them::

    value = persons reached per year × expected benefit per person × severity weight

* **Benefit per person** is the ``value`` of the nytte level in the criteria catalogue
  (default: ingen 0, liten 1, moderat 2, stor 3, svært stor 4); «ingen» gives value 0.
* **Severity weight** maps the alvorlighet levels linearly onto 1…3 by their position on the
  scale (default: liten 1, moderat 5/3, stor 7/3, svært stor 3). The span 1 to 3 follows the
  Norwegian severity-weighted willingness to pay per good life-year: an alternative cost of
  NOK 275 000 per good life-year at the lowest severity up to NOK 825 000 at the highest,
  three times as much (Meld. St. 34 (2015–2016) «Verdier i pasientens helsetjeneste»,
  https://www.regjeringen.no/no/dokumenter/meld.-st.-34-20152016/id2502758/, carried on in
  Meld. St. 38 (2020–2021) ch. 11,
  https://www.regjeringen.no/no/dokumenter/meld.-st.-38-20202021/id2862026/?ch=11). Mapping
  four ordinal levels linearly onto that span is Losen's own choice, not the white papers'.
* **Ressurs is not part of the value.** Resources enter the portfolio only as cost against
  the budget; a measure that needs fewer resources wins by leaving money for others.

Everything is computed in exact integers: ``units = persons × benefit × (3 × weight)``, where
``3 × weight`` is 3, 5, 7 or 9, so every value is a whole number of units and sums of values
compare exactly. The value a person reads is ``units / 3``
(:data:`UNITS_PER_VALUE`). Give :func:`value_candidates` output to
:func:`~losen.domain.portfolio.solve_portfolio` with ``value_resolution=1``
(:data:`VALUE_RESOLUTION`); its ``total_value`` is then in units.

Levels are given by *label* and looked up in the catalogue, so a municipality catalogue that
only rewords the descriptions (:meth:`CriteriaCatalogue.with_descriptions`) gives the same
values. This module states facts (:class:`ValueFacts`); the wording of explanations belongs to
the front ends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from losen.domain.criteria.model import (
    CriteriaCatalogue,
    CriterionKind,
    OrdinalScale,
    default_catalogue,
)
from losen.domain.errors import InputError, Problem
from losen.domain.portfolio.model import Candidate

MAX_PERSONS = 10_000_000
"""The most persons reached per year accepted (well above the population of Norway)."""

_MAX_TEXT = f"{MAX_PERSONS:,}".replace(",", " ")

UNITS_PER_VALUE = 3
"""Units per unit of value: ``value = units / UNITS_PER_VALUE``."""

VALUE_RESOLUTION = 1
"""The smallest real difference between two sums of units (for ``value_resolution``)."""

LOWEST_SEVERITY_WEIGHT = 1
HIGHEST_SEVERITY_WEIGHT = 3

SOURCES: tuple[tuple[str, str], ...] = (
    (
        "Meld. St. 34 (2015–2016) Verdier i pasientens helsetjeneste — Melding om prioritering",
        "https://www.regjeringen.no/no/dokumenter/meld.-st.-34-20152016/id2502758/",
    ),
    (
        "Meld. St. 38 (2020–2021) Nytte, ressurs og alvorlighet — Prioritering i helse- og "
        "omsorgstjenesten, kapittel 11",
        "https://www.regjeringen.no/no/dokumenter/meld.-st.-38-20202021/id2862026/?ch=11",
    ),
)
"""(title, url) of the white papers behind the severity weight's span 1 to 3."""


@dataclass(frozen=True)
class ValueFacts:
    """The facts behind one alternative's value, for explanations (no prose here).

    Attributes:
        persons: Persons reached per year.
        benefit_label: The nytte level's label.
        benefit_value: Its ``value`` in the catalogue: expected benefit per person.
        severity_label: The alvorlighet level's label.
        severity_weight: 1 at the lowest level, 3 at the highest, linear between.
        units: ``persons × benefit_value × 3 × severity_weight``, exact.
        value: ``units / 3``.
    """

    persons: int
    benefit_label: str
    benefit_value: int
    severity_label: str
    severity_weight: float
    units: int
    value: float


@dataclass(frozen=True)
class ValuedAlternative:
    """A measure described by what it does, to be turned into a portfolio candidate.

    Attributes:
        id: Stable identifier.
        name: Human-readable name.
        cost: Yearly cost in the budget's unit (NOK); never negative.
        persons: Persons reached per year (a whole number; an estimate is still one number).
        benefit: Label of a nytte level.
        severity: Label of an alvorlighet level.
        mandatory, group, requires: As in :class:`~losen.domain.portfolio.model.Candidate`.
    """

    id: str
    name: str
    cost: float
    persons: int
    benefit: str
    severity: str
    mandatory: bool = False
    group: str | None = None
    requires: tuple[str, ...] = ()


def _criterion_scale(catalogue: CriteriaCatalogue, kind: CriterionKind) -> OrdinalScale:
    return catalogue.scale(catalogue.criterion(kind).scale)


def _severity_units_weight(
    scale: OrdinalScale, label: object, path: str, problems: list[Problem]
) -> int | None:
    """``3 × weight`` of ``label``: its position mapped linearly onto 3…9."""
    if not isinstance(label, str) or label not in scale.labels:
        problems.append(Problem(path, f"not a level of {scale.id}: {', '.join(scale.labels)}"))
        return None
    steps = len(scale.levels) - 1
    span = UNITS_PER_VALUE * (HIGHEST_SEVERITY_WEIGHT - LOWEST_SEVERITY_WEIGHT)
    if steps < 1 or span % steps:
        problems.append(
            Problem(
                path,
                f"scale {scale.id} has {steps + 1} levels; the weight is exact only for "
                "2, 3, 4 or 7 levels",
            )
        )
        return None
    return UNITS_PER_VALUE * LOWEST_SEVERITY_WEIGHT + span * scale.labels.index(label) // steps


def _benefit_value(
    scale: OrdinalScale, label: object, path: str, problems: list[Problem]
) -> int | None:
    if not isinstance(label, str) or label not in scale.labels:
        problems.append(Problem(path, f"not a level of {scale.id}: {', '.join(scale.labels)}"))
        return None
    value = scale.level(label).value
    if value < 0:
        problems.append(Problem(path, f"level value {value} of {scale.id} is negative"))
        return None
    return value


def _persons(persons: object, path: str, problems: list[Problem]) -> int | None:
    if isinstance(persons, bool) or not isinstance(persons, int):
        problems.append(Problem(path, "not a whole number (må være et heltall)"))
        return None
    if persons < 0:
        problems.append(Problem(path, "negative (kan ikke være negativ)"))
        return None
    if persons > MAX_PERSONS:
        problems.append(
            Problem(path, f"more than {_MAX_TEXT} persons (mer enn {_MAX_TEXT} personer)")
        )
        return None
    return persons


def _facts(
    persons: object,
    benefit: object,
    severity: object,
    catalogue: CriteriaCatalogue,
    prefix: str,
    problems: list[Problem],
) -> ValueFacts | None:
    before = len(problems)
    count = _persons(persons, f"{prefix}persons", problems)
    benefit_value = _benefit_value(
        _criterion_scale(catalogue, CriterionKind.NYTTE), benefit, f"{prefix}benefit", problems
    )
    units_weight = _severity_units_weight(
        _criterion_scale(catalogue, CriterionKind.ALVORLIGHET),
        severity,
        f"{prefix}severity",
        problems,
    )
    if len(problems) > before:
        return None
    assert count is not None and benefit_value is not None and units_weight is not None
    units = count * benefit_value * units_weight
    return ValueFacts(
        count,
        str(benefit),
        benefit_value,
        str(severity),
        units_weight / UNITS_PER_VALUE,
        units,
        units / UNITS_PER_VALUE,
    )


def value_facts(
    persons: int,
    benefit: str,
    severity: str,
    catalogue: CriteriaCatalogue | None = None,
) -> ValueFacts:
    """The value of one alternative and the facts it rests on.

    Args:
        persons: Persons reached per year, 0 to :data:`MAX_PERSONS`.
        benefit: Label of a nytte level (expected benefit per person).
        severity: Label of an alvorlighet level.
        catalogue: The criteria catalogue (default: :func:`default_catalogue`).

    Raises:
        InputError: with paths ``persons``, ``benefit``, ``severity``, for a negative,
            non-integer or too large number of persons and for unknown labels.
    """
    problems: list[Problem] = []
    facts = _facts(persons, benefit, severity, catalogue or default_catalogue(), "", problems)
    if facts is None:
        raise InputError(problems)
    return facts


def value_units(
    persons: int,
    benefit: str,
    severity: str,
    catalogue: CriteriaCatalogue | None = None,
) -> int:
    """``persons × benefit × 3 × severity weight`` as an exact integer (see :func:`value_facts`)."""
    return value_facts(persons, benefit, severity, catalogue).units


def severity_weight(severity: str, catalogue: CriteriaCatalogue | None = None) -> float:
    """The weight of an alvorlighet level: 1 at the lowest, 3 at the highest, linear between.

    Raises:
        InputError: for an unknown label (path ``severity``).
    """
    problems: list[Problem] = []
    scale = _criterion_scale(catalogue or default_catalogue(), CriterionKind.ALVORLIGHET)
    units_weight = _severity_units_weight(scale, severity, "severity", problems)
    if units_weight is None:
        raise InputError(problems)
    return units_weight / UNITS_PER_VALUE


def value_candidates(
    alternatives: Iterable[ValuedAlternative],
    catalogue: CriteriaCatalogue | None = None,
) -> tuple[Candidate, ...]:
    """Portfolio candidates whose ``value`` is the exact number of units of each alternative.

    Solve the :class:`~losen.domain.portfolio.model.PortfolioProblem` built from them with
    ``solve_portfolio(..., value_resolution=VALUE_RESOLUTION)``; ``total_value`` is in units
    (divide by :data:`UNITS_PER_VALUE` for the value).

    Raises:
        InputError: listing every problem, with paths such as ``alternatives[2].persons``:
            besides those of :func:`value_facts`, a negative or non-finite cost, an empty or
            duplicate id, and a ``requires`` naming an unknown id or the alternative itself.
    """
    catalogue = catalogue or default_catalogue()
    items = list(alternatives)
    problems: list[Problem] = []
    ids = [item.id for item in items]
    candidates = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = f"alternatives[{i}]"
        if not isinstance(item.id, str) or not item.id.strip():
            problems.append(Problem(f"{path}.id", "not a non-empty string (må være tekst)"))
        elif item.id in seen:
            problems.append(Problem(f"{path}.id", f"duplicate id '{item.id}'"))
        seen.add(item.id)
        cost = item.cost
        if isinstance(cost, bool) or not isinstance(cost, int | float):
            problems.append(Problem(f"{path}.cost", "not a number (ikke et tall)"))
        elif not math.isfinite(cost):
            problems.append(
                Problem(f"{path}.cost", "not finite (NaN eller uendelig er ikke tillatt)")
            )
        elif cost < 0:
            problems.append(Problem(f"{path}.cost", "negative (kan ikke være negativ)"))
        for k, required in enumerate(item.requires):
            if required not in ids:
                problems.append(Problem(f"{path}.requires[{k}]", "unknown candidate"))
            elif required == item.id:
                problems.append(
                    Problem(f"{path}.requires[{k}]", "requires itself (krever seg selv)")
                )
        facts = _facts(item.persons, item.benefit, item.severity, catalogue, f"{path}.", problems)
        if facts is not None:
            candidates.append(
                Candidate(
                    item.id,
                    item.name,
                    float(cost),
                    float(facts.units),
                    item.mandatory,
                    item.group,
                    tuple(item.requires),
                )
            )
    if problems:
        raise InputError(problems)
    return tuple(candidates)
