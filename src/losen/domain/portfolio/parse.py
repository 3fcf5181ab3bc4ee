"""Validated portfolio input from JSON-like data (paths as in ``candidates[7].cost``).

Limits, checked before any other work (``docs/reference/decision-engine.md``, «Input
limits»): at most :data:`MAX_CANDIDATES` candidates, :data:`MAX_CONSTRAINTS` side constraints
and :data:`MAX_REFERENCES` ids named in ``requires`` and constraints together; the budget,
costs, values and amounts within ±10^15 (:data:`losen.domain.mcda.parse.MAX_VALUE`); ids,
names and groups are text without lone surrogates, NUL or control characters.
"""

from __future__ import annotations

from collections.abc import Mapping

from losen.domain.errors import InputError, InputTooLarge, Problem
from losen.domain.mcda.parse import is_number, number_problem, text_error
from losen.domain.portfolio.model import (
    Candidate,
    ConstraintType,
    PortfolioProblem,
    SideConstraint,
)

MAX_CANDIDATES = 50_000
"""Most candidates (the benchmark proves 5 000 optimal in a few seconds)."""

MAX_CONSTRAINTS = 10_000
"""Most side constraints."""

MAX_REFERENCES = 1_000_000
"""Most ids named in ``requires`` lists and constraints' ``ids``, all together."""

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
    elif (problem := text_error(f"{path}.id", candidate_id)) is not None:
        problems.append(problem)
    name = raw.get("name", candidate_id)
    if not isinstance(name, str):
        problems.append(Problem(f"{path}.name", "not a string (må være tekst)"))
    elif (problem := text_error(f"{path}.name", name)) is not None:
        problems.append(problem)
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
    elif group is not None and (problem := text_error(f"{path}.group", group)) is not None:
        problems.append(problem)
    requires = raw.get("requires", [])
    if requires is None:
        requires = []
    if not isinstance(requires, list):
        problems.append(Problem(f"{path}.requires", "not a list (må være en liste)"))
        requires = []
    for k, item in enumerate(requires):
        if not isinstance(item, str):
            problems.append(Problem(f"{path}.requires[{k}]", "not a string (må være tekst)"))
        elif (problem := text_error(f"{path}.requires[{k}]", item)) is not None:
            problems.append(problem)
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
    named = [item for item in ids if isinstance(item, str)]
    if len(set(named)) != len(named):
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


def _count(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def _check_size(data: Mapping[str, object]) -> None:
    """Refuse a problem over the size limits before looking at its entries."""
    candidates, constraints = data.get("candidates"), data.get("constraints")
    problems = []
    if _count(candidates) > MAX_CANDIDATES:
        problems.append(
            Problem(
                "candidates",
                f"too many ({_count(candidates)}; høyst {MAX_CANDIDATES} kandidater)",
            )
        )
    if _count(constraints) > MAX_CONSTRAINTS:
        problems.append(
            Problem(
                "constraints",
                f"too many ({_count(constraints)}; høyst {MAX_CONSTRAINTS} krav)",
            )
        )
    if not problems:
        references = sum(
            _count(entry.get(key))
            for entries, key in ((candidates, "requires"), (constraints, "ids"))
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, Mapping)
        )
        if references > MAX_REFERENCES:
            problems.append(
                Problem(
                    "",
                    f"too many references ({references} id-er i requires og ids; "
                    f"høyst {MAX_REFERENCES})",
                )
            )
    if problems:
        raise InputTooLarge(problems)


def parse_portfolio(data: object) -> PortfolioProblem:
    """Validate ``optimize`` input and build a :class:`PortfolioProblem`.

    Raises:
        InputTooLarge: over :data:`MAX_CANDIDATES`, :data:`MAX_CONSTRAINTS` or
            :data:`MAX_REFERENCES`, before anything else.
        InputError: listing every problem, e.g. ``candidates[7].cost: negative``.
    """
    if not isinstance(data, Mapping):
        raise InputError([Problem("", "not a JSON object (inndata må være et JSON-objekt)")])
    _check_size(data)
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
