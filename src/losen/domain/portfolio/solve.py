"""Exact budget-constrained selection as a 0/1 MILP, solved by HiGHS through scipy.

Model (binary ``x_i``, 1 = funded)::

    maximise   sum_i value_i x_i
    subject to sum_i cost_i x_i <= budget
               x_i = 1                          for every mandatory candidate
               sum_{i in g} x_i <= 1            for every group g
               x_i <= x_j                       when i requires j
               sum_{i in S} x_i >= / <= count   (min_count / max_count over S)
               sum_{i in S} cost_i x_i <= amount (max_cost over S)

Why HiGHS through ``scipy.optimize.milp``: it ships with scipy (no extra dependency), reports
the gap and returns its incumbent on a time limit (scipy ≥ 1.9.0, see scipy issue 16545), and
in ``benchmarks/`` it proves optimality on a 5 000-candidate instance with 50 side
constraints faster than CBC through PuLP. HiGHS's presolve is switched off: on that instance
(seeds 5 and 6 of ``benchmarks.decision_engine.portfolio_instance``) it made the proof about
5.5 times slower (18.4 s against 3.4 s, and 22.6 s against 4.1 s, scipy 1.17 on the shared
2-core machine). An earlier, unrepeated measurement found highspy 1.15.1 with presolve no
faster than scipy's copy. The alternatives considered were highspy, OR-Tools (CP-SAT) and
PuLP (which from version 4 no longer bundles CBC).

Mandatory candidates are never dropped to make the budget fit: when they cannot all be funded
the answer is ``infeasible`` with the reason in plain words (PBMA-style marginal analysis,
Mitton & Donaldson 2004, gives the ``next_in``/``first_out`` lists; see
:class:`~losen.domain.portfolio.model.PortfolioResult`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array

from losen.domain.mcda.explain import format_number
from losen.domain.portfolio.model import (
    ConstraintType,
    PortfolioProblem,
    PortfolioResult,
    SideConstraint,
    Status,
)

DEFAULT_TIME_LIMIT_S = 60.0


def _names(problem: PortfolioProblem, indices: Iterable[int]) -> str:
    labels = [problem.candidates[i].name for i in indices]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " og " + labels[-1]


class _Model:
    """The constraint rows of a problem, grouped in named blocks (for explanations)."""

    def __init__(self, problem: PortfolioProblem) -> None:
        self.problem = problem
        candidates = problem.candidates
        self.n = len(candidates)
        self.index = {candidate.id: i for i, candidate in enumerate(candidates)}
        self.cost = np.array([c.cost for c in candidates], dtype=np.float64)
        self.value = np.array([c.value for c in candidates], dtype=np.float64)
        self.mandatory = np.array([c.mandatory for c in candidates], dtype=bool)
        # Each block: (label, rows as list of (columns, coefficients), lower, upper).
        self.blocks: list[tuple[str, list[tuple[np.ndarray, np.ndarray]], float, float]] = []
        groups: dict[str, list[int]] = {}
        for i, candidate in enumerate(candidates):
            if candidate.group is not None:
                groups.setdefault(candidate.group, []).append(i)
        for group, members in groups.items():
            if len(members) > 1:
                columns = np.array(members)
                self.blocks.append(
                    (
                        f"høyst ett tiltak i gruppen «{group}»",
                        [(columns, np.ones(len(members)))],
                        -np.inf,
                        1.0,
                    )
                )
        for i, candidate in enumerate(candidates):
            for required in candidate.requires:
                j = self.index[required]
                self.blocks.append(
                    (
                        f"{candidate.name} krever {candidates[j].name}",
                        [(np.array([i, j]), np.array([1.0, -1.0]))],
                        -np.inf,
                        0.0,
                    )
                )
        for k, constraint in enumerate(problem.constraints):
            self.blocks.append(self._side(k, constraint))

    def _side(
        self, k: int, constraint: SideConstraint
    ) -> tuple[str, list[tuple[np.ndarray, np.ndarray]], float, float]:
        columns = np.array([self.index[i] for i in constraint.ids])
        label = f"constraints[{k}] ({constraint.type.value})"
        if constraint.type is ConstraintType.MAX_COST:
            return label, [(columns, self.cost[columns])], -np.inf, constraint.limit
        ones = np.ones(columns.size)
        if constraint.type is ConstraintType.MIN_COUNT:
            return label, [(columns, ones)], constraint.limit, np.inf
        return label, [(columns, ones)], -np.inf, constraint.limit

    def constraints(
        self,
        budget: float | None,
        skip: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> list[LinearConstraint]:
        rows, cols, data, lower, upper = [], [], [], [], []
        row = 0
        for b, (_, block_rows, low, high) in enumerate(self.blocks):
            if b in skip:
                continue
            for columns, coefficients in block_rows:
                rows.append(np.full(columns.size, row))
                cols.append(columns)
                data.append(coefficients)
                lower.append(low)
                upper.append(high)
                row += 1
        result = []
        if row:
            matrix = coo_array(
                (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                shape=(row, self.n),
            ).tocsr()
            result.append(LinearConstraint(matrix, np.array(lower), np.array(upper)))
        if budget is not None:
            result.append(LinearConstraint(csr_array(self.cost[None, :]), -np.inf, budget))
        return result

    def bounds(self, force_mandatory: bool = True) -> Bounds:
        lower = self.mandatory.astype(np.float64) if force_mandatory else np.zeros(self.n)
        return Bounds(lower, np.ones(self.n))

    def solve(
        self,
        objective: np.ndarray,
        constraints: list[LinearConstraint],
        time_limit_s: float,
        bounds: Bounds | None = None,
    ):
        return milp(
            objective,
            integrality=np.ones(self.n),
            bounds=self.bounds() if bounds is None else bounds,
            constraints=constraints,
            options={"time_limit": max(time_limit_s, 0.1), "mip_rel_gap": 0.0, "presolve": False},
        )

    def forced(self) -> np.ndarray:
        """Mandatory candidates and everything they require, transitively."""
        forced = self.mandatory.copy()
        stack = list(np.flatnonzero(forced))
        while stack:
            i = stack.pop()
            for required in self.problem.candidates[i].requires:
                j = self.index[required]
                if not forced[j]:
                    forced[j] = True
                    stack.append(j)
        return forced


def _obvious_reasons(model: _Model) -> list[str]:
    """Plain reasons why the mandatory candidates alone break a constraint."""
    problem = model.problem
    forced = model.forced()
    reasons = []
    forced_cost = float(model.cost[forced].sum())
    if forced_cost > problem.budget * (1 + 1e-12):
        mandatory = np.flatnonzero(model.mandatory)
        extra = np.flatnonzero(forced & ~model.mandatory)
        also = f" og det de krever ({_names(problem, extra)})" if extra.size else ""
        reasons.append(
            f"De lovpålagte tiltakene ({_names(problem, mandatory)}){also} koster "
            f"{format_number(forced_cost, 0)}, men budsjettet er "
            f"{format_number(problem.budget, 0)}. De tas ikke ut; budsjettet må økes."
        )
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(forced):
        group = problem.candidates[i].group
        if group is not None:
            groups.setdefault(group, []).append(int(i))
    for group, members in groups.items():
        if len(members) > 1:
            reasons.append(
                f"{_names(problem, members)} må alle finansieres, men er i samme gruppe "
                f"«{group}» der høyst ett kan velges."
            )
    for k, constraint in enumerate(problem.constraints):
        columns = np.array([model.index[i] for i in constraint.ids])
        in_forced = columns[forced[columns]]
        if constraint.type is ConstraintType.MAX_COUNT and in_forced.size > constraint.limit:
            reasons.append(
                f"constraints[{k}] tillater høyst {constraint.limit:g} av tiltakene, men "
                f"{in_forced.size} av dem må finansieres ({_names(problem, in_forced)})."
            )
        if constraint.type is ConstraintType.MAX_COST:
            cost = float(model.cost[in_forced].sum())
            if cost > constraint.limit * (1 + 1e-12):
                reasons.append(
                    f"constraints[{k}] tillater høyst {format_number(constraint.limit, 0)}, "
                    f"men tiltak som må finansieres ({_names(problem, in_forced)}) koster "
                    f"{format_number(cost, 0)}."
                )
        if constraint.type is ConstraintType.MIN_COUNT and columns.size < constraint.limit:
            reasons.append(
                f"constraints[{k}] krever minst {constraint.limit:g} tiltak, men lista har "
                f"bare {columns.size}."
            )
    return reasons


_MAX_FILTER_BLOCKS = 120


def _conflict_reasons(model: _Model, time_limit_s: float) -> list[str]:
    """Name a minimal set of constraints that cannot hold together (deletion filter).

    Chinneck & Dravnieks (1991), "Locating minimal infeasible constraint sets in linear
    programs", ORSA J. Computing 3(2): drop one block at a time; keep it dropped if the rest
    is still infeasible. What remains is irreducible.
    """
    blocks = len(model.blocks)
    if blocks > _MAX_FILTER_BLOCKS:
        return [
            "Ingen kombinasjon av tiltak oppfyller alle krav samtidig (for mange krav til å "
            "finne hvilke som er i konflikt)."
        ]
    deadline = time.monotonic() + time_limit_s
    zero = np.zeros(model.n)

    def infeasible(skip: set[int], with_budget: bool, force: bool = True) -> bool:
        remaining = deadline - time.monotonic()
        result = model.solve(
            zero,
            model.constraints(model.problem.budget if with_budget else None, skip),
            remaining,
            model.bounds(force_mandatory=force),
        )
        return result.status == 2

    skip: set[int] = set()
    for b in range(blocks):
        if time.monotonic() > deadline:
            break
        if infeasible(skip | {b}, with_budget=True):
            skip.add(b)
    needs_budget = not infeasible(skip, with_budget=False)
    labels = [model.blocks[b][0] for b in range(blocks) if b not in skip]
    if needs_budget:
        labels.append(f"budsjettet på {format_number(model.problem.budget, 0)}")
    if model.mandatory.any() and not infeasible(skip, needs_budget, force=False):
        labels.append("at lovpålagte tiltak alltid finansieres")
    return [
        "Ingen kombinasjon av tiltak oppfyller alle krav samtidig. Disse kravene er i konflikt: "
        + "; ".join(labels)
        + "."
    ]


def greedy_selection(problem: PortfolioProblem) -> np.ndarray | None:
    """The value-per-cost heuristic: mandatory first, then the best ratio that still fits.

    Used as the baseline in ``benchmarks/`` and as a fallback incumbent. Returns a boolean
    selection, or None when the result breaks a constraint (e.g. a ``min_count``).
    """
    model = _Model(problem)
    selected = model.forced()
    ratio = np.where(model.cost > 0, model.value / np.where(model.cost > 0, model.cost, 1), np.inf)
    ratio[model.value <= 0] = -np.inf
    for i in np.argsort(-ratio, kind="stable"):
        if selected[i] or ratio[i] == -np.inf:
            continue
        trial = selected.copy()
        stack = [int(i)]
        while stack:
            k = stack.pop()
            if not trial[k]:
                trial[k] = True
                stack.extend(model.index[r] for r in problem.candidates[k].requires)
        if _satisfies(model, trial, ignore_min=True):
            selected = trial
    return selected if _satisfies(model, selected, ignore_min=False) else None


def _satisfies(model: _Model, selected: np.ndarray, ignore_min: bool) -> bool:
    if model.cost[selected].sum() > model.problem.budget * (1 + 1e-12):
        return False
    x = selected.astype(np.float64)
    for _, rows, low, high in model.blocks:
        for columns, coefficients in rows:
            activity = float(coefficients @ x[columns])
            if activity > high + 1e-9:
                return False
            if activity < low - 1e-9 and not ignore_min:
                return False
    return True


def _result(
    model: _Model,
    status: Status,
    chosen: np.ndarray,
    gap: float | None,
    next_in: tuple[str, ...] = (),
    first_out: tuple[str, ...] = (),
    reasons: Iterable[str] = (),
) -> PortfolioResult:
    ids = tuple(model.problem.candidates[i].id for i in np.flatnonzero(chosen))
    return PortfolioResult(
        status,
        ids,
        float(model.value[chosen].sum()),
        float(model.cost[chosen].sum()),
        gap,
        next_in,
        first_out,
        tuple(reasons),
    )


def _marginals(
    model: _Model, chosen: np.ndarray, time_limit_s: float
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Candidates entering at the next frontier point up, and leaving at the next one down."""
    ids = [candidate.id for candidate in model.problem.candidates]
    value = float(model.value[chosen].sum())
    cost = float(model.cost[chosen].sum())
    value_step = max(1e-6 * float(np.abs(model.value).max(initial=0.0)), 1e-6)
    cost_step = max(1e-6 * float(model.cost.max(initial=0.0)), 1e-6)
    next_in: tuple[str, ...] = ()
    more_value = LinearConstraint(csr_array(model.value[None, :]), value + value_step, np.inf)
    richer = [*model.constraints(None), more_value]
    up = model.solve(model.cost, richer, time_limit_s / 2)
    if up.x is not None:
        more = np.round(up.x).astype(bool)
        next_in = tuple(ids[i] for i in np.flatnonzero(more & ~chosen))
    first_out: tuple[str, ...] = ()
    if cost > 0:
        down = model.solve(-model.value, model.constraints(cost - cost_step), time_limit_s / 2)
        if down.x is not None:
            fewer = np.round(down.x).astype(bool)
            first_out = tuple(ids[i] for i in np.flatnonzero(chosen & ~fewer))
    return next_in, first_out


_TIGHTENINGS = 8
_INTEGRALITY_SLACK = 2e-6


def _excesses(model: _Model, chosen: np.ndarray, budget: float) -> tuple[float, dict[int, float]]:
    """How far ``chosen`` goes over the budget and over each block's upper limit, exactly."""
    x = chosen.astype(np.float64)
    over_budget = float(math.fsum(model.cost[chosen])) - budget
    over_blocks = {}
    for b, (_, rows, _low, high) in enumerate(model.blocks):
        for columns, coefficients in rows:
            excess = float(math.fsum(coefficients * x[columns])) - high
            if excess > 0:
                over_blocks[b] = max(over_blocks.get(b, 0.0), excess)
    return over_budget, over_blocks


def _solve_exactly_feasible(model: _Model, time_limit_s: float, objective: np.ndarray):
    """Solve, and never return a selection that breaks the budget or a limit by a rounding.

    HiGHS accepts a row within its feasibility tolerance, which in kroner is about one krone
    on a budget of millions: a portfolio 1 kr over the budget came back as optimal. The
    rounded selection is checked in exact sums; when it goes over, the limits it broke are
    tightened by the excess and the problem solved again. The price: a portfolio that would
    fit to within the solver's tolerance of the limit may be passed over for one that fits
    for certain.
    """
    budget = model.problem.budget
    deadline = time.monotonic() + time_limit_s
    result = model.solve(objective, model.constraints(budget), time_limit_s)
    for _ in range(_TIGHTENINGS):
        if result.x is None:
            return result
        chosen = np.round(result.x).astype(bool)
        over_budget, over_blocks = _excesses(model, chosen, model.problem.budget)
        if over_budget <= 0 and not over_blocks:
            return result
        # A variable may sit up to the integrality tolerance (1e-6) from 0 or 1, so a row
        # may be off by that share of the coefficients chosen: tighten by twice as much.
        if over_budget > 0:
            slack = _INTEGRALITY_SLACK * float(model.cost[chosen].sum())
            budget = min(budget, model.problem.budget) - max(over_budget, slack)
        for b, excess in over_blocks.items():
            label, rows, low, high = model.blocks[b]
            weight = sum(float(np.abs(c[chosen[cols]]).sum()) for cols, c in rows)
            model.blocks[b] = (label, rows, low, high - max(excess, _INTEGRALITY_SLACK * weight))
        remaining = deadline - time.monotonic()
        result = model.solve(objective, model.constraints(budget), remaining)
    if result.x is not None:
        over_budget, over_blocks = _excesses(
            model, np.round(result.x).astype(bool), model.problem.budget
        )
        if over_budget > 0 or over_blocks:
            result.x = None  # not proven to fit: the caller falls back to the greedy answer
    return result


def _gap(bound: float, value: float) -> float | None:
    """Relative distance from ``value`` up to ``bound`` (None when the bound is 0)."""
    return None if bound == 0 else max(0.0, (bound - value) / abs(bound))


def _objective(model: _Model, value_resolution: float | None) -> np.ndarray:
    """The vector ``milp`` minimises: minus the value, less the cheapest-first tie-break.

    With ``value_resolution`` r the main solve maximises
    ``value - (r / 2) × chosen cost / cost of all candidates``. The tie-break term is below
    r / 2 for any portfolio, so it never outweighs a value difference of r or more; among
    portfolios of equal value the cheapest wins.
    """
    if value_resolution is None:
        return -model.value
    if (
        isinstance(value_resolution, bool)
        or not isinstance(value_resolution, int | float)
        or not math.isfinite(value_resolution)
        or value_resolution <= 0
    ):
        raise ValueError(f"value_resolution must be a positive number, not {value_resolution!r}")
    total_cost = float(math.fsum(model.cost))
    if total_cost <= 0:
        return -model.value
    return -model.value + (float(value_resolution) / 2) * model.cost / total_cost


def solve_portfolio(
    problem: PortfolioProblem,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    marginals: bool = True,
    value_resolution: float | None = None,
) -> PortfolioResult:
    """Choose the candidates with most total value within the budget and every constraint.

    Args:
        problem: The validated problem.
        time_limit_s: Wall-clock limit for the main solve; on expiry the best portfolio found
            and its gap are returned (never nothing while any feasible portfolio is known).
            The ``next_in``/``first_out`` solves get the same limit again, shared.
        marginals: Compute ``next_in`` and ``first_out`` (two more MILP solves).
        value_resolution: The smallest difference between two total values that is real
            (1 for the integer units of :mod:`~losen.domain.portfolio.value`). When given,
            among portfolios of equal value the cheapest is chosen: the main solve maximises
            ``value - (value_resolution / 2) × chosen cost / cost of all candidates``, less
            than one resolution step in all, so a real value difference is never overturned.
            ``total_value`` and the marginal lists use the true values; on a time limit the
            gap is to HiGHS's bound plus ``value_resolution / 2``, a bound on the true value.
            Ties closer than HiGHS's absolute gap (10⁻⁶) are not told apart, i.e. cost
            differences below about 2·10⁻⁶ / value_resolution of the candidates' total cost.
            None (the default) maximises the value alone.

    Returns:
        The :class:`PortfolioResult`.

    Raises:
        ValueError: if ``value_resolution`` is not a positive finite number.
    """
    model = _Model(problem)
    objective = _objective(model, value_resolution)
    reasons = _obvious_reasons(model)
    if reasons:
        return _result(model, Status.INFEASIBLE, np.zeros(model.n, bool), None, reasons=reasons)
    result = _solve_exactly_feasible(model, time_limit_s, objective)
    if result.status == 2:
        return _result(
            model,
            Status.INFEASIBLE,
            np.zeros(model.n, bool),
            None,
            reasons=_conflict_reasons(model, time_limit_s),
        )
    if result.status == 0 and result.x is not None:
        chosen = np.round(result.x).astype(bool)
        next_in, first_out = _marginals(model, chosen, time_limit_s) if marginals else ((), ())
        gap = float(result.mip_gap) if result.mip_gap is not None else 0.0
        return _result(model, Status.OPTIMAL, chosen, max(gap, 0.0), next_in, first_out)
    # With the tie-break HiGHS bounds value minus a term below value_resolution / 2: the
    # bound on the true value is that much higher (0 without the tie-break).
    allowance = 0.0 if value_resolution is None else float(value_resolution) / 2
    if result.x is not None:
        chosen = np.round(result.x).astype(bool)
        gap = None if result.mip_gap is None else float(result.mip_gap)
        if allowance and result.mip_dual_bound is not None:
            gap = _gap(-float(result.mip_dual_bound) + allowance, float(model.value[chosen].sum()))
        note = "Tidsgrensen ble nådd; dette er den beste porteføljen funnet så langt."
        return _result(model, Status.TIME_LIMIT, chosen, gap, reasons=[note])
    greedy = greedy_selection(problem)
    if greedy is not None:
        bound = None if result.mip_dual_bound is None else -float(result.mip_dual_bound)
        value = float(model.value[greedy].sum())
        gap = None if bound is None else _gap(bound + allowance, value)
        note = (
            "Tidsgrensen ble nådd før løseren fant en portefølje; dette er den grådige "
            "løsningen (verdi per kostnad)."
        )
        return _result(model, Status.TIME_LIMIT, greedy, gap, reasons=[note])
    return _result(
        model,
        Status.TIME_LIMIT,
        np.zeros(model.n, bool),
        None,
        reasons=["Tidsgrensen ble nådd uten at noen gyldig portefølje ble funnet."],
    )
