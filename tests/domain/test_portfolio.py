"""Portfolio selection: exact optimum, mandatory services, groups, requires, side constraints,
infeasibility reasons, marginal lists and properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.errors import InputError
from losen.domain.portfolio import Status, greedy_selection, parse_portfolio, solve_portfolio


def _data():
    return {
        "budget": 100,
        "candidates": [
            {"id": "a", "name": "Lovpålagt", "cost": 40, "value": 10, "mandatory": True},
            {"id": "b", "name": "B", "cost": 30, "value": 9},
            {"id": "c", "name": "C", "cost": 30, "value": 8, "group": "g"},
            {"id": "d", "name": "D", "cost": 20, "value": 7, "group": "g"},
            {"id": "e", "name": "E", "cost": 25, "value": 5, "requires": ["b"]},
        ],
    }


def test_optimum_with_group_and_marginals():
    """Budget 100 with a mandatory 40: best is a+b+c (value 27, cost 100). The next point up
    the frontier (a+b+d+e, cost 115, value 31) brings in d and e; shrinking drops c."""
    result = solve_portfolio(parse_portfolio(_data()))
    assert result.status is Status.OPTIMAL
    assert result.selected == ("a", "b", "c")
    assert (result.total_value, result.total_cost, result.gap) == (27.0, 100.0, 0.0)
    assert result.next_in == ("d", "e")
    assert result.first_out == ("c",)


def test_mandatory_that_does_not_fit_is_never_dropped():
    data = _data()
    data["budget"] = 30
    result = solve_portfolio(parse_portfolio(data))
    assert result.status is Status.INFEASIBLE
    assert result.selected == ()
    assert "Lovpålagt" in result.reasons[0] and "koster 40" in result.reasons[0]


def test_conflicting_constraints_are_named():
    data = _data()
    data["constraints"] = [{"type": "min_count", "ids": ["c", "d"], "count": 2}]
    result = solve_portfolio(parse_portfolio(data))
    assert result.status is Status.INFEASIBLE
    assert "gruppen «g»" in result.reasons[0] and "constraints[0]" in result.reasons[0]
    assert "lovpålagte" not in result.reasons[0]


def test_requires_and_side_constraints_are_honoured():
    data = _data()
    data["budget"] = 200
    data["constraints"] = [
        {"type": "max_count", "ids": ["b", "c", "d", "e"], "count": 2},
        {"type": "max_cost", "ids": ["b", "e"], "amount": 30},
    ]
    result = solve_portfolio(parse_portfolio(data))
    assert result.selected == ("a", "b", "c")
    assert "e" not in result.selected


def test_bad_input_names_each_field():
    data = _data()
    data["candidates"][1]["cost"] = -5
    data["candidates"][2]["id"] = "a"
    data["candidates"][4]["requires"] = ["zz"]
    data["constraints"] = [{"type": "max_count", "ids": ["b"], "count": 1.5}]
    with pytest.raises(InputError) as caught:
        parse_portfolio(data)
    assert caught.value.lines() == [
        "candidates[1].cost: negative (kan ikke være negativ)",
        "candidates[2].id: duplicate id 'a'",
        "candidates[4].requires[0]: unknown candidate",
        "constraints[0].count: not a whole number (må være et heltall)",
    ]


def test_time_limit_returns_the_best_found_with_a_gap():
    """A 400-candidate instance under the smallest limit: optimal or stopped, the answer is a
    valid portfolio (HiGHS usually proves this one within the limit; the two tests below
    drive the stopped paths directly)."""
    rng = np.random.default_rng(3)
    weights = rng.integers(1000, 2000, 400)
    data = {
        "budget": float(weights.sum() / 2),
        "candidates": [
            {"id": f"k{i}", "cost": float(w), "value": float(w + 100 + rng.integers(0, 3))}
            for i, w in enumerate(weights)
        ],
        "constraints": [
            {"type": "max_count", "ids": [f"k{i}" for i in range(j, 400, 7)], "count": 20}
            for j in range(7)
        ],
    }
    result = solve_portfolio(parse_portfolio(data), time_limit_s=0.2, marginals=False)
    assert result.status in (Status.TIME_LIMIT, Status.OPTIMAL)
    assert result.selected
    assert result.total_cost <= data["budget"]
    if result.status is Status.TIME_LIMIT:
        assert result.gap is not None and result.gap >= 0


def _brute_force(problem):
    best = None
    n = len(problem.candidates)
    for bits in itertools.product([0, 1], repeat=n):
        chosen = [c for c, b in zip(problem.candidates, bits, strict=True) if b]
        ids = {c.id for c in chosen}
        if sum(c.cost for c in chosen) > problem.budget + 1e-9:
            continue
        if any(c.mandatory and c.id not in ids for c in problem.candidates):
            continue
        if any(r not in ids for c in chosen for r in c.requires):
            continue
        groups = [c.group for c in chosen if c.group]
        if len(groups) != len(set(groups)):
            continue
        if not all(_holds(constraint, chosen) for constraint in problem.constraints):
            continue
        value = sum(c.value for c in chosen)
        if best is None or value > best + 1e-9:
            best = value
    return best


def _holds(constraint, chosen):
    inside = [c for c in chosen if c.id in constraint.ids]
    if constraint.type.value == "min_count":
        return len(inside) >= constraint.limit
    if constraint.type.value == "max_count":
        return len(inside) <= constraint.limit
    return sum(c.cost for c in inside) <= constraint.limit + 1e-9


@st.composite
def portfolios(draw):
    n = draw(st.integers(1, 8))
    candidates = []
    for i in range(n):
        candidate = {
            "id": f"c{i}",
            "cost": draw(st.integers(0, 30)),
            "value": draw(st.integers(0, 20)),
            "mandatory": draw(st.booleans()) and draw(st.booleans()),
        }
        if draw(st.booleans()):
            candidate["group"] = draw(st.sampled_from(["x", "y"]))
        if i and draw(st.booleans()):
            candidate["requires"] = [f"c{draw(st.integers(0, i - 1))}"]
        candidates.append(candidate)
    constraints = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["min_count", "max_count", "max_cost"]))
        ids = draw(
            st.lists(st.sampled_from([c["id"] for c in candidates]), min_size=1, unique=True)
        )
        limit = {"amount": draw(st.integers(0, 60))} if kind == "max_cost" else {}
        if not limit:
            limit = {"count": draw(st.integers(0, len(ids)))}
        constraints.append({"type": kind, "ids": ids, **limit})
    return {
        "budget": draw(st.integers(0, 80)),
        "candidates": candidates,
        "constraints": constraints,
    }


@settings(max_examples=100, deadline=None)
@given(portfolios())
def test_never_over_budget_always_mandatory_and_optimal(data):
    """Properties: within budget, every mandatory candidate funded, requires, groups and side
    constraints honoured, value equals brute force; infeasible exactly when brute force finds
    nothing."""
    problem = parse_portfolio(data)
    result = solve_portfolio(problem, marginals=False)
    expected = _brute_force(problem)
    if expected is None:
        assert result.status is Status.INFEASIBLE and result.selected == ()
        return
    assert result.status is Status.OPTIMAL
    assert result.total_cost <= problem.budget + 1e-9
    mandatory = {c.id for c in problem.candidates if c.mandatory}
    assert mandatory <= set(result.selected)
    chosen = [c for c in problem.candidates if c.id in result.selected]
    assert all(set(c.requires) <= set(result.selected) for c in chosen)
    groups = [c.group for c in chosen if c.group is not None]
    assert len(groups) == len(set(groups))
    assert all(_holds(constraint, chosen) for constraint in problem.constraints)
    assert result.total_value == pytest.approx(expected)
    greedy = greedy_selection(problem)
    if greedy is not None:
        values = np.array([c.value for c in problem.candidates])
        assert values[greedy].sum() <= result.total_value + 1e-9


class _Stopped:
    """What ``scipy.optimize.milp`` returns when its time limit stops it (status 1)."""

    def __init__(self, x, gap, bound):
        self.status = 1
        self.x = x
        self.mip_gap = gap
        self.mip_dual_bound = bound


def test_time_limit_returns_the_incumbent_and_its_gap(monkeypatch):
    """When HiGHS stops at the limit with an incumbent, that portfolio and its gap are the
    answer, and no marginal lists are computed from an unproven optimum."""
    problem = parse_portfolio(_data())
    incumbent = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    monkeypatch.setattr(
        "losen.domain.portfolio.solve.milp",
        lambda *args, **kwargs: _Stopped(incumbent, 0.125, -30.0),
    )
    result = solve_portfolio(problem, time_limit_s=1)
    assert result.status is Status.TIME_LIMIT
    assert result.selected == ("a", "b", "d")
    assert (result.total_value, result.total_cost, result.gap) == (26.0, 90.0, 0.125)
    assert (result.next_in, result.first_out) == ((), ())
    assert "Tidsgrensen" in result.reasons[0]


def test_time_limit_without_incumbent_falls_back_to_greedy(monkeypatch):
    """No incumbent yet: the greedy value-per-cost portfolio (mandatory first) is returned
    with its gap to the solver's bound, never an empty answer."""
    problem = parse_portfolio(_data())
    monkeypatch.setattr(
        "losen.domain.portfolio.solve.milp",
        lambda *args, **kwargs: _Stopped(None, None, -30.0),
    )
    result = solve_portfolio(problem, time_limit_s=1)
    greedy = greedy_selection(problem)
    ids = tuple(c.id for c, chosen in zip(problem.candidates, greedy, strict=True) if chosen)
    assert result.status is Status.TIME_LIMIT
    assert result.selected == ids and "a" in ids
    assert result.total_cost <= problem.budget
    assert result.gap == pytest.approx((30.0 - result.total_value) / 30.0)
    assert "grådige" in result.reasons[0]


@settings(max_examples=60, deadline=None)
@given(
    costs=st.lists(
        st.integers(min_value=200, max_value=5_000).map(lambda k: float(k * 1_000)),
        min_size=4,
        max_size=9,
    ),
    values=st.lists(st.integers(min_value=1, max_value=50), min_size=9, max_size=9),
    max_cost_share=st.floats(min_value=0.3, max_value=0.9),
)
def test_one_krone_short_of_the_optimum_never_buys_it(costs, values, max_cost_share):
    """Kroner-scale budgets: the solver's tolerance never lets a portfolio go 1 kr over.

    HiGHS accepts 0.9999996 as 1; on costs of millions that is about a krone over budget.
    Shrinking the budget to 1 kr below the optimum's cost must give a portfolio that fits,
    and the same for a ``max_cost`` limit 1 kr below what the optimum spends on its ids.
    """
    candidates = [
        {"id": f"c{i}", "cost": cost, "value": values[i], "mandatory": i == 0}
        for i, cost in enumerate(costs)
    ]
    problem = parse_portfolio({"budget": sum(costs) * 0.8, "candidates": candidates})
    first = solve_portfolio(problem, marginals=False)
    if first.status is not Status.OPTIMAL or first.total_cost <= costs[0]:
        return
    tighter = solve_portfolio(
        parse_portfolio({"budget": first.total_cost - 1, "candidates": candidates}),
        marginals=False,
    )
    assert tighter.status is Status.OPTIMAL
    assert tighter.total_cost <= first.total_cost - 1
    chosen = [c["id"] for c in candidates[1:] if c["id"] in first.selected]
    spent = sum(c["cost"] for c in candidates if c["id"] in chosen)
    limited = solve_portfolio(
        parse_portfolio(
            {
                "budget": sum(costs),
                "candidates": candidates,
                "constraints": [{"type": "max_cost", "ids": chosen, "amount": spent - 1}],
            }
        ),
        marginals=False,
    )
    assert limited.status is Status.OPTIMAL
    cost_of = {c["id"]: c["cost"] for c in candidates}
    assert sum(cost_of[i] for i in limited.selected if i in chosen) <= spent - 1
    assert limited.total_cost <= sum(costs)
