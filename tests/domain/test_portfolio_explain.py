"""The facts a solved portfolio states: what is chosen, what the next money buys, what goes
first, and why nothing fits (worded in tests/apps/criteria)."""

from __future__ import annotations

from losen.domain.explain import CODES, Fact
from losen.domain.portfolio import parse_portfolio, solve_portfolio
from losen.domain.portfolio.explain import portfolio_facts, value_fact

EXAMPLE = {
    "budget": 8_500_000,
    "candidates": [
        {"id": "k1", "name": "Hjemmetjeneste", "cost": 5_000_000, "value": 40, "mandatory": True},
        {"id": "k2", "name": "Ambulant, stor", "cost": 4_200_000, "value": 30, "group": "amb"},
        {"id": "k3", "name": "Ambulant, liten", "cost": 2_500_000, "value": 22, "group": "amb"},
        {"id": "k4", "name": "Dagtilbud", "cost": 1_500_000, "value": 12, "requires": ["k3"]},
    ],
}


def _facts(data):
    problem = parse_portfolio(data)
    result = solve_portfolio(problem)
    names = {c.id: c.name for c in problem.candidates}
    costs = {c.id: c.cost for c in problem.candidates}
    facts = portfolio_facts(result, names, costs, problem.budget)
    for fact in facts:
        assert set(fact.params) == set(CODES[fact.code]), fact.code
    return facts


def test_chosen_next_in_and_first_out():
    """The docs example: k1 + k3 (7.5 M) of 8.5 M; k4 comes in with 0.5 M more; k3 goes
    first."""
    facts = _facts(EXAMPLE)
    assert facts == [
        Fact(
            "portfolio.chosen",
            {
                "count": 2,
                "total_cost": 7_500_000.0,
                "budget": 8_500_000.0,
                "leftover": 1_000_000.0,
            },
        ),
        Fact(
            "portfolio.next_in",
            {"names": ["Dagtilbud"], "added_cost": 1_500_000.0, "extra_cost": 500_000.0},
        ),
        Fact("portfolio.first_out", {"names": ["Ambulant, liten"]}),
    ]


def test_infeasible_passes_the_reasons_on():
    data = {**EXAMPLE, "budget": 4_000_000}
    (fact,) = _facts(data)
    assert fact.code == "portfolio.infeasible"
    assert len(fact.params["reasons"]) == 1
    assert "Hjemmetjeneste" in fact.params["reasons"][0]


def test_value_fact():
    assert value_fact(
        persons=12,
        benefit="stor",
        benefit_value=3,
        severity="stor",
        severity_weight=7 / 3,
        value=84.0,
    ) == Fact(
        "portfolio.value",
        {
            "persons": 12,
            "benefit": "stor",
            "benefit_value": 3,
            "severity": "stor",
            "severity_weight": 7 / 3,
            "value": 84.0,
        },
    )
