"""Input validation (every problem with its path), XLSX input, JSON reports and the facts
behind the sentences (worded outside the domain, see tests/apps/criteria)."""

from __future__ import annotations

import math

import pytest
from openpyxl import Workbook

from losen.domain.errors import InputError
from losen.domain.explain import CODES, Fact
from losen.domain.mcda.explain import format_number
from losen.domain.mcda.parse import parse_problem, read_xlsx
from losen.domain.mcda.report import rank_report, smaa_report


def _data():
    return {
        "criteria": [
            {"id": "nytte", "name": "Nytte", "direction": "benefit", "weight": 5},
            {"id": "ressurs", "name": "ressurs", "direction": "cost", "weight": 3},
            {"id": "alvorlighet", "name": "Alvorlighet", "direction": "benefit", "weight": 2},
        ],
        "alternatives": [
            {"id": "A", "name": "A", "scores": {"nytte": 3, "ressurs": 1, "alvorlighet": 2}},
            {"id": "B", "name": "B", "scores": {"nytte": 4, "ressurs": 3, "alvorlighet": 2}},
            {"id": "C", "name": "C", "scores": {"nytte": 1, "ressurs": 2, "alvorlighet": 1}},
        ],
    }


def _problems(data, **kwargs):
    with pytest.raises(InputError) as caught:
        parse_problem(data, **kwargs)
    return caught.value.lines()


def test_every_problem_is_reported_with_its_path():
    data = _data()
    data["criteria"][1].pop("weight")
    data["alternatives"][0]["scores"]["nytte"] = "mye"
    data["alternatives"][1]["scores"]["nytte"] = math.nan
    data["alternatives"][2]["scores"]["kvalitet"] = 1
    data["alternatives"][2]["id"] = "A"
    assert _problems(data) == [
        "criteria[1].weight: missing weight (vekt mangler)",
        "alternatives[0].scores.nytte: not a number (ikke et tall)",
        "alternatives[1].scores.nytte: not finite (NaN eller uendelig er ikke tillatt)",
        "alternatives[2].id: duplicate id 'A'",
        "alternatives[2].scores.kvalitet: unknown criterion (ukjent kriterium)",
    ]


def test_empty_matrix_duplicate_criterion_and_booleans():
    assert _problems({"criteria": [], "alternatives": []}) == [
        "criteria: empty matrix (ingen kriterier)",
        "alternatives: empty matrix (ingen alternativer)",
    ]
    data = _data()
    data["criteria"][2]["id"] = "nytte"
    data["alternatives"][0]["scores"]["ressurs"] = True
    lines = _problems(data)
    assert "criteria[2].id: duplicate id 'nytte'" in lines
    assert "alternatives[0].scores.ressurs: not a number (ikke et tall)" in lines


def test_scores_outside_a_declared_scale_are_rejected():
    data = _data()
    data["criteria"][0]["scale"] = {"min": 0, "max": 3}
    assert _problems(data) == [
        "alternatives[1].scores.nytte: outside scale [0, 3] (utenfor skalaen)"
    ]


def test_intervals_only_in_stochastic_mode():
    data = _data()
    data["criteria"][0]["weight"] = {"min": 0.2, "max": 0.5}
    data["alternatives"][0]["scores"]["nytte"] = {"min": 2, "max": 4}
    assert _problems(data) == [
        "criteria[0].weight: not a number (ikke et tall)",
        "alternatives[0].scores.nytte: not a number (ikke et tall)",
    ]
    problem = parse_problem(data, stochastic=True)
    assert problem.alternatives[0].score("nytte").midpoint == 3


def test_rank_report_contract():
    report = rank_report(parse_problem(_data()))
    assert list(report) == ["method", "ranking", "weight_stability"]
    assert report["method"] == "weighted-sum"
    assert [e["id"] for e in report["ranking"]] == ["A", "B", "C"]
    first = report["ranking"][0]
    assert list(first) == ["id", "rank", "score", "contributions"]
    assert sum(first["contributions"].values()) == pytest.approx(first["score"])
    assert set(report["weight_stability"]) == {"nytte", "ressurs", "alvorlighet"}
    for interval in report["weight_stability"].values():
        assert list(interval) == ["lower", "upper"]
        assert 0 <= interval["lower"] <= interval["upper"] <= 1


def _facts(report_function, *args, **kwargs) -> list[Fact]:
    """The facts a report words, caught by an explainer that keeps them."""
    caught: list[Fact] = []

    def keep(facts):
        caught.extend(facts)
        return [fact.code for fact in facts]

    report = report_function(*args, explain=keep, **kwargs)
    assert report["sentences"] == [fact.code for fact in caught]
    for fact in caught:
        assert set(fact.params) == set(CODES[fact.code]), fact.code
    return caught


def test_rank_facts_name_the_leader_and_the_swap_threshold():
    report = rank_report(parse_problem(_data()))
    facts = _facts(rank_report, parse_problem(_data()))
    assert facts[0] == Fact(
        "ranking.top", {"name": "A", "score": facts[0].params["score"], "method": "weighted-sum"}
    )
    assert facts[0].params["score"] == pytest.approx(0.83, abs=0.005)
    upper = report["weight_stability"]["nytte"]["upper"]
    swap = Fact(
        "weight.swap",
        {
            "leader": "A",
            "rival": "B",
            "criterion": "Nytte",
            "direction": "above",
            "threshold": upper,
            "weight": 0.5,
        },
    )
    assert swap in facts


def test_rank_facts_for_a_shared_first_place_and_topsis():
    data = _data()
    data["alternatives"][1]["scores"] = dict(data["alternatives"][0]["scores"])
    data["method"] = "topsis"
    facts = _facts(rank_report, parse_problem(data))
    assert facts[0].code == "ranking.top_shared"
    assert facts[0].params["names"] == ["A", "B"]
    assert facts[0].params["method"] == "topsis"


def test_a_weight_that_cannot_unseat_the_leader_is_steady():
    """When A is best on every criterion, no weight reorders the top."""
    data = _data()
    data["alternatives"][0]["scores"] = {"nytte": 5, "ressurs": 0, "alvorlighet": 3}
    facts = _facts(rank_report, parse_problem(data))
    assert [fact.code for fact in facts] == ["ranking.top", "weight.steady"]
    assert facts[1].params == {"leader": "A", "criteria": ["Nytte", "ressurs", "Alvorlighet"]}


def test_smaa_report_contract_and_facts():
    data = _data()
    for criterion in data["criteria"]:
        criterion.pop("weight")
    problem = parse_problem(data, stochastic=True)
    report = smaa_report(problem, samples=2000, seed=4, explain=lambda facts: ["x"] * len(facts))
    assert list(report) == ["rank_acceptability", "central_weights", "confidence", "sentences"]
    assert len(report["rank_acceptability"]["A"]) == 3
    facts = _facts(smaa_report, problem, samples=2000, seed=4)
    share = report["rank_acceptability"]["A"][0]
    assert Fact("smaa.first", {"name": "A", "share": share}) in facts
    codes = [fact.code for fact in facts]
    assert "smaa.centre_first" in codes
    assert "smaa.confidence" not in codes  # exact scores: no confidence facts


def test_smaa_facts_for_many_alternatives_and_uncertain_scores():
    """Six alternatives that can be first: five by name and one in the rest; more than five
    that never are: counted; interval scores: a confidence fact per listed alternative."""
    criteria = [
        {"id": f"k{j}", "name": f"K{j}", "direction": "benefit", "scale": {"min": 0, "max": 10}}
        for j in range(6)
    ]
    alternatives = [
        {"id": f"a{i}", "name": f"A{i}", "scores": {f"k{j}": 10 if i == j else 0 for j in range(6)}}
        for i in range(6)
    ] + [
        {"id": f"z{i}", "name": f"Z{i}", "scores": {f"k{j}": 0 for j in range(6)}} for i in range(6)
    ]
    alternatives[0]["scores"]["k0"] = {"min": 9, "max": 10}
    problem = parse_problem({"criteria": criteria, "alternatives": alternatives}, stochastic=True)
    facts = _facts(smaa_report, problem, samples=3000, seed=2)
    codes = [fact.code for fact in facts]
    assert codes[:5] == ["smaa.first"] * 5
    assert codes[5] == "smaa.first_rest" and facts[5].params["count"] == 1
    assert Fact("smaa.never_first_count", {"count": 6}) in facts
    assert codes.count("smaa.confidence") == 5


def test_facts_for_the_matrix_page():
    from losen.domain.mcda import explain

    assert explain.ranking_first("A") == Fact("ranking.first", {"name": "A"})
    assert explain.weight_interval("nytte", 0.2, 0.6, 0.4) == Fact(
        "weight.interval", {"criterion": "nytte", "lower": 0.2, "upper": 0.6, "weight": 0.4}
    )
    assert explain.smaa_first_share("A", 0.87) == Fact(
        "smaa.first_share", {"name": "A", "share": 0.87}
    )


def test_norwegian_number_format_for_the_domain_notes():
    assert format_number(0.3125) == "0,31"
    assert format_number(6_000_000, 0) == "6 000 000"


def test_xlsx_with_the_same_columns(tmp_path):
    workbook = Workbook()
    criteria = workbook.active
    criteria.title = "criteria"
    criteria.append(["id", "name", "direction", "weight", "scale_min", "scale_max"])
    criteria.append(["nytte", "Nytte", "benefit", 0.6, 0, 4])
    criteria.append(["ressurs", "Ressurs", "cost", 0.4, None, None])
    alternatives = workbook.create_sheet("alternatives")
    alternatives.append(["id", "name", "nytte", "ressurs"])
    alternatives.append(["A", "Tiltak A", 3, 1.5])
    alternatives.append(["B", "Tiltak B", 4, "mye"])
    settings = workbook.create_sheet("settings")
    settings.append(["method", "topsis"])
    path = tmp_path / "beslutning.xlsx"
    workbook.save(path)
    data = read_xlsx(path)
    assert data["method"] == "topsis"
    assert data["criteria"][0]["scale"] == {"min": 0, "max": 4}
    assert _problems(data) == ["alternatives[1].scores.ressurs: not a number (ikke et tall)"]


@pytest.mark.parametrize("stochastic", [False, True])
def test_weights_that_are_all_zero_are_rejected(stochastic):
    """Plain weights are normalised to sum 1, for smaa too, so all zeros cannot be used."""
    data = _data()
    for criterion in data["criteria"]:
        criterion["weight"] = 0
    assert _problems(data, stochastic=stochastic) == [
        "criteria: weights sum to zero (vektene summerer til 0)"
    ]
    data["criteria"][0]["weight"] = {"min": 0.2, "max": 0.6}
    if stochastic:
        assert parse_problem(data, stochastic=True).criteria[0].weight.high == 0.6


def test_xlsx_intervals_for_smaa(tmp_path):
    """Weight columns weight_min/weight_max and a text interval «2..3,5» (decimal comma) in a
    score cell become the same intervals as in JSON."""
    workbook = Workbook()
    criteria = workbook.active
    criteria.title = "Criteria"
    criteria.append(["ID", "Name", "Direction", "weight_min", "weight_max"])
    criteria.append(["nytte", "Nytte", "benefit", 0.2, 0.7])
    criteria.append(["ressurs", "Ressurs", "cost", None, None])
    alternatives = workbook.create_sheet("alternatives")
    alternatives.append(["id", "name", "nytte", "ressurs"])
    alternatives.append([1, "Tiltak 1", "2..3,5", 4])
    alternatives.append([2, "Tiltak 2", 3, 1])
    path = tmp_path / "usikker.xlsx"
    workbook.save(path)
    problem = parse_problem(read_xlsx(path), stochastic=True)
    assert problem.alternative_ids == ("1", "2")
    assert problem.criteria[0].weight.low == 0.2 and problem.criteria[0].weight.high == 0.7
    assert problem.criteria[1].weight is None
    interval = problem.alternatives[0].score("nytte")
    assert (interval.low, interval.high) == (2.0, 3.5)
    with pytest.raises(InputError):
        parse_problem(read_xlsx(path))
