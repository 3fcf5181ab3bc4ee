"""Like cases alike: the earlier decisions most similar to a draft, and how a draft departs.

An :class:`AssessmentProfile` is what a decision on one service rested on and what it gave:
the service code, the KPR/IPLOS function profile (:mod:`~losen.domain.casework.function`),
the criteria levels (nytte, alvorlighet, ressurs as 0-based positions on the criteria
catalogue's scales, :mod:`losen.domain.criteria`), the outcome and, optionally, the scope in
hours per week. Only the *assessment* (function and criteria) enters the distance: the outcome
and scope are what is compared afterwards (:func:`departure`), so they cannot make a case look
similar.

Distance (Gower, J. C. (1971). A general coefficient of similarity and some of its properties.
*Biometrics* 27(4), 857–871, https://doi.org/10.2307/2528823)::

    d(a, b) = (Σ_v δ_v · |x_av − x_bv| / 4  +  w · δ_c · c(a, b)) / (Σ_v δ_v + w · δ_c)

* ``v`` runs over the function variables; ``δ_v`` is 1 when both profiles scored ``v``, else 0:
  a variable missing from either profile is not counted. A score of 9 (not relevant: no need
  for help there now) counts as 1 (no difficulty), so 9 against 5 is a full difference. The
  range of a score is 4 (1–5).
* ``c(a, b)`` is the criteria block: the mean of ``|p_a − p_b| / (levels − 1)`` over the
  criteria both profiles have, ``δ_c`` is 1 when they share at least one. The three criteria
  weigh together as one block of weight ``w`` (``criteria_weight``, default 1: as much as one
  function variable), so the three do not outweigh function by their number alone.
* With nothing shared the distance is 1 (nothing shows the cases are alike).

``d`` lies in [0, 1], is symmetric, and is 0 for identical assessments.

:func:`nearest` returns the ``k`` most similar earlier profiles of the *same* service, sorted
by distance; ties go to the exact same assessment first, then to the one with more variables
in common, then to the earlier position in the input (stable).

:func:`departure` compares the draft with its close neighbours (distance ≤ ``radius``, default
0.2, at least ``min_neighbours``, default 3):

* ``similarity.outcome_differs``: more than half of the close neighbours have one outcome and
  the draft has another (with no strict majority practice is split and nothing is flagged);
* ``similarity.hours_above`` / ``similarity.hours_below``: the draft grants hours per week
  outside the granting neighbours' range [low, high] widened by a margin on each side of
  ``max(hours_margin × bound, hours_floor)`` (default 20 % and half an hour), e.g. with
  neighbours at 4–6 hours the band is 3.2–7.2 hours;
* ``similarity.in_line`` when neither flag is raised, ``similarity.too_few`` when there are
  fewer close neighbours than ``min_neighbours``.

A flagged draft needs a written reason (``departure_reason`` in
:mod:`~losen.domain.casework.completeness`). The flags never change the decision. See also
docs/reference/casework-similarity.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from losen.domain.casework.completeness import OUTCOMES
from losen.domain.casework.function import (
    NOT_RELEVANT,
    FunctionCatalogue,
    FunctionProfile,
    parse_profile,
)
from losen.domain.criteria.model import CombinedAssessment, CriteriaCatalogue, default_catalogue
from losen.domain.errors import InputError, Problem
from losen.domain.explain import Fact

CRITERIA = ("nytte", "alvorlighet", "ressurs")
"""The criteria of a profile, each as a 0-based position on its scale."""

MAX_HOURS_PER_WEEK = 168.0
"""Hours in a week: the most a scope can be."""

DEPARTURE_CODES = frozenset(
    {"similarity.outcome_differs", "similarity.hours_above", "similarity.hours_below"}
)
"""The codes of :func:`departure` that say the draft departs (and needs a reason)."""


@dataclass(frozen=True)
class AssessmentProfile:
    """What one decision on one service rested on and gave; build with :func:`profile`."""

    case_id: str
    service: str
    function: FunctionProfile
    criteria: tuple[tuple[str, int], ...]
    outcome: str
    hours_per_week: float | None = None


@dataclass(frozen=True)
class Neighbour:
    """An earlier profile, its distance to the draft, and how many variables were compared
    (function variables plus criteria both have)."""

    profile: AssessmentProfile
    distance: float
    shared: int


def _scale_sizes(catalogue: CriteriaCatalogue) -> dict[str, int]:
    return {kind: len(catalogue.scale(catalogue.criterion(kind).scale).levels) for kind in CRITERIA}


def criteria_positions(
    assessment: CombinedAssessment, catalogue: CriteriaCatalogue | None = None
) -> dict[str, int]:
    """The 0-based positions of a samlet vurdering's levels, for :func:`profile`."""
    catalogue = catalogue or default_catalogue()
    positions = {}
    for criterion in assessment.criteria():
        kind = criterion.criterion.value
        labels = catalogue.scale(catalogue.criterion(kind).scale).labels
        positions[kind] = labels.index(criterion.level)
    return positions


def profile(
    case_id: str,
    service: str,
    function: Mapping[str, int] | FunctionProfile,
    criteria: Mapping[str, int],
    outcome: str,
    hours_per_week: float | None = None,
    *,
    catalogue: CriteriaCatalogue | None = None,
    functions: FunctionCatalogue | None = None,
) -> AssessmentProfile:
    """A validated :class:`AssessmentProfile`.

    Raises:
        InputError: naming every problem: empty id or service, unknown function variable or
            score, unknown criterion or a position off its scale, an outcome not in
            :data:`~losen.domain.casework.completeness.OUTCOMES`, hours not in 0–168, or a
            profile with neither function scores nor criteria.
    """
    catalogue = catalogue or default_catalogue()
    problems: list[Problem] = []
    if not isinstance(case_id, str) or not case_id.strip():
        problems.append(Problem("case_id", "missing (mangler)"))
    if not isinstance(service, str) or not service.strip():
        problems.append(Problem("service", "missing (mangler)"))
    parsed = FunctionProfile(())
    try:
        parsed = parse_profile(function, functions)
    except InputError as error:
        problems.extend(error.problems)
    sizes = _scale_sizes(catalogue)
    levels: list[tuple[str, int]] = []
    if not isinstance(criteria, Mapping):
        problems.append(Problem("criteria", "not an object of criterion: position"))
        criteria = {}
    for kind, position in criteria.items():
        if kind not in sizes:
            problems.append(Problem(f"criteria.{kind}", f"not one of {', '.join(CRITERIA)}"))
        elif (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not 0 <= position < sizes[kind]
        ):
            problems.append(
                Problem(f"criteria.{kind}", f"not a position 0–{sizes[kind] - 1} on the scale")
            )
    levels = [(kind, criteria[kind]) for kind in CRITERIA if kind in criteria]
    if outcome not in OUTCOMES:
        problems.append(Problem("outcome", f"not one of {', '.join(OUTCOMES)}"))
    if hours_per_week is not None and (
        isinstance(hours_per_week, bool)
        or not isinstance(hours_per_week, int | float)
        or not math.isfinite(hours_per_week)
        or not 0 <= hours_per_week <= MAX_HOURS_PER_WEEK
    ):
        problems.append(Problem("hours_per_week", "not a number of hours 0–168"))
    if not problems and not parsed.scores and not levels:
        problems.append(Problem("", "no function scores and no criteria to compare"))
    if problems:
        raise InputError(problems)
    return AssessmentProfile(
        case_id,
        service,
        parsed,
        tuple(levels),
        outcome,
        None if hours_per_week is None else float(hours_per_week),
    )


def _compare(
    a: AssessmentProfile,
    b: AssessmentProfile,
    criteria_weight: float,
    sizes: Mapping[str, int],
) -> tuple[float, int]:
    fa, fb = dict(a.function.scores), dict(b.function.scores)
    total = 0.0
    weight = 0.0
    shared = 0
    for code, x in fa.items():
        y = fb.get(code)
        if y is None:
            continue
        x1 = 1 if x == NOT_RELEVANT else x
        y1 = 1 if y == NOT_RELEVANT else y
        total += abs(x1 - y1) / 4
        weight += 1
        shared += 1
    ca, cb = dict(a.criteria), dict(b.criteria)
    common = [kind for kind in CRITERIA if kind in ca and kind in cb]
    if common and criteria_weight > 0:
        block = sum(abs(ca[kind] - cb[kind]) / (sizes[kind] - 1) for kind in common) / len(common)
        total += criteria_weight * block
        weight += criteria_weight
    shared += len(common)
    if weight == 0:
        return 1.0, shared
    return min(1.0, total / weight), shared


def _check_weight(criteria_weight: float) -> None:
    if (
        isinstance(criteria_weight, bool)
        or not isinstance(criteria_weight, int | float)
        or not math.isfinite(criteria_weight)
        or criteria_weight < 0
    ):
        raise InputError([Problem("criteria_weight", "not a finite number ≥ 0")])


def distance(
    a: AssessmentProfile,
    b: AssessmentProfile,
    *,
    criteria_weight: float = 1.0,
    catalogue: CriteriaCatalogue | None = None,
) -> float:
    """The Gower distance of the module docstring, in [0, 1]."""
    _check_weight(criteria_weight)
    sizes = _scale_sizes(catalogue or default_catalogue())
    return _compare(a, b, criteria_weight, sizes)[0]


def _same_assessment(a: AssessmentProfile, b: AssessmentProfile) -> bool:
    return a.function.scores == b.function.scores and a.criteria == b.criteria


def nearest(
    draft: AssessmentProfile,
    earlier: Iterable[AssessmentProfile],
    k: int = 5,
    *,
    criteria_weight: float = 1.0,
    catalogue: CriteriaCatalogue | None = None,
) -> tuple[Neighbour, ...]:
    """The ``k`` earlier profiles of the draft's service closest to it (see the docstring)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError([Problem("k", "not a whole number ≥ 1")])
    _check_weight(criteria_weight)
    sizes = _scale_sizes(catalogue or default_catalogue())
    rows = []
    for index, other in enumerate(earlier):
        if other.service != draft.service:
            continue
        d, shared = _compare(draft, other, criteria_weight, sizes)
        rows.append(((d, not _same_assessment(draft, other), -shared, index), other, d, shared))
    rows.sort(key=lambda row: row[0])
    return tuple(Neighbour(other, d, shared) for _, other, d, shared in rows[:k])


def _ids(neighbours: Iterable[Neighbour]) -> list[str]:
    return [n.profile.case_id for n in neighbours]


def departure(
    draft: AssessmentProfile,
    neighbours: Sequence[Neighbour],
    *,
    radius: float = 0.2,
    min_neighbours: int = 3,
    hours_margin: float = 0.2,
    hours_floor: float = 0.5,
) -> tuple[Fact, ...]:
    """How the draft compares with its close neighbours (codes in the module docstring).

    Params: ``similarity.too_few``: ``count``, ``needed``; ``similarity.in_line``: ``count``,
    ``cases``; ``similarity.outcome_differs``: ``outcome``, ``majority``, ``count``,
    ``total``, ``cases`` (the ids with the majority outcome); ``similarity.hours_above`` and
    ``similarity.hours_below``: ``hours``, ``low``, ``high``, ``limit``, ``cases`` (the ids
    whose hours were compared).
    """
    problems = []
    for name, value in (
        ("radius", radius),
        ("hours_margin", hours_margin),
        ("hours_floor", hours_floor),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            problems.append(Problem(name, "not a finite number ≥ 0"))
    if (
        isinstance(min_neighbours, bool)
        or not isinstance(min_neighbours, int)
        or min_neighbours < 1
    ):
        problems.append(Problem("min_neighbours", "not a whole number ≥ 1"))
    if problems:
        raise InputError(problems)
    close = [n for n in neighbours if n.distance <= radius and n.profile.service == draft.service]
    if len(close) < min_neighbours:
        return (Fact("similarity.too_few", {"count": len(close), "needed": min_neighbours}),)
    facts = []
    counts: dict[str, int] = {}
    for n in close:
        counts[n.profile.outcome] = counts.get(n.profile.outcome, 0) + 1
    majority = next((o for o in OUTCOMES if counts.get(o, 0) * 2 > len(close)), None)
    if majority is not None and majority != draft.outcome:
        facts.append(
            Fact(
                "similarity.outcome_differs",
                {
                    "outcome": draft.outcome,
                    "majority": majority,
                    "count": counts[majority],
                    "total": len(close),
                    "cases": _ids(n for n in close if n.profile.outcome == majority),
                },
            )
        )
    granting = [
        n for n in close if n.profile.outcome != "avslag" and n.profile.hours_per_week is not None
    ]
    if (
        draft.hours_per_week is not None
        and draft.outcome != "avslag"
        and len(granting) >= min_neighbours
    ):
        hours = [n.profile.hours_per_week for n in granting]
        low, high = min(hours), max(hours)  # type: ignore[type-var]
        lower = max(0.0, low - max(hours_margin * low, hours_floor))
        upper = high + max(hours_margin * high, hours_floor)
        common = {"hours": draft.hours_per_week, "low": low, "high": high, "cases": _ids(granting)}
        if draft.hours_per_week > upper:
            facts.append(Fact("similarity.hours_above", {**common, "limit": upper}))
        elif draft.hours_per_week < lower:
            facts.append(Fact("similarity.hours_below", {**common, "limit": lower}))
    if not facts:
        facts.append(Fact("similarity.in_line", {"count": len(close), "cases": _ids(close)}))
    return tuple(facts)


def departs(facts: Iterable[Fact]) -> bool:
    """Whether any of ``facts`` (from :func:`departure`) says the draft departs."""
    return any(fact.code in DEPARTURE_CODES for fact in facts)
