"""The example file (docs/reference/knowledge.md): a good file is read as it is; a broken one
is refused with problems that name the JSON path and what to fix; a hostile one is refused by
the shared readers before any work (no other exception escapes)."""

from __future__ import annotations

import contextlib
import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.knowledge import exchange
from losen.apps.knowledge.demo import DEMO_FILE
from losen.domain.errors import InputError, InputTooLarge
from tests.hostile_imports import HOSTILE_FILES, import_files

GOOD = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def _problems(document) -> dict[str, str]:
    with pytest.raises(InputError) as refused:
        exchange.validate(document)
    return {p.path: p.message for p in refused.value.problems}


def _broken(change) -> dict:
    document = copy.deepcopy(GOOD)
    change(document)
    return document


def test_the_demo_file_is_a_good_example_file():
    example = exchange.validate(GOOD)
    assert example == GOOD["example"]
    assert exchange.parse(DEMO_FILE.read_bytes(), source="demo.json") == example


def test_a_file_without_participation_and_alternatives_is_good_too():
    document = _broken(
        lambda d: (d["example"].pop("participation"), d["example"].pop("alternatives"))
    )
    example = exchange.validate(document)
    assert example["participation"] == {"total": 0, "groups": []}
    assert example["alternatives"] == []


BROKEN = {
    "another format": (lambda d: d.update(format="noe-annet"), "format", "ikke en eksempelfil"),
    "a newer version": (lambda d: d.update(version=2), "version", "nyere enn denne Losen"),
    "version as text": (lambda d: d.update(version="1"), "version", "helt tall"),
    "an unknown field": (
        lambda d: d["example"].update(colour="blå"),
        "example.colour",
        "ukjent felt",
    ),
    "a missing title": (lambda d: d["example"].pop("title"), "example.title", "mangler"),
    "an empty situation": (
        lambda d: d["example"].update(situation="  "),
        "example.situation",
        "er tom",
    ),
    "an unknown service area": (
        lambda d: d["example"].update(service_area="sykehus"),
        "example.service_area",
        "ukjent kode 'sykehus'",
    ),
    "an unknown level": (
        lambda d: d["example"].update(level="statlig"),
        "example.level",
        "ukjent kode",
    ),
    "a bad municipality number": (
        lambda d: d["example"]["municipality"].update(number="46"),
        "example.municipality.number",
        "fire sifre",
    ),
    "a bad id": (lambda d: d["example"].update(id="abc"), "example.id", "UUID"),
    "a bad date": (
        lambda d: d["example"]["decision"].update(decided_on="11.03.2025"),
        "example.decision.decided_on",
        "ÅÅÅÅ-MM-DD",
    ),
    "a negative count": (
        lambda d: d["example"]["participation"]["groups"][0].update(count=-1),
        "example.participation.groups[0].count",
        "helt tall",
    ),
    "a count as a float": (
        lambda d: d["example"]["participation"].update(total=3.5),
        "example.participation.total",
        "helt tall",
    ),
    "a title too long": (
        lambda d: d["example"].update(title="x" * 201),
        "example.title",
        "for lang (201 tegn; høyst 200)",
    ),
    "too many alternatives": (
        lambda d: d["example"].update(alternatives=[{"name": "a"}] * 51),
        "example.alternatives",
        "for mange",
    ),
    "a follow-up as text": (
        lambda d: d["example"]["evaluation"].update(follow_ups=["bra"]),
        "example.evaluation.follow_ups[0]",
        "objekt",
    ),
    "the decision as a list": (
        lambda d: d["example"].update(decision=[]),
        "example.decision",
        "objekt",
    ),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_names_the_path_and_what_to_fix(name):
    change, path, fragment = BROKEN[name]
    problems = _problems(_broken(change))
    assert path in problems, problems
    assert fragment in problems[path]


def test_every_problem_is_reported_at_once():
    def change(d):
        d["example"]["level"] = "x"
        d["example"]["direction"] = "y"
        d["example"].pop("process")

    problems = _problems(_broken(change))
    assert {"example.level", "example.direction", "example.process"} <= set(problems)


def test_parse_names_the_file_in_each_problem():
    data = json.dumps(_broken(lambda d: d["example"].update(level="x")))
    with pytest.raises(InputError) as refused:
        exchange.parse(data, source="fra-elvedal.json")
    assert str(refused.value.problems[0]).startswith("fra-elvedal.json: example.level: ")


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_refused_by_the_readers(name):
    with pytest.raises(InputError):
        exchange.parse(HOSTILE_FILES[name], source="fil.json")


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    data = b'{"format": "' + b"x" * exchange.MAX_BYTES + b'"}'
    with pytest.raises(InputTooLarge):
        exchange.parse(data, source="stor.json")


def test_nul_and_lone_surrogates_inside_the_example_are_refused():
    for bad in ("\\u0000", "\\ud800"):
        text = json.dumps(GOOD).replace("Elvedal kommune", f"Elvedal{bad}")
        with pytest.raises(InputError):
            exchange.parse(text.replace("\\\\", "\\"), source="f.json")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(import_files(st.text(max_size=20), key="example", max_leaves=20))
def test_random_files_give_input_errors_only(data):
    with contextlib.suppress(InputError):
        exchange.parse(data, source="tilfeldig.json")
