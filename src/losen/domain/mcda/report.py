"""The JSON contracts of ``losen rank`` and ``losen smaa``, built from the engines.

The shapes are documented in ``docs/reference/decision-engine.md``; scripts rely on them, so
fields are only ever added behind an option (``explain`` adds ``sentences``).

The sentences are worded outside the domain: ``explain`` is a function that turns the facts
of :mod:`losen.domain.mcda.explain` into sentences (the CLI passes the translated layer's
:func:`losen.apps.criteria.wording.sentences` in the language asked for).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from losen.domain.explain import Fact
from losen.domain.mcda.explain import rank_facts, smaa_facts
from losen.domain.mcda.model import DecisionProblem, Interval
from losen.domain.mcda.ranking import rank, require_finite, weighted_sum
from losen.domain.mcda.smaa import check_size, smaa
from losen.domain.mcda.stability import weight_stability

Explainer = Callable[[Sequence[Fact]], list[str]]
"""Words facts as sentences (the translated layer, in one language)."""


def _clean(value: float) -> float:
    """A plain float without negative zero (``-0.0`` reads oddly in a contribution)."""
    return float(value) + 0.0


def rank_report(problem: DecisionProblem, *, explain: Explainer | None = None) -> dict[str, Any]:
    """Rank ``problem`` and return the ``losen rank`` output.

    Args:
        problem: The decision.
        explain: When given, it words :func:`~losen.domain.mcda.explain.rank_facts` and the
            report gains ``"sentences"``.

    Returns:
        ``{"method", "ranking": [{"id", "rank", "score", "contributions"}],
        "weight_stability": {criterion_id: {"lower", "upper"}}}``, plus ``"sentences"`` when
        ``explain`` is given.
    """
    ranking = rank(
        problem.matrix(),
        problem.point_weights(),
        problem.is_cost(),
        problem.method,
        problem.scale_bounds(),
    )
    criterion_ids = problem.criterion_ids
    alternative_ids = problem.alternative_ids
    with np.errstate(over="ignore", invalid="ignore"):
        contributions = ranking.contributions(ranking.order)
    require_finite(ranking.scores, contributions)
    entries = [
        {
            "id": alternative_ids[index],
            "rank": int(ranking.ranks[index]),
            "score": _clean(ranking.scores[index]),
            "contributions": {
                criterion_ids[j]: _clean(contributions[row, j]) for j in range(len(criterion_ids))
            },
        }
        for row, index in enumerate(ranking.order.tolist())
    ]
    stability = weight_stability(ranking)
    report: dict[str, Any] = {
        "method": problem.method.value,
        "ranking": entries,
        "weight_stability": {
            criterion_ids[interval.criterion]: {
                "lower": _clean(interval.lower),
                "upper": _clean(interval.upper),
            }
            for interval in stability
        },
    }
    if explain is not None:
        report["sentences"] = explain(rank_facts(problem, ranking, stability))
    return report


def weight_bounds(problem: DecisionProblem) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds on normalised weights for SMAA.

    When every weight is a plain number they are normalised to sum 1 and fixed. Otherwise
    numbers and intervals are read as shares of 1 and a missing weight may be anything.
    """
    weights = [criterion.weight for criterion in problem.criteria]
    if all(isinstance(weight, float | int) for weight in weights):
        fixed = np.array(weights, dtype=np.float64)
        fixed /= fixed.sum()
        return fixed, fixed.copy()
    low = np.zeros(len(weights))
    high = np.ones(len(weights))
    for j, weight in enumerate(weights):
        if isinstance(weight, Interval):
            low[j], high[j] = weight.low, weight.high
        elif weight is not None:
            low[j] = high[j] = float(weight)
    return low, high


def smaa_report(
    problem: DecisionProblem, *, samples: int, seed: int, explain: Explainer | None = None
) -> dict[str, Any]:
    """Run SMAA-2 on ``problem`` and return the ``losen smaa`` output.

    Args:
        problem: The decision (weights and scores may be intervals).
        samples: Number of draws.
        seed: Seed of the draws; the same seed gives the same answer.
        explain: When given, it words :func:`~losen.domain.mcda.explain.smaa_facts` and the
            report gains ``"sentences"``.

    Returns:
        ``{"rank_acceptability": {alt: [p_rank1, …]}, "central_weights": {alt: {crit: w} or
        null}, "confidence": {alt: p}}``, plus ``"sentences"`` when ``explain`` is given.
    """
    check_size(samples, len(problem.alternatives), len(problem.criteria))
    score_low, score_high = problem.score_bounds()
    weight_low, weight_high = weight_bounds(problem)
    scale_bounds = problem.scale_bounds()
    result = smaa(
        score_low,
        score_high,
        weight_low,
        weight_high,
        problem.is_cost(),
        samples=samples,
        seed=seed,
        scale_bounds=scale_bounds,
    )
    criterion_ids = problem.criterion_ids
    alternative_ids = problem.alternative_ids
    report: dict[str, Any] = {
        "rank_acceptability": {
            alternative_ids[i]: [float(p) for p in result.rank_acceptability[i]]
            for i in range(len(alternative_ids))
        },
        "central_weights": {
            alternative_ids[i]: None
            if np.isnan(result.central_weights[i, 0])
            else {
                criterion_ids[j]: float(result.central_weights[i, j])
                for j in range(len(criterion_ids))
            }
            for i in range(len(alternative_ids))
        },
        "confidence": {
            alternative_ids[i]: float(result.confidence[i]) for i in range(len(alternative_ids))
        },
    }
    if explain is not None:
        undeclared = np.isnan(scale_bounds).any(axis=1)
        scale_bounds[undeclared, 0] = score_low.min(axis=0)[undeclared]
        scale_bounds[undeclared, 1] = score_high.max(axis=0)[undeclared]
        centre = weighted_sum(
            (score_low + score_high) / 2,
            result.weight_samples.mean(axis=0),
            problem.is_cost(),
            scale_bounds,
        )
        report["sentences"] = explain(
            smaa_facts(
                problem,
                result,
                centre,
                weight_stability(centre),
                bool(np.any(score_high > score_low)),
            )
        )
    return report
