"""The doors of the ``losen`` command that the per-format tests do not walk: the arguments
themselves, the password on standard input, ``--definitions`` of every instrument command,
``instrument score --answers`` and the answers of SSB's and FHI's APIs to ``indicators fetch``.

Each gets hostile input and must answer with exit code 2, a message on stderr and nothing on
stdout, never a traceback; the fetch answers are then fuzzed (hypothesis, bounded).
"""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.cli import main
from losen.cli.commands import indicators as command
from losen.domain import indicators as ind
from losen.domain.indicators.fetch import MAX_RESPONSE_BYTES
from losen.domain.indicators.transport import HttpRequest, HttpResponse
from tests.domain.instruments.helpers import local_definition
from tests.hostile_imports import cube


def _run(*argv: str, stdin: io.TextIOBase | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        if stdin is not None:
            import sys

            saved = sys.stdin
            sys.stdin = stdin
            stack.callback(setattr, sys, "stdin", saved)
        try:
            code = main(list(argv))
        except SystemExit as exit_info:
            code = int(exit_info.code or 0)
    return code, out.getvalue(), err.getvalue()


def _refused(*argv: str, stdin=None, fragment: str = "") -> str:
    code, out, err = _run(*argv, stdin=stdin)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err and err.strip()
    assert fragment in err, err
    return err


# --- Arguments --------------------------------------------------------------------------------

# An argument that is not UTF-8 reaches Python as lone surrogates (os.fsdecode).
NOT_UTF8 = os.fsdecode(b"tab\xff\xfe")
ARGUMENTS = {
    "not UTF-8": (NOT_UTF8, "surrogatpar"),
    "escape sequence": ("\x1b[31mrød", "kontrolltegn (U+001B)"),
    "bell": ("a\x07", "kontrolltegn (U+0007)"),
}
ARGUMENT_COMMANDS = {
    "indicators export --table": lambda v: [
        "indicators",
        "export",
        "--table",
        v,
        "--format",
        "csv",
    ],
    "indicators import --source": lambda v: ["indicators", "import", "x.csv", "--source", v],
    "indicators profile": lambda v: ["indicators", "profile", v, "--kostra-group", "EKG01"],
    "instrument score": lambda v: ["instrument", "score", v, "--answers", "1"],
    "createuser": lambda v: ["createuser", v, "--municipality", "4699", "--role", "leder"],
    "demo --password": lambda v: ["demo", "--password", v],
    "rank (file name)": lambda v: ["rank", v],
}
ARGUMENT_CASES = [(c, a) for c in ARGUMENT_COMMANDS for a in ARGUMENTS]


@pytest.mark.parametrize(
    ("door", "payload"), ARGUMENT_CASES, ids=[" | ".join(c) for c in ARGUMENT_CASES]
)
def test_an_argument_with_a_refused_character_is_refused_before_any_work(door, payload):
    value, fragment = ARGUMENTS[payload]
    err = _refused(*ARGUMENT_COMMANDS[door](value), fragment=fragment)
    assert err.startswith("losen: argumentet ")
    err.encode("utf-8")  # the message itself can be written


# --- The password on standard input -----------------------------------------------------------

CREATEUSER = ["createuser", "ny", "--municipality", "4699", "--role", "leder", "--password-stdin"]


@pytest.fixture
def fjordvik(db):
    from losen.apps.accounts.services import create_municipality

    return create_municipality(actor=None, number="4699", name="Fjordvik kommune")


@pytest.mark.parametrize(
    ("stdin", "fragment"),
    [
        (io.StringIO("a" * (10 * 1024 * 1024)), "lengre enn 4096 tegn"),
        (io.StringIO("et langt passord\x00 med NUL\n"), "NUL-tegn"),
        (io.StringIO("et langt passord \ud800\n"), "surrogatpar"),
        (io.TextIOWrapper(io.BytesIO(b"\xff\xfe\x00passord\n"), encoding="utf-8"), "inndata"),
    ],
    ids=["10 MB without a line break", "NUL", "lone surrogate", "not UTF-8"],
)
def test_a_hostile_password_on_standard_input_is_refused(fjordvik, stdin, fragment):
    from losen.apps.accounts.models import User

    _refused(*CREATEUSER, stdin=stdin, fragment=fragment)
    assert not User.objects.filter(username="ny").exists()


# --- Instrument definitions and answers -------------------------------------------------------

DEFINITION_COMMANDS = {
    "instrument list": lambda path: ["instrument", "list", "--definitions", path],
    "instrument score": lambda path: [
        "instrument", "score", "phq-9", "--answers", "1", "--definitions", path,
    ],
    "fhir questionnaire": lambda path: ["fhir", "questionnaire", "phq-9", "--definitions", path],
}  # fmt: skip


def _definition_with(field: str, literal: str) -> bytes:
    text = json.dumps({**local_definition(), field: "__MARK__"})
    return text.replace('"__MARK__"', literal, 1).encode()


DEFINITIONS = {
    "nested 100 000 deep": (b"[" * 100_000 + b"]" * 100_000, "nøstet mer enn 64 nivåer"),
    "lone surrogate": (_definition_with("name", '"\\ud800"'), "surrogatpar"),
    "NUL": (_definition_with("name", '"a\\u0000"'), "NUL-tegn"),
    "random bytes": (os.urandom(4096), "UTF-8"),
    "2 MB": (b" " * (2 * 1024 * 1024), "for stor"),
    "5000-digit number": (_definition_with("version", "9" * 5000), "5000 tegn"),
}
DEFINITION_CASES = [(c, d) for c in DEFINITION_COMMANDS for d in DEFINITIONS]


@pytest.mark.parametrize(
    ("door", "payload"), DEFINITION_CASES, ids=[" | ".join(c) for c in DEFINITION_CASES]
)
def test_hostile_definitions_are_refused_by_every_command_that_reads_them(tmp_path, door, payload):
    data, fragment = DEFINITIONS[payload]
    path = tmp_path / "egen.json"
    path.write_bytes(data)
    _refused(*DEFINITION_COMMANDS[door](str(path)), fragment=fragment)


@pytest.mark.parametrize(
    "answers", ["9" * 5000, "9" * 400, "1e400", "nan", "1," * 50_000, "-1," * 9, "\u0661"]
)
def test_hostile_answers_are_refused(answers):
    _refused("instrument", "score", "phq-9", "--answers", answers)


# --- What SSB and FHI answer to `indicators fetch` --------------------------------------------


def _metadata(values=None) -> dict:
    """The shared test cube (tests/hostile_imports.py), with the time role metadata has."""
    document = json.loads(cube(values if values is not None else []))
    document["role"] = {"time": ["Tid"], "metric": ["ContentsCode"]}
    return document


class Answers:
    """A fake transport: the metadata GET gets ``meta``, every data POST gets ``data``."""

    def __init__(self, meta: bytes, data: bytes) -> None:
        self.meta, self.data = meta, data

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, self.meta if request.method == "GET" else self.data)


def _fetch(monkeypatch, meta: bytes, data: bytes) -> tuple[int, str, str]:
    client = ind.StatClient(Answers(meta, data), clock=lambda: 0.0, sleep=lambda _s: None)
    monkeypatch.setattr(command, "make_client", lambda: client)
    return _run("indicators", "fetch", "--table", "12345", "--region", "0301", "--dry-run")


GOOD_META = json.dumps(_metadata()).encode()
GOOD_DATA = json.dumps(_metadata([1, 2])).encode()
DEEP = b"[" * 100_000 + b"]" * 100_000

FETCH_ANSWERS = {
    "metadata nested 100 000 deep": (DEEP, GOOD_DATA),
    "metadata not JSON": (b"<html>", GOOD_DATA),
    "metadata random bytes": (os.urandom(4096), GOOD_DATA),
    "metadata id a number": (json.dumps({**_metadata(), "id": 5}).encode(), GOOD_DATA),
    "metadata dimension missing": (
        json.dumps({**_metadata(), "dimension": {}}).encode(), GOOD_DATA
    ),
    "metadata codes are numbers": (
        json.dumps({**_metadata(), "dimension": {
            "Region": {"category": {"index": [301]}},
            "ContentsCode": {"category": {"index": ["Personer"]}},
            "Tid": {"category": {"index": ["2023"]}},
        }}).encode(),
        GOOD_DATA,
    ),
    "metadata with a lone surrogate": (GOOD_META.replace(b"Test", b"\\ud800"), GOOD_DATA),
    "metadata over 64 MiB": (b" " * (MAX_RESPONSE_BYTES + 1), GOOD_DATA),
    "data nested 100 000 deep": (GOOD_META, DEEP),
    "data NaN": (GOOD_META, GOOD_DATA.replace(b"[1, 2]", b"[NaN, 1e400]")),
    "data 5000-digit number": (
        GOOD_META, GOOD_DATA.replace(b"[1, 2]", b"[" + b"9" * 5000 + b", 1]")
    ),
    "data value a text": (GOOD_META, GOOD_DATA.replace(b"[1, 2]", b'"tekst"')),
    "data random bytes": (GOOD_META, os.urandom(4096)),
    "data over 64 MiB": (GOOD_META, b" " * (MAX_RESPONSE_BYTES + 1)),
}  # fmt: skip


def test_the_good_answer_is_read(monkeypatch):
    code, out, err = _fetch(monkeypatch, GOOD_META, GOOD_DATA)
    assert (code, err) == (0, ""), err
    assert "2 observasjoner lest" in out


@pytest.mark.parametrize("payload", list(FETCH_ANSWERS))
def test_a_hostile_answer_from_the_api_is_refused(monkeypatch, payload):
    meta, data = FETCH_ANSWERS[payload]
    code, out, err = _fetch(monkeypatch, meta, data)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err and err.strip()


def test_the_transport_reads_no_more_than_its_limit():
    from losen.domain.indicators.transport import UrllibTransport

    assert UrllibTransport().max_body_bytes == MAX_RESPONSE_BYTES


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["0301", "2023", "Personer", "Region", "Tid", "index", "category"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def api_answer(draw) -> tuple[bytes, bytes]:
    """The good metadata and data with one part replaced, or random JSON or bytes."""
    kind = draw(st.sampled_from(["meta", "meta", "data", "data", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200)), GOOD_DATA
    document = _metadata([1, 2])
    key = draw(st.sampled_from(sorted(document)))
    if draw(st.booleans()) and isinstance(document[key], dict):
        inner = draw(st.sampled_from(sorted(document[key])))
        document[key][inner] = draw(json_values)
    else:
        document[key] = draw(json_values)
    body = json.dumps(document).encode("utf-8", "surrogatepass")
    return (body, GOOD_DATA) if kind == "meta" else (GOOD_META, body)


FETCH_FUZZ_EXAMPLES = int(os.environ.get("LOSEN_FUZZ_EXAMPLES", 150))


@settings(
    max_examples=FETCH_FUZZ_EXAMPLES,
    deadline=None,
    derandomize="LOSEN_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(answer=api_answer())
def test_fuzz_the_api_answers(monkeypatch, answer):
    code, out, err = _fetch(monkeypatch, *answer)
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert out == "" and err.strip()
