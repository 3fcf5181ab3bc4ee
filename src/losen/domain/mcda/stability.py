"""Weight stability: how far can one weight move before the winner changes?

For each criterion ``j`` we move its weight ``t`` over [0, 1] and rescale the other weights
proportionally so they keep their ratios and the sum stays 1 (the "one-way sensitivity" used in
M-MACBETH, https://m-macbeth.com/about/, and Hiview). When every other weight is zero, the rest is
spread equally. The result is the interval of ``t`` around the current weight within which the
first-ranked alternative (the first listed when several share rank 1) still scores at least as high
as every other alternative.

* Weighted sum: each score is linear in ``t``, ``s_i(t) = t v_ij + (1 - t) R_i``, so the
  interval is exact: the intersection of one half-line per rival.
* TOPSIS: with vector normalisation the ideal points do not move when weights change, and
  both squared distances are quadratic in ``t``. The interval is found on a grid of
  :data:`TOPSIS_GRID` steps and refined by bisection to :data:`TOPSIS_TOLERANCE`; a reversal
  narrower than one grid step could be missed, which is stated in the reference docs.

Each bound also names the rival that takes over there, which the plain-language sentences use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from losen.domain.mcda.model import Method
from losen.domain.mcda.ranking import TIE_TOLERANCE, Ranking

TOPSIS_GRID = 512
TOPSIS_TOLERANCE = 1e-10


@dataclass(frozen=True)
class WeightInterval:
    """The stable interval of one criterion's weight.

    Attributes:
        criterion: Column index of the criterion.
        weight: The current (normalised) weight.
        lower: Lowest weight at which the leader stays first.
        upper: Highest weight at which the leader stays first.
        lower_rival: Index of the alternative that takes over below ``lower`` (None if the
            leader stays first all the way down to 0).
        upper_rival: Likewise above ``upper``.
    """

    criterion: int
    weight: float
    lower: float
    upper: float
    lower_rival: int | None
    upper_rival: int | None


def _others(weights: np.ndarray, j: int) -> np.ndarray:
    """The other weights as shares of the remainder (sum 1 over ``k != j``, 0 at ``j``)."""
    rest = weights.copy()
    rest[j] = 0.0
    total = rest.sum()
    if total > 0:
        return rest / total
    rest[:] = 1.0
    rest[j] = 0.0
    return rest / rest.sum()


def _weighted_sum_interval(ranking: Ranking, j: int) -> WeightInterval:
    w = ranking.weights
    leader = int(ranking.order[0])
    values = ranking.normalised()
    rest = values @ _others(w, j)
    slope_all = values[:, j] - rest
    gap_at_zero = rest[leader] - rest
    slope = slope_all[leader] - slope_all
    # Leader minus rival is gap_at_zero + t * slope; it must stay >= -tolerance.
    lower, upper = 0.0, 1.0
    lower_rival = upper_rival = None
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = (-TIE_TOLERANCE - gap_at_zero) / slope
    rising = slope > 0
    rising[leader] = False
    falling = slope < 0
    falling[leader] = False
    if rising.any():
        candidates = np.where(rising, crossing, -np.inf)
        k = int(np.argmax(candidates))
        if candidates[k] > 0:
            lower, lower_rival = float(candidates[k]), k
    if falling.any():
        candidates = np.where(falling, crossing, np.inf)
        k = int(np.argmin(candidates))
        if candidates[k] < 1:
            upper, upper_rival = float(candidates[k]), k
    current = float(w[j])
    return WeightInterval(
        j, current, min(lower, current), max(upper, current), lower_rival, upper_rival
    )


class _TopsisPath:
    """TOPSIS closeness of every alternative as the weight of one criterion moves."""

    def __init__(self, ranking: Ranking, j: int) -> None:
        x = ranking._matrix
        cost = ranking.is_cost
        norm = np.sqrt(np.einsum("ij,ij->j", x, x))
        r = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)
        r_best = np.where(cost, r.min(axis=0), r.max(axis=0))
        r_worst = np.where(cost, r.max(axis=0), r.min(axis=0))
        squared_share = _others(ranking.weights, j) ** 2
        self.best_j = (r[:, j] - r_best[j]) ** 2
        self.worst_j = (r[:, j] - r_worst[j]) ** 2
        self.best_rest = ((r - r_best) ** 2) @ squared_share
        self.worst_rest = ((r - r_worst) ** 2) @ squared_share

    def closeness(self, t: np.ndarray, rows: slice = slice(None)) -> np.ndarray:
        """Closeness at weights ``t`` (shape ``(g,)``) for ``rows``: shape ``(g, rows)``."""
        t = t[:, None]
        keep = (1 - t) ** 2
        plus = np.sqrt(t * t * self.best_j[rows] + keep * self.best_rest[rows])
        minus = np.sqrt(t * t * self.worst_j[rows] + keep * self.worst_rest[rows])
        total = plus + minus
        return np.divide(minus, total, out=np.full_like(total, 0.5), where=total > 0)

    def rivals(self, t: np.ndarray, leader: int) -> np.ndarray:
        """Per weight in ``t``, an alternative beating the leader there, or -1 if none."""
        m = self.best_j.shape[0]
        leader_score = self.closeness(t, slice(leader, leader + 1))[:, 0]
        best = np.full(t.shape[0], -np.inf)
        best_index = np.full(t.shape[0], -1)
        rows_per_block = max(1, 4_000_000 // max(1, t.shape[0]))
        for start in range(0, m, rows_per_block):
            block = self.closeness(t, slice(start, start + rows_per_block))
            if start <= leader < start + block.shape[1]:
                block[:, leader - start] = -np.inf
            k = np.argmax(block, axis=1)
            value = block[np.arange(t.shape[0]), k]
            better = value > best
            best[better] = value[better]
            best_index[better] = k[better] + start
        return np.where(best > leader_score + TIE_TOLERANCE, best_index, -1)


def _topsis_interval(ranking: Ranking, j: int) -> WeightInterval:
    path = _TopsisPath(ranking, j)
    leader = int(ranking.order[0])
    current = float(ranking.weights[j])

    def walk(end: float) -> tuple[float, int | None]:
        steps = np.linspace(current, end, TOPSIS_GRID + 1)[1:]
        rivals = path.rivals(steps, leader)
        failing = np.flatnonzero(rivals >= 0)
        if failing.size == 0:
            return end, None
        first = int(failing[0])
        good = current if first == 0 else float(steps[first - 1])
        bad, rival = float(steps[first]), int(rivals[first])
        while abs(bad - good) > TOPSIS_TOLERANCE:
            middle = (good + bad) / 2
            found = int(path.rivals(np.array([middle]), leader)[0])
            if found < 0:
                good = middle
            else:
                bad, rival = middle, found
        return good, rival

    lower, lower_rival = walk(0.0) if current > 0 else (0.0, None)
    upper, upper_rival = walk(1.0) if current < 1 else (1.0, None)
    return WeightInterval(j, current, lower, upper, lower_rival, upper_rival)


def weight_stability(ranking: Ranking) -> list[WeightInterval]:
    """The stable weight interval of every criterion for the leader of ``ranking``."""
    n = ranking.weights.shape[0]
    if n == 1:
        return [WeightInterval(0, 1.0, 1.0, 1.0, None, None)]
    if ranking.method is Method.TOPSIS:
        return [_topsis_interval(ranking, j) for j in range(n)]
    return [_weighted_sum_interval(ranking, j) for j in range(n)]
