"""Validated portfolio input from JSON-like data (paths as in ``candidates[7].cost``)."""

from __future__ import annotations

from collections.abc import Mapping

from losen.domain.errors import InputError, Problem
from losen.domain.mcda.parse import is_number, number_problem
from losen.domain.portfolio.model import (
    Candidate,
    ConstraintType,
    PortfolioProblem,
    SideConstraint,
)

_CANDIDATE_FIELDS = {"id", "name", "cost", "value", "mandatory", "group", "requires", "description"}


def _candidate(path: str, raw: object, problems: list[Problem]) -> Candidate | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "not an object (må være et objekt)"))
        return None
    before = len(problems)
    candidate_id = raw.get("id")
    if candidate_id is None:
        problems.append(Problem(f"{path}.id", "missing (mangler)"))
    elif not isinstance(candidate_id, str) or not candidate_id.strip():
        problems.append(Problem(f"{path}.id", "not a non-empty string (må være tekst)"))
    name = raw.get("name", candidate_id)
    if not isinstance(name, str):
        problems.append(Problem(f"{path}.name", "not a string (må være tekst)"))
    for key in ("cost", "value"):
        problem = number_problem(f"{path}.{key}", raw.get(key), allow_negative=key != "cost")
        if problem:
            problems.append(problem)
    mandatory = raw.get("mandatory", False)
    if not isinstance(mandatory, bool):
        problems.append(Problem(f"{path}.mandatory", "not true/false (må være true eller false)"))
    group = raw.get("group")
    if group is not None and (not isinstance(group, str) or not group):
        problems.append(Problem(f"{path}.group", "not a non-empty string (må være tekst)"))
    requires = raw.get("requires", [])
    if requires is None:
        requires = []
    if not isinstance(requires, list):
        problems.append(Problem(f"{path}.requires", "not a list (må være en liste)"))
        requires = []
    for k, item in enumerate(requires):
        if not isinstance(item, str):
            problems.append(Problem(f"{path}.requires[{k}]", "not a string (må være tekst)"))
    for key in raw:
        if key not in _CANDIDATE_FIELDS:
            problems.append(Problem(f"{path}.{key}", "unknown field (ukjent felt)"))
    if len(problems) > before:
        return None
    return Candidate(
        str(candidate_id),
        str(name),
        float(raw["cost"]),
        float(raw["value"]),
        bool(mandatory),
        group,
        tuple(requires),
    )


def _constraint(
    path: str, raw: object, known: set[str], problems: list[Problem]
) -> SideConstraint | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "not an object (må være et objekt)"))
        return None
    before = len(problems)
    kind = raw.get("type")
    if kind not in ("min_count", "max_count", "max_cost"):
        problems.append(Problem(f"{path}.type", "must be 'min_count', 'max_count' or 'max_cost'"))
        kind = None
    ids = raw.get("ids")
    if not isinstance(ids, list) or not ids:
        problems.append(Problem(f"{path}.ids", "not a non-empty list of ids"))
        ids = []
    for k, item in enumerate(ids):
        if not isinstance(item, str):
            problems.append(Problem(f"{path}.ids[{k}]", "not a string (må være tekst)"))
        elif item not in known:
            problems.append(Problem(f"{path}.ids[{k}]", f"unknown candidate '{item}'"))
    if len(set(ids)) != len(ids):
        problems.append(Problem(f"{path}.ids", "duplicate id (samme id flere ganger)"))
    limit = 0.0
    if kind in ("min_count", "max_count"):
        count = raw.get("count")
        problem = number_problem(f"{path}.count", count, allow_negative=False)
        if problem:
            problems.append(problem)
        elif not float(count).is_integer():
            problems.append(Problem(f"{path}.count", "not a whole number (må være et heltall)"))
        else:
            limit = float(count)
        if "amount" in raw:
            problems.append(Problem(f"{path}.amount", "only for max_cost (bruk count)"))
    elif kind == "max_cost":
        amount = raw.get("amount")
        problem = number_problem(f"{path}.amount", amount, allow_negative=False)
        if problem:
            problems.append(problem)
        else:
            limit = float(amount)
        if "count" in raw:
            problems.append(Problem(f"{path}.count", "only for min_count/max_count"))
    for key in raw:
        if key not in ("type", "ids", "count", "amount", "description"):
            problems.append(Problem(f"{path}.{key}", "unknown field (ukjent felt)"))
    if len(problems) > before or kind is None:
        return None
    return SideConstraint(ConstraintType(kind), tuple(ids), limit)


def parse_portfolio(data: object) -> PortfolioProblem:
    """Validate ``optimize`` input and build a :class:`PortfolioProblem`.

    Raises:
        InputError: listing every problem, e.g. ``candidates[7].cost: negative``.
    """
    if not isinstance(data, Mapping):
        raise InputError([Problem("", "not a JSON object (inndata må være et JSON-objekt)")])
    problems: list[Problem] = []
    for key in data:
        if key not in ("budget", "candidates", "constraints"):
            problems.append(Problem(key, "unknown field (ukjent felt)"))
    budget = data.get("budget")
    problem = number_problem("budget", budget, allow_negative=False)
    if problem:
        problems.append(problem)
    raw_candidates = data.get("candidates")
    candidates: list[Candidate] = []
    if raw_candidates is None:
        problems.append(Problem("candidates", "missing (mangler)"))
        raw_candidates = []
    elif not isinstance(raw_candidates, list):
        problems.append(Problem("candidates", "not a list (må være en liste)"))
        raw_candidates = []
    elif not raw_candidates:
        problems.append(Problem("candidates", "empty (ingen kandidater)"))
    seen: set[str] = set()
    for i, raw in enumerate(raw_candidates):
        candidate = _candidate(f"candidates[{i}]", raw, problems)
        raw_id = raw.get("id") if isinstance(raw, Mapping) else None
        if isinstance(raw_id, str) and raw_id in seen:
            problems.append(Problem(f"candidates[{i}].id", f"duplicate id '{raw_id}'"))
        if isinstance(raw_id, str):
            seen.add(raw_id)
        if candidate is not None:
            candidates.append(candidate)
    for i, raw in enumerate(raw_candidates):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("requires"), list):
            continue
        for k, item in enumerate(raw["requires"]):
            if isinstance(item, str) and item not in seen:
                problems.append(Problem(f"candidates[{i}].requires[{k}]", "unknown candidate"))
            elif isinstance(item, str) and item == raw.get("id"):
                problems.append(
                    Problem(f"candidates[{i}].requires[{k}]", "requires itself (krever seg selv)")
                )
    constraints: list[SideConstraint] = []
    raw_constraints = data.get("constraints", [])
    if raw_constraints is None:
        raw_constraints = []
    if not isinstance(raw_constraints, list):
        problems.append(Problem("constraints", "not a list (må være en liste)"))
        raw_constraints = []
    for i, raw in enumerate(raw_constraints):
        constraint = _constraint(f"constraints[{i}]", raw, seen, problems)
        if constraint is not None:
            constraints.append(constraint)
    if problems:
        raise InputError(problems)
    assert is_number(budget)
    return PortfolioProblem(float(budget), tuple(candidates), tuple(constraints))  # type: ignore[arg-type]
