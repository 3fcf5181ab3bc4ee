"""The guideline files: the built-in ones load, broken ones are refused with every problem
named by file and key, local files cannot pass for national ones, and the pathway table's
recommendation ids are the guideline's."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losen.domain.errors import InputError
from losen.domain.guidance.catalogue import (
    FORMAT,
    builtin_guidelines,
    line_map,
    parse_guideline,
    parse_local,
)
from losen.domain.pathways.table import default_table

LOCAL = {
    "format": FORMAT,
    "id": "lokal-fjordvik",
    "kind": "guideline",
    "title": "Fjordviks egne mål for psykisk helse og rus",
    "publisher": "Fjordvik kommune",
    "url": "https://fjordvik.kommune.no/planer/psykisk-helse",
    "version": "2026-01-15",
    "recommendations": [
        {
            "id": "FJ-1",
            "title": "Svar innen to dager",
            "strength": "bør",
            "audience": "Psykisk helse og rus",
            "chapter": "Tilgjengelighet",
            "url": "https://fjordvik.kommune.no/planer/psykisk-helse",
            "version_date": "2026-01-15",
            "check_points": [
                {"id": "FJ-1-1", "text": "Alle henvendelser besvares innen to virkedager."}
            ],
        }
    ],
}


def _problems(data, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        (parse_local if kwargs.pop("local", False) else parse_guideline)(
            data, source="fil.json", **kwargs
        )
    return caught.value.lines()


def test_the_built_in_files_hold_nine_five_and_the_checklist():
    guidelines = builtin_guidelines()
    assert [r.id for r in guidelines["psykisk-helse-rus"].recommendations] == [
        f"R{n}" for n in range(1, 10)
    ]
    assert len(guidelines["prioriteringer"].recommendations) == 5
    checklist = guidelines["lavterskel"]
    assert checklist.kind == "checklist"
    assert len(list(checklist.points())) == 12
    strengths = {r.id: r.strength for r in guidelines["psykisk-helse-rus"].recommendations}
    assert {k for k, v in strengths.items() if v == "skal"} == {"R1", "R4", "R9"}
    for guideline in guidelines.values():
        for recommendation, point in guideline.points():
            assert recommendation.url.startswith("https://www.helsedirektoratet.no/")
            assert len(recommendation.title) <= 120 and point.text


def test_the_pathway_table_and_the_guideline_share_one_list_of_recommendations():
    """Every recommendation the pathway rules cite is one of the guideline's nine, with the
    same strength; the one exception is the separate advice on self-harm and suicide."""
    table = default_table()
    guideline = builtin_guidelines()["psykisk-helse-rus"]
    separate_advice = {"SELVMORD-AVGJOR"}  # Helsedirektoratet's faglige råd, not the veileder
    for recommendation in table.recommendations:
        if recommendation.id in separate_advice:
            continue
        ours = guideline.recommendation(recommendation.id)
        assert ours.strength == recommendation.strength, recommendation.id
    for pathway in table.pathways:
        assert guideline.recommendation(pathway.recommendation)


def test_a_good_local_file_loads():
    guideline = parse_local(json.dumps(LOCAL), source="lokal.json")
    assert guideline.is_local and guideline.recommendation("FJ-1").strength == "bør"


def test_a_broken_file_lists_every_problem_with_file_and_key():
    broken = copy.deepcopy(LOCAL)
    broken["format"] = "noe-annet"
    rec = broken["recommendations"][0]
    rec["strength"] = "må"
    rec["version_date"] = "15.01.2026"
    rec["url"] = "http://usikker.example"
    rec["check_points"].append({"id": "FJ-1-1", "text": ""})
    rec["farge"] = "blå"
    lines = _problems(broken)
    assert "fil.json: format: skal være «losen-guidance/1»" in lines
    assert "fil.json: recommendations[0].strength: skal være «skal», «bør» eller «kan»" in lines
    assert any(line.startswith("fil.json: recommendations[0].version_date:") for line in lines)
    assert any(line.startswith("fil.json: recommendations[0].url:") for line in lines)
    assert any("check_points[1].id: «FJ-1-1» er brukt før" in line for line in lines)
    assert any(
        line.startswith("fil.json: recommendations[0].check_points[1].text:") for line in lines
    )
    assert any(line.startswith("fil.json: recommendations[0].farge: ukjent felt") for line in lines)


def test_not_json_names_the_line():
    lines = _problems('{"format": "losen-guidance/1",\n "id": }')
    assert any("linje 2" in line for line in lines), lines


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(id="psykisk-helse-rus"), "fil.json: id"),
        (lambda d: d["recommendations"][0].update(id="R5"), "fil.json: recommendations[0].id"),
    ],
)
def test_a_local_file_cannot_reuse_a_national_id(change, expected):
    data = copy.deepcopy(LOCAL)
    change(data)
    lines = _problems(data, local=True)
    assert any(line.startswith(expected) for line in lines), lines


def test_empty_recommendations_and_a_non_object_are_refused():
    data = copy.deepcopy(LOCAL)
    data["recommendations"] = []
    assert _problems(data) == [
        "fil.json: recommendations: skal være en liste med minst én anbefaling"
    ]
    assert _problems("[1, 2]") == ["fil.json: skal være et JSON-objekt { … }"]


@given(st.sampled_from([None, 1, 2, 4]), st.integers(0, 8), st.sampled_from(["skal", "bør"]))
def test_a_problem_in_a_text_names_the_line_it_is_on(indent, index, strength):
    """Whatever the layout, the line given is the line where the bad key stands."""
    data = _raw("psykisk-helse-rus")
    data["recommendations"][index]["strength"] = strength.upper()
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    with pytest.raises(InputError) as caught:
        parse_guideline(text, source="f.json")
    (problem,) = caught.value.problems
    line = int(problem.message.rsplit("(linje ", 1)[1].rstrip(")"))
    assert f'"strength": "{strength.upper()}"' in text.splitlines()[line - 1]
    assert line_map(text)[f"recommendations[{index}].strength"] == line


def _raw(guideline_id: str) -> dict:
    from losen.domain.guidance.catalogue import builtin_content

    return builtin_content(guideline_id)
