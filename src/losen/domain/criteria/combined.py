"""Samlet vurdering: put the three criteria together, flag what needs a second look, and show
every part.

The flags are warnings for the people deciding, never automatic corrections:

* ``nytte_over_alvorlighet``: the Swedish model caps benefit by severity: "if severity is
  small, benefit can only be small" (Prioriteringscentrum, step «Bedöm patientnytta»,
  https://liu.se/artikel/prioriteringsarbete-i-er-verksamhet-bedom-patientnytta). The default
  scales share their labels (liten, moderat, stor, svært stor have values 1–4 on both), so the
  comparison is by value. The flag does not say the benefit is wrong; it asks whether the
  benefit was judged against the severity that remains after the measure.
* ``usikkert_grunnlag``: a criterion is judged with high or very high uncertainty.

A :class:`Flag` is a :class:`~losen.domain.explain.Fact`: a code and plain params
(``nytte_over_alvorlighet``: ``benefit``, ``benefit_value``, ``severity``, ``severity_value``;
``usikkert_grunnlag``: ``criterion`` (``nytte``, ``ressurs`` or ``alvorlighet``) and
``uncertainty``). The translated layer (:mod:`losen.apps.criteria.wording`) words it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from losen.domain.criteria.model import (
    CombinedAssessment,
    CriteriaCatalogue,
    CriterionAssessment,
    CriterionKind,
    SubAssessment,
    default_catalogue,
    validate_criterion,
)
from losen.domain.errors import InputError, InputTooLarge, Problem
from losen.domain.explain import Fact
from losen.domain.safeinput import number_problem

MAX_PARTS = 100
"""Most parts under one criterion (the catalogue has a handful)."""

MAX_BREAKDOWN = 1_000
"""Most named amounts in one part's breakdown."""

HIGH_UNCERTAINTY = ("høy", "svært høy")


@dataclass(frozen=True)
class Flag(Fact):
    """Something a reviewer must look at; the assessment still stands.

    ``code`` is ``nytte_over_alvorlighet`` or ``usikkert_grunnlag``; ``params`` as in the
    module docstring.
    """


def _flags(catalogue: CriteriaCatalogue, assessment: CombinedAssessment) -> tuple[Flag, ...]:
    flags = []
    benefit = catalogue.scale(catalogue.criterion("nytte").scale).level(assessment.nytte.level)
    severity = catalogue.scale(catalogue.criterion("alvorlighet").scale).level(
        assessment.alvorlighet.level
    )
    if benefit.value > severity.value:
        flags.append(
            Flag(
                "nytte_over_alvorlighet",
                {
                    "benefit": benefit.label,
                    "benefit_value": benefit.value,
                    "severity": severity.label,
                    "severity_value": severity.value,
                },
            )
        )
    for criterion in assessment.criteria():
        if criterion.uncertainty in HIGH_UNCERTAINTY:
            flags.append(
                Flag(
                    "usikkert_grunnlag",
                    {
                        "criterion": criterion.criterion.value,
                        "uncertainty": criterion.uncertainty,
                    },
                )
            )
    return tuple(flags)


def flags_for(catalogue: CriteriaCatalogue, assessment: CombinedAssessment) -> tuple[Flag, ...]:
    """The flags of *assessment*, for one stored without them (the pages build assessments
    from rows and show the flags beside them)."""
    return _flags(catalogue, assessment)


def combine(
    nytte: CriterionAssessment,
    ressurs: CriterionAssessment,
    alvorlighet: CriterionAssessment,
    reasoning: str,
    catalogue: CriteriaCatalogue | None = None,
) -> CombinedAssessment:
    """Validate the three assessments and form the samlet vurdering with its flags.

    Raises:
        InputError: listing every missing reasoning, unknown level or part.
    """
    catalogue = catalogue or default_catalogue()
    problems: list[Problem] = []
    for expected, assessment in (
        (CriterionKind.NYTTE, nytte),
        (CriterionKind.RESSURS, ressurs),
        (CriterionKind.ALVORLIGHET, alvorlighet),
    ):
        if assessment.criterion is not expected:
            problems.append(Problem(expected.value, f"expected the {expected.value} assessment"))
            continue
        problems.extend(validate_criterion(catalogue, assessment, expected.value))
    if not isinstance(reasoning, str) or not reasoning.strip():
        problems.append(Problem("reasoning", "missing reasoning (samlet begrunnelse mangler)"))
    if problems:
        raise InputError(problems)
    combined = CombinedAssessment(nytte, ressurs, alvorlighet, reasoning)
    return CombinedAssessment(nytte, ressurs, alvorlighet, reasoning, _flags(catalogue, combined))


def _number(path: str, value: object) -> Problem | None:
    """The problem with an amount: not a number, not finite, or beyond ±10^15."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Problem(path, "not a number (ikke et tall)")
    problem = number_problem(value, path)
    if problem is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return Problem(path, "not finite (NaN eller uendelig er ikke tillatt)")
    return Problem(
        path,
        "too large (større enn 1e15 i absoluttverdi; bruk en større enhet, f.eks. tusen kroner)",
    )


def _sub_from(path: str, raw: object, problems: list[Problem]) -> SubAssessment | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "not an object (må være et objekt)"))
        return None
    breakdown = raw.get("breakdown", {})
    if not isinstance(breakdown, Mapping):
        problems.append(Problem(f"{path}.breakdown", "not an object of name: amount"))
        breakdown = {}
    if len(breakdown) > MAX_BREAKDOWN:
        raise InputTooLarge(
            [Problem(f"{path}.breakdown", f"too many ({len(breakdown)}; høyst {MAX_BREAKDOWN})")]
        )
    amount = raw.get("amount")
    if amount is not None and (problem := _number(f"{path}.amount", amount)) is not None:
        problems.append(problem)
        amount = None
    shares = []
    for label, share in breakdown.items():
        problem = _number(f"{path}.breakdown.{label}", share)
        if problem is not None:
            problems.append(problem)
        else:
            shares.append((str(label), float(share)))
    return SubAssessment(
        str(raw.get("part", "")),
        str(raw.get("level", "")),
        str(raw.get("reasoning", "") or ""),
        str(raw.get("uncertainty", "")),
        None if amount is None else float(amount),
        tuple(shares),
    )


def parse_combined(data: object, catalogue: CriteriaCatalogue | None = None) -> CombinedAssessment:
    """Build a :class:`CombinedAssessment` from JSON-like data.

    Shape: ``{"nytte": {"level", "reasoning", "uncertainty", "parts": [{"part", "level",
    "reasoning", "uncertainty", "amount"?, "breakdown"?}]}, "ressurs": …, "alvorlighet": …,
    "reasoning"}``.

    Raises:
        InputError: with every problem and its path.
    """
    if not isinstance(data, Mapping):
        raise InputError([Problem("", "not a JSON object")])
    problems: list[Problem] = []
    assessments = {}
    for kind in CriterionKind:
        raw = data.get(kind.value)
        if not isinstance(raw, Mapping):
            problems.append(Problem(kind.value, "missing (mangler)"))
            continue
        raw_parts = raw.get("parts", [])
        if not isinstance(raw_parts, list):
            problems.append(Problem(f"{kind.value}.parts", "not a list (må være en liste)"))
            raw_parts = []
        if len(raw_parts) > MAX_PARTS:
            raise InputTooLarge(
                [Problem(f"{kind.value}.parts", f"too many ({len(raw_parts)}; høyst {MAX_PARTS})")]
            )
        parts = [
            _sub_from(f"{kind.value}.parts[{k}]", item, problems)
            for k, item in enumerate(raw_parts)
        ]
        assessments[kind] = CriterionAssessment(
            kind,
            str(raw.get("level", "")),
            str(raw.get("reasoning", "") or ""),
            str(raw.get("uncertainty", "")),
            tuple(part for part in parts if part is not None),
            str(raw.get("level_reason", "") or ""),
        )
    if len(assessments) < len(CriterionKind):
        raise InputError(problems)
    try:
        combined = combine(
            assessments[CriterionKind.NYTTE],
            assessments[CriterionKind.RESSURS],
            assessments[CriterionKind.ALVORLIGHET],
            str(data.get("reasoning", "") or ""),
            catalogue,
        )
    except InputError as error:
        raise InputError([*problems, *error.problems]) from None
    if problems:
        raise InputError(problems)
    return combined


def combined_view(
    assessment: CombinedAssessment, catalogue: CriteriaCatalogue | None = None
) -> dict[str, Any]:
    """The samlet vurdering as a structure for display: every criterion, every part.

    Each level is shown with its label, anchored description and the scale's source, next to
    the reasoning and uncertainty; nothing is aggregated away. ``flags`` holds the
    :class:`Flag` facts themselves, for the translated layer to word
    (``wording.sentences(view["flags"])``).
    """
    catalogue = catalogue or default_catalogue()

    def level_view(scale_id: str, label: str) -> dict[str, Any]:
        scale = catalogue.scale(scale_id)
        level = scale.level(label)
        return {
            "scale": scale.id,
            "label": level.label,
            "value": level.value,
            "description": level.description,
            "source": scale.source,
        }

    criteria = []
    for criterion in assessment.criteria():
        definition = catalogue.criterion(criterion.criterion)
        parts = []
        for part in definition.parts:
            sub = criterion.part(part.id)
            parts.append(
                {
                    "part": part.id,
                    "name": part.name,
                    "assessed": sub is not None,
                    "level": None if sub is None else level_view(part.scale, sub.level),
                    "reasoning": None if sub is None else sub.reasoning,
                    "uncertainty": None if sub is None else sub.uncertainty,
                    "amount": None if sub is None else sub.amount,
                    "unit": part.unit,
                    "breakdown": {} if sub is None else dict(sub.breakdown),
                }
            )
        criteria.append(
            {
                "criterion": criterion.criterion.value,
                "name": definition.name,
                "rule": definition.rule,
                "level": level_view(definition.scale, criterion.level),
                "reasoning": criterion.reasoning,
                "uncertainty": criterion.uncertainty,
                "parts": parts,
            }
        )
    return {
        "criteria": criteria,
        "reasoning": assessment.reasoning,
        "flags": list(assessment.flags),
        "catalogue_version": catalogue.version,
        "source": catalogue.source,
    }
