"""SMAA-2: how robust is a ranking when weights and scores are uncertain?

Stochastic multicriteria acceptability analysis (Lahdelma & Salminen, "SMAA-2: Stochastic
multicriteria acceptability analysis for group decision making", *Operations Research* 49(3),
2001, pp. 444–454) draws many plausible weightings and score sets and counts what happens:

* **rank acceptability** ``b_i^r``: the share of draws in which alternative ``i`` gets rank
  ``r``. The rank is ``1 + (number of alternatives with a strictly higher value)``, as in the
  paper, so tied alternatives share the better rank (here: higher by more than
  :data:`~losen.domain.mcda.ranking.TIE_TOLERANCE`);
* **central weight** ``w_i^c``: the mean weighting among the draws in which ``i`` is first —
  the "typical" preferences that make ``i`` the best choice (undefined when ``i`` is never
  first);
* **confidence factor** ``p_i^c``: the share of score draws in which ``i`` is first when the
  weights are its central weights; it tells whether the score data are precise enough to pick
  ``i`` even for a decision-maker who agrees with its central weights.

The value model is the additive one of :func:`~losen.domain.mcda.ranking.weighted_sum`: each
criterion maps linearly onto [0, 1] over its declared scale, or over the lowest to the highest
plausible score when no scale is declared, cost criteria reversed.

Weights: a missing weight means "anything"; when every weight is missing the weights are drawn
uniformly from the simplex (Dirichlet(1, …, 1)). Interval bounds are on the normalised scale
(shares of 1); a plain number is a fixed share. Bounded weights are drawn uniformly from the
simplex restricted to the box: by rejection when at least :data:`REJECTION_MIN_RATE` of
Dirichlet draws fall in the box, otherwise by hit-and-run (Tervonen, van Valkenhoef, Baştürk &
Postmus, "Hit-And-Run enables efficient weight generation for simulation-based multiple
criteria decision analysis", *EJOR* 224(3), 2013, pp. 552–559), run as independent parallel
chains from an interior point so that draws stay independent.

Scores given as intervals are drawn uniformly and independently within them.

Limits, checked before any draw (``docs/reference/decision-engine.md``, «Input limits»): at
most :data:`MAX_SAMPLES` samples, :data:`MAX_SAMPLE_WEIGHTS` weights drawn (samples ×
criteria) and :data:`MAX_WORK` utilities computed (samples × alternatives × criteria), about
half a minute on one core. Scores whose normalisation would overflow (values near ±1e308)
are refused: with infinite ranges every value became 0, every alternative tied, and the
answer said all of them were first in every draw.

All randomness comes from one ``numpy.random.Generator(PCG64(seed))`` consumed in a fixed
order, so the same input and seed give the same answer on every platform numpy supports.

Speed: the products over all alternatives at once (``samples × n`` by ``n × m`` in blocks)
are done with ``numpy.einsum``, which does not call the multithreaded BLAS; the per-sample
products with the score draws are matrix–vector products too small for BLAS to thread. On
the shared 2-core test machine, BLAS threads that wait for a busy core made the benchmark
case (10 000 samples, 200 alternatives, 8 criteria) take 1.2–1.3 s instead of 0.3 s;
without them it takes about 0.2–0.3 s at the same load. The confidence pass draws scores
only for alternatives that can reach some winner's lowest possible value, and multiplies
them by the central weights in products small enough for BLAS to keep on one thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from losen.domain.errors import InputError, InputTooLarge, Problem
from losen.domain.mcda.ranking import TIE_TOLERANCE, require_finite

REJECTION_MIN_RATE = 0.05
HIT_AND_RUN_SWEEPS = 40
_BLOCK_ELEMENTS = 2_000_000
_CONTENDER_MARGIN = 1e-9
_SMALL_PRODUCT = 65_536

MAX_SAMPLES = 1_000_000
"""Most Monte Carlo draws (``--samples``)."""

MAX_SAMPLE_WEIGHTS = 20_000_000
"""Most weights drawn in all (samples × criteria): 160 MB of doubles."""

MAX_WORK = 2_000_000_000
"""Most utilities computed (samples × alternatives × criteria); 10 000 samples of
200 alternatives and 8 criteria (16 million) take about 0.3 s."""


@dataclass(frozen=True, eq=False)
class SmaaResult:
    """Arrays from one SMAA-2 run (alternatives and criteria in input order).

    Attributes:
        rank_acceptability: ``(m, m)``; row ``i``, column ``r`` is the share of draws in which
            alternative ``i`` had rank ``r + 1``.
        central_weights: ``(m, n)``; NaN rows for alternatives never ranked first.
        confidence: ``(m,)`` confidence factors (0 for alternatives never ranked first).
        weight_samples: ``(samples, n)`` the weightings drawn (kept for explanations).
        samples: Number of draws.
        seed: The seed used.
    """

    rank_acceptability: np.ndarray
    central_weights: np.ndarray
    confidence: np.ndarray
    weight_samples: np.ndarray
    samples: int
    seed: int


def _dirichlet(rng: np.random.Generator, samples: int, n: int) -> np.ndarray:
    draws = rng.standard_exponential((samples, n))
    draws /= draws.sum(axis=1, keepdims=True)
    return draws


def _hit_and_run(
    rng: np.random.Generator, low: np.ndarray, high: np.ndarray, samples: int
) -> np.ndarray:
    """Independent hit-and-run chains on ``{w : sum w = 1, low <= w <= high}``.

    Each move takes a pair of free coordinates ``(i, j)`` and moves uniformly along
    ``e_i - e_j`` within the polytope. These directions span the plane ``sum w = 1`` and the
    uniform distribution is invariant under every such move, so every chain converges to it.
    All chains use the same sequence of pairs (:data:`HIT_AND_RUN_SWEEPS` sweeps, each over
    every pair in random order) and their own random step lengths, which makes a move one
    vectorised operation across chains. The tests compare the draws with Dirichlet(1).
    """
    free = np.flatnonzero((high - low) > 0)
    slack = 1.0 - low.sum()
    spread = (high - low).sum()
    start = low + (high - low) * (slack / spread if spread > 0 else 0.0)
    k = free.size
    if k < 2:
        return np.tile(start, (samples, 1))
    sub = np.repeat(start[free][:, None], samples, axis=1)
    sub_low, sub_high = low[free], high[free]
    first, second = np.triu_indices(k, 1)
    for _ in range(HIT_AND_RUN_SWEEPS):
        for pair in rng.permutation(first.size):
            i, j = int(first[pair]), int(second[pair])
            w_i, w_j = sub[i], sub[j]
            t_min = np.maximum(sub_low[i] - w_i, w_j - sub_high[j])
            t_max = np.minimum(sub_high[i] - w_i, w_j - sub_low[j])
            step = rng.random(samples)
            step *= t_max - t_min
            step += t_min
            w_i += step
            w_j -= step
    weights = np.tile(start, (samples, 1))
    weights[:, free] = sub.T
    np.clip(weights, low, high, out=weights)
    return weights / weights.sum(axis=1, keepdims=True)


def sample_weights(
    rng: np.random.Generator, low: np.ndarray, high: np.ndarray, samples: int
) -> np.ndarray:
    """Draw ``samples`` weightings uniformly from the simplex within ``[low, high]``.

    Args:
        rng: The random generator (consumed).
        low: ``(n,)`` lower bounds on normalised weights (0 when unconstrained).
        high: ``(n,)`` upper bounds (1 when unconstrained).
        samples: How many weightings.

    Returns:
        ``(samples, n)`` array; every row sums to 1.

    Raises:
        InputError: when no weighting satisfies the bounds.
    """
    n = low.shape[0]
    if low.sum() > 1 + 1e-9 or high.sum() < 1 - 1e-9:
        raise InputError(
            [
                Problem(
                    "criteria",
                    "weight intervals cannot sum to 1 "
                    f"(sum of min {low.sum():.4g}, sum of max {high.sum():.4g})",
                )
            ]
        )
    if np.all(low <= 0) and np.all(high >= 1):
        return _dirichlet(rng, samples, n)
    if np.all(high - low <= 0):
        return np.tile(low / low.sum(), (samples, 1))
    trial = _dirichlet(rng, max(samples, 1000), n)
    inside = np.all((trial >= low) & (trial <= high), axis=1)
    if inside.mean() >= REJECTION_MIN_RATE:
        accepted = [trial[inside]]
        count = int(inside.sum())
        while count < samples:
            more = _dirichlet(rng, samples, n)
            more = more[np.all((more >= low) & (more <= high), axis=1)]
            accepted.append(more)
            count += more.shape[0]
        return np.concatenate(accepted)[:samples]
    return _hit_and_run(rng, low, high, samples)


def _ranks_rows(utilities: np.ndarray) -> np.ndarray:
    """0-based competition ranks along each row (higher utility, better rank)."""
    b, m = utilities.shape
    order = np.argsort(-utilities, axis=1)
    ordered = np.take_along_axis(utilities, order, axis=1)
    new_group = np.ones((b, m), dtype=bool)
    np.greater(ordered[:, :-1] - ordered[:, 1:], TIE_TOLERANCE, out=new_group[:, 1:])
    positions = np.where(new_group, np.arange(m), 0)
    np.maximum.accumulate(positions, axis=1, out=positions)
    ranks = np.empty_like(positions)
    np.put_along_axis(ranks, order, positions, axis=1)
    return ranks


def _values(
    low: np.ndarray, high: np.ndarray, is_cost: np.ndarray, scale_bounds: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Normalised value bounds ``(v_at_low, v_at_high)`` of every score."""
    n = low.shape[1]
    bounds = np.full((n, 2), np.nan) if scale_bounds is None else np.asarray(scale_bounds, float)
    lowest, highest = bounds[:, 0].copy(), bounds[:, 1].copy()
    undeclared = np.isnan(lowest) | np.isnan(highest)
    lowest[undeclared] = low.min(axis=0)[undeclared]
    highest[undeclared] = high.max(axis=0)[undeclared]
    with np.errstate(over="ignore", invalid="ignore"):
        span = highest - lowest
    require_finite(span, path="criteria")
    slope = np.divide(1.0, span, out=np.zeros(n), where=span > 0)
    reference = np.where(is_cost, highest, lowest)
    factor = np.where(is_cost, -slope, slope)
    with np.errstate(over="ignore", invalid="ignore"):
        values = (low - reference) * factor, (high - reference) * factor
    require_finite(*values)
    return values


def check_size(samples: int, alternatives: int, criteria: int) -> None:
    """Refuse a run over :data:`MAX_SAMPLES`, :data:`MAX_SAMPLE_WEIGHTS` or :data:`MAX_WORK`.

    Raises:
        InputTooLarge: naming ``samples`` and the limit, before any work.
    """
    if samples > MAX_SAMPLES:
        raise InputTooLarge(
            [Problem("samples", f"too many ({samples}; høyst {MAX_SAMPLES} trekninger)")]
        )
    if samples * criteria > MAX_SAMPLE_WEIGHTS or samples * alternatives * criteria > MAX_WORK:
        most = min(MAX_SAMPLE_WEIGHTS // criteria, MAX_WORK // (alternatives * criteria))
        raise InputTooLarge(
            [
                Problem(
                    "samples",
                    f"too many for this problem ({samples} trekninger × {alternatives} "
                    f"alternativer × {criteria} kriterier; høyst {most} trekninger her)",
                )
            ]
        )


def smaa(
    score_low: np.ndarray,
    score_high: np.ndarray,
    weight_low: np.ndarray,
    weight_high: np.ndarray,
    is_cost: np.ndarray,
    *,
    samples: int = 10_000,
    seed: int = 0,
    scale_bounds: np.ndarray | None = None,
) -> SmaaResult:
    """Run SMAA-2 with the additive value model.

    Args:
        score_low: ``(m, n)`` lower score bounds (equal to ``score_high`` where exact).
        score_high: ``(m, n)`` upper score bounds.
        weight_low: ``(n,)`` lower bounds on normalised weights.
        weight_high: ``(n,)`` upper bounds on normalised weights.
        is_cost: ``(n,)`` True where less is better.
        samples: Number of Monte Carlo draws (at least 1).
        seed: Seed of the random generator.
        scale_bounds: Optional ``(n, 2)`` declared scales, NaN where none.

    Returns:
        The :class:`SmaaResult`.
    """
    m, n = score_low.shape
    if m == 0 or n == 0:
        raise InputError([Problem("alternatives", "empty matrix (ingen data å analysere)")])
    if samples < 1:
        raise InputError([Problem("samples", "must be at least 1")])
    check_size(samples, m, n)
    if not (np.isfinite(score_low).all() and np.isfinite(score_high).all()):
        raise InputError(
            [Problem("alternatives", "not finite (NaN eller uendelig er ikke tillatt)")]
        )
    value_low, value_high = _values(score_low, score_high, np.asarray(is_cost, bool), scale_bounds)
    rng = np.random.Generator(np.random.PCG64(seed))
    weights = sample_weights(rng, weight_low, weight_high, samples)
    value_span = value_high - value_low
    stochastic = bool(np.any(value_span != 0))
    block = max(1, _BLOCK_ELEMENTS // (m * n)) if stochastic else max(1, _BLOCK_ELEMENTS // m)

    counts = np.zeros(m * m, dtype=np.int64)
    central_sum = np.zeros((m, n))
    offsets = np.arange(m) * m
    span32 = value_span.astype(np.float32)
    for start in range(0, samples, block):
        w = weights[start : start + block]
        utilities = np.einsum("bn,mn->bm", w, value_low)
        if stochastic:
            utilities += _random_part(rng, w, span32)
        ranks = _ranks_rows(utilities)
        counts += np.bincount((ranks + offsets).ravel(), minlength=m * m)
        rows, firsts = np.nonzero(ranks == 0)
        for j in range(n):
            central_sum[:, j] += np.bincount(firsts, weights=w[rows, j], minlength=m)
    counts_matrix = counts.reshape(m, m)
    acceptability = counts_matrix / samples
    first = counts_matrix[:, 0]
    central = np.full((m, n), np.nan)
    has_first = first > 0
    central[has_first] = central_sum[has_first] / first[has_first, None]
    confidence = _confidence(rng, central, value_low, value_high, samples if stochastic else 1)
    return SmaaResult(acceptability, central, confidence, weights, samples, seed)


def _random_part(rng: np.random.Generator, w: np.ndarray, span32: np.ndarray) -> np.ndarray:
    """Utility from the random position of every score inside its interval, for weights ``w``.

    Draws are single precision: their resolution (6e-8) is far below the Monte Carlo error.
    """
    m, n = span32.shape
    draws = rng.random((w.shape[0], m, n), dtype=np.float32)
    draws *= span32
    return np.matmul(draws, w.astype(np.float32)[:, :, None])[:, :, 0]


def _confidence(
    rng: np.random.Generator,
    central: np.ndarray,
    value_low: np.ndarray,
    value_high: np.ndarray,
    rounds: int,
) -> np.ndarray:
    """Confidence factors: share of score draws in which each alternative wins at its central
    weights.

    Only alternatives that can reach some winner's lowest possible value under that winner's
    central weights are drawn; the others lose in every draw, so leaving them out changes no
    outcome. The draws are fresh, independent of the first pass, and shared by all winners.
    Each block of draws is multiplied by every winner's central weights in matrix products
    of at most :data:`_SMALL_PRODUCT` multiply-adds each, which BLAS runs on one thread.
    """
    m, n = value_low.shape
    confidence = np.zeros(m)
    winners = np.flatnonzero(~np.isnan(central[:, 0]))
    if winners.size == 0:
        return confidence
    k = winners.size
    weights = central[winners]
    floor = np.einsum("kn,kn->k", weights, np.minimum(value_low, value_high)[winners])
    reach = np.einsum("kn,mn->km", weights, np.maximum(value_low, value_high))
    contenders = reach >= floor[:, None] - _CONTENDER_MARGIN
    contenders[np.arange(k), winners] = True
    drawn = np.flatnonzero(contenders.any(axis=0))
    base = value_low[drawn].astype(np.float32)[:, None, :]
    span = (value_high - value_low)[drawn].astype(np.float32)[:, None, :]
    local = np.full(m, -1)
    local[drawn] = np.arange(drawn.size)
    own = local[winners]
    weights_t = np.ascontiguousarray(weights.T, dtype=np.float32)
    hits = np.zeros(k)
    # Draws per matrix product (rows), and per block: a whole number of products.
    rows = max(1, _SMALL_PRODUCT // (n * k)) if rounds > 1 else 1
    block = rows * max(1, _BLOCK_ELEMENTS // (drawn.size * max(n, k) * rows))
    for start in range(0, rounds, block):
        size = min(block, rounds - start)
        padded = -(-size // rows) * rows
        if rounds > 1:
            values = rng.random((drawn.size, padded, n), dtype=np.float32)
            values *= span
            values += base
        else:
            values = base
        # utilities[j, s, i]: alternative j in draw s under winner i's central weights.
        stacked = values.reshape(drawn.size, padded // rows, rows, n)
        utilities = np.matmul(stacked, weights_t).reshape(drawn.size, padded, k)[:, :size]
        mine = utilities[own, :, np.arange(k)]
        best = utilities.max(axis=0).T
        hits += np.count_nonzero(mine >= best - TIE_TOLERANCE, axis=1)
    confidence[winners] = hits / rounds
    return confidence
