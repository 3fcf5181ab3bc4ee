"""The one place the priorities app calls the decision engine.

Ranking, weight stability and SMAA come from :mod:`losen.domain.mcda` (weighted sum on the
catalogue's ordinal scales, exact one-at-a-time weight intervals, SMAA-2 rank acceptability:
Lahdelma and Salminen, Operations Research 49 (2001) 444–454); the Swedish national model's
ranking from :mod:`losen.domain.criteria`; the budget portfolio from
:mod:`losen.domain.portfolio` (an exact MILP on the value model of
:mod:`losen.domain.portfolio.value`). The criteria, their order, scales and directions are the
catalogue's (:mod:`losen.domain.criteria`); this module holds none of its own and returns the
domain's own results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from losen.domain import mcda
from losen.domain.criteria import CriteriaCatalogue, CriterionKind
from losen.domain.mcda.ranking import normalise_weights

SMAA_SAMPLES = 2000
SMAA_SEED = 6

Levels = Mapping[str, str]
"""An alternative's level label per criterion id (``nytte``, ``ressurs``, ``alvorlighet``)."""


def criteria(catalogue: CriteriaCatalogue) -> tuple[str, ...]:
    """Criterion ids in the catalogue's order: the columns of every matrix here."""
    return tuple(definition.kind.value for definition in catalogue.criteria)


def scale_bounds(catalogue: CriteriaCatalogue) -> np.ndarray:
    """The declared range of each criterion's scale, so a value does not move when another
    alternative is added."""
    rows = []
    for definition in catalogue.criteria:
        values = [level.value for level in catalogue.scale(definition.scale).levels]
        rows.append([float(min(values)), float(max(values))])
    return np.array(rows)


def is_cost(catalogue: CriteriaCatalogue) -> np.ndarray:
    """Ressurs counts against a measure (Meld. St. 38: priority rises the fewer resources it
    uses); nytte and alvorlighet for it."""
    return np.array([d.kind is CriterionKind.RESSURS for d in catalogue.criteria])


def matrix(catalogue: CriteriaCatalogue, levels: Sequence[Levels]) -> np.ndarray:
    """The level values, one row per alternative."""
    scales = [catalogue.scale(d.scale) for d in catalogue.criteria]
    ids = criteria(catalogue)
    return np.array(
        [
            [float(s.level(row[c]).value) for s, c in zip(scales, ids, strict=True)]
            for row in levels
        ],
        dtype=np.float64,
    ).reshape(len(levels), len(ids))


def weight_vector(catalogue: CriteriaCatalogue, weights: Mapping[str, float]) -> np.ndarray:
    """The weights in column order, normalised by the domain.

    Raises:
        InputError: when they are negative, not finite, or sum to zero (no silent fallback).
    """
    return normalise_weights(np.array([float(weights.get(c, 0.0)) for c in criteria(catalogue)]))


def ranking(
    catalogue: CriteriaCatalogue, levels: Sequence[Levels], weights: Mapping[str, float]
) -> mcda.Ranking:
    """Weighted sum on the declared scales."""
    return mcda.weighted_sum(
        matrix(catalogue, levels),
        weight_vector(catalogue, weights),
        is_cost(catalogue),
        scale_bounds(catalogue),
    )


def stability(result: mcda.Ranking) -> list[mcda.WeightInterval]:
    """For each criterion, the weight range that keeps today's first place first."""
    return mcda.weight_stability(result) if result.scores.size else []


def acceptability(
    catalogue: CriteriaCatalogue,
    levels: Sequence[Levels],
    samples: int = SMAA_SAMPLES,
    seed: int = SMAA_SEED,
) -> mcda.SmaaResult | None:
    """Rank acceptability over weights drawn uniformly from all possible weightings."""
    if not levels:
        return None
    values = matrix(catalogue, levels)
    n = values.shape[1]
    return mcda.smaa(
        values,
        values,
        np.zeros(n),
        np.ones(n),
        is_cost(catalogue),
        samples=samples,
        seed=seed,
        scale_bounds=scale_bounds(catalogue),
    )
