"""``losen indicators``: import, export, template, fetch and profile, as a user runs them.

Real fixtures are the public SSB and FHI files described in tests/domain/indicators/shared_data.py
(skipped with the reason when absent). ``fetch`` runs against recorded responses through a fake
transport, since there is no internet here: the metadata response is the 12367 dataset with no
values, which is what PxWebApi v2 ``/metadata`` returns (SSB's API user guide,
https://www.ssb.no/api/api-mot-statistikkbanken--brukerveiledning), and FHI's ``/dimension``
answer is built from the categories of FHI's documented example
(https://github.com/folkehelseinstituttet/Fhi.Statistikk.OpenAPI).
"""

from __future__ import annotations

import io
import json

import pytest

from losen.apps.insight.models import ComparisonProfile, ImportBatch, StoredObservation
from losen.cli import main
from losen.cli.commands import indicators as command
from losen.domain import indicators as ind
from losen.domain.indicators.transport import HttpRequest, HttpResponse

from ..domain.indicators.shared_data import SHARED_DATA, shared_bytes

KOSTRA = "ssb_jsonstat2_12367_kostra_regnskap.json"
FHI = "fhi_jsonstat2_example_befolkningsvekst.json"
POPULATION = "ssb_07459_population_by_age_2024_kcodes.csv"


def _path(name: str):
    shared_bytes(name)  # skips when missing
    return str(SHARED_DATA / name)


@pytest.mark.django_db
def test_import_prints_a_summary_and_a_progress_bar(capsys):
    assert main(["indicators", "import", _path(KOSTRA)]) == 0
    captured = capsys.readouterr()
    assert "1250 observasjoner; 1250 nye, 0 endret, 0 uendret" in captured.out
    bar_lines = [line for line in captured.err.splitlines() if line.startswith("[")]
    assert bar_lines[-1].startswith("[" + "#" * 30 + "] 100 % ferdig")
    assert any("lagrer" in line for line in bar_lines)
    assert StoredObservation.objects.count() == 1250


@pytest.mark.django_db
def test_progress_bar_redraws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = command.ProgressBar(stream)
    from losen.apps.insight.services import Progress

    for done in (0, 50, 100):
        bar(Progress("lagrer", done, 100))
    bar(Progress("ferdig", 100, 100))
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and "\n" not in text[:-1]
    assert "[###############---------------]  50 % lagrer (50/100)" in text


@pytest.mark.django_db
def test_import_each_real_fixture(capsys):
    assert main(["indicators", "import", _path(POPULATION)]) == 0
    assert "38160 observasjoner" in capsys.readouterr().out
    assert main(["indicators", "import", _path(FHI), "--table", "befolkningsvekst"]) == 0
    assert "4 observasjoner; 4 nye" in capsys.readouterr().out
    assert main(["indicators", "import", _path(KOSTRA)]) == 0
    assert StoredObservation.objects.filter(is_current=True).count() == 38160 + 4 + 1250


@pytest.mark.django_db
def test_malformed_file_exits_2_with_the_place_and_stores_nothing(tmp_path, capsys):
    doc = json.loads(shared_bytes(KOSTRA))
    index = doc["dimension"]["KOKkommuneregion0000"]["category"]["index"]
    index.pop(list(index)[-1])
    broken = tmp_path / "12367.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["indicators", "import", str(broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0] == "losen: 12367.json: ingenting er lagret; fila har disse feilene:"
    assert "dimension KOKkommuneregion0000: 4 values in index, size says 5" in lines
    assert StoredObservation.objects.count() == ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_statistics_exits_2(capsys):
    assert main(["indicators", "import", _path("ssb_kommsummer_1994_2024.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "format not recognised" in captured.err
    assert StoredObservation.objects.count() == 0


def test_missing_file_exits_2(capsys):
    assert main(["indicators", "import", "finnes-ikke.json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "finnes-ikke.json: fila finnes ikke" in captured.err


@pytest.mark.django_db
def test_reimport_changes_nothing(capsys):
    main(["indicators", "import", _path(KOSTRA)])
    capsys.readouterr()
    assert main(["indicators", "import", _path(KOSTRA)]) == 0
    assert "0 nye, 0 endret, 1250 uendret. Ingenting ble endret." in capsys.readouterr().out
    assert ImportBatch.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_writes_back_exactly_what_was_stored(fmt, tmp_path, capsys):
    main(["indicators", "import", _path(KOSTRA)])
    capsys.readouterr()
    out = tmp_path / f"12367.{fmt}"
    assert main(["indicators", "export", "--table", "12367", "--format", fmt, "-o", str(out)]) == 0
    assert "Skrev 1250 observasjoner" in capsys.readouterr().out
    body = out.read_bytes()
    assert ind.parse(body).observations == ind.parse(shared_bytes(KOSTRA)).observations
    if fmt == "csv":
        lines = body.decode("utf-8").split("\r\n")
        assert lines[0] == "# Kilde: Statistisk sentralbyrå (SSB), lisens CC BY 4.0"
        assert len([ln for ln in lines[2:] if ln]) == 1250  # one observation per line
        assert sum(1 for ln in lines if ";:;" in ln) == 85  # suppressed, kept as status


@pytest.mark.django_db
def test_export_to_stdout_and_unknown_table(capsys):
    main(["indicators", "import", _path(KOSTRA)])
    capsys.readouterr()
    assert main(["indicators", "export", "--table", "12367", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "losen-observasjoner" and len(doc["observations"]) == 1250
    assert main(["indicators", "export", "--table", "99999", "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "ingen lagrede observasjoner for tabell 99999" in captured.err


def test_template_csv_and_xlsx(tmp_path, capsys):
    assert main(["indicators", "template", "brukerplan"]) == 0
    header = capsys.readouterr().out.splitlines()
    assert any(line.startswith("kilde;tabell;indikatorkode") for line in header)
    target = tmp_path / "mal.xlsx"
    assert main(["indicators", "template", "is-24-8", "--format", "xlsx", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"PK")
    assert main(["indicators", "template", "ukjent"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "ukjent maltype" in captured.err


@pytest.mark.django_db
def test_profile_sets_the_kostra_group(demo, capsys):
    assert main(["indicators", "profile", "4698", "--kostra-group", "ekg05"]) == 0
    assert "sammenlignes med EKG05 og EAK" in capsys.readouterr().out
    assert ComparisonProfile.objects.get(municipality=demo["nabovik"]).kostra_group == "EKG05"
    assert main(["indicators", "profile", "4698", "--kostra-group", "gruppe 5"]) == 2
    assert main(["indicators", "profile", "9999", "--kostra-group", "EKG05"]) == 2


# --- fetch --------------------------------------------------------------------------------


class Replay:
    """A fake transport: answers each request by URL and records it."""

    def __init__(self, answers):
        self.answers = answers
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        for method, fragment, response in self.answers:
            if request.method == method and fragment in request.url:
                return response.pop(0) if isinstance(response, list) else response
        return HttpResponse(404, b'{"title": "not recorded"}')


def _client(monkeypatch, transport):
    sleeps: list[float] = []
    client = ind.StatClient(transport, clock=lambda: 0.0, sleep=sleeps.append)
    monkeypatch.setattr(command, "make_client", lambda: client)
    return client, sleeps


def _ssb_metadata() -> bytes:
    doc = json.loads(shared_bytes(KOSTRA))
    doc["value"] = []
    doc.pop("status")
    return json.dumps(doc).encode()


@pytest.mark.django_db
def test_fetch_from_ssb_v2_stores_the_answer(monkeypatch, capsys):
    transport = Replay(
        [
            ("GET", "/metadata", HttpResponse(200, _ssb_metadata())),
            (
                "POST",
                "/data?lang=no&outputFormat=json-stat2",
                [HttpResponse(503, b""), HttpResponse(200, shared_bytes(KOSTRA))],
            ),
        ]
    )
    _unused, sleeps = _client(monkeypatch, transport)
    argv = ["indicators", "fetch", "--table", "12367", "--region", "3001", "EAK"]
    assert main([*argv, "--years", "top(2)", "--select", "KOKart0000=AGD2,AGD4"]) == 0
    assert "1250 observasjoner; 1250 nye" in capsys.readouterr().out
    posts = [r for r in transport.requests if r.method == "POST"]
    assert len(posts) == 2 and sleeps == [2.0]  # one retry after 503, with backoff
    body = json.loads(posts[-1].body)
    selection = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
    assert selection["KOKkommuneregion0000"] == ["3001", "EAK"]
    assert selection["Tid"] == ["2019", "2020"]
    assert selection["KOKart0000"] == ["AGD2", "AGD4"]
    assert selection["KOKfunksjon0000"] == ["100", "110", "120", "FGK8b", "FGK9"]
    batch = ImportBatch.objects.get()
    assert batch.method == "henting" and batch.source_option == "SSB"


@pytest.mark.django_db
def test_fetch_with_an_unknown_code_asks_for_no_data(monkeypatch, capsys):
    transport = Replay([("GET", "/metadata", HttpResponse(200, _ssb_metadata()))])
    _client(monkeypatch, transport)
    assert main(["indicators", "fetch", "--table", "12367", "--region", "9999"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown code 9999" in captured.err
    assert [r.method for r in transport.requests] == ["GET"]
    assert StoredObservation.objects.count() == 0


@pytest.mark.django_db
def test_fetch_from_fhi_and_dry_run(monkeypatch, capsys):
    example = json.loads(shared_bytes(FHI))
    dimensions = {
        "dimensions": [
            {
                "code": code,
                "label": dim["label"],
                "categories": [
                    {"value": v, "label": dim["category"]["label"][v], "children": []}
                    for v in dim["category"]["index"]
                ],
            }
            for code, dim in example["dimension"].items()
        ]
    }
    transport = Replay(
        [
            ("GET", "/dimension", HttpResponse(200, json.dumps(dimensions).encode())),
            ("POST", "/data", HttpResponse(200, shared_bytes(FHI))),
        ]
    )
    _client(monkeypatch, transport)
    argv = ["indicators", "fetch", "--source", "FHI", "--table", "175", "--region", "03"]
    assert main([*argv, "--dry-run"]) == 0
    assert "4 observasjoner lest; ingenting lagret" in capsys.readouterr().out
    assert StoredObservation.objects.count() == 0
    assert main(argv) == 0
    posted = json.loads(transport.requests[-1].body)
    assert {"code": "GEO", "filter": "item", "values": ["03"]} in posted["dimensions"]
    assert posted["response"]["format"] == "json-stat2"
    assert "nokkel/table/175/data" in transport.requests[-1].url
    oslo = StoredObservation.objects.get(region_code="03", period="2020_2020")
    assert (oslo.source, oslo.table, oslo.value_text) == ("FHI", "175", "3516")


def test_fetch_uses_the_real_urllib_transport_by_default():
    assert isinstance(command.make_transport(), ind.UrllibTransport)
    assert isinstance(command.make_client().transport, ind.UrllibTransport)


def _merger_table(tmp_path, values: dict[tuple[str, str], float | None], status=None):
    """A small JSON-stat 2.0 file of our own with the codes of the reforms in it; *status*
    maps (region, year) to a symbol. Combinations not in *values* are empty cells."""
    regions = sorted({r for r, _ in values})
    years = sorted({y for _, y in values})
    keys = [(r, y) for r in regions for y in years]
    cells = [values.get(key) for key in keys]
    status = {str(keys.index(key)): symbol for key, symbol in (status or {}).items()}
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "99901: Prøvetabell (K)",
        "source": "Statistisk sentralbyrå",
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [len(regions), 1, len(years)],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "KOKkommuneregion0000": {"category": {"index": {r: i for i, r in enumerate(regions)}}},
            "ContentsCode": {
                "category": {
                    "index": {"KOSantall0000": 0},
                    "unit": {"KOSantall0000": {"base": "antall", "decimals": 0}},
                }
            },
            "Tid": {"category": {"index": {y: i for i, y in enumerate(years)}}},
        },
        "value": cells,
        "status": status,
        "extension": {"px": {"tableid": "99901"}},
    }
    path = tmp_path / "99901.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _harmonise(tmp_path, capsys, *extra):
    out = tmp_path / "harmonised.csv"
    code = main(
        [
            "indicators",
            "harmonise",
            "--table",
            "99901",
            "--contents",
            "KOSantall0000",
            "--klass-changes",
            _path("klass_131_changes_2008_2024.json"),
            "--kommsummer",
            _path("ssb_kommsummer_1994_2024.csv"),
            "--output",
            str(out),
            *extra,
        ]
    )
    text = out.read_bytes().decode("utf-8") if out.exists() else ""
    import csv

    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = {(r[0], r[1]): r for r in csv.reader(lines[1:], delimiter=";")}
    return code, text, rows, capsys.readouterr()


@pytest.mark.django_db
def test_harmonise_shows_counts_on_todays_borders_with_the_method(tmp_path, capsys):
    values = {
        ("0104", "2019"): 100,
        ("0136", "2019"): 50,
        ("3002", "2022"): 160,
        ("3103", "2024"): 170,
        ("1507", "2023"): 300,
        ("1508", "2024"): 160,
        ("1580", "2024"): 150,
    }
    assert main(["indicators", "import", _merger_table(tmp_path, values)]) == 0
    code, text, rows, _ = _harmonise(tmp_path, capsys)
    assert code == 0
    assert text.startswith("# Kilde: Statistisk sentralbyrå (SSB), lisens CC BY 4.0\r\n")
    assert "# Regioner på 2024-grenser" in text
    moss = rows[("3103", "2019")]
    assert moss[2:6] == ["150", "", "ja", "nei"]
    assert moss[6] == "3103 = 0104 + 0136 (2020: slått sammen (summert); 2024: omnummerert)"
    assert rows[("3103", "2022")][2] == "160" and rows[("3103", "2024")][2] == "170"
    # Ålesund 2023 was split in 2024; without weights its successors have no 2023 figure.
    assert rows[("1508", "2023")][2:5] == ["", "", "nei"]
    assert "1507" in rows[("1508", "2023")][6]
    assert ("1507", "2023") not in rows and ("3002", "2022") not in rows

    code, _text, rows, _ = _harmonise(
        tmp_path, capsys, "--weights", _path("csdata_norway_municipality_redistricting.csv")
    )
    assert code == 0
    assert rows[("1508", "2023")][2:6] == ["150.0", "", "ja", "ja"]
    assert rows[("1580", "2023")][2:6] == ["150.0", "", "ja", "ja"]
    assert "0.5×1507" in rows[("1580", "2023")][6]

    code, _text, rows, _ = _harmonise(tmp_path, capsys, "--region", "3103")
    assert {region for region, _ in rows} == {"3103"}


@pytest.mark.django_db
def test_harmonise_keeps_a_suppressed_part_and_marks_ratios_before_a_merger(tmp_path, capsys):
    values = {("0104", "2019"): 100, ("0136", "2019"): None, ("3002", "2022"): 12.5}
    path = _merger_table(tmp_path, values, status={("0136", "2019"): ":"})
    assert main(["indicators", "import", path]) == 0
    _code, _text, rows, _ = _harmonise(tmp_path, capsys)
    assert rows[("3103", "2019")][2:5] == ["", ":", "ja"]

    code, text, rows, _ = _harmonise(tmp_path, capsys, "--ratio")
    assert code == 0 and "andeler" in text
    assert rows[("3103", "2022")][2:5] == ["12.5", "", "ja"]
    assert rows[("3103", "2019")][4] == "nei"


@pytest.mark.django_db
def test_harmonise_without_stored_figures_or_with_a_bad_registry_exits_2(tmp_path, capsys):
    code, _text, _rows, captured = _harmonise(tmp_path, capsys)
    assert code == 2 and "ingen lagrede tall for tabell 99901" in captured.err
    bad = tmp_path / "klass.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    code = main(
        [
            "indicators",
            "harmonise",
            "--table",
            "99901",
            "--contents",
            "KOSantall0000",
            "--klass-changes",
            str(bad),
            "--kommsummer",
            _path("ssb_kommsummer_1994_2024.csv"),
        ]
    )
    assert code == 2
    assert "kan ikke lese kommuneregisteret" in capsys.readouterr().err
