"""Sessions are not rewritten on every request, and an idle session still ends in 30 minutes.

SESSION_SAVE_EVERY_REQUEST is off (every page would be a database write); the expiry moves
forward at most once per LOSEN_SESSION_REFRESH_SECONDS (losen.web.middleware). These tests run
the real session store with a clock the test moves.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from losen.web import middleware

HOME = "/"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)

    def time(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: fake.now)
    monkeypatch.setattr(middleware, "time", fake)
    return fake


@pytest.fixture
def leader(demo, clock):
    client = Client()
    response = client.post("/logg-inn/", {"username": "leder", "password": demo["password"]})
    assert response.status_code == 302, "the demo leader could not log in"
    return client


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def _expiry(client: Client) -> dt.datetime:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_the_settings_keep_sessions_from_being_written_on_every_request():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert 0 < middleware.refresh_interval() <= settings.SESSION_COOKIE_AGE // 2
    assert "losen.web.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


def test_pages_read_within_the_interval_do_not_write_the_session(leader, clock):
    assert leader.get(HOME).status_code == 200
    before = _expiry(leader)
    for _ in range(3):
        clock.advance(seconds=30)
        with CaptureQueriesContext(connection) as queries:
            assert leader.get(HOME).status_code == 200
        assert _session_writes(queries) == []
    assert _expiry(leader) == before


def test_the_expiry_moves_forward_once_the_interval_has_passed(leader, clock):
    leader.get(HOME)
    clock.advance(seconds=middleware.refresh_interval() + 1)
    with CaptureQueriesContext(connection) as queries:
        assert leader.get(HOME).status_code == 200
    assert len(_session_writes(queries)) == 1
    assert _expiry(leader) == clock.now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_idle_session_ends_no_later_than_thirty_minutes_after_the_last_request(leader, clock):
    leader.get(HOME)
    clock.advance(minutes=4)  # a request inside the interval: the expiry stays where it was
    assert leader.get(HOME).status_code == 200
    clock.advance(minutes=26, seconds=1)  # 30 min after the refresh, 26 after the last request
    response = leader.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/")


def test_an_idle_session_lasts_at_least_the_idle_time_less_the_interval(leader, clock):
    leader.get(HOME)
    clock.advance(seconds=middleware.refresh_interval() - 1)
    assert leader.get(HOME).status_code == 200
    clock.advance(seconds=settings.SESSION_COOKIE_AGE - middleware.refresh_interval() - 1)
    assert leader.get(HOME).status_code == 200


def test_a_user_who_keeps_working_stays_logged_in(leader, clock):
    for _ in range(20):  # 80 minutes, a request every four
        assert leader.get(HOME).status_code == 200
        clock.advance(minutes=4)
    assert leader.get(HOME).status_code == 200


def test_an_anonymous_visitor_gets_no_session_row(db, clock):
    client = Client()
    client.get("/healthz")
    client.get("/om/")
    assert Session.objects.count() == 0
