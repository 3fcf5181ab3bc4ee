"""SMAA-2: reproducibility, sampling, and the three outputs."""

from __future__ import annotations

import numpy as np
import pytest

from losen.domain.errors import InputError
from losen.domain.mcda.smaa import _confidence, _hit_and_run, sample_weights, smaa


def _problem():
    rng = np.random.default_rng(7)
    low = rng.uniform(0, 10, size=(12, 4))
    high = low + rng.uniform(0, 2, size=(12, 4))
    return low, high, np.array([False, True, False, False])


def test_same_seed_same_answer_and_another_seed_differs():
    low, high, cost = _problem()
    args = (low, high, np.zeros(4), np.ones(4), cost)
    first = smaa(*args, samples=3000, seed=11)
    again = smaa(*args, samples=3000, seed=11)
    other = smaa(*args, samples=3000, seed=12)
    assert np.array_equal(first.rank_acceptability, again.rank_acceptability)
    assert np.array_equal(first.confidence, again.confidence)
    assert np.array_equal(first.central_weights, again.central_weights, equal_nan=True)
    assert not np.array_equal(first.rank_acceptability, other.rank_acceptability)


def test_acceptabilities_are_shares_and_central_weights_are_weightings():
    low, high, cost = _problem()
    result = smaa(low, high, np.zeros(4), np.ones(4), cost, samples=4000, seed=1)
    assert result.rank_acceptability.sum(axis=1) == pytest.approx(np.ones(12))
    assert result.rank_acceptability[:, 0].sum() == pytest.approx(1.0)
    winners = result.rank_acceptability[:, 0] > 0
    assert result.central_weights[winners].sum(axis=1) == pytest.approx(np.ones(winners.sum()))
    assert np.isnan(result.central_weights[~winners]).all()
    assert ((result.confidence >= 0) & (result.confidence <= 1)).all()
    assert (result.confidence[~winners] == 0).all()


def test_dominating_alternative_is_always_first():
    """An alternative best on every criterion wins under every weighting: b1 = 1, pc = 1."""
    values = np.array([[9.0, 9.0, 9.0], [5.0, 8.0, 1.0], [8.0, 2.0, 7.0]])
    result = smaa(values, values, np.zeros(3), np.ones(3), np.zeros(3, bool), samples=2000)
    assert result.rank_acceptability[0].tolist()[0] == 1.0
    assert result.confidence[0] == 1.0


def test_two_criteria_acceptability_matches_the_analytic_share():
    """A = (1, 0), B = (0, 1), C = (0.6, 0.6) on [0, 1] with w1 ~ U(0, 1): A wins when
    w1 > 0.6, B when w1 < 0.4, C in between, so b1 = 0.4, 0.4, 0.2."""
    values = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
    result = smaa(values, values, np.zeros(2), np.ones(2), np.zeros(2, bool), samples=40000)
    assert result.rank_acceptability[:, 0] == pytest.approx([0.4, 0.4, 0.2], abs=0.01)
    assert result.central_weights[0, 0] == pytest.approx(0.8, abs=0.01)


@pytest.mark.parametrize("n", [3, 5, 8])
def test_hit_and_run_matches_the_uniform_simplex(n):
    """With the box [0, 1]^n the chains must reproduce Dirichlet(1): E w = 1/n,
    P(w1 > 1/2) = (1/2)^(n-1) and E w1 w2 = 1 / (n (n + 1))."""
    rng = np.random.Generator(np.random.PCG64(3))
    w = _hit_and_run(rng, np.zeros(n), np.ones(n), 40000)
    assert w.sum(axis=1) == pytest.approx(np.ones(40000))
    assert w.mean(axis=0) == pytest.approx(np.full(n, 1 / n), abs=0.005)
    assert (w[:, 0] > 0.5).mean() == pytest.approx(0.5 ** (n - 1), abs=0.01)
    assert (w[:, 0] * w[:, 1]).mean() == pytest.approx(1 / (n * (n + 1)), rel=0.05)


def test_interval_weights_stay_in_their_box():
    rng = np.random.Generator(np.random.PCG64(5))
    low = np.array([0.05, 0.05, 0.5, 0.0])
    high = np.array([0.1, 0.3, 0.6, 1.0])
    w = sample_weights(rng, low, high, 5000)
    assert (w >= low - 1e-12).all() and (w <= high + 1e-12).all()
    assert w.sum(axis=1) == pytest.approx(np.ones(5000))


def test_impossible_weight_intervals_are_input_errors():
    rng = np.random.Generator(np.random.PCG64(0))
    with pytest.raises(InputError, match="cannot sum to 1"):
        sample_weights(rng, np.array([0.6, 0.6]), np.array([0.9, 0.9]), 10)


def test_confidence_matches_a_brute_force_estimate():
    """Confidence compares each winner with its contenders only; a plain Monte Carlo over
    every alternative at the same central weights must agree within sampling error."""
    rng = np.random.default_rng(21)
    low = rng.uniform(0, 10, size=(25, 3))
    high = low + rng.uniform(0, 3, size=(25, 3))
    cost = np.array([False, True, False])
    result = smaa(low, high, np.zeros(3), np.ones(3), cost, samples=20000, seed=2)
    winners = np.flatnonzero(result.rank_acceptability[:, 0] > 0)
    assert winners.size >= 2
    draws = rng.uniform(low, high, size=(20000, *low.shape))
    reference = np.where(cost, high.max(axis=0), low.min(axis=0))
    span = high.max(axis=0) - low.min(axis=0)
    values = np.where(cost, reference - draws, draws - reference) / span
    for i in winners:
        utilities = values @ result.central_weights[i]
        expected = np.mean(utilities[:, i] >= utilities.max(axis=1) - 1e-12)
        assert result.confidence[i] == pytest.approx(expected, abs=0.015)
    assert result.confidence.max() < 1


def test_confidence_against_the_analytic_shares():
    """One criterion, values already on [0, 1]: A ~ U(0.7, 1), B = 0.8, C ~ U(0, 0.85),
    D = 0.1; A and B have central weight 1. A wins when A >= 0.8 and A >= C:
    (0.85² - 0.8²) / (2 · 0.85 · 0.3) + 0.15 / 0.3 = 0.6618; B wins when A <= 0.8 and
    C <= 0.8: (0.1 / 0.3)(0.8 / 0.85) = 0.3137. C, never a winner itself, still counts."""
    low = np.array([[0.7], [0.8], [0.0], [0.1]])
    high = np.array([[1.0], [0.8], [0.85], [0.1]])
    central = np.array([[1.0], [1.0], [np.nan], [np.nan]])
    rng = np.random.Generator(np.random.PCG64(8))
    confidence = _confidence(rng, central, low, high, 200_000)
    assert confidence[0] == pytest.approx((0.85**2 - 0.8**2) / (2 * 0.85 * 0.3) + 0.5, abs=0.005)
    assert confidence[1] == pytest.approx(0.1 / 0.3 * 0.8 / 0.85, abs=0.005)
    assert confidence[2:].tolist() == [0.0, 0.0]
