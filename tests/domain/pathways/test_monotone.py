"""The decision table is monotone over its whole input space.

"More severe or longer lasting never yields a lower pathway" (docs/reference/pathways.md,
"Monotone by construction and by test"). We check the stronger
statement for every ordinal input (severity, expected duration, function loss, each risk, trend,
psychosis, and the instrument findings: substance use, PHQ-9 item 9, the trend on repeated
measures): raising any of them, with the yes/no inputs held fixed, never lowers the pathway,
never weakens the specialist contact and never removes the call for acute help.

An input's "not known" value («ikke vurdert», «ikke målt») ranks below its lowest level: the
table treats it as unknown, so no rule about that input matches, and knowing anything can only
add rules. The property and the exhaustive walks put it at the bottom of the order.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
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
from losen.domain.pathways.table import Condition, InputSpec

TABLE = default_table()
ORDINAL = [spec for spec in TABLE.inputs if spec.kind == "ordinal"]
BOOLEAN = [spec for spec in TABLE.inputs if spec.kind == "boolean"]


def _order(spec: InputSpec) -> tuple[str, ...]:
    """The input's values from least to most severe, the unknown value first."""
    return ((spec.unknown,) if spec.unknown else ()) + spec.levels


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
    """A point of the whole input space (unknown values included) and a point at least as bad
    on every ordinal input."""
    low: dict[str, str | bool] = {}
    high: dict[str, str | bool] = {}
    for spec in ORDINAL:
        order = _order(spec)
        first = draw(st.integers(0, len(order) - 1))
        second = draw(st.integers(first, len(order) - 1))
        low[spec.path] = order[first]
        high[spec.path] = order[second]
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


def _first_violation(table: DecisionTable, fixed: dict[str, str] | None = None) -> tuple | None:
    """Walk every point of the input space (the inputs in *fixed* held at one value) against
    each one-step-worse neighbour with the engine itself; return the first pair whose
    suggestion goes down, or ``None``."""
    fixed = fixed or {}
    ordinal = [spec for spec in table.inputs if spec.kind == "ordinal" and spec.path not in fixed]
    boolean = [spec for spec in table.inputs if spec.kind == "boolean"]
    outcomes: dict[tuple, tuple[int, int, bool]] = {}
    for booleans in itertools.product([False, True], repeat=len(boolean)):
        for levels in itertools.product(*(spec.levels for spec in ordinal)):
            values: dict[str, str | bool] = dict(fixed)
            values.update(zip([s.path for s in ordinal], levels, strict=True))
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


#: The instrument findings, held at "not measured" in the engine walk (the vectorised walk
#: below covers them).
FINDINGS_UNMEASURED = {
    spec.path: spec.unknown for spec in ORDINAL if spec.path.startswith("findings.")
}


def test_exhaustively_every_single_step_up_is_monotone():
    """Every point of the clinician's ratings (82 944 points, findings not measured) against
    each of its one-step-worse neighbours, through the engine; with transitivity this covers
    every dominated pair of that subspace."""
    rated = [spec for spec in ORDINAL if spec.path not in FINDINGS_UNMEASURED]
    assert len(list(itertools.product(*(s.levels for s in rated)))) * 2 ** len(BOOLEAN) == 82_944
    assert _first_violation(TABLE, FINDINGS_UNMEASURED) is None


# --- The whole space, unknown values and findings included, vectorised ---------------------
#
# The whole space has millions of points, too many to walk through the engine one by one. The
# mirror below evaluates the same table (lifts, rules, caps) on every point at once with numpy;
# it is checked against the engine on random points and on a corner of the space, and then
# checked for monotonicity along every ordinal axis.


def _grid(table: DecisionTable):
    ordinal = [spec for spec in table.inputs if spec.kind == "ordinal"]
    shape = tuple(len(_order(spec)) for spec in ordinal)
    axes = {spec.path: axis for axis, spec in enumerate(ordinal)}
    return ordinal, shape, axes


def _rank_array(spec: InputSpec, axis: int, shape: tuple[int, ...]) -> np.ndarray:
    """Ranks of the input along its axis, ``-1`` for unknown, broadcast to the grid."""
    start = -1 if spec.unknown else 0
    ranks = np.arange(start, start + shape[axis], dtype=np.int8)
    view = [1] * len(shape)
    view[axis] = shape[axis]
    return ranks.reshape(view)


def _mirror(table: DecisionTable, booleans: dict[str, bool]) -> tuple[np.ndarray, ...]:
    """Pathway, specialist and acute on every point of the ordinal grid for these booleans."""
    ordinal, shape, axes = _grid(table)
    given = {spec.path: _rank_array(spec, axes[spec.path], shape) for spec in ordinal}

    def holds(conditions, ranks) -> np.ndarray:
        mask = np.ones(shape, dtype=bool)
        for condition in conditions:
            if condition.at_least is not None:
                threshold = table.ranks[condition.path][condition.at_least]
                mask &= np.broadcast_to(ranks[condition.path] >= threshold, shape)
            elif booleans[condition.path] != condition.equals:
                mask &= False
        return mask

    effective = {path: np.broadcast_to(ranks, shape) for path, ranks in given.items()}
    for lift in table.lifts:
        target = table.ranks[lift.target][lift.to]
        lifted = np.where(holds(lift.conditions, given), target, -128)
        effective[lift.target] = np.maximum(effective[lift.target], lifted)
    pathway = np.ones(shape, dtype=np.int8)
    wanted = np.zeros(shape, dtype=np.int8)
    cap = np.full(shape, len(SPECIALIST_LEVELS) - 1, dtype=np.int8)
    acute = np.zeros(shape, dtype=bool)
    for rule in table.rules:
        match = holds(rule.conditions, effective)
        if rule.pathway_at_least:
            pathway = np.maximum(pathway, np.where(match, rule.pathway_at_least, 1))
        if rule.specialist_at_least:
            level = SPECIALIST_LEVELS.index(rule.specialist_at_least)
            wanted = np.maximum(wanted, np.where(match, level, 0))
        if rule.specialist_at_most:
            level = SPECIALIST_LEVELS.index(rule.specialist_at_most)
            cap = np.minimum(cap, np.where(match, level, len(SPECIALIST_LEVELS) - 1))
        if rule.acute:
            acute |= match
    return pathway, np.minimum(wanted, cap), acute


def _mirror_violation(table: DecisionTable) -> tuple | None:
    ordinal, _shape, _axes = _grid(table)
    boolean = [spec.path for spec in table.inputs if spec.kind == "boolean"]
    for values in itertools.product([False, True], repeat=len(boolean)):
        booleans = dict(zip(boolean, values, strict=True))
        for outcome in _mirror(table, booleans):
            for axis, spec in enumerate(ordinal):
                steps = np.diff(outcome.astype(np.int8), axis=axis)
                if (steps < 0).any():
                    return booleans, spec.path
    return None


def test_the_mirror_agrees_with_the_engine():
    """On random points of the whole space the vectorised mirror gives the engine's results."""
    ordinal, shape, _axes = _grid(TABLE)
    boolean = [spec.path for spec in BOOLEAN]
    generator = np.random.default_rng(20260226)
    for values in itertools.product([False, True], repeat=len(boolean)):
        booleans = dict(zip(boolean, values, strict=True))
        pathway, specialist, acute = _mirror(TABLE, booleans)
        for _ in range(150):
            index = tuple(int(generator.integers(0, size)) for size in shape)
            point: dict[str, str | bool] = dict(booleans)
            point.update(
                {spec.path: _order(spec)[i] for spec, i in zip(ordinal, index, strict=True)}
            )
            assert _decision(point) == (
                int(pathway[index]),
                int(specialist[index]),
                bool(acute[index]),
            ), point


def test_exhaustively_the_whole_space_is_monotone():
    """Every point of the whole space, unknown values and the instrument findings included,
    against its one-step-worse neighbour on every ordinal axis (through the mirror)."""
    _ordinal, shape, _axes = _grid(TABLE)
    assert int(np.prod(shape)) * 2 ** len(BOOLEAN) > 1_000_000
    assert _mirror_violation(TABLE) is None


def test_the_exhaustive_check_catches_a_non_monotone_rule():
    """The check can fail: a rule that fires only for *mild* problems and lifts them to HF3
    (which the file validator would refuse) is found at once, by both walks."""
    broken_rule = dataclasses.replace(
        TABLE.rules[0],
        id="BROKEN",
        conditions=(Condition("severity", None, "mild"),),  # type: ignore[arg-type]
        pathway_at_least=3,
    )
    broken = dataclasses.replace(TABLE, rules=(*TABLE.rules, broken_rule))
    violation = _first_violation(broken, FINDINGS_UNMEASURED)
    assert violation is not None
    assert violation[2] == "severity"


def test_the_vectorised_check_catches_a_cap_on_a_finding():
    """The whole-space walk can fail too: a cap that removes specialist contact when DUDIT or
    AUDIT finds probable dependence (which the file validator refuses: caps may only depend
    on yes/no inputs) is found along the substance axis."""
    broken_cap = dataclasses.replace(
        TABLE.rules[-1],
        id="BROKEN-CAP",
        conditions=(Condition("findings.substance", "probable-dependence", None),),
        specialist_at_most="none",
    )
    broken = dataclasses.replace(TABLE, rules=(*TABLE.rules, broken_cap))
    violation = _mirror_violation(broken)
    assert violation is not None
    assert violation[1] == "findings.substance"


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
