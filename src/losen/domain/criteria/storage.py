"""A combined assessment as JSON-ready data, and back: how every level stores it.

The leaders' alternatives keep their assessment in columns; an individual service decision
(vedtak) and a clinical pathway choice keep the same :class:`CombinedAssessment` in one JSON
field, so the three levels share one model, one set of parts and one set of words
(prioritering i kommunene, recommendations to the leadership, to caseworkers and to health
personnel: nytte, ressurs and alvorlighet used together, Helsedirektoratet,
https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester).

:func:`to_data` writes the shape :func:`~losen.domain.criteria.parse_combined` reads, with the
catalogue version it was made under; ``parse_combined(to_data(a)) == a`` for every valid
assessment (property-tested).
"""

from __future__ import annotations

from typing import Any

from losen.domain.criteria.model import (
    CombinedAssessment,
    CriteriaCatalogue,
    CriterionAssessment,
    SubAssessment,
    default_catalogue,
)


def _sub(sub: SubAssessment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "part": sub.part,
        "level": sub.level,
        "reasoning": sub.reasoning,
        "uncertainty": sub.uncertainty,
    }
    if sub.amount is not None:
        out["amount"] = sub.amount
    if sub.breakdown:
        out["breakdown"] = dict(sub.breakdown)
    return out


def _criterion(assessment: CriterionAssessment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "level": assessment.level,
        "reasoning": assessment.reasoning,
        "uncertainty": assessment.uncertainty,
        "parts": [_sub(sub) for sub in assessment.parts],
    }
    if assessment.level_reason:
        out["level_reason"] = assessment.level_reason
    return out


def to_data(
    assessment: CombinedAssessment, catalogue: CriteriaCatalogue | None = None
) -> dict[str, Any]:
    """*assessment* as plain JSON data (flags are not stored: they follow from the levels)."""
    catalogue = catalogue or default_catalogue()
    return {
        "catalogue_version": catalogue.version,
        "nytte": _criterion(assessment.nytte),
        "ressurs": _criterion(assessment.ressurs),
        "alvorlighet": _criterion(assessment.alvorlighet),
        "reasoning": assessment.reasoning,
    }
