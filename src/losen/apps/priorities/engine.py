"""The one place the priorities app calls the decision engine.

Ranking, weight stability and SMAA come from :mod:`losen.domain.mcda` (weighted sum on the
declared ordinal scales, exact one-at-a-time weight intervals, SMAA-2 rank acceptability:
Lahdelma and Salminen, Operations Research 49 (2001) 444–454); the budget portfolio comes
from :mod:`losen.domain.portfolio` (an exact MILP). This module only translates the app's
ordinal levels into the engine's matrices and its answers into the small dataclasses the
views and the decision basis use.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from losen.domain import mcda
from losen.domain import portfolio as pf

CRITERIA = ("nytte", "alvorlighet", "ressurs")

# The declared ranges of the ordinal scales (prioritering.md §10.3). Declaring them keeps an
# alternative's value from changing when another alternative is added. Resource use counts
# against a measure (Meld. St. 38: priority rises the fewer resources it uses).
SCALES = np.array([[0.0, 4.0], [1.0, 4.0], [1.0, 4.0]])
IS_COST = np.array([False, False, True])

SMAA_SAMPLES = 2000
SMAA_SEED = 6


@dataclass(frozen=True)
class Row:
    """One alternative's place in a ranking and what each criterion contributed."""

    key: str
    name: str
    rank: int
    total: float
    contributions: dict[str, float]


@dataclass(frozen=True)
class Stability:
    """The range of one criterion's weight share in which the top alternative stays first."""

    criterion: str
    current: float
    low: float
    high: float


@dataclass(frozen=True)
class Acceptability:
    """How often an alternative ranks first, and its rank distribution, over random weights."""

    key: str
    name: str
    first: float
    ranks: tuple[float, ...]


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    cost_nok: int
    value: float
    mandatory: bool = False
    exclusive_group: str = ""
    requires: str | None = None


@dataclass(frozen=True)
class Portfolio:
    """The best set within the budget, what more money would add and what goes first."""

    feasible: bool
    chosen: tuple[str, ...]
    cost_nok: int
    value: float
    next_krone: tuple[str, ...]
    next_krone_budget_nok: int | None
    first_out: tuple[str, ...]
    reasons: tuple[str, ...] = ()


Items = list[tuple[str, str, dict[str, int]]]


def normalise_weights(weights: dict[str, float]) -> dict[str, float]:
    total = sum(max(weights.get(c, 0.0), 0.0) for c in CRITERIA)
    if total <= 0:
        return {c: 1 / len(CRITERIA) for c in CRITERIA}
    return {c: max(weights.get(c, 0.0), 0.0) / total for c in CRITERIA}


def _matrix(items: Items) -> np.ndarray:
    return np.array([[float(levels[c]) for c in CRITERIA] for _k, _n, levels in items])


def _ranking(items: Items, weights: dict[str, float]):
    share = normalise_weights(weights)
    vector = np.array([share[c] for c in CRITERIA])
    return mcda.weighted_sum(_matrix(items), vector, IS_COST, SCALES)


def rank(items: Items, weights: dict[str, float]) -> list[Row]:
    """Rank ``(key, name, levels)`` items by the weighted sum; ties share a rank."""
    if not items:
        return []
    ranking = _ranking(items, weights)
    contributions = ranking.contributions()
    rows = [
        Row(
            key=items[i][0],
            name=items[i][1],
            rank=int(ranking.ranks[i]),
            total=round(float(ranking.scores[i]), 9),
            contributions={c: float(contributions[i, j]) for j, c in enumerate(CRITERIA)},
        )
        for i in range(len(items))
    ]
    return sorted(rows, key=lambda r: (r.rank, r.name))


def weight_stability(items: Items, weights: dict[str, float]) -> list[Stability]:
    """For each criterion, the weight share range that keeps today's first place first.

    The other weights keep their proportions while one moves (one-way sensitivity).
    """
    if not items:
        return []
    intervals = mcda.weight_stability(_ranking(items, weights))
    return [
        Stability(CRITERIA[w.criterion], float(w.weight), float(w.lower), float(w.upper))
        for w in intervals
    ]


def acceptability(items: Items, samples: int = SMAA_SAMPLES, seed: int = SMAA_SEED):
    """Rank acceptability over weights drawn uniformly from all possible weightings."""
    if not items:
        return []
    matrix = _matrix(items)
    n = len(CRITERIA)
    result = mcda.smaa(
        matrix,
        matrix,
        np.zeros(n),
        np.ones(n),
        IS_COST,
        samples=samples,
        seed=seed,
        scale_bounds=SCALES,
    )
    rows = [
        Acceptability(
            key,
            name,
            float(result.rank_acceptability[i, 0]),
            tuple(float(x) for x in result.rank_acceptability[i]),
        )
        for i, (key, name, _levels) in enumerate(items)
    ]
    return sorted(rows, key=lambda a: (-a.first, a.name))


def _problem(candidates: Sequence[Candidate], budget_nok: float) -> pf.PortfolioProblem:
    return pf.PortfolioProblem(
        budget=float(budget_nok),
        candidates=tuple(
            pf.Candidate(
                id=c.key,
                name=c.name,
                cost=float(c.cost_nok),
                value=float(c.value),
                mandatory=c.mandatory,
                group=c.exclusive_group or None,
                requires=(c.requires,) if c.requires else (),
            )
            for c in candidates
        ),
    )


def portfolio(candidates: list[Candidate], budget_nok: int) -> Portfolio:
    """The set of highest total value within the budget, honouring the constraints.

    A case page asks for it several times (checklist, cuts, the decisions a cut touches); the
    answer depends only on the candidates and the budget, so the last few are remembered.
    """
    return _portfolio(tuple(candidates), budget_nok)


@functools.lru_cache(maxsize=32)
def _portfolio(candidates: tuple[Candidate, ...], budget_nok: int) -> Portfolio:
    result = pf.solve_portfolio(_problem(candidates, budget_nok))
    if result.status is pf.Status.INFEASIBLE:
        return Portfolio(False, (), 0, 0.0, (), None, (), tuple(result.reasons))
    next_budget = None
    if result.next_in:
        costs = {c.key: c.cost_nok for c in candidates}
        trial = float(result.total_cost + sum(costs[k] for k in result.next_in))
        grown = pf.solve_portfolio(_problem(candidates, trial), marginals=False)
        next_budget = round(max(grown.total_cost, budget_nok))
    return Portfolio(
        feasible=True,
        chosen=tuple(result.selected),
        cost_nok=round(result.total_cost),
        value=float(result.total_value),
        next_krone=tuple(result.next_in),
        next_krone_budget_nok=next_budget,
        first_out=tuple(result.first_out),
        reasons=tuple(result.reasons),
    )
