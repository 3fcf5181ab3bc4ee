"""The decision matrix: criteria, alternatives and their scores, as frozen values.

These are what the parsers in :mod:`losen.domain.mcda.parse` produce and what the engines
(:mod:`~losen.domain.mcda.ranking`, :mod:`~losen.domain.mcda.smaa`) read. The engines
themselves work on plain numpy arrays so that a million alternatives cost no Python objects;
:class:`DecisionProblem` is the bridge.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Direction(StrEnum):
    """Whether more is better (``benefit``) or less is better (``cost``) on a criterion."""

    BENEFIT = "benefit"
    COST = "cost"


class Method(StrEnum):
    """The aggregation used by ``losen rank``."""

    WEIGHTED_SUM = "weighted-sum"
    TOPSIS = "topsis"


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[low, high]`` of plausible values (a weight or a score)."""

    low: float
    high: float

    @property
    def midpoint(self) -> float:
        """The centre of the interval."""
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Scale:
    """The declared range of a criterion, in the criterion's own unit.

    When a scale is declared, weighted-sum normalises on it rather than on the observed
    minimum and maximum, so that adding an alternative never changes the others' values.
    """

    minimum: float
    maximum: float


Weight = float | Interval | None
Score = float | Interval


@dataclass(frozen=True)
class Criterion:
    """One criterion of the decision.

    Attributes:
        id: Stable identifier used as key in scores and outputs.
        name: Human-readable name.
        direction: Benefit or cost.
        weight: A number (relative; all weights are normalised to sum 1), an interval of
            plausible weights on the normalised scale (SMAA only), or ``None`` (SMAA: any
            weight is plausible).
        scale: Declared range, or ``None`` for min–max over the alternatives.
    """

    id: str
    name: str
    direction: Direction
    weight: Weight = None
    scale: Scale | None = None

    @property
    def is_cost(self) -> bool:
        """True when less is better."""
        return self.direction is Direction.COST


@dataclass(frozen=True)
class Alternative:
    """One alternative (tiltak) with a score on every criterion."""

    id: str
    name: str
    scores: tuple[tuple[str, Score], ...]

    def score(self, criterion_id: str) -> Score:
        """The score on ``criterion_id`` (a number or an interval)."""
        for key, value in self.scores:
            if key == criterion_id:
                return value
        raise KeyError(criterion_id)


@dataclass(frozen=True)
class DecisionProblem:
    """A validated decision: criteria, alternatives and the chosen ranking method."""

    criteria: tuple[Criterion, ...]
    alternatives: tuple[Alternative, ...]
    method: Method = Method.WEIGHTED_SUM

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """Criterion ids in input order."""
        return tuple(criterion.id for criterion in self.criteria)

    @property
    def alternative_ids(self) -> tuple[str, ...]:
        """Alternative ids in input order."""
        return tuple(alternative.id for alternative in self.alternatives)

    def is_cost(self) -> np.ndarray:
        """Boolean vector, True where the criterion is a cost."""
        return np.array([criterion.is_cost for criterion in self.criteria], dtype=bool)

    def scale_bounds(self) -> np.ndarray:
        """``(n, 2)`` array of declared scale bounds; NaN where no scale is declared."""
        bounds = np.full((len(self.criteria), 2), np.nan)
        for j, criterion in enumerate(self.criteria):
            if criterion.scale is not None:
                bounds[j] = (criterion.scale.minimum, criterion.scale.maximum)
        return bounds

    def score_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper ``(m, n)`` score matrices; equal where scores are exact."""
        ids = self.criterion_ids
        low = np.empty((len(self.alternatives), len(ids)))
        high = np.empty_like(low)
        for i, alternative in enumerate(self.alternatives):
            for j, criterion_id in enumerate(ids):
                value = alternative.score(criterion_id)
                if isinstance(value, Interval):
                    low[i, j], high[i, j] = value.low, value.high
                else:
                    low[i, j] = high[i, j] = value
        return low, high

    def matrix(self) -> np.ndarray:
        """The ``(m, n)`` score matrix; interval scores are replaced by their midpoints."""
        low, high = self.score_bounds()
        return (low + high) / 2

    def point_weights(self) -> np.ndarray:
        """Weights as a vector summing to 1, for the deterministic ranking methods.

        Intervals count with their midpoint; missing weights are not allowed here (the parser
        rejects them for ``rank``).
        """
        raw = np.array(
            [
                criterion.weight.midpoint
                if isinstance(criterion.weight, Interval)
                else float(criterion.weight)
                for criterion in self.criteria
                if criterion.weight is not None
            ]
        )
        if raw.size != len(self.criteria):
            raise ValueError("every criterion needs a weight for a deterministic ranking")
        return raw / raw.sum()
