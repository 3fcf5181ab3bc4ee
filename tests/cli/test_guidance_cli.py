"""``losen guidance check|import``: a good file is accepted, a broken one gives exit code 2
with one ``file: key: what to fix`` line per problem and nothing on stdout."""

from __future__ import annotations

import json

import pytest

from losen.cli import main

from ..apps.guidance.test_services import LOCAL


def _write(tmp_path, text, name="lokal.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_accepts_a_good_file(tmp_path, capsys):
    assert main(["guidance", "check", _write(tmp_path, LOCAL)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "id": "lokal-fjordvik",
        "title": "Fjordviks egne mål",
        "version": "2026-01-15",
        "recommendations": 1,
        "check_points": 2,
    }


def test_check_refuses_a_broken_file_with_every_problem(tmp_path, capsys):
    broken = LOCAL.replace('"skal"', '"må"').replace('"2026-01-15", \n', '"15.01.2026",')
    broken = broken.replace('"FJ-1"', '"R5"')
    assert main(["guidance", "check", _write(tmp_path, broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "losen: lokal.json: recommendations[0].strength: skal være «skal», «bør» eller «kan»"
        in captured.err
    )


def test_a_national_id_is_refused(tmp_path, capsys):
    assert main(["guidance", "check", _write(tmp_path, LOCAL.replace('"FJ-1"', '"R5"'))]) == 2
    assert "lokal.json: recommendations[0].id: «R5» er en nasjonal id" in capsys.readouterr().err


def test_not_json_and_a_missing_file(tmp_path, capsys):
    assert main(["guidance", "check", _write(tmp_path, "{ nei")]) == 2
    assert "lokal.json" in capsys.readouterr().err
    assert main(["guidance", "check", str(tmp_path / "borte.json")]) == 2
    assert "borte.json: fila finnes ikke" in capsys.readouterr().err


@pytest.mark.django_db
def test_import_stores_the_file_for_the_municipality(tmp_path, capsys):
    from losen.apps.accounts.models import Municipality
    from losen.apps.guidance.models import LocalGuideline

    Municipality.objects.create(number="4601", name="Testvik")
    assert main(["guidance", "import", _write(tmp_path, LOCAL), "--municipality", "4601"]) == 0
    assert json.loads(capsys.readouterr().out)["municipality"] == "4601"
    assert LocalGuideline.objects.get().guideline_id == "lokal-fjordvik"
    assert main(["guidance", "import", _write(tmp_path, LOCAL), "--municipality", "0000"]) == 2
