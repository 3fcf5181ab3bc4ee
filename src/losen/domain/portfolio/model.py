"""Portfolio selection under a budget: candidates, side constraints and the answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ConstraintType(StrEnum):
    """Kinds of side constraint over a set of candidates."""

    MIN_COUNT = "min_count"
    MAX_COUNT = "max_count"
    MAX_COST = "max_cost"


class Status(StrEnum):
    """How the solve ended."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Candidate:
    """A measure (tiltak) that may be funded.

    Attributes:
        id: Stable identifier.
        name: Human-readable name.
        cost: Yearly cost in the budget's unit (e.g. NOK); never negative.
        value: The benefit the portfolio maximises (e.g. an MCDA score times volume).
        mandatory: A service the law requires (forsvarlighet, nødvendige tjenester, hol
            § 4-1): always funded; if it cannot be, the answer is "infeasible", never a
            portfolio without it.
        group: At most one candidate per group is funded (alternative designs of one service).
        requires: Ids that must also be funded if this one is.
    """

    id: str
    name: str
    cost: float
    value: float
    mandatory: bool = False
    group: str | None = None
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class SideConstraint:
    """``min_count``/``max_count`` (``count``) or ``max_cost`` (``amount``) over ``ids``."""

    type: ConstraintType
    ids: tuple[str, ...]
    limit: float


@dataclass(frozen=True)
class PortfolioProblem:
    """A validated selection problem."""

    budget: float
    candidates: tuple[Candidate, ...]
    constraints: tuple[SideConstraint, ...] = ()


@dataclass(frozen=True)
class PortfolioResult:
    """The answer to a :class:`PortfolioProblem`.

    Attributes:
        status: ``optimal``, ``infeasible`` or ``time_limit``.
        selected: Ids funded, in input order (empty when infeasible).
        total_value: Sum of their values.
        total_cost: Sum of their costs.
        gap: Relative distance to the best possible value still not ruled out (0 when proven
            optimal; None when infeasible or no bound is known).
        next_in: What the next money buys: candidates that enter at the next point of the
            efficient frontier, the cheapest portfolio with more value.
        first_out: What goes first if the budget shrinks below the current total cost.
        reasons: Why the problem is infeasible, or notes (e.g. time limit), in bokmål.
    """

    status: Status
    selected: tuple[str, ...]
    total_value: float
    total_cost: float
    gap: float | None
    next_in: tuple[str, ...]
    first_out: tuple[str, ...]
    reasons: tuple[str, ...] = ()
