"""A database that does not answer gives a 503 page and one log line, never a 500 traceback."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.test import Client

OUTAGE_TITLE = "Tjenesten er midlertidig utilgjengelig"


def _assert_outage_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert OUTAGE_TITLE in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.fixture
def kliniker(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo["users"]["kliniker"])
    return client


def test_an_error_in_a_view_answers_503(kliniker, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("losen.web.views.render", fail)
    with caplog.at_level(logging.INFO):
        _assert_outage_page(kliniker.get("/"))
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert lines == ["Databasen svarte ikke (OperationalError) på en GET-forespørsel; svarte 503."]


def test_an_error_before_the_view_answers_503_without_the_address(
    kliniker, demo, monkeypatch, caplog
):
    """The first query of a request is in a middleware: the 500 handler turns it into 503."""
    from losen.apps.persons.models import Person

    person = Person.objects.filter(municipality=demo["fjordvik"]).first()

    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("losen.apps.accounts.middleware.Membership.objects.filter", fail)
    with caplog.at_level(logging.INFO):
        _assert_outage_page(kliniker.get(f"/personer/{person.external_id}/"))
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert str(person.external_id) not in logged
    assert person.family_name not in logged
    assert "OperationalError" in logged


def test_other_errors_still_answer_500(kliniker, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("losen.web.views.Role", fail)
    assert kliniker.get("/").status_code == 500
