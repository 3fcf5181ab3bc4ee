"""Budget-constrained portfolio selection (MILP) with marginal analysis.

* :mod:`~losen.domain.portfolio.model`: candidates, side constraints, the result.
* :mod:`~losen.domain.portfolio.parse`: validated input.
* :mod:`~losen.domain.portfolio.solve`: the exact solve, explanations, greedy baseline.
* :mod:`~losen.domain.portfolio.value`: the value of a measure (persons × benefit × severity
  weight) in exact integer units.
"""

from losen.domain.portfolio.model import (
    Candidate,
    ConstraintType,
    PortfolioProblem,
    PortfolioResult,
    SideConstraint,
    Status,
)
from losen.domain.portfolio.parse import parse_portfolio
from losen.domain.portfolio.solve import greedy_selection, solve_portfolio
from losen.domain.portfolio.value import (
    ValuedAlternative,
    ValueFacts,
    severity_weight,
    value_candidates,
    value_facts,
    value_units,
)

__all__ = [
    "Candidate",
    "ConstraintType",
    "PortfolioProblem",
    "PortfolioResult",
    "SideConstraint",
    "Status",
    "ValueFacts",
    "ValuedAlternative",
    "greedy_selection",
    "parse_portfolio",
    "severity_weight",
    "solve_portfolio",
    "value_candidates",
    "value_facts",
    "value_units",
]
