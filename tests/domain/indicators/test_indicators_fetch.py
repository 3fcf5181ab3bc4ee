"""The PxWebApi/FHI client through a fake transport that replays recorded responses.

Recorded responses (a real-data file, see tests/domain/indicators/shared_data.py):
ssb_jsonstat2_12367_kostra_regnskap.json (SSB data response) and
fhi_jsonstat2_example_befolkningsvekst.json (FHI); the metadata responses are the same datasets
with no values, which is what PxWebApi v2 ``/metadata`` returns. Request bodies are compared with
SSB's and FHI's own examples (ssb_v1_query_07459_example.json, fhi_data_query_example.json).
Limits: 30 requests a minute and 800 000 cells (SSB's API user guide,
https://www.ssb.no/api/api-mot-statistikkbanken--brukerveiledning).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from losen.domain.indicators import (
    FetchError,
    HttpRequest,
    HttpResponse,
    Limits,
    StatClient,
    UrllibTransport,
    parse,
    parse_responses,
)
from losen.domain.indicators.fetch import RateLimiter, cell_count, split_selection
from losen.domain.indicators.transport import TransportError

from .shared_data import shared_bytes

KOSTRA = "ssb_jsonstat2_12367_kostra_regnskap.json"
ALL = {
    "KOKkommuneregion0000": ["*"],
    "KOKregnskapsomfa0000": ["*"],
    "KOKfunksjon0000": ["*"],
    "KOKart0000": ["*"],
    "ContentsCode": ["*"],
    "Tid": ["*"],
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Replay:
    """A transport that answers from a list of handlers and records every request."""

    def __init__(self, *handlers: Callable[[HttpRequest], HttpResponse]) -> None:
        self.handlers = list(handlers)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return (
            self.handlers.pop(0)(request) if len(self.handlers) > 1 else self.handlers[0](request)
        )


def metadata() -> bytes:
    doc = json.loads(shared_bytes(KOSTRA))
    doc["value"] = []
    doc.pop("status")
    return json.dumps(doc).encode()


def ok(body: bytes) -> Callable[[HttpRequest], HttpResponse]:
    return lambda _request: HttpResponse(200, body)


def client(transport: Replay, **limits: float) -> tuple[StatClient, FakeClock]:
    clock = FakeClock()
    return StatClient(transport, Limits(**limits), clock=clock, sleep=clock.sleep), clock


def test_v2_fetch_returns_the_recorded_table() -> None:
    transport = Replay(ok(metadata()), ok(shared_bytes(KOSTRA)))
    stat, _ = client(transport)
    bodies = stat.ssb_fetch("12367", ALL)
    meta_request, data_request = transport.requests
    assert meta_request.method == "GET" and meta_request.url.endswith(
        "/tables/12367/metadata?lang=no"
    )
    assert data_request.method == "POST"
    assert data_request.url.endswith("/tables/12367/data?lang=no&outputFormat=json-stat2")
    body = json.loads(data_request.body)
    assert body["selection"][0] == {
        "variableCode": "KOKkommuneregion0000",
        "valueCodes": ["EAK", "EAKUO", "3001", "EKG16", "EKG17"],
    }
    result = parse_responses(bodies)
    assert result.ok and result.observations == parse(shared_bytes(KOSTRA)).observations


def test_selection_is_split_under_the_cell_limit() -> None:
    transport = Replay(ok(metadata()), ok(shared_bytes(KOSTRA)))
    stat, _ = client(transport, max_cells=300)
    stat.ssb_fetch("12367", ALL)
    posts = [json.loads(r.body) for r in transport.requests if r.method == "POST"]
    sizes = [
        cell_count({s["variableCode"]: s["valueCodes"] for s in p["selection"]}) for p in posts
    ]
    assert all(size <= 300 for size in sizes)
    assert sum(sizes) == 1250


def test_split_selection_covers_every_cell_once() -> None:
    selection = {"A": tuple("abcdefg"), "B": tuple("xyz")}
    parts = split_selection(selection, 4)
    cells = [(a, b) for p in parts for a in p["A"] for b in p["B"]]
    assert sorted(cells) == sorted((a, b) for a in "abcdefg" for b in "xyz")
    assert all(cell_count(p) <= 4 for p in parts)


def test_unknown_codes_and_missing_variables_fail_before_any_data_request() -> None:
    transport = Replay(ok(metadata()))
    stat, _ = client(transport)
    selection = dict(ALL, KOKkommuneregion0000=["3103"], Tull=["1"])
    del selection["Tid"]
    with pytest.raises(FetchError) as err:
        stat.ssb_fetch("12367", selection)
    assert str(err.value) == (
        "unknown variable Tull; variable KOKkommuneregion0000: unknown code 3103; "
        "variable Tid must be selected"
    )
    assert len(transport.requests) == 1


def test_top_n_selects_the_newest_periods() -> None:
    transport = Replay(ok(metadata()), ok(shared_bytes(KOSTRA)))
    stat, _ = client(transport)
    stat.ssb_fetch("12367", dict(ALL, Tid=["top(2)"]))
    body = json.loads(transport.requests[1].body)
    assert body["selection"][-1] == {"variableCode": "Tid", "valueCodes": ["2019", "2020"]}


def test_retries_with_backoff_and_retry_after() -> None:
    transport = Replay(
        lambda _r: HttpResponse(503, b"busy"),
        lambda _r: HttpResponse(429, b"slow down", {"Retry-After": "7"}),
        ok(b"{}"),
    )
    stat, clock = client(transport)
    assert stat.send(HttpRequest("GET", "https://example.invalid/x")).body == b"{}"
    assert clock.slept == [2.0, 7.0]
    assert stat.requests_sent == 3


def test_gives_up_after_the_last_retry() -> None:
    def down(_request: HttpRequest) -> HttpResponse:
        raise TransportError("connection refused")

    stat, clock = client(Replay(down), max_retries=2)
    with pytest.raises(
        FetchError, match=r"gave up after 3 attempts \(no response: connection refused\)"
    ):
        stat.send(HttpRequest("GET", "https://example.invalid/x"))
    assert clock.slept == [2.0, 4.0]


def test_client_errors_are_not_retried() -> None:
    body = json.dumps({"type": "x", "title": "Non-existent variable"}).encode()
    stat, clock = client(Replay(lambda _r: HttpResponse(400, body)))
    with pytest.raises(FetchError, match="HTTP 400: Non-existent variable"):
        stat.send(HttpRequest("GET", "https://example.invalid/x"))
    assert clock.slept == []


def test_rate_limit_30_requests_a_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(30, 60.0, clock, clock.sleep)
    for _ in range(30):
        limiter.wait()
        clock.now += 0.5
    assert clock.slept == []
    limiter.wait()
    assert clock.slept == [pytest.approx(45.0)]
    stamps = []
    for _ in range(60):
        limiter.wait()
        stamps.append(clock.now)
    for i in range(30, len(stamps)):
        assert stamps[i] - stamps[i - 30] >= 60.0 - 1e-9


def test_v1_query_has_the_shape_of_ssbs_example() -> None:
    example = json.loads(shared_bytes("ssb_v1_query_07459_example.json"))["queryObj"]
    v1_meta = {
        "title": "07459",
        "variables": [
            {"code": "Region", "values": ["0", "0301"], "elimination": True},
            {"code": "Alder", "values": ["000", "001"], "elimination": True},
            {"code": "ContentsCode", "values": ["Personer1"]},
            {"code": "Tid", "values": ["2023", "2024"], "time": True},
        ],
    }
    transport = Replay(ok(json.dumps(v1_meta).encode()), ok(b"{}"))
    stat, _ = client(transport)
    stat.ssb_fetch_v1("07459", {"Region": ["0"], "ContentsCode": ["*"], "Tid": ["top(1)"]})
    body = json.loads(transport.requests[1].body)
    assert transport.requests[1].url.endswith("/api/v0/no/table/07459")
    assert body.keys() == example.keys()
    assert body["response"] == example["response"]
    assert body["query"][0] == {"code": "Region", "selection": {"filter": "item", "values": ["0"]}}
    assert body["query"][0].keys() == example["query"][0].keys()
    assert [q["code"] for q in body["query"]] == ["Region", "ContentsCode", "Tid"]


def test_fhi_fetch_body_and_quirky_response() -> None:
    example = json.loads(shared_bytes("fhi_data_query_example.json"))
    dimensions = {
        "dimensions": [
            {
                "code": "GEO",
                "categories": [{"value": "0", "children": [{"value": "03"}, {"value": "30"}]}],
            },
            {"code": "AAR", "categories": [{"value": "2020_2020"}, {"value": "2021_2021"}]},
            {"code": "KJONN", "categories": [{"value": "0"}]},
            {"code": "ALDER", "categories": [{"value": "0"}]},
            {"code": "MEASURE_TYPE", "categories": [{"value": "BEFVEKST_ANT"}]},
        ]
    }
    fhi = shared_bytes("fhi_jsonstat2_example_befolkningsvekst.json")
    transport = Replay(ok(json.dumps(dimensions).encode()), ok(fhi))
    stat, _ = client(transport)
    bodies = stat.fhi_fetch(
        "nokkel",
        "173",
        {"GEO": ["03", "30"], "AAR": ["*"], "KJONN": ["0"], "ALDER": ["0"], "MEASURE_TYPE": ["*"]},
    )
    post = transport.requests[1]
    assert post.url.endswith("/nokkel/table/173/data")
    body = json.loads(post.body)
    assert body.keys() == example.keys()
    assert body["dimensions"][0].keys() == example["dimensions"][0].keys()
    assert body["response"] == {"format": "json-stat2", "maxRowCount": 50000}
    result = parse_responses(bodies, table="173")
    assert result.ok and len(result.observations) == 4


def test_problems_in_a_response_name_the_response() -> None:
    result = parse_responses([b"{}"], table="x")
    assert str(result.problems[0]) == "response 1, id: missing or not a list of dimension ids"


def test_urllib_transport_refuses_plain_http() -> None:
    with pytest.raises(TransportError, match="only https"):
        UrllibTransport()(HttpRequest("GET", "http://example.invalid/"))
