"""The decision engine behind the priorities app: ranking, stability and SMAA on the criteria
catalogue's scales (losen.apps.priorities.engine), and the budget portfolio a case gets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.accounts.models import Municipality
from losen.apps.priorities import engine
from losen.apps.priorities.models import PrioritizationCase
from losen.apps.priorities.overview import CaseOverview
from losen.domain.criteria import default_catalogue
from losen.domain.errors import InputError
from losen.domain.portfolio import value_units

from .helpers import make_alternative

CATALOGUE = default_catalogue()
COLUMNS = engine.criteria(CATALOGUE)

# nytte 0–4 (ingen … svært stor), alvorlighet 1–4 (liten … svært stor), ressurs 1–4
# (lav … svært høy, less is better).
A = {"nytte": "svært stor", "alvorlighet": "moderat", "ressurs": "lav"}
B = {"nytte": "liten", "alvorlighet": "svært stor", "ressurs": "svært høy"}
C = {"nytte": "moderat", "alvorlighet": "moderat", "ressurs": "moderat"}


def first(result) -> int:
    return int(result.order[0])


def test_the_columns_are_the_catalogues_criteria_with_ressurs_as_a_cost():
    assert set(COLUMNS) == {"nytte", "alvorlighet", "ressurs"}
    costs = dict(zip(COLUMNS, engine.is_cost(CATALOGUE), strict=True))
    assert costs == {"nytte": False, "alvorlighet": False, "ressurs": True}


def test_rank_follows_the_weights_and_contributions_add_up():
    benefit_heavy = engine.ranking(
        CATALOGUE, [A, B, C], {"nytte": 80, "alvorlighet": 10, "ressurs": 10}
    )
    severity_heavy = engine.ranking(
        CATALOGUE, [A, B, C], {"nytte": 0, "alvorlighet": 100, "ressurs": 0}
    )
    assert first(benefit_heavy) == 0  # A
    assert first(severity_heavy) == 1  # B
    contributions = benefit_heavy.contributions()
    for i, score in enumerate(benefit_heavy.scores):
        assert abs(contributions[i].sum() - score) < 1e-9
    # A: nytte 4/4 * 0.8 + alvorlighet 1/3 * 0.1 + ressurs 3/3 * 0.1 (on the declared scales)
    assert abs(benefit_heavy.scores[0] - (0.8 + 0.1 / 3 + 0.1)) < 1e-9
    a = dict(zip(COLUMNS, contributions[0], strict=True))
    assert a == pytest.approx({"nytte": 0.8, "alvorlighet": 0.1 / 3, "ressurs": 0.1})


def test_ties_share_a_rank():
    ranking = engine.ranking(CATALOGUE, [C, dict(C)], {"nytte": 1, "alvorlighet": 1, "ressurs": 1})
    assert list(ranking.ranks) == [1, 1]


def test_weights_summing_to_zero_are_refused_not_replaced():
    with pytest.raises(InputError):
        engine.ranking(CATALOGUE, [A, B], {"nytte": 0, "alvorlighet": 0, "ressurs": 0})
    shares = engine.weight_vector(CATALOGUE, {"nytte": 50, "alvorlighet": 30, "ressurs": 20})
    assert dict(zip(COLUMNS, shares, strict=True)) == pytest.approx(
        {"nytte": 0.5, "alvorlighet": 0.3, "ressurs": 0.2}
    )


def test_weight_stability_contains_the_current_weight_and_is_exact_at_the_edge():
    weights = {"nytte": 50, "alvorlighet": 30, "ressurs": 20}
    intervals = engine.stability(engine.ranking(CATALOGUE, [A, B], weights))
    assert len(intervals) == 3
    for s in intervals:
        assert s.lower <= s.weight <= s.upper
    severity = next(s for s in intervals if COLUMNS[s.criterion] == "alvorlighet")
    # Beyond the upper edge B must win; inside, A stays first.
    assert severity.upper < 1.0
    edge = min(severity.upper + 0.02, 1.0)
    rest = 1 - edge
    trial = {"alvorlighet": edge, "nytte": rest * 50 / 70, "ressurs": rest * 20 / 70}
    assert first(engine.ranking(CATALOGUE, [A, B], trial)) == 1
    inside = severity.upper - 0.02
    rest = 1 - inside
    trial = {"alvorlighet": inside, "nytte": rest * 50 / 70, "ressurs": rest * 20 / 70}
    assert first(engine.ranking(CATALOGUE, [A, B], trial)) == 0


def test_acceptability_shares_sum_to_one_and_a_dominated_option_never_wins():
    dominated = {"nytte": "ingen", "alvorlighet": "liten", "ressurs": "svært høy"}
    result = engine.acceptability(CATALOGUE, [A, B, C, dominated], samples=500)
    shares = result.rank_acceptability
    assert abs(shares[:, 0].sum() - 1) < 1e-9
    for row in shares:
        assert abs(row.sum() - 1) < 1e-9
    assert shares[3, 0] == 0
    assert engine.acceptability(CATALOGUE, []) is None


LEVELS = {
    kind: CATALOGUE.scale(CATALOGUE.criterion(kind).scale).labels
    for kind in ("nytte", "alvorlighet")
}

candidates = st.lists(
    st.tuples(
        st.integers(1, 10),  # cost
        st.integers(0, 40),  # persons per year
        st.sampled_from(LEVELS["nytte"]),
        st.sampled_from(LEVELS["alvorlighet"]),
        st.booleans(),  # mandatory
        st.sampled_from(["", "", "x", "y"]),  # exclusive group
    ),
    min_size=1,
    max_size=7,
)


@pytest.fixture
def municipality(db):
    return Municipality.objects.create(number="4601", name="Porteføljevik")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=candidates, budget=st.integers(0, 40), data=st.data())
def test_the_portfolio_of_a_case_is_optimal_and_honours_every_constraint(
    municipality, rows, budget, data
):
    """The case's portfolio (persons × nytte × severity weight, ressurs only as cost) against
    brute force over every subset of its alternatives."""
    case = PrioritizationCase.objects.create(
        municipality=municipality,
        title="Generert",
        level="politisk",
        direction="om",
        situation="Generert.",
        plan_process="arsbudsjett",
        budget_nok=budget,
    )
    made = [
        make_alternative(
            case,
            nytte=nytte,
            alvorlighet=alvorlighet,
            persons_per_year=persons,
            persons_source="anslag",
            persons_note="Generert.",
            cost_nok=cost,
            mandatory=mandatory,
            exclusive_group=group,
        )
        for cost, persons, nytte, alvorlighet, mandatory, group in rows
    ]
    if len(made) > 1 and data.draw(st.booleans()):
        made[0].requires = made[1]
        made[0].save()
    result = CaseOverview(case).portfolio
    by_key = {str(a.external_id): a for a in made}
    units = {
        k: value_units(a.persons_per_year, a.nytte_level, a.alvorlighet_level)
        for k, a in by_key.items()
    }

    def ok(keys):
        chosen = [by_key[k] for k in keys]
        groups = [a.exclusive_group for a in chosen if a.exclusive_group]
        return (
            sum(a.cost_nok for a in chosen) <= budget
            and all(str(a.external_id) in keys for a in made if a.mandatory)
            and len(groups) == len(set(groups))
            and all(a.requires_id is None or str(a.requires.external_id) in keys for a in chosen)
        )

    feasible = [
        set(combo)
        for n in range(len(made) + 1)
        for combo in itertools.combinations(by_key, n)
        if ok(set(combo))
    ]
    assert result.feasible == bool(feasible)
    if feasible:
        assert ok(set(result.chosen))
        best = max(sum(units[k] for k in s) for s in feasible)
        assert sum(units[k] for k in result.chosen) == best
        assert result.value == pytest.approx(best / 3)
        # Of the sets worth as much, the cheapest.
        cheapest = min(
            sum(by_key[k].cost_nok for k in s) for s in feasible if sum(units[k] for k in s) == best
        )
        assert result.cost_nok == cheapest
        if result.first_out:
            assert set(result.first_out) <= set(result.chosen)
            assert not any(by_key[k].mandatory for k in result.first_out)
