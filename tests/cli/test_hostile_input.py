"""Hostile and careless input to every pure ``losen`` command: exit 2, a message, no stdout.

Each command gets every payload of the hostile-input probe (nesting 100 000 deep, a lone
surrogate and a NUL in a label or id, a megabyte of random bytes, 5 000-digit and 400-digit
numbers, a million criteria or entries, scores of ±1e308, NaN and infinity, a decompression
bomb for the commands that read XLSX), then a bounded fuzz of random documents, random
mutations of a valid document and random bytes: the exit code is 0 (or 1 for an infeasible
``optimize``) or 2, never a traceback, and a refusal leaves stdout empty.

The commands run in-process through :func:`losen.cli.main`, as in ``test_decide.py``.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.cli import main
from tests.domain.instruments.helpers import local_definition
from tests.domain.pathways.helpers import assessment

DECISION = {
    "criteria": [
        {"id": "nytte", "name": "Nytte", "direction": "benefit", "weight": 0.6},
        {"id": "ressurs", "name": "Ressurs", "direction": "cost", "weight": 0.4},
    ],
    "alternatives": [
        {"id": "A", "name": "Ambulant team", "scores": {"nytte": 3, "ressurs": 2}},
        {"id": "B", "name": "Lavterskeltilbud", "scores": {"nytte": 2, "ressurs": 1}},
    ],
}

PORTFOLIO = {
    "budget": 10,
    "candidates": [
        {"id": "a", "name": "Ambulant team", "cost": 6, "value": 5},
        {"id": "b", "name": "Lavterskel", "cost": 5, "value": 4},
        {"id": "c", "name": "Kurs", "cost": 4, "value": 3},
    ],
}

COMBINED = {
    "nytte": {"level": "moderat", "reasoning": "Færre innleggelser.", "uncertainty": "moderat"},
    "ressurs": {
        "level": "høy",
        "reasoning": "To årsverk.",
        "uncertainty": "lav",
        "parts": [
            {
                "part": "kostnad_aarlig",
                "level": "høy",
                "reasoning": "Lønn.",
                "uncertainty": "lav",
                "amount": 1_500_000,
            }
        ],
    },
    "alvorlighet": {"level": "stor", "reasoning": "Fare for helsetap.", "uncertainty": "lav"},
    "reasoning": "Samlet sett bør tiltaket prioriteres.",
}
SWEDISH = {"alternatives": [{"id": "A", "name": "Ambulant team", "assessment": COMBINED}]}

# Per command: the argument list for an input file, a valid document, and where its label,
# id and a number live (a JSON path as a list of keys and indexes).
COMMANDS: dict[str, dict] = {
    "rank": {
        "argv": lambda path: ["rank", path],
        "document": DECISION,
        "label": ["alternatives", 0, "name"],
        "id": ["alternatives", 0, "id"],
        "number": ["alternatives", 0, "scores", "nytte"],
        "many": "criteria",
        "xlsx": True,
    },
    "smaa": {
        "argv": lambda path: ["smaa", path, "--samples", "200"],
        "document": DECISION,
        "label": ["criteria", 0, "name"],
        "id": ["criteria", 0, "id"],
        "number": ["alternatives", 1, "scores", "ressurs"],
        "many": "criteria",
        "xlsx": True,
    },
    "optimize": {
        "argv": lambda path: ["optimize", path, "--time-limit", "5"],
        "document": PORTFOLIO,
        "label": ["candidates", 0, "name"],
        "id": ["candidates", 1, "id"],
        "number": ["budget"],
        "many": "candidates",
        "xlsx": False,
    },
    "instrument check": {
        "argv": lambda path: ["instrument", "check", path],
        "document": local_definition(),
        "label": ["items", 0, "label"],
        "id": ["id"],
        "number": ["items", 0, "scores", 1],
        "many": "items",
        "xlsx": False,
    },
    "pathway suggest": {
        "argv": lambda path: ["pathway", "suggest", path],
        "document": assessment(),
        "label": ["severity"],
        "id": ["risk", "suicide"],
        "number": ["severity"],
        "many": None,
        "xlsx": False,
    },
    "criteria swedish": {
        "argv": lambda path: ["criteria", "swedish", path],
        "document": SWEDISH,
        "label": ["alternatives", 0, "name"],
        "id": ["alternatives", 0, "id"],
        "number": ["alternatives", 0, "assessment", "ressurs", "parts", 0, "amount"],
        "many": "alternatives",
        "xlsx": False,
    },
}

MARK = "__LOSEN_PAYLOAD__"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_info:  # argparse usage errors
            code = int(exit_info.code or 0)
    return code, out.getvalue(), err.getvalue()


def _set(document: object, path: list, value: object) -> object:
    document = copy.deepcopy(document)
    node = document
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]
    return document


def _with_raw(document: object, path: list, raw: str) -> str:
    """The document as JSON text with the value at ``path`` replaced by the literal ``raw``."""
    text = json.dumps(_set(document, path, MARK))
    return text.replace(json.dumps(MARK), raw, 1)


def _deep_text(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def _bomb(path: Path) -> Path:
    """An XLSX-looking zip of about 1 MB whose shared strings expand to 500 MB."""
    chunk = b"<si><t>aaaa</t></si>" * 50_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for _ in range(500 * 1024 * 1024 // len(chunk)):
                part.write(chunk)
    return path


def _extremes(document: object) -> str:
    both = _set(document, ["alternatives", 0, "scores", "nytte"], 1e308)
    return json.dumps(_set(both, ["alternatives", 1, "scores", "nytte"], -1e308))


def _many(spec: dict) -> bytes:
    document = spec["document"]
    if spec["many"]:
        return json.dumps({**document, spec["many"]: [{}] * 10**6}).encode()
    return json.dumps({**document, **{f"f{k}": 1 for k in range(10**6)}}).encode()


def _raw(where: str, literal: str) -> Callable[[dict], bytes]:
    return lambda spec: _with_raw(spec["document"], spec[where], literal).encode()


TOO_BIG = ("too large", "for stort", "heltall", "er ikke tillatt")
NOT_FINITE = ("not finite", "er ikke et tall som kan brukes", "for stort til å regnes med")
NOT_FINITE_OR_NOT_ALLOWED = (*NOT_FINITE, "heltall", "er ikke tillatt")

# name: (file contents from the command's spec, fragments of which the message holds one).
PAYLOADS: dict[str, tuple[Callable[[dict], bytes], tuple[str, ...]]] = {
    "nested 100 000 deep": (lambda spec: _deep_text().encode(), ("nøstet mer enn 64 nivåer",)),
    "nested 100 000 deep inside": (_raw("label", _deep_text()), ("nøstet mer enn 64 nivåer",)),
    "lone surrogate in a label": (_raw("label", '"a\\ud800b"'), ("surrogatpar U+D800",)),
    "lone surrogate in an id": (_raw("id", '"\\udc00"'), ("surrogatpar U+DC00",)),
    "lone surrogate in a key": (
        lambda spec: json.dumps(spec["document"]).replace("{", '{"\\ud800": 1, ', 1).encode(),
        ("feltnavnet",),
    ),
    "NUL in a label": (_raw("label", '"a\\u0000b"'), ("NUL-tegn",)),
    "NUL in an id": (_raw("id", '"\\u0000"'), ("NUL-tegn",)),
    "control character in a label": (_raw("label", '"a\\u001bb"'), ("kontrolltegn (U+001B)",)),
    "1 MB of random bytes": (lambda spec: os.urandom(1 << 20), ("UTF-8",)),
    "binary bytes after valid JSON": (
        lambda spec: json.dumps(spec["document"]).encode() + b"\x00\x01garbage\xff",
        ("UTF-8", "JSON", "NUL"),
    ),
    "UTF-16": (lambda spec: json.dumps(spec["document"]).encode("utf-16"), ("UTF-16",)),
    "5000-digit number": (_raw("number", "9" * 5000), ("5000 tegn",)),
    "400-digit number": (_raw("number", "9" * 400), ("400 tegn",)),
    "number 1e400": (_raw("number", "1e400"), NOT_FINITE_OR_NOT_ALLOWED),
    "number 1e308": (_raw("number", "1e308"), TOO_BIG),
    "number -1e308": (_raw("number", "-1e308"), (*TOO_BIG, "negative", "negativ")),
    "NaN": (_raw("number", "NaN"), NOT_FINITE_OR_NOT_ALLOWED),
    "Infinity": (_raw("number", "-Infinity"), NOT_FINITE_OR_NOT_ALLOWED),
    "not JSON": (lambda spec: b'{"a": [1, 2,', ("JSON",)),
    "empty file": (lambda spec: b"", ("JSON",)),
    "JSON but not an object": (lambda spec: b"[1, 2, 3]", ("object", "objekt")),
    "34 MB of JSON": (
        lambda spec: b"[" + b"0," * (17 * 1024 * 1024) + b"0]",
        ("fila er for stor",),
    ),
    "a million entries": (_many, ("too many", "mer enn", "fila er for stor", "ukjent felt")),
}
EXTREMES = (lambda spec: _extremes(spec["document"]).encode(), ("too large",))

PAYLOAD_CASES = [(command, name) for command in COMMANDS for name in PAYLOADS] + [
    (command, "scores ±1e308") for command in ("rank", "smaa")
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize(
    ("command", "payload"), PAYLOAD_CASES, ids=[" | ".join(c) for c in PAYLOAD_CASES]
)
def test_every_payload_exits_2_with_a_message_and_nothing_on_stdout(workdir, command, payload):
    spec = COMMANDS[command]
    path = workdir / f"{command.replace(' ', '-')}.json"
    make, fragments = EXTREMES if payload == "scores ±1e308" else PAYLOADS[payload]
    path.write_bytes(make(spec))
    code, out, err = _run(*spec["argv"](str(path)))
    assert (code, out) == (2, ""), err
    assert any(fragment in err for fragment in fragments), err
    assert len(err.splitlines()) <= 60, "at most 50 problems and a summary line"
    assert "Traceback" not in err
    # The message is printable: no lone surrogate or control character reaches the terminal.
    err.encode("utf-8")
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in err)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_valid_document_is_answered(workdir, command):
    spec = COMMANDS[command]
    path = workdir / f"valid-{command.replace(' ', '-')}.json"
    path.write_text(json.dumps(spec["document"], ensure_ascii=False), encoding="utf-8")
    code, out, err = _run(*spec["argv"](str(path)))
    assert (code, err) == (0, "")
    assert out.strip()


@pytest.mark.parametrize("command", [c for c, s in COMMANDS.items() if s["xlsx"]])
def test_decompression_bomb_is_refused(workdir, command, monkeypatch):
    import openpyxl

    def forbidden(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a decompression bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    bomb = workdir / "bomb.xlsx"
    if not bomb.exists():
        _bomb(bomb)
    code, out, err = _run(*COMMANDS[command]["argv"](str(bomb)))
    assert (code, out) == (2, "")
    assert "xl/sharedStrings.xml" in err and "32 MiB" in err


def test_smaa_with_extreme_scores_no_longer_answers(workdir):
    """±1e308 once gave exit 0 with both alternatives first at acceptability 1.0."""
    both = _set(DECISION, ["alternatives", 0, "scores", "nytte"], 1e308)
    both = _set(both, ["alternatives", 1, "scores", "nytte"], -1e308)
    path = workdir / "extreme.json"
    path.write_text(json.dumps(both), encoding="utf-8")
    code, out, err = _run("smaa", str(path), "--samples", "100")
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith("alternatives[0].scores.nytte: too large")


def test_problem_size_is_refused_before_any_work(workdir):
    path = workdir / "wide.json"
    path.write_text(json.dumps({**DECISION, "criteria": [{}] * 10**6}), encoding="utf-8")
    code, out, err = _run("rank", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines() == ["criteria: too many (1000000; høyst 100 kriterier er tillatt)"]


def test_smaa_samples_beyond_the_limit(workdir):
    path = workdir / "samples.json"
    path.write_text(json.dumps(DECISION), encoding="utf-8")
    code, out, err = _run("smaa", str(path), "--samples", "100000000")
    assert (code, out) == (2, "")
    assert err.startswith("samples: too many")


def test_standard_input_is_read_with_the_same_checks(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(_deep_text().encode())))
    code, out, err = _run("rank", "-")
    assert (code, out) == (2, "")
    assert err.startswith("standard inn: linje 1: JSON-dokumentet er nøstet mer enn 64 nivåer")


def test_an_error_python_raises_while_reading_is_exit_2_and_elsewhere_a_traceback(
    workdir, monkeypatch
):
    import losen.cli.inputs

    def explode(*args, **kwargs):
        raise MemoryError

    path = workdir / "valid.json"
    path.write_text(json.dumps(DECISION), encoding="utf-8")
    monkeypatch.setattr(losen.cli.inputs, "load_json", explode)
    code, out, err = _run("rank", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"losen: {path}: inndata kan ikke behandles (MemoryError)")
    monkeypatch.undo()
    monkeypatch.setattr("losen.cli.commands.decide.rank_report", explode)
    with pytest.raises(MemoryError):
        _run("rank", str(path))


# --- Fuzz -------------------------------------------------------------------------------------

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["benefit", "cost", "mild", "severe", "høy", "moderat", "sum", "A", ""])
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def inputs(draw, document: object) -> bytes:
    """Random bytes, random JSON, or the valid document with one part replaced or removed."""
    kind = draw(st.sampled_from(["mutate", "mutate", "mutate", "remove", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(json_values)).encode("utf-8", "surrogatepass")
    path = draw(st.sampled_from(_paths(document)[1:]))
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        node = node[key]
    if kind == "remove":
        del node[path[-1]]
    else:
        node[path[-1]] = draw(json_values)
    return json.dumps(changed, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


DEFAULT_FUZZ_EXAMPLES = 40
FUZZ_EXAMPLES = int(os.environ.get("LOSEN_FUZZ_EXAMPLES", DEFAULT_FUZZ_EXAMPLES))
"""Examples per command: 40 (fixed, about 30 s for all six) unless ``LOSEN_FUZZ_EXAMPLES``
asks for a longer, random run."""


def _fuzz(command: str) -> Callable:
    spec = COMMANDS[command]

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=FUZZ_EXAMPLES == DEFAULT_FUZZ_EXAMPLES,
    )
    @given(data=inputs(spec["document"]))
    def check(workdir, data):
        path = workdir / f"fuzz-{command.replace(' ', '-')}.json"
        path.write_bytes(data)
        code, out, err = _run(*spec["argv"](str(path)))
        allowed = (0, 1, 2) if command == "optimize" else (0, 2)
        assert code in allowed, err
        assert "Traceback" not in err
        if code == 2:
            assert out == "" and err.strip()
        else:
            assert out.strip()
            if command != "instrument check":
                json.loads(out)

    return check


test_fuzz_rank = _fuzz("rank")
test_fuzz_smaa = _fuzz("smaa")
test_fuzz_optimize = _fuzz("optimize")
test_fuzz_instrument_check = _fuzz("instrument check")
test_fuzz_pathway_suggest = _fuzz("pathway suggest")
test_fuzz_criteria_swedish = _fuzz("criteria swedish")
