"""Ranking alternatives: weighted sum and TOPSIS on a numpy decision matrix.

Conventions (stated because libraries differ on them: scikit-criteria, pymcdm and others
normalise, break ties and treat equal columns each in their own way):

* Weights are divided by their sum, so only their ratios matter.
* **Weighted sum** (simple additive weighting, SAW): each criterion is mapped linearly onto
  [0, 1]: on its declared scale when there is one, otherwise from the worst to the best value
  observed among the alternatives (min–max). Cost criteria are reversed, so 1 is always best.
  A criterion without a declared scale on which every alternative is equal cannot separate
  them and maps to 0. The score is ``sum_j w_j v_ij`` and the contribution of criterion ``j``
  is ``w_j v_ij``.
* **TOPSIS** (Hwang & Yoon, *Multiple Attribute Decision Making*, Springer 1981, ch. 3.6):
  vector normalisation ``r_ij = x_ij / sqrt(sum_i x_ij^2)``, weighting ``v_ij = w_j r_ij``,
  positive ideal = best ``v`` per criterion (max for benefit, min for cost), negative ideal =
  worst, Euclidean distances ``D+`` and ``D-`` and closeness ``C = D- / (D+ + D-)``. When
  every alternative is the same (``D+ = D- = 0``) the closeness is 0.5. Its per-criterion
  contribution is the weighted position between negative and positive ideal,
  ``w_j (v_ij - v-_j) / (v+_j - v-_j)``; these do not add up to the score, because TOPSIS is
  not additive.
* **Finite or nothing**: a matrix with a value that is not finite, or one whose normalisation
  or scores overflow (values near ±1e308), is refused with an
  :class:`~losen.domain.errors.InputError` instead of a ranking computed from infinities; the
  parser keeps every value within ±10^15 (:data:`losen.domain.mcda.parse.MAX_VALUE`), so
  this never happens to validated input.
* **Ties**: scores closer than :data:`TIE_TOLERANCE` share the best rank of their group
  ("competition" ranking: 1, 2, 2, 4). Tied alternatives keep their input order.

The work is done in row blocks that fit in the processor cache, without building the
normalised matrix; on a million alternatives this is faster than the plain numpy version
that normalises, multiplies and sorts (see ``benchmarks/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from losen.domain.errors import InputError, Problem
from losen.domain.mcda.model import Method

TIE_TOLERANCE = 1e-12
"""Scores (all on [0, 1]) closer than this are treated as equal."""

_BLOCK_ROWS = 8192


def normalise_weights(weights: np.ndarray) -> np.ndarray:
    """Return the weights divided by their sum.

    Raises:
        InputError: if a weight is negative or not finite, or they sum to zero.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise InputError([Problem("criteria", "empty (ingen kriterier)")])
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise InputError([Problem("criteria", "weights must be finite and >= 0")])
    total = w.sum()
    if total <= 0:
        raise InputError([Problem("criteria", "weights sum to zero (vektene summerer til 0)")])
    return w / total


def competition_ranks(scores: np.ndarray, tolerance: float = TIE_TOLERANCE):
    """Rank scores from high to low, equal scores sharing the best rank (1, 2, 2, 4).

    Args:
        scores: One score per alternative.
        tolerance: Scores that differ by at most this much count as equal.

    Returns:
        ``(ranks, order)``: ``ranks[i]`` is the 1-based rank of alternative ``i``; ``order``
        lists alternatives from first to last, tied ones in input order.
    """
    m = scores.shape[0]
    order = np.argsort(-scores)
    ordered = scores[order]
    new_group = np.empty(m, dtype=bool)
    if m:
        new_group[0] = True
        np.greater(ordered[:-1] - ordered[1:], tolerance, out=new_group[1:])
    position = np.arange(1, m + 1)
    sorted_ranks = np.maximum.accumulate(np.where(new_group, position, 0))
    ranks = np.empty(m, dtype=np.int64)
    ranks[order] = sorted_ranks
    if m and not new_group.all():
        # argsort is not stable: put the members of each tied run back in input order. Only
        # those positions are re-sorted (by rank, then index); the rest are already in place.
        tied = ~new_group
        tied[:-1] |= tied[1:]
        positions = np.flatnonzero(tied)
        members = order[positions]
        order[positions] = members[np.lexsort((members, sorted_ranks[positions]))]
    return ranks, order


@dataclass(frozen=True, eq=False)
class Ranking:
    """The outcome of one ranking method on one matrix.

    Attributes:
        method: The method used.
        scores: Score per alternative (input order); higher is better, within [0, 1].
        ranks: 1-based competition rank per alternative.
        order: Alternative indices from first to last.
        weights: The normalised weights used.
        is_cost: True per criterion where less is better.
    """

    method: Method
    scores: np.ndarray
    ranks: np.ndarray
    order: np.ndarray
    weights: np.ndarray
    is_cost: np.ndarray
    _matrix: np.ndarray = field(repr=False)
    _reference: np.ndarray = field(repr=False)
    _factor: np.ndarray = field(repr=False)

    def normalised(self, rows: np.ndarray | slice | None = None) -> np.ndarray:
        """Per-criterion values in [0, 1] (1 best) for ``rows`` (all when ``None``).

        For weighted sum these are the linear values ``v_ij``; for TOPSIS the position between
        negative and positive ideal.
        """
        block = self._matrix if rows is None else self._matrix[rows]
        return (block - self._reference) * self._factor

    def contributions(self, rows: np.ndarray | slice | None = None) -> np.ndarray:
        """Per-criterion contributions ``w_j * normalised`` for ``rows``."""
        return self.normalised(rows) * self.weights


def _column_ranges(
    matrix: np.ndarray, need_norm: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Column minimum, maximum and (optionally) Euclidean norm in one blocked pass."""
    m, n = matrix.shape
    low = np.full(n, np.inf)
    high = np.full(n, -np.inf)
    squares = np.zeros(n) if need_norm else None
    for start in range(0, m, _BLOCK_ROWS):
        block = matrix[start : start + _BLOCK_ROWS]
        np.minimum(low, block.min(axis=0), out=low)
        np.maximum(high, block.max(axis=0), out=high)
        if squares is not None:
            squares += np.einsum("ij,ij->j", block, block)
    return low, high, None if squares is None else np.sqrt(squares)


def _check_matrix(matrix: np.ndarray, weights: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise InputError([Problem("alternatives", "empty matrix (ingen data å rangere)")])
    if weights.shape != (x.shape[1],) or np.asarray(is_cost).shape != (x.shape[1],):
        raise InputError([Problem("criteria", "weights and directions must match the columns")])
    if not np.isfinite(x).all():
        raise InputError(
            [Problem("alternatives", "not finite (NaN eller uendelig er ikke tillatt)")]
        )
    return x


OVERFLOW = (
    "not finite result (skårene er så store at beregningen går over tallområdet; "
    "bruk en mindre enhet)"
)


def require_finite(*arrays: np.ndarray, path: str = "alternatives") -> None:
    """Refuse results that overflowed (an answer computed from infinities would be wrong).

    Raises:
        InputError: when any value in ``arrays`` is NaN or infinite.
    """
    for array in arrays:
        if not np.isfinite(array).all():
            raise InputError([Problem(path, OVERFLOW)])


def weighted_sum(
    matrix: np.ndarray,
    weights: np.ndarray,
    is_cost: np.ndarray,
    scale_bounds: np.ndarray | None = None,
) -> Ranking:
    """Rank by weighted sum of linearly normalised values (simple additive weighting).

    Args:
        matrix: ``(m, n)`` raw scores, alternatives in rows.
        weights: ``(n,)`` non-negative weights (normalised here).
        is_cost: ``(n,)`` booleans, True where less is better.
        scale_bounds: Optional ``(n, 2)`` declared ``(min, max)`` per criterion, NaN where
            none is declared (then min–max over the alternatives is used).

    Returns:
        The :class:`Ranking`.
    """
    w = normalise_weights(weights)
    x = _check_matrix(matrix, w, is_cost)
    cost = np.asarray(is_cost, dtype=bool)
    n = x.shape[1]
    bounds = np.full((n, 2), np.nan) if scale_bounds is None else np.asarray(scale_bounds, float)
    low, high = bounds[:, 0].copy(), bounds[:, 1].copy()
    undeclared = np.isnan(low) | np.isnan(high)
    if undeclared.any():
        observed_low, observed_high, _ = _column_ranges(x, need_norm=False)
        low[undeclared] = observed_low[undeclared]
        high[undeclared] = observed_high[undeclared]
    span = high - low
    with np.errstate(over="ignore", invalid="ignore"):
        require_finite(span, path="criteria")
    slope = np.divide(1.0, span, out=np.zeros(n), where=span > 0)
    reference = np.where(cost, high, low)
    factor = np.where(cost, -slope, slope)
    coefficients = w * factor
    scores = np.empty(x.shape[0])
    buffer = np.empty((_BLOCK_ROWS, n))
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused just below
        for start in range(0, x.shape[0], _BLOCK_ROWS):
            block = x[start : start + _BLOCK_ROWS]
            shifted = buffer[: block.shape[0]]
            np.subtract(block, reference, out=shifted)
            np.matmul(shifted, coefficients, out=scores[start : start + block.shape[0]])
    require_finite(scores)
    ranks, order = competition_ranks(scores)
    return Ranking(Method.WEIGHTED_SUM, scores, ranks, order, w, cost, x, reference, factor)


def topsis(matrix: np.ndarray, weights: np.ndarray, is_cost: np.ndarray) -> Ranking:
    """Rank by TOPSIS with vector normalisation (Hwang & Yoon 1981).

    Args:
        matrix: ``(m, n)`` raw scores, alternatives in rows.
        weights: ``(n,)`` non-negative weights (normalised here).
        is_cost: ``(n,)`` booleans, True where less is better.

    Returns:
        The :class:`Ranking`; scores are the relative closeness to the ideal.
    """
    w = normalise_weights(weights)
    x = _check_matrix(matrix, w, is_cost)
    cost = np.asarray(is_cost, dtype=bool)
    n = x.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        low, high, norm = _column_ranges(x, need_norm=True)
    assert norm is not None
    require_finite(norm, path="criteria")
    scale = np.divide(w, norm, out=np.zeros(n), where=norm > 0)
    # v = x * scale with scale >= 0, so the best raw value gives the best weighted value.
    best_raw = np.where(cost, low, high)
    worst_raw = np.where(cost, high, low)
    ideal = best_raw * scale
    anti_ideal = worst_raw * scale
    scores = np.empty(x.shape[0])
    weighted = np.empty((_BLOCK_ROWS, n))
    difference = np.empty((_BLOCK_ROWS, n))
    distance_best = np.empty(_BLOCK_ROWS)
    distance_worst = np.empty(_BLOCK_ROWS)
    for start in range(0, x.shape[0], _BLOCK_ROWS):
        block = x[start : start + _BLOCK_ROWS]
        rows = block.shape[0]
        v, d = weighted[:rows], difference[:rows]
        plus, minus = distance_best[:rows], distance_worst[:rows]
        np.multiply(block, scale, out=v)
        np.subtract(v, ideal, out=d)
        np.einsum("ij,ij->i", d, d, out=plus)
        np.subtract(v, anti_ideal, out=d)
        np.einsum("ij,ij->i", d, d, out=minus)
        np.sqrt(plus, out=plus)
        np.sqrt(minus, out=minus)
        total = plus + minus
        out = scores[start : start + rows]
        np.divide(minus, total, out=out, where=total > 0)
        out[total <= 0] = 0.5
    require_finite(scores)
    ranks, order = competition_ranks(scores)
    with np.errstate(over="ignore", invalid="ignore"):
        span = best_raw - worst_raw
    require_finite(span, path="criteria")
    factor = np.divide(1.0, span, out=np.zeros(n), where=span != 0)
    return Ranking(Method.TOPSIS, scores, ranks, order, w, cost, x, worst_raw, factor)


def rank(
    matrix: np.ndarray,
    weights: np.ndarray,
    is_cost: np.ndarray,
    method: Method = Method.WEIGHTED_SUM,
    scale_bounds: np.ndarray | None = None,
) -> Ranking:
    """Rank with ``method``; ``scale_bounds`` only matters for weighted sum."""
    if method is Method.TOPSIS:
        return topsis(matrix, weights, is_cost)
    return weighted_sum(matrix, weights, is_cost, scale_bounds)
