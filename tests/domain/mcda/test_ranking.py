"""Weighted sum and TOPSIS: golden examples, agreement with peers, ties and properties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from losen.domain.errors import InputError
from losen.domain.mcda.model import Method
from losen.domain.mcda.ranking import competition_ranks, rank, topsis, weighted_sum

FIGHTERS = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
FIGHTER_WEIGHTS = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
FIGHTER_COST = np.array([False, False, False, True, False, False])


def test_topsis_golden_fighter_aircraft():
    """Hwang & Yoon (1981), *Multiple Attribute Decision Making*, Springer, ch. 3: choosing
    one of four fighter aircraft on max speed, ferry range, max payload, purchase cost (a
    cost), reliability and manoeuvrability, weights 0.2/0.1/0.1/0.1/0.2/0.3.

    Hand calculation (4 decimals): column norms 4.2814, 4096.34, 39560.08, 10.8513, 10.3923,
    13.4164. Weighted normalised rows: A1 (.0934 .0366 .0506 .0507 .0962 .2012),
    A2 (.1168 .0659 .0455 .0599 .0577 .1118), A3 (.0841 .0488 .0531 .0415 .1347 .1565),
    A4 (.1028 .0439 .0506 .0461 .0962 .1118). Ideal (.1168 .0659 .0531 .0415 .1347 .2012),
    negative ideal (.0841 .0366 .0455 .0599 .0577 .1118). D+ = .0546 .1197 .0580 .1009,
    D- = .0984 .0439 .0920 .0458, so C = D-/(D+ + D-) = .643 .268 .614 .312 and the order is
    A1, A3, A4, A2.
    """
    result = topsis(FIGHTERS, FIGHTER_WEIGHTS, FIGHTER_COST)
    assert result.scores == pytest.approx([0.643, 0.268, 0.614, 0.312], abs=5e-4)
    assert result.order.tolist() == [0, 2, 3, 1]
    assert result.ranks.tolist() == [1, 4, 2, 3]


def test_weighted_sum_golden_triantaphyllou_with_tie():
    """Triantaphyllou (2000), *Multi-Criteria Decision Making Methods: A Comparative Study*,
    Kluwer, ch. 2, WSM example: weights 0.20/0.15/0.40/0.25, A1 = (25, 20, 15, 30),
    A2 = (10, 30, 20, 30), A3 = (30, 10, 30, 10); WSM scores 21.50, 22.00, 22.00.

    By hand: A1 = 5 + 3 + 6 + 7.5 = 21.5; A2 = 2 + 4.5 + 8 + 7.5 = 22; A3 = 6 + 1.5 + 12 +
    2.5 = 22. With every criterion on a declared scale 0–100 our normalised scores are these
    divided by 100, and A2 and A3 share rank 1 (ranks 1, 1, 3 as "1, 2, 2, 4" style ties).
    """
    matrix = np.array([[25, 20, 15, 30], [10, 30, 20, 30], [30, 10, 30, 10]], dtype=float)
    scale = np.tile([0.0, 100.0], (4, 1))
    result = weighted_sum(matrix, np.array([0.2, 0.15, 0.4, 0.25]), np.zeros(4, bool), scale)
    assert result.scores == pytest.approx([0.215, 0.22, 0.22])
    assert result.ranks.tolist() == [3, 1, 1]
    assert result.order.tolist() == [1, 2, 0]
    assert result.contributions().sum(axis=1) == pytest.approx(result.scores)


def test_ties_share_the_best_rank_of_their_group():
    """Scores 5, 3, 3, 1 rank 1, 2, 2, 4; tied alternatives keep input order."""
    ranks, order = competition_ranks(np.array([3.0, 5.0, 1.0, 3.0]))
    assert ranks.tolist() == [2, 1, 4, 2]
    assert order.tolist() == [1, 0, 3, 2]


def test_declared_scale_means_adding_an_alternative_never_reorders_others():
    """With declared scales, values do not depend on the other alternatives."""
    matrix = np.array([[3.0, 20.0], [4.0, 60.0], [2.0, 10.0]])
    scale = np.array([[0.0, 5.0], [0.0, 100.0]])
    weights = np.array([0.6, 0.4])
    cost = np.array([False, True])
    before = weighted_sum(matrix, weights, cost, scale)
    after = weighted_sum(np.vstack([matrix, [[5.0, 0.0]]]), weights, cost, scale)
    assert after.scores[:3] == pytest.approx(before.scores)
    assert before.scores == pytest.approx(
        [0.6 * 0.6 + 0.4 * 0.8, 0.6 * 0.8 + 0.4 * 0.4, 0.6 * 0.4 + 0.4 * 0.9]
    )


def test_cost_criteria_are_reversed_and_min_max_used_without_scale():
    """Min–max: the cheapest gets 1 on a cost criterion, the dearest 0."""
    result = weighted_sum(np.array([[10.0], [20.0], [15.0]]), np.array([1.0]), np.array([True]))
    assert result.scores.tolist() == [1.0, 0.0, 0.5]


def test_constant_column_without_scale_contributes_nothing():
    result = weighted_sum(
        np.array([[1.0, 7.0], [2.0, 7.0]]), np.array([1.0, 1.0]), np.zeros(2, bool)
    )
    assert result.contributions()[:, 1].tolist() == [0.0, 0.0]


def test_empty_matrix_and_bad_weights_raise_input_error():
    with pytest.raises(InputError, match="empty matrix"):
        weighted_sum(np.empty((0, 2)), np.array([1.0, 1.0]), np.zeros(2, bool))
    with pytest.raises(InputError, match="sum to zero"):
        topsis(np.ones((2, 2)), np.zeros(2), np.zeros(2, bool))


def _skcriteria(matrix, weights, cost, method):
    import skcriteria as skc
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.pipelines import mkpipe
    from skcriteria.preprocessing.invert_objectives import NegateMinimize
    from skcriteria.preprocessing.scalers import MinMaxScaler, VectorScaler

    objectives = [min if c else max for c in cost]
    dm = skc.mkdm(matrix, objectives, weights=weights)
    if method == "wsm":
        pipe = mkpipe(NegateMinimize(), MinMaxScaler(target="matrix"), WeightedSumModel())
        result = pipe.evaluate(dm)
        return result.e_.score, result.rank_
    if method == "topsis-negated":
        pipe = mkpipe(NegateMinimize(), VectorScaler(target="matrix"), TOPSIS())
    else:
        pipe = mkpipe(VectorScaler(target="matrix"), TOPSIS())
    result = pipe.evaluate(dm)
    return result.e_.similarity, result.rank_


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_scikit_criteria_and_pymcdm(seed):
    """Same numbers as scikit-criteria (NegateMinimize + MinMaxScaler + WeightedSumModel;
    VectorScaler + TOPSIS, with and without NegateMinimize first) and pymcdm (TOPSIS, vector
    normalisation)."""
    from pymcdm.methods import TOPSIS as PymcdmTopsis
    from pymcdm.normalizations import vector_normalization

    rng = np.random.default_rng(seed)
    matrix = rng.uniform(1, 100, size=(30, 5))
    weights = rng.uniform(0.1, 1, size=5)
    weights /= weights.sum()
    cost = np.array([False, True, False, True, False])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk_wsm, sk_wsm_rank = _skcriteria(matrix, weights, cost, "wsm")
        sk_top, sk_top_rank = _skcriteria(matrix, weights, cost, "topsis")
        sk_neg, sk_neg_rank = _skcriteria(matrix, weights, cost, "topsis-negated")
        types = np.where(cost, -1, 1)
        pm_top = PymcdmTopsis(normalization_function=vector_normalization)(matrix, weights, types)
    ours_wsm = weighted_sum(matrix, weights, cost)
    ours_top = topsis(matrix, weights, cost)
    assert ours_wsm.scores == pytest.approx(sk_wsm, abs=1e-12)
    assert ours_wsm.ranks.tolist() == list(sk_wsm_rank)
    assert ours_top.scores == pytest.approx(sk_top, abs=1e-12)
    assert ours_top.scores == pytest.approx(pm_top, abs=1e-12)
    assert ours_top.ranks.tolist() == list(sk_top_rank)
    assert ours_top.scores == pytest.approx(sk_neg, abs=1e-12)
    assert ours_top.ranks.tolist() == list(sk_neg_rank)


matrices = st.integers(2, 8).flatmap(
    lambda m: st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (m, n), elements=st.integers(0, 20).map(float)),
            arrays(np.float64, (n,), elements=st.integers(1, 10).map(float)),
            arrays(np.bool_, (n,)),
        )
    )
)


@settings(max_examples=80, deadline=None)
@given(matrices, st.floats(0.01, 1000), st.sampled_from(list(Method)))
def test_positive_rescaling_of_weights_keeps_the_ranking(case, factor, method):
    """Multiplying every weight by the same positive number changes no rank."""
    matrix, weights, cost = case
    first = rank(matrix, weights, cost, method)
    second = rank(matrix, weights * factor, cost, method)
    assert first.ranks.tolist() == second.ranks.tolist()


@settings(max_examples=80, deadline=None)
@given(matrices, st.sampled_from(list(Method)), st.data())
def test_dominated_alternative_is_never_ranked_above_its_dominator(case, method, data):
    """If A is at least as good as B on every criterion, B's rank is not better than A's."""
    matrix, weights, cost = case
    m, n = matrix.shape
    a, b = data.draw(st.sampled_from([(i, j) for i in range(m) for j in range(m) if i != j]))
    worse = data.draw(arrays(np.float64, (n,), elements=st.integers(0, 5).map(float)))
    matrix = matrix.copy()
    matrix[b] = np.where(cost, matrix[a] + worse, matrix[a] - worse)
    result = rank(matrix, weights, cost, method)
    assert result.ranks[b] >= result.ranks[a]


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 400), elements=st.integers(0, 6).map(float)))
def test_competition_ranks_match_a_plain_definition(scores):
    """Rank = 1 + number of strictly higher scores; order by rank, ties in input order."""
    ranks, order = competition_ranks(scores)
    expected = np.array([1 + int(np.sum(scores > value)) for value in scores])
    assert ranks.tolist() == expected.tolist()
    assert order.tolist() == np.lexsort((np.arange(scores.size), expected)).tolist()
