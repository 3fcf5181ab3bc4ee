"""The interim decision engine behind losen.apps.priorities.engine."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from losen.apps.priorities import engine

A = ("a", "A", {"nytte": 4, "alvorlighet": 2, "ressurs": 1})
B = ("b", "B", {"nytte": 1, "alvorlighet": 4, "ressurs": 4})
C = ("c", "C", {"nytte": 2, "alvorlighet": 2, "ressurs": 2})


def test_rank_follows_the_weights_and_contributions_add_up():
    benefit_heavy = engine.rank([A, B, C], {"nytte": 80, "alvorlighet": 10, "ressurs": 10})
    severity_heavy = engine.rank([A, B, C], {"nytte": 0, "alvorlighet": 100, "ressurs": 0})
    assert benefit_heavy[0].name == "A"
    assert severity_heavy[0].name == "B"
    for row in benefit_heavy:
        assert abs(sum(row.contributions.values()) - row.total) < 1e-9
    # A: nytte 4/4 * 0.8 + alvorlighet 1/3 * 0.1 + ressurs 3/3 * 0.1
    assert abs(benefit_heavy[0].total - (0.8 + 0.1 / 3 + 0.1)) < 1e-9


def test_ties_share_a_rank():
    twin = ("d", "D", dict(C[2]))
    ranking = engine.rank([C, twin], {"nytte": 1, "alvorlighet": 1, "ressurs": 1})
    assert [r.rank for r in ranking] == [1, 1]


def test_weight_stability_contains_the_current_weight_and_is_exact_at_the_edge():
    weights = {"nytte": 50, "alvorlighet": 30, "ressurs": 20}
    for s in engine.weight_stability([A, B], weights):
        assert s.low <= s.current <= s.high
    severity = next(
        s for s in engine.weight_stability([A, B], weights) if s.criterion == "alvorlighet"
    )
    # Beyond the upper edge B must win; inside, A stays first.
    edge = min(severity.high + 0.02, 1.0)
    rest = 1 - edge
    trial = {"alvorlighet": edge, "nytte": rest * 50 / 70, "ressurs": rest * 20 / 70}
    assert severity.high < 1.0
    assert engine.rank([A, B], trial)[0].name == "B"


def test_acceptability_shares_sum_to_one_and_a_dominated_option_never_wins():
    dominated = ("z", "Z", {"nytte": 0, "alvorlighet": 1, "ressurs": 4})
    result = engine.acceptability([A, B, C, dominated], samples=500)
    assert abs(sum(a.first for a in result) - 1) < 1e-9
    for a in result:
        assert abs(sum(a.ranks) - 1) < 1e-9
    assert next(a for a in result if a.name == "Z").first == 0


candidates = st.lists(
    st.tuples(
        st.integers(1, 10), st.floats(0, 1), st.booleans(), st.sampled_from(["", "", "x", "y"])
    ),
    min_size=1,
    max_size=7,
)


@settings(max_examples=60, deadline=None)
@given(candidates, st.integers(0, 40), st.data())
def test_portfolio_is_optimal_and_honours_every_constraint(rows, budget, data):
    items = [
        engine.Candidate(f"k{i}", f"n{i}", cost, round(value, 3), mandatory, group)
        for i, (cost, value, mandatory, group) in enumerate(rows)
    ]
    if len(items) > 1 and data.draw(st.booleans()):
        items[0] = engine.Candidate(**{**items[0].__dict__, "requires": "k1"})
    result = engine.portfolio(items, budget)
    by_key = {c.key: c for c in items}

    def ok(keys):
        chosen = [by_key[k] for k in keys]
        groups = [c.exclusive_group for c in chosen if c.exclusive_group]
        return (
            sum(c.cost_nok for c in chosen) <= budget
            and all(c.key in keys for c in items if c.mandatory)
            and len(groups) == len(set(groups))
            and all(c.requires is None or c.requires in keys for c in chosen)
        )

    feasible = [
        set(combo)
        for n in range(len(items) + 1)
        for combo in itertools.combinations(by_key, n)
        if ok(set(combo))
    ]
    assert result.feasible == bool(feasible)
    if feasible:
        assert ok(set(result.chosen))
        best = max(round(sum(by_key[k].value for k in s), 9) for s in feasible)
        assert abs(result.value - best) < 1e-9
        if result.first_out:
            assert set(result.first_out) <= set(result.chosen)
            assert not any(by_key[k].mandatory for k in result.first_out)
