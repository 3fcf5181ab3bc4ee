"""What a budget portfolio says, as facts for the translated layer to word.

The codes and their params are listed in :data:`losen.domain.explain.CODES`:

* ``portfolio.chosen``: ``count`` measures chosen for ``total_cost`` of the ``budget``, with
  ``leftover`` (budget minus total cost) left;
* ``portfolio.next_in``: what the next money buys (PBMA-style marginal analysis, Mitton and
  Donaldson 2004): the ``names`` of the measures that enter at the next point of the
  efficient frontier, their ``added_cost`` together, and ``extra_cost``, how much the budget lacks
  for today's choice plus them (exact when the next point only adds measures; when it also
  drops some, the money needed is less);
* ``portfolio.first_out``: the ``names`` of what goes first if the budget shrinks;
* ``portfolio.infeasible`` and ``portfolio.time_limit``: the solver's ``reasons``, as they are;
* ``portfolio.value``: the value model of one measure (persons reached × benefit per person ×
  severity weight, :mod:`losen.domain.portfolio.value`).
"""

from __future__ import annotations

from collections.abc import Mapping

from losen.domain.explain import Fact
from losen.domain.portfolio.model import PortfolioResult, Status


def portfolio_facts(
    result: PortfolioResult,
    names: Mapping[str, str],
    costs: Mapping[str, float],
    budget: float,
) -> list[Fact]:
    """Facts about a solved portfolio.

    Args:
        result: The answer of :func:`~losen.domain.portfolio.solve_portfolio`.
        names: Candidate id → name (an id without a name is shown as the id).
        costs: Candidate id → cost, in the budget's unit.
        budget: The budget.

    Returns:
        ``[portfolio.infeasible]`` when no portfolio meets the requirements; otherwise
        ``portfolio.chosen``, then ``portfolio.time_limit`` when the solve was cut short,
        ``portfolio.next_in`` and ``portfolio.first_out`` when they name anything.
    """
    if result.status is Status.INFEASIBLE:
        return [Fact("portfolio.infeasible", {"reasons": list(result.reasons)})]
    total = float(result.total_cost)
    facts = [
        Fact(
            "portfolio.chosen",
            {
                "count": len(result.selected),
                "total_cost": total,
                "budget": float(budget),
                "leftover": float(budget) - total,
            },
        )
    ]
    if result.status is Status.TIME_LIMIT:
        facts.append(Fact("portfolio.time_limit", {"reasons": list(result.reasons)}))
    if result.next_in:
        entering = float(sum(float(costs[i]) for i in result.next_in))
        facts.append(
            Fact(
                "portfolio.next_in",
                {
                    "names": [names.get(i, i) for i in result.next_in],
                    "added_cost": entering,
                    "extra_cost": max(0.0, total + entering - float(budget)),
                },
            )
        )
    if result.first_out:
        facts.append(
            Fact("portfolio.first_out", {"names": [names.get(i, i) for i in result.first_out]})
        )
    return facts


def value_fact(
    *,
    persons: int,
    benefit: str,
    benefit_value: int,
    severity: str,
    severity_weight: float,
    value: float,
) -> Fact:
    """``portfolio.value``: ``persons`` × ``benefit_value`` (the nytte level ``benefit``) ×
    ``severity_weight`` (the alvorlighet level ``severity``) = ``value``."""
    return Fact(
        "portfolio.value",
        {
            "persons": int(persons),
            "benefit": benefit,
            "benefit_value": int(benefit_value),
            "severity": severity,
            "severity_weight": float(severity_weight),
            "value": float(value),
        },
    )
