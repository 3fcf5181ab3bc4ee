"""Like cases alike: the Gower distance, the nearest earlier cases of the same service, and
how a draft departs from them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losen.domain.casework.function import function_catalogue
from losen.domain.casework.similarity import (
    DEPARTURE_CODES,
    Neighbour,
    criteria_positions,
    departs,
    departure,
    distance,
    nearest,
    profile,
)
from losen.domain.criteria import parse_combined
from losen.domain.errors import InputError
from losen.domain.explain import CODES

VARIABLES = function_catalogue().codes
SIZES = {"nytte": 5, "alvorlighet": 4, "ressurs": 4}


def _p(case_id, function, criteria=None, outcome="innvilget", hours=None, service="hjemmehjelp"):
    return profile(case_id, service, function, criteria or {}, outcome, hours)


def test_worked_example_distance():
    a = _p("A", {"hygiene": 4, "matlaging": 2, "syn": 9}, {"nytte": 3, "alvorlighet": 2})
    b = _p("B", {"hygiene": 2, "matlaging": 2, "syn": 5, "horsel": 1}, {"nytte": 1, "ressurs": 0})
    # hygiene |4−2|/4 = 0.5, matlaging 0, syn 9 counts as 1: |1−5|/4 = 1; horsel only in B.
    # Criteria block: only nytte shared, |3−1|/4 = 0.5, weight 1.
    expected = (0.5 + 0 + 1 + 0.5) / 4
    assert distance(a, b) == pytest.approx(expected)
    assert distance(b, a) == pytest.approx(expected)
    # The block weighs 3 variables: (1.5 + 3 × 0.5) / (3 + 3).
    assert distance(a, b, criteria_weight=3) == pytest.approx(0.5)
    # Without the block only the function variables count.
    assert distance(a, b, criteria_weight=0) == pytest.approx(1.5 / 3)


def test_nothing_in_common_is_distance_one():
    a = _p("A", {"hygiene": 4})
    b = _p("B", {}, {"nytte": 2})
    assert distance(a, b) == 1.0


profiles_data = st.tuples(
    st.dictionaries(st.sampled_from(VARIABLES), st.sampled_from((1, 2, 3, 4, 5, 9)), min_size=1),
    st.dictionaries(
        st.sampled_from(list(SIZES)), st.integers(min_value=0, max_value=3), max_size=3
    ),
    st.sampled_from(("innvilget", "delvis_innvilget", "avslag")),
    st.one_of(st.none(), st.floats(min_value=0, max_value=40, allow_nan=False)),
    st.sampled_from(("hjemmehjelp", "hjemmesykepleie")),
)


def _from(index, data):
    function, criteria, outcome, hours, service = data
    return _p(f"C-{index}", function, criteria, outcome, hours, service)


@given(profiles_data, profiles_data, st.floats(min_value=0, max_value=10))
def test_distance_is_in_unit_interval_symmetric_and_zero_on_itself(x, y, weight):
    a, b = _from(1, x), _from(2, y)
    d = distance(a, b, criteria_weight=weight)
    assert 0 <= d <= 1
    assert d == pytest.approx(distance(b, a, criteria_weight=weight))
    assert distance(a, a, criteria_weight=weight) == 0


@given(profiles_data, st.lists(profiles_data, max_size=12), st.integers(min_value=0, max_value=12))
def test_an_identical_earlier_case_is_found_first_at_distance_zero(draft_data, others, at):
    draft = _from(0, draft_data)
    twin = _from(99, draft_data)  # same assessment and service, another case
    earlier = [_from(i + 1, data) for i, data in enumerate(others)]
    earlier.insert(min(at, len(earlier)), twin)
    found = nearest(draft, earlier, k=5)
    same = [
        p
        for p in earlier
        if p.service == draft.service
        and p.function == draft.function
        and p.criteria == draft.criteria
    ]
    # The first neighbours are the identical assessments, in input order.
    assert [n.profile for n in found[: len(same)]] == same[:5]
    assert found[0].distance == 0
    assert twin in [n.profile for n in found] or same.index(twin) >= 5
    assert all(n.profile.service == draft.service for n in found)
    assert [n.distance for n in found] == sorted(n.distance for n in found)
    assert len(found) == min(5, sum(1 for p in earlier if p.service == draft.service))


def test_ties_are_broken_stably_by_shared_variables_then_input_order():
    draft = _p("D", {"hygiene": 3, "spise": 2})
    one = _p("E1", {"hygiene": 3})  # distance 0, one shared
    two = _p("E2", {"hygiene": 3, "spise": 2, "syn": 4})  # distance 0, two shared
    three = _p("E3", {"hygiene": 3, "spise": 2, "horsel": 1})  # distance 0, two shared
    other = _p("E4", {"hygiene": 3}, service="hjemmesykepleie")
    found = nearest(draft, [one, other, three, two])
    assert [n.profile.case_id for n in found] == ["E3", "E2", "E1"]
    assert [n.shared for n in found] == [2, 2, 1]


def test_profile_validation_names_every_problem():
    with pytest.raises(InputError) as caught:
        profile(
            "",
            " ",
            {"syn": 7, "fly": 1},
            {"nytte": 5, "smak": 1, "ressurs": True},
            "kanskje",
            200,
        )
    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "case_id",
        "service",
        "function.syn",
        "function.fly",
        "criteria.nytte",
        "criteria.smak",
        "criteria.ressurs",
        "outcome",
        "hours_per_week",
    ]
    with pytest.raises(InputError):
        profile("A", "s", {}, {}, "avslag")
    with pytest.raises(InputError):
        nearest(_p("A", {"syn": 1}), [], k=0)
    with pytest.raises(InputError):
        distance(_p("A", {"syn": 1}), _p("B", {"syn": 1}), criteria_weight=-1)


def test_positions_from_a_samlet_vurdering():
    level = {"reasoning": "r", "uncertainty": "lav"}
    combined = parse_combined(
        {
            "nytte": {"level": "stor", **level},
            "ressurs": {"level": "lav", **level},
            "alvorlighet": {"level": "svært stor", **level},
            "reasoning": "samlet",
        }
    )
    assert criteria_positions(combined) == {"nytte": 3, "ressurs": 0, "alvorlighet": 3}


def _n(case_id, outcome="innvilget", hours=None, d=0.1):
    return Neighbour(_p(case_id, {"hygiene": 3}, outcome=outcome, hours=hours), d, 1)


def test_departure_worked_examples():
    draft = _p("D", {"hygiene": 3}, outcome="avslag")
    close = [_n("E1"), _n("E2"), _n("E3", "avslag"), _n("E4", d=0.5)]
    facts = departure(draft, close)
    assert [f.code for f in facts] == ["similarity.outcome_differs"]
    assert facts[0].params == {
        "outcome": "avslag",
        "majority": "innvilget",
        "count": 2,
        "total": 3,
        "cases": ["E1", "E2"],
    }
    assert departs(facts)
    # Too few close neighbours: nothing to compare with.
    facts = departure(draft, close[:2])
    assert [f.code for f in facts] == ["similarity.too_few"]
    assert facts[0].params == {"count": 2, "needed": 3}
    assert not departs(facts)
    # Hours: neighbours at 4–6, band 3.2–7.2 hours.
    hours = [_n("H1", hours=4), _n("H2", hours=5), _n("H3", hours=6)]
    grant = _p("D", {"hygiene": 3}, outcome="innvilget", hours=7.2)
    assert [f.code for f in departure(grant, hours)] == ["similarity.in_line"]
    above = departure(_p("D", {"hygiene": 3}, hours=7.3), hours)
    assert [f.code for f in above] == ["similarity.hours_above"]
    assert above[0].params["limit"] == pytest.approx(7.2)
    assert above[0].params["low"] == 4 and above[0].params["high"] == 6
    below = departure(_p("D", {"hygiene": 3}, hours=3.1), hours)
    assert [f.code for f in below] == ["similarity.hours_below"]
    assert below[0].params["limit"] == pytest.approx(3.2)
    # Small hours: the half-hour floor sets the margin.
    small = [_n("S1", hours=1), _n("S2", hours=1), _n("S3", hours=1)]
    assert departure(_p("D", {"hygiene": 3}, hours=1.5), small)[0].code == "similarity.in_line"
    assert departure(_p("D", {"hygiene": 3}, hours=1.6), small)[0].code == "similarity.hours_above"
    # A split practice has no majority, so no outcome flag.
    split = [_n("A1"), _n("A2", "avslag"), _n("A3", "delvis_innvilget"), _n("A4", "avslag")]
    assert departure(_p("D", {"hygiene": 3}), split)[0].code == "similarity.in_line"
    with pytest.raises(InputError):
        departure(draft, close, radius=-0.1, min_neighbours=0)


neighbour_lists = st.lists(
    st.tuples(
        st.sampled_from(("innvilget", "delvis_innvilget", "avslag")),
        st.one_of(st.none(), st.floats(min_value=0, max_value=40, allow_nan=False)),
        st.floats(min_value=0, max_value=1),
    ),
    max_size=10,
)


@given(
    st.sampled_from(("innvilget", "delvis_innvilget", "avslag")),
    st.one_of(st.none(), st.floats(min_value=0, max_value=40, allow_nan=False)),
    neighbour_lists,
)
def test_departure_facts_are_declared_and_consistent(outcome, hours, rows):
    draft = _p("D", {"hygiene": 3}, outcome=outcome, hours=hours)
    neighbours = [_n(f"N{i}", o, h, d) for i, (o, h, d) in enumerate(rows)]
    facts = departure(draft, neighbours)
    assert facts
    for fact in facts:
        assert set(fact.params) == set(CODES[fact.code])
    codes = {fact.code for fact in facts}
    assert ("similarity.in_line" in codes) == (
        not codes & DEPARTURE_CODES and "similarity.too_few" not in codes
    )
    close = [n for n in neighbours if n.distance <= 0.2]
    if len(close) >= 3 and all(n.profile.outcome == outcome for n in close):
        assert "similarity.outcome_differs" not in codes
