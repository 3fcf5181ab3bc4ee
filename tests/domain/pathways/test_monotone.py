"""The decision table is monotone over its whole input space.

"More severe or longer lasting never yields a lower pathway" (docs/reference/pathways.md,
"Monotone by construction and by test"). We check the stronger
statement for every ordinal input (severity, expected duration, function loss, each risk, trend,
psychosis): raising any of them, with the yes/no inputs held fixed, never lowers the pathway,
never weakens the specialist contact and never removes the call for acute help.
"""

from __future__ import annotations

import dataclasses
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.pathways import (
    SPECIALIST_LEVELS,
    DecisionTable,
    PathwayInput,
    default_table,
    evaluate_table,
    suggest_pathway,
)
from losen.domain.pathways.table import Condition

TABLE = default_table()
ORDINAL = [spec for spec in TABLE.inputs if spec.kind == "ordinal"]
BOOLEAN = [spec for spec in TABLE.inputs if spec.kind == "boolean"]


def _inputs(values: dict[str, str | bool]) -> PathwayInput:
    return PathwayInput(tuple((spec.path, values[spec.path]) for spec in TABLE.inputs))


def _outcome(values: dict[str, str | bool]) -> tuple[int, int, bool]:
    """Pathway, specialist level and acute as :func:`suggest_pathway` reports them."""
    suggestion = suggest_pathway(_inputs(values), TABLE)
    return (
        suggestion.pathway,
        SPECIALIST_LEVELS.index(suggestion.specialist),
        suggestion.acute,
    )


def _decision(values: dict[str, str | bool]) -> tuple[int, int, bool]:
    """The same three from :func:`evaluate_table`, which :func:`suggest_pathway` reports."""
    evaluation = evaluate_table(_inputs(values), TABLE)
    return evaluation.pathway, evaluation.specialist, evaluation.acute


@st.composite
def dominated_pairs(draw):
    """A point of the whole input space and a point at least as bad on every ordinal input."""
    low: dict[str, str | bool] = {}
    high: dict[str, str | bool] = {}
    for spec in ORDINAL:
        first = draw(st.integers(0, len(spec.levels) - 1))
        second = draw(st.integers(first, len(spec.levels) - 1))
        low[spec.path] = spec.levels[first]
        high[spec.path] = spec.levels[second]
    for spec in BOOLEAN:
        value = draw(st.booleans())
        low[spec.path] = high[spec.path] = value
    return low, high


@settings(max_examples=500, deadline=None)
@given(dominated_pairs())
def test_worse_inputs_never_give_a_lower_suggestion(pair):
    """Property over the whole input space: pathway, specialist contact and acute are monotone."""
    low, high = pair
    low_pathway, low_specialist, low_acute = _outcome(low)
    high_pathway, high_specialist, high_acute = _outcome(high)
    assert high_pathway >= low_pathway
    assert high_specialist >= low_specialist
    assert high_acute >= low_acute
    assert _decision(low) == (low_pathway, low_specialist, low_acute)


def _first_violation(table: DecisionTable) -> tuple | None:
    """Walk every point of the input space against each one-step-worse neighbour; return the
    first pair whose suggestion goes down, or ``None``."""
    ordinal = [spec for spec in table.inputs if spec.kind == "ordinal"]
    boolean = [spec for spec in table.inputs if spec.kind == "boolean"]
    outcomes: dict[tuple, tuple[int, int, bool]] = {}
    for booleans in itertools.product([False, True], repeat=len(boolean)):
        for levels in itertools.product(*(spec.levels for spec in ordinal)):
            values = dict(zip([s.path for s in ordinal], levels, strict=True))
            values.update(zip([s.path for s in boolean], booleans, strict=True))
            inputs = PathwayInput(tuple((spec.path, values[spec.path]) for spec in table.inputs))
            evaluation = evaluate_table(inputs, table)
            outcomes[(levels, booleans)] = (
                evaluation.pathway,
                evaluation.specialist,
                evaluation.acute,
            )
    for (levels, booleans), outcome in outcomes.items():
        for index, spec in enumerate(ordinal):
            rank = spec.levels.index(levels[index])
            if rank + 1 == len(spec.levels):
                continue
            worse = list(levels)
            worse[index] = spec.levels[rank + 1]
            higher = outcomes[(tuple(worse), booleans)]
            if any(h < o for h, o in zip(higher, outcome, strict=True)):
                return levels, booleans, spec.path
    return None


def test_exhaustively_every_single_step_up_is_monotone():
    """Every point of the finite input space (82 944 points) against each of its one-step-worse
    neighbours; with transitivity this covers every dominated pair."""
    assert len(list(itertools.product(*(s.levels for s in ORDINAL)))) * 2 ** len(BOOLEAN) == 82_944
    assert _first_violation(TABLE) is None


def test_the_exhaustive_check_catches_a_non_monotone_rule():
    """The check can fail: a rule that fires only for *mild* problems and lifts them to HF3
    (which the file validator would refuse) is found at once."""
    broken_rule = dataclasses.replace(
        TABLE.rules[0],
        id="BROKEN",
        conditions=(Condition("severity", None, "mild"),),  # type: ignore[arg-type]
        pathway_at_least=3,
    )
    broken = dataclasses.replace(TABLE, rules=(*TABLE.rules, broken_rule))
    violation = _first_violation(broken)
    assert violation is not None
    assert violation[2] == "severity"


def test_all_three_pathways_and_levels_are_reachable():
    """The table is not trivially monotone: every pathway and every specialist level occurs."""
    seen = set()
    for severity, duration in itertools.product(["mild", "severe"], ["short", "long"]):
        values = {
            spec.path: (spec.levels[0] if spec.kind == "ordinal" else False)
            for spec in TABLE.inputs
        }
        values.update({"severity": severity, "expected_duration": duration, "first_contact": True})
        seen.add(_outcome(values)[:2])
    assert {pathway for pathway, _ in seen} == {1, 2, 3}
    assert {specialist for _, specialist in seen} == {0, 1, 2}
