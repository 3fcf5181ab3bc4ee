"""The pure clinical commands: `losen instrument list|score|check`, `losen pathway suggest` and
`losen fhir questionnaire`. No database, no Django."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from losen.cli import main
from tests.domain.instruments.helpers import LOCAL_DEFINITION, local_definition
from tests.domain.pathways.helpers import assessment


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_info:  # argparse usage errors
        code = int(exit_info.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_instrument_list_prints_the_ids_as_json(capsys):
    code, out, err = _run(capsys, "instrument", "list")
    assert (code, err) == (0, "")
    assert json.loads(out) == ["audit", "audit-c", "dudit", "gad-7", "phq-9"]


def test_score_prints_the_contract(capsys):
    """The score contract: instrument, total, band, band_label, flags, positive_screen."""
    code, out, err = _run(capsys, "instrument", "score", "phq-9", "--answers", "1,0,3,0,0,0,0,0,1")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "instrument": "phq-9",
        "total": 5,
        "band": "mild",
        "band_label": "Milde plager",
        "flags": [
            {
                "code": "suicidal-ideation",
                "item": 9,
                "message": "Spørsmål 9 er besvart over 0: gjør en selvmordsrisikovurdering "
                "samme dag, uansett totalskår.",
                "level": "akutt",
            }
        ],
        "positive_screen": False,
    }


def test_score_gad7_has_a_screen_and_no_flags(capsys):
    code, out, _ = _run(capsys, "instrument", "score", "gad-7", "--answers", "3, 3, 3, 3, 3, 0, 0")
    assert code == 0
    result = json.loads(out)
    assert (result["total"], result["band"], result["flags"], result["positive_screen"]) == (
        15,
        "severe",
        [],
        True,
    )


def test_score_audit_takes_items_9_and_10_as_printed(capsys):
    """AUDIT items 9–10 take 0, 2 or 4 as on the form."""
    code, out, _ = _run(capsys, "instrument", "score", "audit", "--answers", "2,1,1,0,0,0,0,0,2,4")
    assert code == 0
    assert json.loads(out)["band"] == "zone-2"
    assert json.loads(out)["positive_screen"] is True


@pytest.mark.parametrize(
    ("instrument", "sex", "positive"),
    [("audit-c", "female", True), ("audit-c", "male", False), ("dudit", "female", True)],
)
def test_score_sex_specific(capsys, instrument, sex, positive):
    answers = "1,1,1" if instrument == "audit-c" else "1,1,0,0,0,0,0,0,0,0,0"
    code, out, _ = _run(
        capsys, "instrument", "score", instrument, "--answers", answers, "--sex", sex
    )
    assert code == 0
    assert json.loads(out)["positive_screen"] is positive


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["phq-9", "--answers", "1,0,3"],
            "PHQ-9 har 9 spørsmål, fikk 3 svar; svar mangler fra spørsmål 4 (Energi og tretthet)",
        ),
        (
            ["gad-7", "--answers", "0,0,0,0,0,0,0,1"],
            "svar nr. 8 hører ikke til noe spørsmål",
        ),
        (
            ["audit", "--answers", "0,0,0,0,0,0,0,0,3,0"],
            "spørsmål 9 (Skade på seg selv eller andre): 3 er ikke tillatt; tillatte poeng er "
            "0, 2, 4",
        ),
        (
            ["phq-9", "--answers", "0,0,x,0,0,0,0,0,0"],
            "spørsmål 3 (Søvn): «x» er ikke et helt tall",
        ),
        (["audit-c", "--answers", "1,1,1"], "kjønnsspesifikke grenseverdier"),
        (["dudit", "--answers", ",".join(["0"] * 11)], "med --sex"),
        (["bdi-ii", "--answers", "1"], "ukjent instrument «bdi-ii»"),
        (["phq-9", "--answers", ""], "svar mangler fra spørsmål 1"),
    ],
)
def test_bad_answers_exit_2_naming_the_item_with_nothing_on_stdout(capsys, argv, message):
    code, out, err = _run(capsys, "instrument", "score", *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("losen: ")
    assert message in err


def test_unknown_sex_is_a_usage_error(capsys):
    code, out, err = _run(
        capsys, "instrument", "score", "audit-c", "--answers", "1,1,1", "--sex", "other"
    )
    assert (code, out) == (2, "")
    assert "--sex" in err


def test_municipality_definitions_join_list_and_score(tmp_path, capsys):
    (tmp_path / "trivsel.json").write_text(json.dumps(LOCAL_DEFINITION), encoding="utf-8")
    code, out, _ = _run(capsys, "instrument", "list", "--definitions", str(tmp_path))
    assert code == 0
    assert "lokal-trivsel" in json.loads(out)
    code, out, _ = _run(
        capsys,
        "instrument",
        "score",
        "lokal-trivsel",
        "--answers",
        "0,0,2",
        "--definitions",
        str(tmp_path),
    )
    assert code == 0
    assert json.loads(out)["flags"][0]["code"] == "unsafe-home"


def test_malformed_municipality_definition_exits_2_naming_file_and_field(tmp_path, capsys):
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(local_definition(scoring={"method": "mean"})), encoding="utf-8")
    code, out, err = _run(capsys, "instrument", "list", "--definitions", str(path))
    assert (code, out) == (2, "")
    assert f"{path}: scoring.method: 'mean' er ikke støttet" in err


def test_instrument_check(tmp_path, capsys):
    good = tmp_path / "god.json"
    good.write_text(json.dumps(LOCAL_DEFINITION), encoding="utf-8")
    code, out, err = _run(capsys, "instrument", "check", str(good))
    assert (code, err) == (0, "")
    assert out == f"{good}: lokal-trivsel 0.1.0 er gyldig\n"
    bad = tmp_path / "feil.json"
    bad.write_text(json.dumps(local_definition(sources=[], id="x")), encoding="utf-8")
    code, out, err = _run(capsys, "instrument", "check", str(tmp_path))
    assert (code, out) == (2, "")
    assert f"losen: {bad}: sources: skal være en liste med minst én kilde" in err
    taken = tmp_path / "taken.json"
    bad.unlink()
    taken.write_text(json.dumps(local_definition(id="gad-7")), encoding="utf-8")
    code, out, err = _run(capsys, "instrument", "check", str(taken))
    assert (code, out) == (2, "")
    assert "«gad-7» er allerede definert" in err


def test_pathway_suggest_from_a_file(tmp_path, capsys):
    path = tmp_path / "kartlegging.json"
    path.write_text(
        json.dumps(assessment(severity="severe", expected_duration="long")), encoding="utf-8"
    )
    code, out, err = _run(capsys, "pathway", "suggest", str(path))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert (result["pathway"], result["specialist"], result["acute"]) == (3, "refer", False)
    assert result["reasons"][0]["rule"] == "HF3-SEVERE-LONG"
    assert result["reasons"][0]["recommendation"] == "R7"
    assert result["table_version"] == "2025-02-26.2"
    assert result["source"].startswith("Helsedirektoratet")


def test_pathway_suggest_bad_input_lists_field_paths(tmp_path, capsys):
    document = assessment(severity="enormous")
    del document["risk"]["suicide"]
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = _run(capsys, "pathway", "suggest", str(path))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert (
        f"losen: {path}: severity: «enormous» er ikke tillatt; tillatt: mild, moderate, severe"
        in lines
    )
    assert any(line.startswith(f"losen: {path}: risk.suicide: mangler") for line in lines)


@pytest.mark.parametrize(
    ("content", "message"), [("{", "ikke gyldig JSON"), (None, "kan ikke leses")]
)
def test_pathway_suggest_unreadable_file(tmp_path, capsys, content, message):
    path = tmp_path / "x.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "pathway", "suggest", str(path))
    assert (code, out) == (2, "")
    assert message in err


def test_pathway_suggest_reads_standard_input():
    """`-` reads the assessment from standard input (run as a real process)."""
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from losen.cli import main; sys.exit(main())",
            "pathway",
            "suggest",
            "-",
        ],
        input=json.dumps(assessment()),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["pathway"] == 1


def test_fhir_questionnaire(capsys):
    code, out, err = _run(capsys, "fhir", "questionnaire", "phq-9")
    assert (code, err) == (0, "")
    resource = json.loads(out)
    assert resource["resourceType"] == "Questionnaire"
    assert resource["url"] == "urn:losen:instrument:phq-9"
    assert [item["linkId"] for item in resource["item"]][-2:] == ["total", "band"]
    fhir = pytest.importorskip("fhir.resources.R4B.questionnaire")
    fhir.Questionnaire.model_validate(resource)


def test_fhir_questionnaire_unknown_instrument(capsys):
    code, out, err = _run(capsys, "fhir", "questionnaire", "core-10")
    assert (code, out) == (2, "")
    assert "ukjent instrument «core-10»" in err
