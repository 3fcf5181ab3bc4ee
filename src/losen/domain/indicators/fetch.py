"""A client for SSB's PxWebApi (v2 and v1) and FHI's Statistikk API, within their limits.

The limits: SSB allows 30 requests a minute per IP and 800 000 cells per extract (SSB's API
user guide, https://www.ssb.no/api/api-mot-statistikkbanken--brukerveiledning, and the v2
``/config`` answer); FHI's Statistikk API (https://statistikk-data.fhi.no/swagger/index.html)
states no limits, so the same cautious ones are used. The client

1. reads the table's metadata and expands the selection (``*``, ``top(n)``, explicit codes),
   refusing unknown codes before asking for any data;
2. splits the selection so that no request asks for more cells than allowed (the largest
   dimension is halved until each part fits);
3. sends each request through a sliding-window rate limiter and retries 429, 5xx and network
   failures with exponential backoff (honouring ``Retry-After``).

It returns the raw response bodies, which :func:`parse_responses` reads with the JSON-stat reader.
The clock and the sleep are injected so tests run instantly; the transport is injected so tests
replay recorded responses (:mod:`.transport`).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from losen.domain import safeinput
from losen.domain.errors import InputError
from losen.domain.indicators.jsonstat import parse_jsonstat
from losen.domain.indicators.model import Observation, ParseResult, Problem
from losen.domain.indicators.transport import HttpRequest, HttpResponse, Transport, TransportError

SSB_V2_BASE = "https://data.ssb.no/api/pxwebapi/v2"
SSB_V1_BASE = "https://data.ssb.no/api/v0"
FHI_BASE = "https://statistikk-data.fhi.no/api/open/v1"

_TOP = re.compile(r"^top\((\d+)\)$")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""Largest response body read (64 MiB): a JSON-stat extract of SSB's 800 000 cells is about a
quarter of it. The transport reads at most one byte more, so a server cannot fill the memory."""


class FetchError(Exception):
    """A fetch that cannot succeed: a bad selection, a 4xx answer, or retries used up."""


def read_json_response(response: HttpResponse, url: str) -> Any:
    """A response's JSON, through :func:`losen.domain.safeinput.load_json` (size, depth, text)."""
    try:
        return safeinput.load_json(response.body, source=url, max_bytes=MAX_RESPONSE_BYTES)
    except InputError as error:
        raise FetchError("; ".join(error.lines()[:3])) from None


def checked_variables(url: str, read: Callable[[], tuple[Variable, ...]]) -> tuple[Variable, ...]:
    """``read()``'s variables, or a :class:`FetchError` when the metadata has another shape."""
    try:
        variables = read()
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        raise FetchError(
            f"{url}: metadataene har ikke formen Losen kjenner ({type(error).__name__}: "
            f"{str(error)[:80]})"
        ) from None
    for variable in variables:
        if not isinstance(variable.code, str) or not all(
            isinstance(value, str) for value in variable.values
        ):
            raise FetchError(f"{url}: metadataene har koder som ikke er tekst")
    return variables


@dataclass(frozen=True, slots=True)
class Limits:
    """Published limits and our retry policy.

    Attributes:
        requests_per_window: Requests allowed per window (SSB: 30 a minute).
        window_s: The window in seconds.
        max_cells: Cells allowed per request (SSB: 800 000).
        max_retries: Retries after the first attempt.
        backoff_s: First wait before a retry; doubled each time.
    """

    requests_per_window: int = 30
    window_s: float = 60.0
    max_cells: int = 800_000
    max_retries: int = 4
    backoff_s: float = 2.0


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable of a table as its metadata describes it."""

    code: str
    values: tuple[str, ...]
    elimination: bool = False
    time: bool = False


class RateLimiter:
    """Allows at most ``limit`` calls in any ``window_s`` seconds (sliding window)."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()

    def wait(self) -> None:
        """Block until one more call is allowed, then record it."""
        now = self._clock()
        while self._sent and now - self._sent[0] >= self._window_s:
            self._sent.popleft()
        if len(self._sent) >= self._limit:
            self._sleep(self._window_s - (now - self._sent[0]))
            now = self._clock()
            while self._sent and now - self._sent[0] >= self._window_s:
                self._sent.popleft()
        self._sent.append(now)


@dataclass
class StatClient:
    """Fetches tables from SSB and FHI through an injected transport."""

    transport: Transport
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    ssb_v2_base: str = SSB_V2_BASE
    ssb_v1_base: str = SSB_V1_BASE
    fhi_base: str = FHI_BASE

    def __post_init__(self) -> None:
        self._limiter = RateLimiter(
            self.limits.requests_per_window, self.limits.window_s, self.clock, self.sleep
        )
        self.requests_sent = 0

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send one request within the rate limit, retrying what may pass on a second try."""
        last = ""
        for attempt in range(self.limits.max_retries + 1):
            self._limiter.wait()
            self.requests_sent += 1
            try:
                response = self.transport(request)
            except TransportError as err:
                last = f"no response: {err}"
                if attempt < self.limits.max_retries:
                    self.sleep(self.limits.backoff_s * 2**attempt)
                continue
            if len(response.body) > MAX_RESPONSE_BYTES:
                raise FetchError(
                    f"{request.url}: svaret er større enn {MAX_RESPONSE_BYTES // (1024 * 1024)} "
                    "MiB; velg færre verdier"
                )
            if response.status < 300:
                return response
            if response.status not in _RETRY_STATUSES:
                raise FetchError(f"{request.url}: HTTP {response.status}: {_detail(response)}")
            last = f"HTTP {response.status}"
            if attempt < self.limits.max_retries:
                self.sleep(_retry_after(response) or self.limits.backoff_s * 2**attempt)
        raise FetchError(
            f"{request.url}: gave up after {self.limits.max_retries + 1} attempts ({last})"
        )

    # SSB PxWebApi v2 -----------------------------------------------------------------

    def ssb_variables(self, table_id: str, lang: str = "no") -> tuple[Variable, ...]:
        """Read a table's variables from v2 metadata (a JSON-stat dataset with no values)."""
        url = f"{self.ssb_v2_base}/tables/{quote(table_id)}/metadata?lang={lang}"
        doc = read_json_response(self.send(HttpRequest("GET", url)), url)
        return checked_variables(url, lambda: variables_from_jsonstat(doc))

    def ssb_fetch(
        self,
        table_id: str,
        selection: Mapping[str, Sequence[str]],
        *,
        lang: str = "no",
        codelists: Mapping[str, str] | None = None,
    ) -> tuple[bytes, ...]:
        """Fetch a v2 table as JSON-stat 2.0, split into requests within the cell limit."""
        variables = self.ssb_variables(table_id, lang)
        parts = split_selection(expand_selection(variables, selection), self.limits.max_cells)
        url = (
            f"{self.ssb_v2_base}/tables/{quote(table_id)}/data?lang={lang}&outputFormat=json-stat2"
        )
        bodies = []
        for part in parts:
            body = {
                "selection": [
                    {"variableCode": code, "valueCodes": list(values)}
                    | ({"codelist": codelists[code]} if codelists and code in codelists else {})
                    for code, values in part.items()
                ]
            }
            request = HttpRequest(
                "POST", url, (("Content-Type", "application/json"),), json.dumps(body).encode()
            )
            bodies.append(self.send(request).body)
        return tuple(bodies)

    # SSB PxWebApi v1 -----------------------------------------------------------------

    def ssb_fetch_v1(
        self, table_id: str, selection: Mapping[str, Sequence[str]], *, lang: str = "no"
    ) -> tuple[bytes, ...]:
        """Fetch a table through v1 (``/api/v0/``), which SSB keeps running beside v2."""
        url = f"{self.ssb_v1_base}/{lang}/table/{quote(table_id)}"
        meta = read_json_response(self.send(HttpRequest("GET", url)), url)
        variables = checked_variables(url, lambda: variables_from_v1(meta))
        parts = split_selection(expand_selection(variables, selection), self.limits.max_cells)
        bodies = []
        for part in parts:
            body = {
                "query": [
                    {"code": code, "selection": {"filter": "item", "values": list(values)}}
                    for code, values in part.items()
                ],
                "response": {"format": "json-stat2"},
            }
            request = HttpRequest(
                "POST", url, (("Content-Type", "application/json"),), json.dumps(body).encode()
            )
            bodies.append(self.send(request).body)
        return tuple(bodies)

    # FHI Statistikk Open API ---------------------------------------------------------

    def fhi_variables(self, source_id: str, table_id: str) -> tuple[Variable, ...]:
        """Read an FHI table's dimensions (a hierarchy, flattened)."""
        url = f"{self.fhi_base}/{quote(source_id)}/table/{quote(table_id)}/dimension"
        doc = read_json_response(self.send(HttpRequest("GET", url)), url)
        return checked_variables(
            url,
            lambda: tuple(
                Variable(
                    code=d["code"],
                    values=tuple(_flatten(d.get("categories", []))),
                    time=d["code"] == "AAR",
                )
                for d in doc["dimensions"]
            ),
        )

    def fhi_fetch(
        self,
        source_id: str,
        table_id: str,
        selection: Mapping[str, Sequence[str]],
        *,
        max_row_count: int = 50_000,
    ) -> tuple[bytes, ...]:
        """Fetch an FHI table as JSON-stat 2.0; every dimension must be selected (FHI's rule)."""
        variables = self.fhi_variables(source_id, table_id)
        limit = min(self.limits.max_cells, max_row_count)
        parts = split_selection(expand_selection(variables, selection), limit)
        url = f"{self.fhi_base}/{quote(source_id)}/table/{quote(table_id)}/data"
        bodies = []
        for part in parts:
            body = {
                "dimensions": [
                    {"code": code, "filter": "item", "values": list(values)}
                    for code, values in part.items()
                ],
                "response": {"format": "json-stat2", "maxRowCount": max_row_count},
            }
            request = HttpRequest(
                "POST", url, (("Content-Type", "application/json"),), json.dumps(body).encode()
            )
            bodies.append(self.send(request).body)
        return tuple(bodies)


def variables_from_jsonstat(doc: Mapping[str, Any]) -> tuple[Variable, ...]:
    """Read variables from a JSON-stat metadata response (PxWebApi v2 ``/metadata``)."""
    role = doc.get("role") if isinstance(doc.get("role"), Mapping) else {}
    times = set(role.get("time") or [])
    out = []
    for dim_id in doc["id"]:
        dim = doc["dimension"][dim_id]
        index = dim["category"].get("index")
        if isinstance(index, Mapping):
            codes = tuple(sorted(index, key=lambda c: index[c]))
        elif isinstance(index, list):
            codes = tuple(index)
        else:
            codes = tuple(dim["category"].get("label", {}))
        ext = dim.get("extension") if isinstance(dim.get("extension"), Mapping) else {}
        out.append(Variable(dim_id, codes, bool(ext.get("elimination", False)), dim_id in times))
    return tuple(out)


def variables_from_v1(meta: Mapping[str, Any]) -> tuple[Variable, ...]:
    """Read variables from a PxWebApi v1 metadata response (``/api/v0/…/table/…``)."""
    return tuple(
        Variable(
            code=v["code"],
            values=tuple(v["values"]),
            elimination=bool(v.get("elimination", False)),
            time=bool(v.get("time", False)),
        )
        for v in meta["variables"]
    )


def expand_selection(
    variables: Sequence[Variable], selection: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """Turn a selection with ``*`` and ``top(n)`` into explicit codes, checking every code.

    A variable left out is eliminated if the table allows it, else an error; ``Tid`` and the
    contents variable are never eliminable in SSB's tables, and their metadata says so.

    Raises:
        FetchError: Naming every unknown variable, unknown code, or missing mandatory variable.
    """
    known = {v.code: v for v in variables}
    errors = [f"unknown variable {code}" for code in selection if code not in known]
    out: dict[str, tuple[str, ...]] = {}
    for var in variables:
        wanted = selection.get(var.code)
        if wanted is None:
            if not var.elimination:
                errors.append(f"variable {var.code} must be selected")
            continue
        codes: list[str] = []
        for item in wanted:
            top = _TOP.match(item)
            if item == "*":
                codes.extend(var.values)
            elif top:
                codes.extend(var.values[-int(top.group(1)) :])
            elif item in var.values:
                codes.append(item)
            else:
                errors.append(f"variable {var.code}: unknown code {item}")
        out[var.code] = tuple(dict.fromkeys(codes))
        if not out[var.code] and not errors:
            errors.append(f"variable {var.code}: nothing selected")
    if errors:
        raise FetchError("; ".join(errors))
    return out


def cell_count(selection: Mapping[str, Sequence[str]]) -> int:
    """Cells a selection asks for: the product of the number of codes per variable."""
    return math.prod(len(v) for v in selection.values()) if selection else 0


def split_selection(
    selection: Mapping[str, Sequence[str]], max_cells: int
) -> tuple[dict[str, tuple[str, ...]], ...]:
    """Split a selection into parts of at most ``max_cells`` cells each.

    The variable with most codes is halved until every part fits, so parts stay few.
    """
    whole = {k: tuple(v) for k, v in selection.items()}
    if cell_count(whole) <= max_cells:
        return (whole,)
    code, values = max(whole.items(), key=lambda item: len(item[1]))
    if len(values) <= 1:
        raise FetchError(f"one cell combination exceeds {max_cells} cells; cannot split")
    middle = len(values) // 2
    first = {**whole, code: values[:middle]}
    second = {**whole, code: values[middle:]}
    return split_selection(first, max_cells) + split_selection(second, max_cells)


def parse_responses(
    bodies: Iterable[bytes], *, source: str | None = None, table: str | None = None
) -> ParseResult:
    """Read every response of one fetch and join them, or return every problem found."""
    observations: list[Observation] = []
    problems: list[Problem] = []
    for i, body in enumerate(bodies, start=1):
        result = parse_jsonstat(body, source=source, table=table)
        problems.extend(Problem(f"response {i}, {p.place}", p.message) for p in result.problems)
        observations.extend(result.observations)
    if problems:
        return ParseResult("jsonstat2", problems=tuple(problems))
    return ParseResult("jsonstat2", observations=tuple(observations))


def _flatten(categories: Iterable[Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for category in categories:
        out.append(str(category["value"]))
        out.extend(_flatten(category.get("children") or []))
    return out


def _retry_after(response: HttpResponse) -> float | None:
    for key, value in response.headers.items():
        if key.lower() == "retry-after" and value.strip().isdigit():
            return float(value.strip())
    return None


def _detail(response: HttpResponse) -> str:
    try:
        doc = json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        return response.body[:200].decode("utf-8", "replace")
    if isinstance(doc, Mapping):
        return str(doc.get("title") or doc.get("detail") or doc.get("message") or doc)[:200]
    return str(doc)[:200]
