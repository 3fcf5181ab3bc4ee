"""Budget-constrained portfolio selection (MILP) with marginal analysis.

* :mod:`~losen.domain.portfolio.model`: candidates, side constraints, the result.
* :mod:`~losen.domain.portfolio.parse`: validated input.
* :mod:`~losen.domain.portfolio.solve`: the exact solve, explanations, greedy baseline.
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

__all__ = [
    "Candidate",
    "ConstraintType",
    "PortfolioProblem",
    "PortfolioResult",
    "SideConstraint",
    "Status",
    "greedy_selection",
    "parse_portfolio",
    "solve_portfolio",
]
