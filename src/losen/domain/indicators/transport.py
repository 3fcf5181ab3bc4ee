"""HTTP requests and responses as plain values, and a transport over :mod:`urllib`.

The client (:mod:`.fetch`) only sees :class:`Transport`, a callable from request to response,
so tests pass a fake that replays recorded responses; this module's :class:`UrllibTransport` is
the one real deployments use. No third-party HTTP library is needed.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One HTTP response (any status; the client decides what an error is)."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class TransportError(Exception):
    """The request did not get any HTTP response (network down, timeout, DNS)."""


class Transport(Protocol):
    """Sends one request and returns the response, or raises :class:`TransportError`."""

    def __call__(self, request: HttpRequest) -> HttpResponse: ...


@dataclass(frozen=True, slots=True)
class UrllibTransport:
    """A :class:`Transport` over the standard library, for HTTPS only.

    Attributes:
        timeout_s: Seconds to wait for a response.
        user_agent: Sent with every request, so the API owners can see who asks.
        max_body_bytes: At most this many bytes and one more are read of a response body
            (the client refuses a longer one), so a server cannot fill the memory.
    """

    timeout_s: float = 60.0
    user_agent: str = "losen (styringsinformasjon)"
    max_body_bytes: int = 64 * 1024 * 1024

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.url.startswith("https://"):
            raise TransportError(f"only https is allowed: {request.url}")
        headers = {"User-Agent": self.user_agent, **dict(request.headers)}
        prepared = urllib.request.Request(  # noqa: S310 -- the scheme is checked to be https above
            request.url, data=request.body, headers=headers, method=request.method
        )
        try:
            with urllib.request.urlopen(prepared, timeout=self.timeout_s) as reply:  # noqa: S310 -- https only, checked above
                return HttpResponse(
                    reply.status, reply.read(self.max_body_bytes + 1), dict(reply.headers.items())
                )
        except urllib.error.HTTPError as err:
            return HttpResponse(
                err.code, err.read(self.max_body_bytes + 1), dict(err.headers.items())
            )
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            raise TransportError(str(err)) from err
