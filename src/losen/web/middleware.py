"""Sessions that are not rewritten on every request, and a clean answer when the database is away.

:class:`SessionRefreshMiddleware`
    Django rewrites the session row on every request when ``SESSION_SAVE_EVERY_REQUEST`` is
    on, so every page a logged-in user opens is a database write. On SQLite a write waits for
    any other writer (a long import, say), so reading pages queued behind it. With the
    setting off, the session's expiry is moved forward only when the last refresh is older
    than ``LOSEN_SESSION_REFRESH_SECONDS``: at most one write in that interval per user. The
    expiry is still ``SESSION_COOKIE_AGE`` after the last write, so a session left idle ends
    between ``SESSION_COOKIE_AGE - LOSEN_SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE``
    after the last request, never later (OWASP ASVS 4.0.3 V3.3.2).

:class:`DatabaseOutageMiddleware` and :func:`outage_response`
    An ``OperationalError`` or ``InterfaceError`` from the database (the server restarting,
    the network gone, SQLite's «database is locked» after the busy timeout) answers
    503 «Tjenesten er midlertidig utilgjengelig» with ``Retry-After`` instead of a 500.
    The log line names the error class and the request method only: no address (paths name
    persons' ids), no parameters and no traceback.
    Errors raised in a view reach :meth:`DatabaseOutageMiddleware.process_exception`; those
    raised in another middleware (the first query of a request is usually the user's
    session) reach the 500 handler, which calls :func:`outage_response` for them.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("losen.database")

#: The session key holding when (Unix seconds) the session's expiry was last moved forward.
REFRESHED_KEY = "_losen_refreshed"
#: Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


def refresh_interval() -> int:
    """Seconds between two refreshes of a session's expiry (at most half the idle time)."""
    age = int(settings.SESSION_COOKIE_AGE)
    interval = int(getattr(settings, "LOSEN_SESSION_REFRESH_SECONDS", age // 2))
    return max(0, min(interval, age // 2))


class SessionRefreshMiddleware:
    """Move the session's expiry forward at most once per :func:`refresh_interval`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or settings.SESSION_SAVE_EVERY_REQUEST:
            return response
        if session.session_key is None and not session.modified:
            return response  # no session: nothing to keep alive
        if response.status_code >= 500 or not session.keys():
            return response  # an empty or failing session is not kept alive
        now = int(time.time())
        last = session.get(REFRESHED_KEY)
        if session.modified or not isinstance(last, int) or now - last >= refresh_interval():
            # Marks the session modified, so SessionMiddleware saves it with a new expiry.
            session[REFRESHED_KEY] = now
        return response


def is_database_outage(error: BaseException | None) -> bool:
    """Whether *error* means the database cannot be reached or is busy for now."""
    return isinstance(error, (OperationalError, InterfaceError))


def outage_response(request, error: BaseException) -> HttpResponse:
    """The 503 page for a database outage; logs one line without personal data."""
    logger.error(
        "Databasen svarte ikke (%s) på en %s-forespørsel; svarte 503.",
        type(error).__name__,
        getattr(request, "method", "?"),
    )
    response = HttpResponse(
        render_to_string("losen/503.html"),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django would otherwise log the request's path and the traceback as well.
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """A view that fails on the database answers 503 instead of 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
