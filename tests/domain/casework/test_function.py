"""The KPR/IPLOS function variables: catalogue, validation of a profile, summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losen.domain.casework.function import (
    NOT_RELEVANT,
    FunctionProfile,
    function_catalogue,
    parse_profile,
    summarise,
    summary_fact,
)
from losen.domain.errors import InputError
from losen.domain.explain import CODES

CATALOGUE = function_catalogue()
CODES_ = CATALOGUE.codes

profiles = st.dictionaries(st.sampled_from(CODES_), st.sampled_from((1, 2, 3, 4, 5, 9)))


def test_the_catalogue_has_stable_unique_codes_in_known_groups_and_cites_its_source():
    assert len(CODES_) == 17
    assert len(set(CODES_)) == len(CODES_)
    groups = {group.code for group in CATALOGUE.groups}
    assert {variable.group for variable in CATALOGUE.variables} == groups
    assert all(variable.label.strip() for variable in CATALOGUE.variables)
    assert "helsedirektoratet.no" in CATALOGUE.source
    assert dict(CATALOGUE.score_labels).keys() == {1, 2, 3, 4, 5, 9}
    assert CATALOGUE.variable("syn").group == "sanser"
    assert [v.code for v in CATALOGUE.in_group("bevegelse")] == ["innendors", "utendors"]
    with pytest.raises(KeyError):
        CATALOGUE.variable("flying")


def test_every_problem_is_named_at_once():
    with pytest.raises(InputError) as caught:
        parse_profile({"syn": 6, "flying": 2, "horsel": 0, "spise": "3", "toalett": True})
    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "function.syn",
        "function.flying",
        "function.horsel",
        "function.spise",
        "function.toalett",
    ]
    assert "6" in caught.value.problems[0].message
    with pytest.raises(InputError):
        parse_profile([1, 2, 3])


def test_a_worked_example_summary():
    profile = parse_profile(
        {"utendors": 5, "hygiene": 4, "matlaging": 3, "syn": 9, "hukommelse": 1, "horsel": 9}
    )
    # Catalogue order, whatever the input order.
    assert [code for code, _ in profile.scores] == [
        "matlaging",
        "hygiene",
        "hukommelse",
        "utendors",
        "syn",
        "horsel",
    ]
    summary = summarise(profile)
    assert summary.assessed == 6
    assert summary.relevant == 4
    assert summary.not_relevant == 2
    assert summary.high_need == 2
    assert summary.high_need_codes == ("hygiene", "utendors")
    assert summary.mean == pytest.approx((5 + 4 + 3 + 1) / 4)
    fact = summary_fact(profile)
    assert fact.code == "function.summary"
    assert fact.params == {
        "relevant": 4,
        "not_relevant": 2,
        "high_need": 2,
        "high_need_codes": ["hygiene", "utendors"],
        "mean": 3.25,
    }
    assert set(fact.params) == set(CODES[fact.code])


def test_nothing_relevant_has_no_mean():
    summary = summarise(parse_profile({"syn": 9, "horsel": 9}))
    assert summary.mean is None
    assert summary_fact(FunctionProfile(())).params["mean"] is None


@given(profiles)
def test_summary_counts_add_up_and_the_mean_ignores_nine(data):
    profile = parse_profile(data)
    summary = summarise(profile)
    assert summary.assessed == len(data)
    assert summary.relevant + summary.not_relevant == summary.assessed
    assert summary.not_relevant == sum(1 for score in data.values() if score == NOT_RELEVANT)
    assert summary.high_need == sum(1 for score in data.values() if score in (4, 5))
    relevant = [score for score in data.values() if score != NOT_RELEVANT]
    if relevant:
        assert 1 <= summary.mean <= 5
        assert summary.mean == pytest.approx(sum(relevant) / len(relevant))
    else:
        assert summary.mean is None
    assert parse_profile(profile.as_dict()) == profile
    assert parse_profile(profile) == profile


@given(st.sampled_from(CODES_), st.integers().filter(lambda n: n not in (1, 2, 3, 4, 5, 9)))
def test_any_other_score_is_refused(code, score):
    with pytest.raises(InputError) as caught:
        parse_profile({code: score})
    assert caught.value.problems[0].path == f"function.{code}"
