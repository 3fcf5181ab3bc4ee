"""The portfolio value (persons × benefit × severity weight) and the cheapest-first tie-break:
splitting a measure never pays, a chosen measure that gets better or cheaper stays chosen,
the value is exact and additive, and the issue's example (a FACT team against five mastery
courses) now goes the right way."""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.criteria.model import Level, default_catalogue
from losen.domain.errors import InputError
from losen.domain.mcda import weighted_sum
from losen.domain.portfolio import (
    Candidate,
    PortfolioProblem,
    Status,
    ValuedAlternative,
    ValueFacts,
    parse_portfolio,
    severity_weight,
    solve_portfolio,
    value_candidates,
    value_facts,
    value_units,
)
from losen.domain.portfolio.value import MAX_PERSONS, SOURCES, UNITS_PER_VALUE

NYTTE = default_catalogue().scale("nytte").labels
ALVORLIGHET = default_catalogue().scale("alvorlighet").labels
FAST = settings(max_examples=60, deadline=None)


def _solve(budget, alternatives, *, resolution=1):
    problem = PortfolioProblem(float(budget), value_candidates(alternatives))
    return solve_portfolio(problem, marginals=False, value_resolution=resolution)


@st.composite
def _alternative(draw, i, *, grouped=True):
    requires = ()
    if i and draw(st.booleans()) and draw(st.booleans()):
        requires = (f"a{draw(st.integers(0, i - 1))}",)
    return ValuedAlternative(
        id=f"a{i}",
        name=f"Tiltak {i}",
        cost=draw(st.integers(1, 30)) * 100_000,
        persons=draw(st.integers(0, 30)),
        benefit=draw(st.sampled_from(NYTTE)),
        severity=draw(st.sampled_from(ALVORLIGHET)),
        mandatory=draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans()),
        group=draw(st.sampled_from(["x", "y"])) if grouped and draw(st.booleans()) else None,
        requires=requires,
    )


@st.composite
def _cases(draw, min_size=1, max_size=8):
    """A budget in whole kroner and up to ``max_size`` alternatives at kroner-scale costs."""
    n = draw(st.integers(min_size, max_size))
    alternatives = [draw(_alternative(i)) for i in range(n)]
    total = sum(a.cost for a in alternatives)
    return draw(st.integers(0, total)), alternatives


def _brute_force(budget, alternatives):
    """The best (value, -cost) over every feasible subset: the most value, then the cheapest."""
    best = None
    for bits in itertools.product([False, True], repeat=len(alternatives)):
        chosen = [a for a, b in zip(alternatives, bits, strict=True) if b]
        ids = {a.id for a in chosen}
        if sum(a.cost for a in chosen) > budget:
            continue
        if any(a.mandatory and a.id not in ids for a in alternatives):
            continue
        if any(r not in ids for a in chosen for r in a.requires):
            continue
        groups = [a.group for a in chosen if a.group]
        if len(groups) != len(set(groups)):
            continue
        key = (
            sum(value_units(a.persons, a.benefit, a.severity) for a in chosen),
            -sum(a.cost for a in chosen),
        )
        if best is None or key > best:
            best = key
    return best


# The value itself


def test_severity_weight_runs_linearly_from_1_to_3():
    weights = [severity_weight(label) for label in ALVORLIGHET]
    assert ALVORLIGHET == ("liten", "moderat", "stor", "svært stor")
    assert weights == pytest.approx([1, 5 / 3, 7 / 3, 3])
    assert [value_units(1, "liten", label) for label in ALVORLIGHET] == [3, 5, 7, 9]
    assert [url for _, url in SOURCES] == [
        "https://www.regjeringen.no/no/dokumenter/meld.-st.-34-20152016/id2502758/",
        "https://www.regjeringen.no/no/dokumenter/meld.-st.-38-20202021/id2862026/?ch=11",
    ]


def test_facts_name_every_number():
    facts = value_facts(40, "stor", "svært stor")
    assert facts == ValueFacts(40, "stor", 3, "svært stor", 3.0, 1080, 360.0)
    assert isinstance(facts.units, int)
    assert facts.value == facts.units / UNITS_PER_VALUE


def test_reworded_catalogue_gives_the_same_values():
    """Only the labels and their order count, not the municipality's descriptions."""
    local = default_catalogue().with_descriptions(
        {"nytte": {"stor": "Lokal tekst."}, "alvorlighet": {"liten": "Lokal tekst."}}
    )
    for benefit, severity in itertools.product(NYTTE, ALVORLIGHET):
        assert value_facts(7, benefit, severity, local) == value_facts(7, benefit, severity)


def _with_severity_levels(labels):
    catalogue = default_catalogue()
    scale = catalogue.scale("alvorlighet")
    levels = tuple(Level(i + 1, label, label) for i, label in enumerate(labels))
    scales = tuple(
        dataclasses.replace(s, levels=levels) if s is scale else s for s in catalogue.scales
    )
    return dataclasses.replace(catalogue, scales=scales)


def test_weight_follows_the_position_on_another_severity_scale():
    """Three levels give 1, 2, 3; a scale whose weights are not whole units (five levels)
    is refused for every label, not only the ones in between."""
    three = _with_severity_levels(["lav", "middels", "høy"])
    assert [severity_weight(label, three) for label in ("lav", "middels", "høy")] == [1, 2, 3]
    five = _with_severity_levels(["1", "2", "3", "4", "5"])
    for label in ("1", "3", "5"):
        with pytest.raises(InputError, match="exact only for 2, 3, 4 or 7 levels"):
            value_facts(1, "liten", label, five)


@FAST
@given(
    persons=st.integers(0, MAX_PERSONS // 2),
    more=st.integers(0, MAX_PERSONS // 2),
    factor=st.integers(0, 20),
    benefit=st.sampled_from(NYTTE),
    severity=st.sampled_from(ALVORLIGHET),
    higher=st.sampled_from(ALVORLIGHET),
)
def test_value_is_additive_linear_and_ordered(persons, more, factor, benefit, severity, higher):
    """Additive and linear in persons, exact; «ingen» gives 0; a higher severity never gives
    less (and gives more whenever anyone benefits)."""
    units = value_units(persons, benefit, severity)
    assert value_units(persons + more, benefit, severity) == units + value_units(
        more, benefit, severity
    )
    if persons * factor <= MAX_PERSONS:
        assert value_units(persons * factor, benefit, severity) == factor * units
    assert value_units(persons, "ingen", severity) == 0
    weight = Fraction(3 + 2 * ALVORLIGHET.index(severity), 3)
    benefit_value = default_catalogue().scale("nytte").level(benefit).value
    assert Fraction(units, UNITS_PER_VALUE) == persons * benefit_value * weight
    if ALVORLIGHET.index(higher) >= ALVORLIGHET.index(severity):
        raised = value_units(persons, benefit, higher)
        assert raised >= units
        if higher != severity and persons and benefit != "ingen":
            assert raised > units


def test_bad_input_is_refused_with_every_problem():
    with pytest.raises(InputError) as caught:
        value_facts(-1, "enorm", "kritisk")
    assert caught.value.lines() == [
        "persons: negative (kan ikke være negativ)",
        "benefit: not a level of nytte: ingen, liten, moderat, stor, svært stor",
        "severity: not a level of alvorlighet: liten, moderat, stor, svært stor",
    ]
    for persons in (2.5, 2.0, True, "3", None):
        with pytest.raises(InputError, match="persons: not a whole number"):
            value_facts(persons, "liten", "liten")
    with pytest.raises(InputError, match="persons: more than 10 000 000"):
        value_facts(MAX_PERSONS + 1, "liten", "liten")
    assert value_units(MAX_PERSONS, "svært stor", "svært stor") == MAX_PERSONS * 4 * 9
    with pytest.raises(InputError) as caught:
        value_candidates(
            [
                ValuedAlternative("a", "A", -1, 3, "liten", "liten"),
                ValuedAlternative("a", "B", float("nan"), 3, "liten", "moderat", requires=("z",)),
                ValuedAlternative("c", "C", 10, -2, "mye", "liten", requires=("c",)),
            ]
        )
    assert caught.value.lines() == [
        "alternatives[0].cost: negative (kan ikke være negativ)",
        "alternatives[1].id: duplicate id 'a'",
        "alternatives[1].cost: not finite (NaN eller uendelig er ikke tillatt)",
        "alternatives[1].requires[0]: unknown candidate",
        "alternatives[2].requires[0]: requires itself (krever seg selv)",
        "alternatives[2].persons: negative (kan ikke være negativ)",
        "alternatives[2].benefit: not a level of nytte: ingen, liten, moderat, stor, svært stor",
    ]


def test_candidates_carry_the_units_and_the_rest_unchanged():
    alternative = ValuedAlternative(
        "f", "FACT", 5_000_000, 40, "stor", "svært stor", True, "team", ("g",)
    )
    other = ValuedAlternative("g", "Base", 0, 0, "ingen", "liten")
    assert value_candidates([alternative, other]) == (
        Candidate("f", "FACT", 5_000_000.0, 1080.0, True, "team", ("g",)),
        Candidate("g", "Base", 0.0, 0.0),
    )


# The tie-break


def test_tie_break_takes_the_cheapest_of_equal_value():
    """Two portfolios of value 36 units: without the tie-break HiGHS may take either; with it
    the cheaper, and ``total_value`` is the true value, not the tie-broken one."""
    alternatives = [
        ValuedAlternative("dyr", "Dyr", 900_000, 12, "liten", "liten"),
        ValuedAlternative("billig", "Billig", 700_000, 12, "liten", "liten"),
        ValuedAlternative("null", "Uten nytte", 100_000, 50, "ingen", "svært stor"),
    ]
    result = _solve(1_000_000, alternatives)
    assert result.status is Status.OPTIMAL
    assert result.selected == ("billig",)
    assert (result.total_value, result.total_cost) == (36.0, 700_000.0)
    problem = PortfolioProblem(1_000_000.0, value_candidates(alternatives))
    marginals = solve_portfolio(problem, value_resolution=1)
    assert marginals.selected == ("billig",) and marginals.first_out == ("billig",)
    for bad in (0, -1, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="value_resolution"):
            solve_portfolio(problem, value_resolution=bad)


@settings(max_examples=100, deadline=None)
@given(_cases())
def test_tie_break_is_the_most_value_then_the_cheapest(case):
    """Brute force: with ``value_resolution=1`` the answer has the most value and, among the
    portfolios with that value, the least cost; the tie-break never overturns a real value
    difference, and without it the value is the same."""
    budget, alternatives = case
    expected = _brute_force(budget, alternatives)
    result = _solve(budget, alternatives)
    plain = _solve(budget, alternatives, resolution=None)
    if expected is None:
        assert result.status is Status.INFEASIBLE and plain.status is Status.INFEASIBLE
        return
    assert result.status is Status.OPTIMAL
    assert (result.total_value, -result.total_cost) == expected
    assert plain.total_value == result.total_value


# Splitting a measure


@st.composite
def _splits(draw, *, ample=False):
    """A case, one alternative in it (no group) with persons and cost divisible by k, and k."""
    budget, alternatives = draw(_cases(min_size=1, max_size=4))
    k = draw(st.integers(2, 5))
    j = draw(st.integers(0, len(alternatives) - 1))
    alternatives[j] = dataclasses.replace(
        alternatives[j],
        persons=k * draw(st.integers(0, 12)),
        cost=k * draw(st.integers(1, 10)) * 100_000,
        group=None,
    )
    total = sum(a.cost for a in alternatives)
    budget = total if ample else draw(st.integers(0, total))
    return budget, alternatives, j, k


def _split(alternatives, j, k, *, bound):
    """Alternative ``j`` as ``k`` parts with 1/k of its persons and cost each.

    Bound: each part requires the next in a ring (part k-1 requires part 0), so funding one
    funds all; who required the whole requires part 0. Free: no ring, and who required the
    whole requires every part (so every old portfolio is still a portfolio).
    """
    whole = alternatives[j]
    ids = [f"{whole.id}~{m}" for m in range(k)]
    parts = [
        dataclasses.replace(
            whole,
            id=ids[m],
            name=f"{whole.name} del {m + 1}",
            persons=whole.persons // k,
            cost=whole.cost // k,
            requires=whole.requires + ((ids[(m + 1) % k],) if bound else ()),
        )
        for m in range(k)
    ]
    instead = (ids[0],) if bound else tuple(ids)
    others = [
        dataclasses.replace(
            a, requires=tuple(r for x in a.requires for r in (instead if x == whole.id else (x,)))
        )
        for a in alternatives
    ]
    return others[:j] + parts + others[j + 1 :]


@FAST
@given(_splits())
def test_splitting_into_bound_parts_never_changes_the_best_value(split):
    """One measure split into k parts bound all-or-none (a ``requires`` ring) has exactly the
    value of the whole, so the best value is the same, whatever the budget."""
    budget, alternatives, j, k = split
    parts = _split(alternatives, j, k, bound=True)
    whole = _solve(budget, alternatives)
    result = _solve(budget, parts)
    assert result.status is whole.status
    assert result.total_value == whole.total_value
    part_ids = {a.id for a in parts} - {a.id for a in alternatives}
    assert len(part_ids & set(result.selected)) in (0, k)
    expected = _brute_force(budget, alternatives)
    assert whole.total_value == (0 if expected is None else expected[0])


@FAST
@given(_splits(), st.booleans())
def test_splitting_into_free_parts_never_lowers_the_best_value(split, ample):
    """Free parts can only add choices: the best value is never lower, and when the budget
    covers every candidate it is the same (funding some parts of a worthwhile measure is
    never better than funding all of it)."""
    budget, alternatives, j, k = split
    if ample:
        budget = sum(a.cost for a in alternatives)
    whole = _solve(budget, alternatives)
    result = _solve(budget, _split(alternatives, j, k, bound=False))
    if whole.status is Status.OPTIMAL:
        assert result.status is Status.OPTIMAL
        assert result.total_value >= whole.total_value
        if ample:
            assert result.total_value == whole.total_value
    else:
        assert whole.status is Status.INFEASIBLE


def test_a_requires_ring_is_accepted_and_binds_all_or_none():
    """``parse_portfolio`` and the solver accept a cycle of ``requires``: the parts come
    together or not at all."""
    ring = [
        {"id": f"p{m}", "cost": 100, "value": 1, "requires": [f"p{(m + 1) % 3}"]} for m in range(3)
    ]
    other = {"id": "o", "cost": 200, "value": 2.5}
    for budget, selected in (
        (299, ("o",)),
        (300, ("p0", "p1", "p2")),
        (500, ("p0", "p1", "p2", "o")),
    ):
        problem = parse_portfolio({"budget": budget, "candidates": [*ring, other]})
        assert solve_portfolio(problem).selected == selected


# A chosen measure that gets better or cheaper stays chosen


@st.composite
def _chosen(draw):
    """A case with an OPTIMAL answer and the index of one selected alternative (or None)."""
    budget, alternatives = draw(_cases())
    result = _solve(budget, alternatives)
    selected = [i for i, a in enumerate(alternatives) if a.id in result.selected]
    if result.status is not Status.OPTIMAL or not selected:
        return budget, alternatives, result, None
    return budget, alternatives, result, draw(st.sampled_from(selected))


@FAST
@given(_chosen(), st.sampled_from(["severity", "benefit", "persons"]), st.data())
def test_a_chosen_measure_that_gets_better_stays_chosen(chosen, what, data):
    budget, alternatives, before, i = chosen
    if i is None:
        return
    old = alternatives[i]
    if what == "severity" and old.severity != ALVORLIGHET[-1]:
        higher = ALVORLIGHET[ALVORLIGHET.index(old.severity) + 1 :]
        new = dataclasses.replace(old, severity=data.draw(st.sampled_from(higher)))
    elif what == "benefit" and old.benefit != NYTTE[-1]:
        higher = NYTTE[NYTTE.index(old.benefit) + 1 :]
        new = dataclasses.replace(old, benefit=data.draw(st.sampled_from(higher)))
    else:
        new = dataclasses.replace(old, persons=old.persons + data.draw(st.integers(1, 40)))
    alternatives[i] = new
    after = _solve(budget, alternatives)
    assert after.status is Status.OPTIMAL
    assert old.id in after.selected
    assert after.total_value >= before.total_value


@FAST
@given(_chosen(), st.data())
def test_a_chosen_measure_that_gets_cheaper_stays_chosen(chosen, data):
    """Needs the tie-break: without it an equal-value portfolio without the measure may win."""
    budget, alternatives, before, i = chosen
    if i is None:
        return
    old = alternatives[i]
    saving = data.draw(st.integers(1, old.cost // 1_000)) * 1_000
    alternatives[i] = dataclasses.replace(old, cost=old.cost - saving)
    after = _solve(budget, alternatives)
    assert after.status is Status.OPTIMAL
    assert old.id in after.selected
    assert after.total_value >= before.total_value


def test_a_cheaper_measure_of_equal_value_stays_chosen():
    """Two measures of 12 units each and a budget for one: the tie-break takes the cheaper
    (without it, HiGHS in scipy 1.17 took the dearer one here), and making it cheaper
    still keeps it."""
    alternatives = [
        ValuedAlternative("a0", "A0", 600_000, 4, "liten", "liten"),
        ValuedAlternative("a1", "A1", 500_000, 2, "moderat", "liten"),
    ]
    assert _solve(746_223, alternatives).selected == ("a1",)
    alternatives[1] = dataclasses.replace(alternatives[1], cost=499_000)
    result = _solve(746_223, alternatives)
    assert result.selected == ("a1",)
    assert (result.total_value, result.total_cost) == (12.0, 499_000.0)


# The example


def test_a_fact_team_beats_five_mastery_courses_under_the_new_value_only():
    """Budget 5 MNOK. A FACT team (nytte stor, alvorlighet svært stor, ressurs høy) at
    5 000 000 kr for 40 persons a year against five mastery courses (liten, liten, ressurs
    lav) at 1 000 000 kr for 12 persons each.

    Old: the weighted ordinal score (weights 40/40/20 on nytte 0–4, alvorlighet 1–4 and
    ressurs 1–4 as a cost) gives the team 0.767 and each course 0.3, so five courses
    (1.5) beat the team. New: the team is 40 × 3 × 9 = 1 080 units (360), the five courses
    5 × 12 × 1 × 3 = 180 units (60), and the team is chosen."""
    budget = 5_000_000
    team = ValuedAlternative("fact", "FACT-team", 5_000_000, 40, "stor", "svært stor")
    courses = [
        ValuedAlternative(f"kurs{m}", f"Mestringskurs {m}", 1_000_000, 12, "liten", "liten")
        for m in range(1, 6)
    ]
    scales = {name: default_catalogue().scale(name) for name in ("nytte", "alvorlighet", "ressurs")}
    rows = [("stor", "svært stor", "høy")] + [("liten", "liten", "lav")] * 5
    matrix = np.array(
        [
            [scales[name].level(label).value for name, label in zip(scales, row, strict=True)]
            for row in rows
        ],
        dtype=float,
    )
    old_scores = weighted_sum(
        matrix,
        np.array([40.0, 40.0, 20.0]),
        np.array([False, False, True]),
        np.array([[0.0, 4.0], [1.0, 4.0], [1.0, 4.0]]),
    ).scores
    assert old_scores == pytest.approx([0.4 * 3 / 4 + 0.4 + 0.2 / 3] + [0.4 / 4 + 0.2] * 5)
    old = solve_portfolio(
        PortfolioProblem(
            float(budget),
            tuple(
                Candidate(a.id, a.name, float(a.cost), float(score))
                for a, score in zip([team, *courses], old_scores, strict=True)
            ),
        ),
        marginals=False,
    )
    assert old.selected == tuple(c.id for c in courses)
    assert old.total_value == pytest.approx(1.5)

    new = _solve(budget, [team, *courses])
    assert new.status is Status.OPTIMAL
    assert new.selected == ("fact",)
    assert new.total_value == 1080
    assert value_facts(40, "stor", "svært stor").value == 360
    assert 5 * value_facts(12, "liten", "liten").value == 60
