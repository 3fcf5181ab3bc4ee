"""Definition files: the built-ins validate, malformed files are rejected naming file and field,
and a municipality can add its own instrument in the same format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.domain.instruments.helpers import LOCAL_DEFINITION, local_definition

from losen.domain.instruments import (
    DefinitionError,
    LicenceCode,
    builtin_definitions,
    load_definition_file,
    load_registry,
    parse_definition,
    score_answers,
)
from losen.domain.instruments.model import MAX_LABEL_CHARS

DATA = Path(__file__).resolve().parents[3] / "src" / "losen" / "domain" / "instruments" / "data"


def test_builtins_are_the_five_required_instruments():
    """PHQ-9, GAD-7, AUDIT, AUDIT-C and DUDIT ship as data, each with a version and a source."""
    definitions = builtin_definitions()
    assert [d.id for d in definitions] == ["audit", "audit-c", "dudit", "gad-7", "phq-9"]
    for definition in definitions:
        assert definition.version
        assert definition.sources
        assert definition.licence.code is not LicenceCode.RESTRICTED


def test_builtin_files_are_exactly_the_data_directory():
    """Every file in the data directory is loaded (none is silently skipped)."""
    assert sorted(p.stem for p in DATA.glob("*.json")) == [d.id for d in builtin_definitions()]


def test_item_counts_and_ranges_match_the_published_instruments():
    """PHQ-9 9 items 0–27; GAD-7 7 items 0–21; AUDIT 10 items 0–40; AUDIT-C 3 items 0–12;
    DUDIT 11 items 0–44 (sources in each file)."""
    shape = {d.id: (len(d.items), d.min_total, d.max_total) for d in builtin_definitions()}
    assert shape == {
        "phq-9": (9, 0, 27),
        "gad-7": (7, 0, 21),
        "audit": (10, 0, 40),
        "audit-c": (3, 0, 12),
        "dudit": (11, 0, 44),
    }


def test_labels_are_short_topics_not_questions():
    """Labels are short topics in our own words: within the length cap, not phrased as
    questions, and no two items of one instrument share a label."""
    for definition in builtin_definitions():
        labels = [item.label for item in definition.items]
        assert len(set(labels)) == len(labels), definition.id
        for label in labels:
            assert len(label) <= MAX_LABEL_CHARS
            assert "?" not in label


def test_change_criteria_are_the_iapt_numbers():
    """PHQ-9: reliable change 6, caseness 10; GAD-7: 4 and 8 (Gyani et al. 2013)."""
    by_id = {d.id: d for d in builtin_definitions()}
    assert by_id["phq-9"].change.reliable_change_points == 6
    assert by_id["phq-9"].change.clinical_cutoff == 10
    assert by_id["gad-7"].change.reliable_change_points == 4
    assert by_id["gad-7"].change.clinical_cutoff == 8


def _problems(document: object) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        parse_definition(document, "kommune/lokal.json")
    assert str(info.value).startswith("kommune/lokal.json: ")
    return list(info.value.problems)


def test_the_local_definition_is_valid():
    """The fixture used below is itself valid, so each rejection is due to the one change."""
    assert parse_definition(LOCAL_DEFINITION, "x").id == "lokal-trivsel"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"format": "losen-instrument/9"}, "format: skal være «losen-instrument/1»"),
        ({"id": "Lokal Trivsel"}, "id: bare små bokstaver"),
        ({"colour": "blå"}, "colour: ukjent felt"),
        ({"scoring": {"method": "mean"}}, "scoring.method: 'mean' er ikke støttet"),
        (
            {"bands": [{"code": "low", "label": "L", "min": 0, "max": 2},
                       {"code": "high", "label": "H", "min": 4, "max": 6}]},
            "bands[1].min: er 4, ventet 3 (hull",
        ),
        (
            {"bands": [{"code": "low", "label": "L", "min": 0, "max": 3},
                       {"code": "high", "label": "H", "min": 3, "max": 6}]},
            "bands[1].min: er 3, ventet 4 (overlapp",
        ),
        (
            {"bands": [{"code": "low", "label": "L", "min": 0, "max": 2},
                       {"code": "high", "label": "H", "min": 3, "max": 9}]},
            "bands[1].max: er 9, men høyeste mulige sum er 6",
        ),
        (
            {"bands": [{"code": "low", "label": "L", "min": 0, "max": 6, "severity_hint": "x"}]},
            "bands[0].severity_hint: skal være en av",
        ),
        ({"screen": {"cutoff": 7, "label": "P", "source": "S"}}, "screen.cutoff: er 7"),
        (
            {"screen": {"cutoff_by_sex": {"female": 2}, "label": "P", "source": "S"}},
            "screen.cutoff_by_sex: skal ha nøyaktig nøklene",
        ),
        (
            {"change": {"reliable_change_points": 0, "clinical_cutoff": 3, "source": "S"}},
            "change.reliable_change_points: skal være et tall større enn 0",
        ),
        (
            {"safety_rules": [{"code": "x", "when": {"item": 4, "at_least": 1},
                               "message": "M", "source": "S"}]},
            "safety_rules[0].when.item: spørsmål 4 finnes ikke (1–3)",
        ),
        (
            {"safety_rules": [{"code": "x", "when": {"item": 3, "equals": 1},
                               "message": "M", "source": "S"}]},
            "safety_rules[0].when.equals: er 1, men spørsmål 3 tillater 0, 2",
        ),
        (
            {"safety_rules": [{"code": "x", "when": {"item": 1, "at_least": 0},
                               "message": "M", "source": "S"}]},
            "safety_rules[0].when.at_least: er 0, men spørsmål 1 kan gi 1–2",
        ),
        (
            {"safety_rules": [{"code": "x", "when": {"total": 3}, "message": "M", "source": "S"}]},
            "safety_rules[0].when: skal være {item, at_least}",
        ),
        ({"licence": {"code": "gratis", "holder": "H", "note": "N"}}, "licence.code: skal være"),
        ({"sources": []}, "sources: skal være en liste med minst én kilde"),
    ],
)  # fmt: skip
def test_malformed_definitions_are_rejected_naming_the_field(change, expected):
    """Each malformed field is reported with its path and what is wrong."""
    problems = _problems(local_definition(**change))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_item_problems_name_the_item():
    """Item numbering, allowed scores and label length are checked per item."""
    items = [
        {"number": 1, "code": "sleep", "label": "Søvn", "scores": [0, 1, 2]},
        {"number": 3, "code": "sleep", "label": "x" * 80, "scores": [2, 1]},
    ]
    problems = _problems(local_definition(items=items))
    assert "items[1].number: skal være 2 (spørsmålene nummereres 1..n)" in problems
    assert "items[1].code: «sleep» er brukt før" in problems
    assert any(p.startswith("items[1].label: er 80 tegn") for p in problems)
    assert "items[1].scores: skal være stigende uten gjentakelser" in problems


def test_missing_fields_are_all_reported_at_once():
    """A document missing several fields gets one message per field, not just the first."""
    document = local_definition()
    for key in ("title", "construct", "licence"):
        del document[key]
    problems = _problems(document)
    assert "title: mangler" in problems
    assert "construct: mangler" in problems
    assert "licence: skal være et objekt" in problems


def test_neither_band_kind_is_rejected_and_both_need_the_levels_without_sex():
    """A definition gives bands for everyone, per sex, or both; with both, the common ones are
    used when sex is unknown and the definition must say so in words."""
    document = local_definition()
    bands = document.pop("bands")
    assert any(p.startswith("bands: oppgi «bands»") for p in _problems(document))
    both = local_definition(bands_by_sex={"female": bands, "male": bands})
    assert any(p.startswith("levels_without_sex: skal si") for p in _problems(both))
    both["levels_without_sex"] = "kjønn ikke oppgitt: felles bånd"
    assert parse_definition(both, "test").levels_without_sex == "kjønn ikke oppgitt: felles bånd"


def test_a_safety_rule_level_must_be_one_of_the_three():
    document = local_definition()
    document["safety_rules"][0]["level"] = "straks"
    assert any(".level: skal være en av akutt, snarlig, rutine" in p for p in _problems(document))


def test_non_object_document_is_rejected():
    assert _problems([1, 2]) == ["(dokumentet): skal være et objekt"]


def test_a_municipality_adds_an_instrument_from_a_directory(tmp_path):
    """A valid file in a municipality's directory joins the built-ins and scores with the same
    engine, safety rule included."""
    (tmp_path / "trivsel.json").write_text(json.dumps(LOCAL_DEFINITION), encoding="utf-8")
    registry = load_registry([tmp_path])
    assert registry.ids() == ["audit", "audit-c", "dudit", "gad-7", "lokal-trivsel", "phq-9"]
    result = score_answers(registry["lokal-trivsel"], [1, 0, 2])
    assert (result.total, result.band.code) == (3, "high")
    assert [flag.code for flag in result.flags] == ["unsafe-home"]
    assert result.positive_screen is None


def test_a_local_file_cannot_replace_a_builtin(tmp_path):
    """An id already defined is refused, naming both files."""
    path = tmp_path / "phq.json"
    path.write_text(json.dumps(local_definition(id="phq-9")), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"id: «phq-9» er allerede definert i innebygd:"):
        load_registry([path])


def test_broken_json_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "losen-instrument/1",\n  "id": }', encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_definition_file(path)
    assert str(info.value).startswith(f"{path}: (dokumentet): ikke gyldig JSON (linje 2")


def test_a_malformed_file_in_a_directory_stops_the_load(tmp_path):
    """One bad file in the directory stops the whole load with its own name in the message."""
    (tmp_path / "a.json").write_text(json.dumps(LOCAL_DEFINITION), encoding="utf-8")
    bad = local_definition(id="annen", scoring={"method": "median"})
    (tmp_path / "b.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"b\.json: scoring\.method"):
        load_registry([tmp_path])


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(DefinitionError, match="finnes ikke"):
        load_registry([tmp_path / "nowhere"])
