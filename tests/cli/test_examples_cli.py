"""``losen examples export`` and ``import``: a file carries an example to another installation;
a bad or hostile file gives exit code 2, problems on stderr, nothing on stdout, nothing stored."""

from __future__ import annotations

import json

import pytest

from losen.apps.knowledge.demo import DEMO_FILE
from losen.apps.knowledge.models import Example, Origin
from losen.cli import main
from tests.hostile_imports import HOSTILE_FILES


def _example(demo):
    return Example.objects.get(municipality=demo["fjordvik"], unpublished_at__isnull=True)


def test_export_writes_the_file_and_import_reads_it_back(demo, tmp_path, capsys):
    example = _example(demo)
    target = tmp_path / "eksempel.json"
    assert main(["examples", "export", str(example.external_id), "-o", str(target)]) == 0
    assert "Skrev eksempelet" in capsys.readouterr().out
    document = json.loads(target.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("losen-eksempelbank", 1)
    assert document["example"] == example.content
    # By token, to standard output: the same example.
    assert main(["examples", "export", example.token]) == 0
    assert json.loads(capsys.readouterr().out)["example"] == example.content
    # Into "another installation": here the example is removed first.
    example.delete()
    assert main(["examples", "import", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Fjordvik kommune (4699)" in out
    imported = Example.objects.get(source_id=document["example"]["id"])
    assert imported.origin == Origin.IMPORTED


def _refused(capsys, path) -> str:
    before = Example.objects.count()
    assert main(["examples", "import", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err and captured.err.startswith("losen: ")
    assert Example.objects.count() == before
    return captured.err


def test_a_broken_file_is_refused_naming_what_to_fix(demo, tmp_path, capsys):
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    document["example"]["service_area"] = "sykehus"
    document["example"]["decision"]["decided_on"] = "i fjor"
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = _refused(capsys, path)
    assert "feil.json: example.service_area: ukjent kode 'sykehus'" in err
    assert "feil.json: example.decision.decided_on: må være en dato som ÅÅÅÅ-MM-DD" in err


def test_importing_the_same_example_twice_is_refused(demo, tmp_path, capsys):
    assert Example.objects.filter(source_id__isnull=False).count() == 1  # the demo imported it
    err = _refused(capsys, DEMO_FILE)
    assert "finnes allerede" in err


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_refused(db, tmp_path, capsys, name):
    path = tmp_path / "fil.json"
    path.write_bytes(HOSTILE_FILES[name])
    _refused(capsys, path)


def test_a_missing_file_and_an_unknown_id_are_refused(db, tmp_path, capsys):
    _refused(capsys, tmp_path / "finnes-ikke.json")
    assert main(["examples", "export", "00000000-0000-0000-0000-000000000000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "fant ikke" in captured.err
