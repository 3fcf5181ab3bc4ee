"""The decision table: the built-in validates, and malformed tables are rejected naming the field,
including any rule that would break monotonicity."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from losen.domain.pathways import TableError, default_table, load_table_file, parse_table


def _document() -> dict:
    entry = resources.files("losen.domain.pathways") / "data" / "hovedforlop.json"
    return json.loads(entry.read_text(encoding="utf-8"))


def test_builtin_table_is_versioned_and_cited():
    table = default_table()
    assert table.version == "2025-02-26.2"
    assert "26.02.2025" in table.source
    assert [p.code for p in table.pathways] == ["HF1", "HF2", "HF3"]
    for rule in table.rules:
        recommendation = table.recommendation(rule.recommendation)
        assert recommendation.url.startswith("https://")
        assert rule.reason


def test_every_rule_can_fire():
    """No dead rows: each rule's conditions are satisfiable (conditions are at_least/equals on
    distinct inputs, so at most one condition per input)."""
    for rule in default_table().rules:
        paths = [condition.path for condition in rule.conditions]
        assert len(paths) == len(set(paths)), rule.id


def _problems(document: object) -> list[str]:
    with pytest.raises(TableError) as info:
        parse_table(document, "kommune/tabell.json")
    assert str(info.value).startswith("kommune/tabell.json: ")
    return list(info.value.problems)


def _with_rule(**rule_changes) -> dict:
    document = _document()
    rule = copy.deepcopy(document["rules"][1])
    rule.update(rule_changes)
    rule["id"] = "LOCAL-TEST"
    document["rules"].append(rule)
    return document


@pytest.mark.parametrize(
    ("rule_changes", "expected"),
    [
        (
            {"when": {"severity": {"at_most": "mild"}}},
            "rules[25].when.severity: ordnede inndata testes bare med",
        ),
        ({"when": {"severity": "mild"}}, "rules[25].when.severity: ordnede inndata testes bare"),
        (
            {"when": {"severity": {"at_least": "huge"}}},
            "rules[25].when.severity.at_least: skal være et av nivåene",
        ),
        ({"when": {"mood": {"at_least": "low"}}}, "rules[25].when.mood: ukjent inndata"),
        ({"when": {"first_contact": "yes"}}, "rules[25].when.first_contact: ja/nei-inndata"),
        (
            {"then": {"specialist_at_most": "none"}},
            "rules[25].when: et tak («specialist_at_most») kan bare avhenge av ja/nei",
        ),
        ({"then": {"pathway_at_least": 4}}, "rules[25].then.pathway_at_least: skal være 1–3"),
        ({"then": {"specialist_at_least": "soon"}}, "rules[25].then.specialist_at_least"),
        ({"then": {"colour": "red"}}, "rules[25].then: skal ha én eller flere av"),
        ({"recommendation": "R99"}, "rules[25].recommendation: «R99» finnes ikke"),
        ({"evidence": "trust me"}, "rules[25].evidence: skal være en av"),
        ({"reason": ""}, "rules[25].reason: skal være en tekst"),
    ],
)
def test_malformed_rules_are_rejected_naming_the_field(rule_changes, expected):
    problems = _problems(_with_rule(**rule_changes))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_duplicate_rule_id_is_rejected():
    document = _document()
    document["rules"].append(copy.deepcopy(document["rules"][0]))
    assert "rules[25].id: «HF1-MILD-SHORT» er brukt før" in _problems(document)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("format",), "x", "format: skal være «losen-pathway-table/1»"),
        (("version",), "", "version: skal være en tekst"),
        (("inputs", "severity", "levels"), ["mild"], "inputs.severity.levels: skal være minst"),
        (("inputs", "trend", "kind"), "scale", "inputs.trend.kind: skal være"),
        (("inputs", "psychosis", "default"), "maybe", "inputs.psychosis.default: skal være et"),
        (("recommendations", "R9", "strength"), "må", "recommendations.R9.strength: skal være"),
        (("pathways",), [], "pathways: skal være en liste"),
        (("specialist_levels",), [], "specialist_levels: skal ha kodene none, consult, refer"),
    ],
)
def test_malformed_table_fields_are_rejected(path, value, expected):
    document = _document()
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems = _problems(document)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_local_table_file_loads(tmp_path):
    """A municipality can keep its own version of the table in the same format."""
    document = _document()
    document["version"] = "2025-02-26.1-fjordvik"
    path = tmp_path / "tabell.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load_table_file(path).version == "2025-02-26.1-fjordvik"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(TableError, match="kan ikke leses som JSON"):
        load_table_file(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["inputs"]["risk.suicide"].update(unknown={"value": "none", "label": "x"}),
            "inputs.risk.suicide.unknown: skal være et objekt med «value» (ikke et av nivåene)",
        ),
        (
            lambda d: d["lifts"][0].update(input="first_contact"),
            "lifts[0].input: skal være en ordnet inndata",
        ),
        (lambda d: d["lifts"][0].update(to="huge"), "lifts[0].to: skal være et av nivåene"),
        (lambda d: d["lifts"][0].update(when={}), "lifts[0].when: et løft må ha minst én"),
        (
            lambda d: d["lifts"][0].update(when={"severity": "mild"}),
            "lifts[0].when.severity: ordnede inndata testes bare med",
        ),
        (
            lambda d: d["confirmations"][0].update(rating="trend", at_least="high"),
            "confirmations[0].at_least: skal være et av nivåene",
        ),
        (
            lambda d: d["confirmations"][0].update(recommendation="R99"),
            "confirmations[0].recommendation: «R99» finnes ikke",
        ),
        (
            lambda d: d["rules"][4].update(reason_capped=""),
            "rules[4].reason_capped: skal være en tekst som ikke er tom",
        ),
    ],
)
def test_malformed_unknowns_lifts_and_confirmations_are_rejected(change, expected):
    document = _document()
    change(document)
    assert any(problem.startswith(expected) for problem in _problems(document)), _problems(document)


def test_a_table_without_lifts_and_confirmations_is_still_valid():
    """Older tables (and a municipality's own) need neither section."""
    document = _document()
    del document["lifts"], document["confirmations"]
    for spec in document["inputs"].values():
        spec.pop("unknown", None)
    document["inputs"] = {
        path: spec for path, spec in document["inputs"].items() if not path.startswith("findings.")
    }
    document["rules"] = [
        rule
        for rule in document["rules"]
        if not any(p.startswith("findings.") for p in rule["when"])
    ]
    table = parse_table(document, "gammel")
    assert (table.lifts, table.confirmations) == ((), ())
