"""``losen criteria swedish`` through :func:`losen.cli.main`, and the wording of
``losen rank|smaa --explain`` in each language, also without Django settings."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from losen.cli import main

ASSESSMENT = {
    "nytte": {
        "level": "moderat",
        "reasoning": "Færre innleggelser.",
        "uncertainty": "moderat",
        "parts": [
            {
                "part": "kunnskapsgrunnlag",
                "level": "høy",
                "reasoning": "Få studier.",
                "uncertainty": "høy",
            }
        ],
    },
    "ressurs": {"level": "svært høy", "reasoning": "Fire årsverk.", "uncertainty": "lav"},
    "alvorlighet": {"level": "svært stor", "reasoning": "Fare for død.", "uncertainty": "lav"},
    "reasoning": "Samlet sett bør tiltaket prioriteres.",
}

STEP_FIELDS = ["step", "title", "code", "params", "rank_before", "rank_after", "text"]


def _write(tmp_path, data, name="input.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_assessment_gives_every_step_with_its_sentence(tmp_path, capsys):
    code, out, err = _run(capsys, "criteria", "swedish", _write(tmp_path, ASSESSMENT))
    assert code == 0 and err == ""
    report = json.loads(out)
    assert list(report) == ["alternatives"]
    (entry,) = report["alternatives"]
    assert list(entry) == [
        "id",
        "name",
        "category",
        "category_text",
        "rank",
        "steps",
        "flags",
        "source",
    ]
    assert (entry["id"], entry["name"], entry["category"], entry["rank"]) == (None, None, "6", 6)
    assert [list(step) for step in entry["steps"]] == [STEP_FIELDS] * 5
    assert [step["step"] for step in entry["steps"]] == ["a", "b", "c", "d", "kategori"]
    assert [step["rank_after"] for step in entry["steps"]] == [1, 3, 5, 6, 6]
    assert entry["steps"][1]["code"] == "swedish.b.down"
    assert entry["steps"][1]["params"] == {
        "benefit": "moderat",
        "severity": "svært stor",
        "shortfall": 2,
        "rank": 3,
    }
    assert entry["steps"][0]["text"] == (
        "Alvorligheten er «svært stor», som gir rang 1 som utgangspunkt."
    )
    assert entry["steps"][0]["title"] == "Utgangspunkt i alvorlighet"
    assert "liu.se" in entry["source"]
    assert entry["flags"] == []


def test_alternatives_from_stdin_in_english(monkeypatch, capsys):
    unsure = json.loads(json.dumps(ASSESSMENT))
    unsure["nytte"]["level"] = "ingen"
    unsure["nytte"]["uncertainty"] = "svært høy"
    unsure["nytte"]["parts"] = []
    data = {
        "alternatives": [
            {"id": "a1", "name": "Ambulant team", "assessment": ASSESSMENT},
            {"id": "a2", "assessment": unsure},
        ]
    }
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(data, ensure_ascii=False)))
    code, out, err = _run(capsys, "criteria", "swedish", "-", "--lang", "en")
    assert code == 0 and err == ""
    first, second = json.loads(out)["alternatives"]
    assert (first["id"], first["name"]) == ("a1", "Ambulant team")
    assert first["steps"][0]["text"] == (
        "The severity is “very large”, which gives rank 1 as the starting point."
    )
    assert first["steps"][0]["title"] == "Starting point: severity"
    assert (second["id"], second["name"], second["category"]) == ("a2", "a2", "FoU")
    assert second["category_text"] == "R&D"
    assert second["steps"][-1]["code"] == "swedish.category.fou"
    assert second["steps"][-1]["text"].endswith("(R&D).")
    assert [flag["code"] for flag in second["flags"]] == ["usikkert_grunnlag"]
    assert second["flags"][0]["params"] == {"criterion": "nytte", "uncertainty": "svært høy"}
    assert second["flags"][0]["text"] == (
        "The assessment of benefit is uncertain (uncertainty “very high”); describe what is "
        "missing."
    )


def test_nynorsk(tmp_path, capsys):
    code, out, _ = _run(capsys, "criteria", "swedish", _write(tmp_path, ASSESSMENT), "--lang", "nn")
    assert code == 0
    steps = json.loads(out)["alternatives"][0]["steps"]
    assert steps[0]["text"] == "Alvorsgraden er «svært stor», som gjev rang 1 som utgangspunkt."


def test_bad_input_exits_2_with_every_problem_and_nothing_on_stdout(tmp_path, capsys):
    broken = json.loads(json.dumps(ASSESSMENT))
    broken["nytte"]["level"] = "enorm"
    broken["reasoning"] = ""
    data = {
        "alternatives": [
            {"id": "a1", "assessment": broken},
            {"id": "a1", "assessment": ASSESSMENT, "colour": "blå"},
            {"name": "uten id"},
            "tekst",
        ],
        "extra": True,
    }
    code, out, err = _run(capsys, "criteria", "swedish", _write(tmp_path, data))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "extra: unknown field",
        "alternatives[0].assessment.nytte.level: not a level of nytte: ingen, liten, moderat, "
        "stor, svært stor",
        "alternatives[0].assessment.reasoning: missing reasoning (samlet begrunnelse mangler)",
        "alternatives[1].colour: unknown field",
        "alternatives[1].id: duplicate id 'a1'",
        "alternatives[2].id: missing (mangler)",
        "alternatives[2].assessment: missing (mangler)",
        "alternatives[3]: not an object (må være et objekt)",
    ]


def test_unreadable_or_empty_input(tmp_path, capsys):
    missing = str(tmp_path / "finnes-ikke.json")
    code, out, err = _run(capsys, "criteria", "swedish", missing)
    assert (code, out) == (2, "")
    assert err == f"{missing}: file not found (fila finnes ikke)\n"
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, out, err = _run(capsys, "criteria", "swedish", str(broken))
    assert (code, out) == (2, "") and "invalid JSON" in err
    code, out, err = _run(capsys, "criteria", "swedish", _write(tmp_path, [1, 2]))
    assert (code, out, err) == (2, "", "not a JSON object\n")
    code, out, err = _run(capsys, "criteria", "swedish", _write(tmp_path, {"alternatives": []}))
    assert (code, out, err) == (2, "", "alternatives: empty (ingen alternativer)\n")
    code, out, err = _run(capsys, "criteria", "swedish", _write(tmp_path, {"nytte": {}}))
    assert (code, out) == (2, "")
    assert err.splitlines()[:2] == ["ressurs: missing (mangler)", "alvorlighet: missing (mangler)"]


DECISION = {
    "criteria": [
        {"id": "nytte", "name": "Nytte", "direction": "benefit", "weight": 0.5},
        {"id": "ressurs", "name": "Ressurs", "direction": "cost", "weight": 0.2},
    ],
    "alternatives": [
        {"id": "A", "name": "A", "scores": {"nytte": 7, "ressurs": 4}},
        {"id": "B", "name": "B", "scores": {"nytte": 5, "ressurs": 1}},
    ],
}


def test_rank_and_smaa_explain_in_each_language(tmp_path, capsys):
    path = _write(tmp_path, DECISION)
    first = {}
    for language in ("nb", "nn", "en"):
        code, out, _ = _run(capsys, "rank", path, "--explain", "--lang", language)
        assert code == 0
        first[language] = json.loads(out)["sentences"][0]
    assert first == {
        "nb": "A er rangert først med skår 0,71 (vektet sum).",
        "nn": "A er rangert først med skår 0,71 (vekta sum).",
        "en": "A is ranked first with score 0.71 (weighted sum).",
    }
    code, out, _ = _run(capsys, "smaa", path, "--samples", "500", "--explain", "--lang", "en")
    assert code == 0
    assert any("of the plausible weightings" in s for s in json.loads(out)["sentences"])
    code, out, _ = _run(capsys, "rank", path, "--lang", "en")
    assert code == 0 and "sentences" not in json.loads(out)


def test_explain_works_without_django_settings(tmp_path):
    """The pure commands configure translations themselves: no settings module, no database."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["LOSEN_VAR_DIR"] = str(tmp_path / "var")  # would be created if settings were loaded
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "losen.cli",
            "rank",
            _write(tmp_path, DECISION),
            "--explain",
            "--lang",
            "nn",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    sentences = json.loads(completed.stdout)["sentences"]
    assert sentences[0] == "A er rangert først med skår 0,71 (vekta sum)."
    assert not (tmp_path / "var").exists()
    completed = subprocess.run(
        [sys.executable, "-m", "losen.cli", "criteria", "swedish", "-", "--lang", "en"],
        input=json.dumps(ASSESSMENT),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    steps = json.loads(completed.stdout)["alternatives"][0]["steps"]
    assert steps[2]["text"] == (
        "Resource use relative to benefit is “very high”; the rank moves down 2 steps, to 5."
    )
