"""Reading a page writes nothing but the audit entry the law asks for.

On SQLite every write waits for every other writer (a long import, say); a page that only
shows something must therefore not write. Person data is the exception: each read is
audited (pasientjournalloven § 16, Normen), and that entry is the one write allowed.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b[^\"]*\"?([a-z_]+)", re.IGNORECASE)
AUDIT_TABLES = {"audit_auditentry", "audit_audithead"}


def _written_tables(queries) -> set[str]:
    tables = set()
    for query in queries:
        found = WRITE.match(query["sql"])
        if found:
            tables.add(found.group(2).lower())
    return tables


@pytest.fixture
def warmed(client_for):
    """A client per role that has opened a page once (the session's first refresh is done)."""
    clients = {}

    def get(username: str):
        if username not in clients:
            clients[username] = client_for(username)
            clients[username].get("/")
        return clients[username]

    return get


def _pages(demo):
    from losen.apps.persons.models import Person
    from losen.apps.priorities.models import Consultation, PrioritizationCase

    fjordvik = demo["fjordvik"]
    case = PrioritizationCase.objects.filter(municipality=fjordvik).first()
    consultation = Consultation.objects.filter(case__municipality=fjordvik, is_open=True).first()
    person = Person.objects.filter(
        municipality=fjordvik, care_relations__user__username="kliniker"
    ).first()
    return case, consultation, person


READ_PAGES = [
    ("leder", "/"),
    ("leder", "/prioritering/"),
    ("leder", "case"),
    ("leder", "/styringsinformasjon/"),
    ("kliniker", "/"),
    (None, "consultation"),
    (None, "/healthz"),
]


def test_reading_pages_writes_nothing_but_the_audit_entry_of_a_person_page(demo, warmed, client):
    case, consultation, person = _pages(demo)
    paths = {
        "case": f"/prioritering/{case.external_id}/",
        "consultation": f"/apent/medvirkning/{consultation.token}/",
    }
    for username, page in READ_PAGES:
        browser = warmed(username) if username else client
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(paths.get(page, page)).status_code == 200
        assert (page, _written_tables(queries)) == (page, set())

    kliniker = warmed("kliniker")
    with CaptureQueriesContext(connection) as queries:
        assert kliniker.get(f"/personer/{person.external_id}/").status_code == 200
    written = _written_tables(queries)
    assert "audit_auditentry" in written
    assert written <= AUDIT_TABLES
