"""Input validation (every problem with its path), XLSX input, JSON reports and sentences."""

from __future__ import annotations

import math

import pytest
from openpyxl import Workbook

from losen.domain.errors import InputError
from losen.domain.mcda.explain import format_number, format_share
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


def test_rank_sentences_name_the_swap_threshold():
    report = rank_report(parse_problem(_data()), explain=True)
    sentences = report["sentences"]
    assert sentences[0] == "A er rangert først med skår 0,83 (vektet sum)."
    upper = report["weight_stability"]["nytte"]["upper"]
    assert (
        f"A og B bytter plass hvis vekten på Nytte stiger over {format_number(upper)} (nå 0,50)."
        in sentences
    )


def test_smaa_report_contract_and_sentences():
    data = _data()
    for criterion in data["criteria"]:
        criterion.pop("weight")
    report = smaa_report(parse_problem(data, stochastic=True), samples=2000, seed=4, explain=True)
    assert list(report) == ["rank_acceptability", "central_weights", "confidence", "sentences"]
    assert len(report["rank_acceptability"]["A"]) == 3
    share = report["rank_acceptability"]["A"][0]
    assert f"A er først i {format_share(share)} av de plausible vektingene." in report["sentences"]


def test_norwegian_number_formats():
    assert format_number(0.3125) == "0,31"
    assert format_share(0.874) == "87 %"
    assert format_share(0.001) == "under 1 %"
    assert format_share(0.999) == "over 99 %"


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
