"""``losen rank``, ``losen smaa`` and ``losen optimize`` through :func:`losen.cli.main`."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from losen.cli import main

DECISION = {
    "criteria": [
        {
            "id": "nytte",
            "name": "Nytte",
            "direction": "benefit",
            "weight": 0.5,
            "scale": {"min": 0, "max": 4},
        },
        {"id": "ressurs", "name": "Ressurs", "direction": "cost", "weight": 0.3},
        {"id": "alvorlighet", "name": "Alvorlighet", "direction": "benefit", "weight": 0.2},
    ],
    "alternatives": [
        {"id": "A", "name": "A", "scores": {"nytte": 3, "ressurs": 1.2, "alvorlighet": 2}},
        {"id": "B", "name": "B", "scores": {"nytte": 4, "ressurs": 2.5, "alvorlighet": 2}},
        {"id": "C", "name": "C", "scores": {"nytte": 2, "ressurs": 0.8, "alvorlighet": 1}},
        {"id": "D", "name": "D", "scores": {"nytte": 2, "ressurs": 0.8, "alvorlighet": 1}},
    ],
}


def _write(tmp_path, data, name="input.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rank_prints_the_contract(tmp_path, capsys):
    code, out, err = _run(capsys, "rank", _write(tmp_path, DECISION))
    assert code == 0 and err == ""
    report = json.loads(out)
    assert list(report) == ["method", "ranking", "weight_stability"]
    assert [(e["id"], e["rank"]) for e in report["ranking"]] == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
        ("D", 3),
    ]


def test_rank_topsis_and_explain(tmp_path, capsys):
    code, out, _ = _run(
        capsys, "rank", _write(tmp_path, DECISION), "--method", "topsis", "--explain"
    )
    report = json.loads(out)
    assert code == 0 and report["method"] == "topsis"
    assert report["sentences"][0].endswith("(TOPSIS).")


def test_rank_reads_xlsx(tmp_path, capsys):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "criteria"
    sheet.append(["id", "name", "direction", "weight"])
    sheet.append(["nytte", "Nytte", "benefit", 2])
    sheet.append(["ressurs", "Ressurs", "cost", 1])
    alternatives = workbook.create_sheet("alternatives")
    alternatives.append(["id", "name", "nytte", "ressurs"])
    alternatives.append(["A", "A", 3, 2])
    alternatives.append(["B", "B", 1, 1])
    path = tmp_path / "matrise.xlsx"
    workbook.save(path)
    code, out, _ = _run(capsys, "rank", str(path))
    assert code == 0
    assert json.loads(out)["ranking"][0]["id"] == "A"


def test_bad_input_exit_2_one_line_per_problem_nothing_on_stdout(tmp_path, capsys):
    data = json.loads(json.dumps(DECISION))
    data["alternatives"][3]["scores"]["nytte"] = "mye"
    data["alternatives"][2]["scores"]["kvalitet"] = 3
    data["criteria"][1].pop("weight")
    data["alternatives"][1]["id"] = "A"
    code, out, err = _run(capsys, "rank", _write(tmp_path, data))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "criteria[1].weight: missing weight (vekt mangler)",
        "alternatives[1].id: duplicate id 'A'",
        "alternatives[2].scores.kvalitet: unknown criterion (ukjent kriterium)",
        "alternatives[3].scores.nytte: not a number (ikke et tall)",
    ]


def test_nan_empty_and_broken_json(tmp_path, capsys):
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(DECISION).replace("1.2", "NaN"), encoding="utf-8")
    code, out, err = _run(capsys, "rank", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("alternatives[0].scores.ressurs: not finite")
    code, out, err = _run(capsys, "rank", _write(tmp_path, {"criteria": [], "alternatives": []}))
    assert (code, out) == (2, "")
    assert "alternatives: empty matrix" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, out, err = _run(capsys, "smaa", str(broken))
    assert (code, out) == (2, "") and "invalid JSON" in err


def test_smaa_same_seed_same_answer(tmp_path, capsys):
    data = json.loads(json.dumps(DECISION))
    data["criteria"][0]["weight"] = {"min": 0.3, "max": 0.7}
    data["criteria"][1].pop("weight")
    data["alternatives"][0]["scores"]["ressurs"] = {"min": 1.0, "max": 2.0}
    path = _write(tmp_path, data)
    _, first, _ = _run(capsys, "smaa", path, "--samples", "2000", "--seed", "9")
    code, second, _ = _run(capsys, "smaa", path, "--samples", "2000", "--seed", "9")
    assert code == 0 and first == second
    report = json.loads(first)
    assert list(report) == ["rank_acceptability", "central_weights", "confidence"]
    assert sum(report["rank_acceptability"]["A"]) == pytest.approx(1.0)
    _, explained, _ = _run(capsys, "smaa", path, "--samples", "2000", "--seed", "9", "--explain")
    assert any("av de plausible vektingene" in s for s in json.loads(explained)["sentences"])


PORTFOLIO = {
    "budget": 100,
    "candidates": [
        {"id": "a", "name": "Lovpålagt", "cost": 40, "value": 10, "mandatory": True},
        {"id": "b", "name": "B", "cost": 30, "value": 9},
        {"id": "c", "name": "C", "cost": 30, "value": 8, "group": "g"},
        {"id": "d", "name": "D", "cost": 20, "value": 7, "group": "g"},
    ],
    "constraints": [{"type": "max_count", "ids": ["b", "c", "d"], "count": 2}],
}


def test_optimize_contract(tmp_path, capsys):
    code, out, _ = _run(capsys, "optimize", _write(tmp_path, PORTFOLIO))
    report = json.loads(out)
    assert code == 0
    assert list(report)[:7] == [
        "status",
        "selected",
        "total_value",
        "total_cost",
        "gap",
        "next_in",
        "first_out",
    ]
    assert report["status"] == "optimal" and report["selected"] == ["a", "b", "c"]


def test_optimize_infeasible_says_why(tmp_path, capsys):
    data = dict(PORTFOLIO, budget=20)
    code, out, _ = _run(capsys, "optimize", _write(tmp_path, data))
    report = json.loads(out)
    assert code == 1 and report["status"] == "infeasible" and report["selected"] == []
    assert "Lovpålagt" in report["reasons"][0]


def test_optimize_bad_input(tmp_path, capsys):
    data = json.loads(json.dumps(PORTFOLIO))
    data["candidates"][3]["cost"] = -1
    code, out, err = _run(capsys, "optimize", _write(tmp_path, data))
    assert (code, out) == (2, "")
    assert err.splitlines() == ["candidates[3].cost: negative (kan ikke være negativ)"]


def test_bad_usage_and_missing_files_exit_2_with_nothing_on_stdout(tmp_path, capsys):
    path = _write(tmp_path, DECISION)
    with pytest.raises(SystemExit) as caught:
        main(["smaa", path, "--samples", "0"])
    out, err = capsys.readouterr()
    assert (caught.value.code, out) == (2, "")
    assert "--samples: must be at least 1" in err
    for name in ("mangler.json", "mangler.xlsx"):
        missing = str(tmp_path / name)
        code, out, err = _run(capsys, "rank", missing)
        assert (code, out) == (2, "")
        assert err.splitlines() == [f"{missing}: file not found (fila finnes ikke)"]


def test_rank_reads_standard_input(tmp_path, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(DECISION)))
    code, out, _ = _run(capsys, "rank", "-", "--method", "topsis")
    assert code == 0
    assert json.loads(out)["method"] == "topsis"


def test_smaa_bad_intervals_name_their_paths(tmp_path, capsys):
    data = json.loads(json.dumps(DECISION))
    data["criteria"][0]["weight"] = {"min": 0.7, "max": 0.3}
    data["alternatives"][1]["scores"]["ressurs"] = {"min": 1, "max": "mye"}
    code, out, err = _run(capsys, "smaa", _write(tmp_path, data))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "criteria[0].weight: min is greater than max (min er større enn max)",
        "alternatives[1].scores.ressurs.max: not a number (ikke et tall)",
    ]


def test_optimize_reports_every_bad_field(tmp_path, capsys):
    data = json.loads(json.dumps(PORTFOLIO))
    data["candidates"][1]["value"] = "mye"
    data["candidates"][2]["id"] = "a"
    data["constraints"][0]["ids"].append("zz")
    data["budget"] = -1
    code, out, err = _run(capsys, "optimize", _write(tmp_path, data))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "budget: negative (kan ikke være negativ)",
        "candidates[1].value: not a number (ikke et tall)",
        "candidates[2].id: duplicate id 'a'",
        "constraints[0].ids[1]: unknown candidate 'c'",
        "constraints[0].ids[3]: unknown candidate 'zz'",
    ]


def test_unreadable_workbook_names_the_file(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    code, out, err = _run(capsys, "rank", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"{path}: cannot read XLSX (BadZipFile)"]
