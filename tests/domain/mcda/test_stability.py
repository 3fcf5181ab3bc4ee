"""Weight stability: the interval of one weight within which the leader stays first."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from losen.domain.mcda.ranking import topsis, weighted_sum
from losen.domain.mcda.stability import weight_stability

MATRIX = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 1.0, 2.0]])
WEIGHTS = np.array([0.5, 0.3, 0.2])
COST = np.array([False, True, False])


def _leader_at(ranking_fn, j, t):
    others = WEIGHTS.copy()
    others[j] = 0
    weights = others / others.sum() * (1 - t)
    weights[j] = t
    return int(ranking_fn(MATRIX, weights, COST).order[0])


def test_weighted_sum_interval_is_exact():
    """Third row leads; on criterion 3 it stays first up to t = 11/27.

    Values: row 3 (1, 1, 0), row 2 (0.5, 0, 1). With t on criterion 3 and the rest shared
    0.625/0.375: row 3 scores 1 - t, row 2 scores 0.3125 (1 - t) + t; equal at t = 0.6875 /
    1.6875 = 11/27 ≈ 0.4074.
    """
    ranking = weighted_sum(MATRIX, WEIGHTS, COST)
    intervals = weight_stability(ranking)
    assert [i.lower for i in intervals[:2]] == [0.0, 0.0]
    assert [i.upper for i in intervals[:2]] == [1.0, 1.0]
    assert intervals[2].lower == 0.0
    assert intervals[2].upper == pytest.approx(11 / 27, abs=1e-9)
    assert intervals[2].upper_rival == 1
    assert _leader_at(weighted_sum, 2, 11 / 27 - 1e-6) == 2
    assert _leader_at(weighted_sum, 2, 11 / 27 + 1e-6) == 1


def test_topsis_interval_matches_a_brute_force_scan():
    """The TOPSIS bound is where a fine scan of the weight sees the leader change."""
    ranking = topsis(MATRIX, WEIGHTS, COST)
    interval = weight_stability(ranking)[2]
    coarse = np.linspace(0.0, interval.upper - 1e-6, 200)
    assert all(_leader_at(topsis, 2, t) == 2 for t in coarse)
    fine = np.linspace(interval.upper - 0.002, interval.upper + 0.002, 401)
    first_bad = next(t for t in fine if _leader_at(topsis, 2, t) != 2)
    assert interval.upper == pytest.approx(first_bad, abs=2e-5)
    assert 0.2 < interval.upper < 1
    assert interval.lower == 0.0
    assert interval.weight == pytest.approx(0.2)


def test_single_criterion_is_trivially_stable():
    ranking = weighted_sum(np.array([[1.0], [2.0]]), np.array([3.0]), np.array([False]))
    (interval,) = weight_stability(ranking)
    assert (interval.lower, interval.upper) == (1.0, 1.0)


def _at(weights, j, t):
    others = weights.copy()
    others[j] = 0
    total = others.sum()
    shares = others / total if total > 0 else np.where(np.arange(weights.size) == j, 0.0, 1.0)
    shares = shares / shares.sum()
    moved = shares * (1 - t)
    moved[j] = t
    return moved


cases = st.integers(2, 7).flatmap(
    lambda m: st.integers(2, 5).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (m, n), elements=st.integers(0, 20).map(float)),
            arrays(np.float64, (n,), elements=st.integers(1, 10).map(float)),
            arrays(np.bool_, (n,)),
        )
    )
)


@settings(max_examples=80, deadline=None)
@given(cases, st.floats(0.0, 1.0))
def test_weighted_sum_interval_is_exact_on_random_matrices(case, u):
    """Inside the interval the leader is never beaten; just past a finite bound the named
    rival is strictly ahead."""
    matrix, weights, cost = case
    ranking = weighted_sum(matrix, weights, cost)
    leader = int(ranking.order[0])
    values = ranking.normalised()
    for interval in weight_stability(ranking):
        j = interval.criterion
        assert interval.lower <= interval.weight <= interval.upper
        inside = values @ _at(
            ranking.weights, j, interval.lower + u * (interval.upper - interval.lower)
        )
        assert inside[leader] >= inside.max() - 1e-9
        for bound, rival, step in (
            (interval.upper, interval.upper_rival, 1e-7),
            (interval.lower, interval.lower_rival, -1e-7),
        ):
            if rival is None:
                continue
            outside = values @ _at(ranking.weights, j, bound + step)
            assert outside[rival] > outside[leader]
