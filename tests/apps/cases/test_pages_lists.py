"""Pages: the caseworker's work list, the waiting list per service and the leaders' report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.persons.models import CareRelation, Person

from .pages import application, client_for, issued, today

pytestmark = pytest.mark.django_db


def test_the_work_list_shows_the_caseworkers_cases_with_deadlines(world):
    app = application(world, received_on=today() - dt.timedelta(days=40))
    stranger = Person.objects.create(
        municipality=world.home, given_name="Uten", family_name="Relasjonsen", birth_year=1940
    )
    hidden = application(world, person=stranger)
    page = client_for(world, "saksbehandler").get(reverse("cases:work_list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert app.reference in text and "Foreløpig svar" in text
    assert hidden.reference not in text and "Relasjonsen" not in text
    entry = AuditEntry.objects.filter(details__purpose="cases:work-list").latest("pk")
    assert str(app.external_id) in entry.details["references"]
    assert str(hidden.external_id) not in entry.details["references"]


def test_the_waiting_list_shows_places_without_names(world):
    decision = issued(world)
    from losen.apps.cases.models import ServiceDecision

    ServiceDecision.objects.filter(pk=decision.pk).update(
        waiting_since=today() - dt.timedelta(days=10)
    )
    for username in ("saksbehandler", "leder"):
        page = client_for(world, username).get(
            reverse("cases:waiting_list"), {"tjeneste": "praktisk-bistand"}
        )
        text = page.content.decode()
        assert page.status_code == 200
        assert decision.reference in text and world.person.family_name not in text
    assert (
        client_for(world, "leder")
        .get(reverse("cases:waiting_list"), {"tjeneste": "ukjent"})
        .status_code
        == 404
    )


def test_the_report_counts_without_names(world):
    issued(world)
    page = client_for(world, "leder").get(reverse("cases:report"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Saksbehandlingstid" in text and world.person.family_name not in text
    assert (
        "Avvik fra like saker per saksbehandler" in text and "Utfall per tjeneste over tid" in text
    )
    assert (
        client_for(world, "leder")
        .get(reverse("cases:report"), {"fra": "tull", "til": "2026-01-01"})
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("cases:work_list", {"saksbehandler"}),
        ("cases:waiting_list", {"saksbehandler", "leder"}),
        ("cases:report", {"leder"}),
        ("cases:applications", {"saksbehandler"}),
        ("cases:criteria", {"leder"}),
    ],
)
def test_only_the_roles_of_the_table(world, name, allowed):
    for role in ("saksbehandler", "kliniker", "leder", "admin", "analytiker"):
        status = client_for(world, role).get(reverse(name)).status_code
        assert status == (200 if role in allowed else 404), (role, status)


def test_another_municipalitys_lists_show_nothing_of_ours(world):
    app = application(world)
    CareRelation.objects.create(person=world.person, user=world.users["nabo"])
    for name in ("cases:work_list", "cases:applications"):
        text = client_for(world, "nabo").get(reverse(name)).content.decode()
        assert app.reference not in text and world.person.family_name not in text


@pytest.mark.parametrize(
    "name", ["cases:work_list", "cases:waiting_list", "cases:report", "cases:applications"]
)
def test_no_role_at_all_gets_404_and_anonymous_the_login_page(world, name):
    from losen.apps.accounts.models import User

    lone = User.objects.create_user("uten-rolle", password="x")
    client = Client()
    client.force_login(lone)
    assert client.get(reverse(name)).status_code == 404
    response = Client().get(reverse(name))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_the_older_decision_pages_answer_404_to_a_wrong_role_by_get_and_post(world):
    """«Nytt vedtak», the decision page and the status page hide themselves from a user of the
    municipality without the role, as the caseworker's new pages do (docs/reference/cases.md):
    the same 404 as for an id that does not exist, and a POST changes nothing."""
    from losen.apps.cases.models import ServiceDecision, StatusChange
    from losen.apps.persons.models import CareRelation

    from .conftest import make_decision

    decision = make_decision(world)
    # A care relation, so the role alone is what is wrong.
    CareRelation.objects.create(person=world.person, user=world.users["leder"])
    leader = client_for(world, "leder")
    new = reverse("cases:decision_new", kwargs={"external_id": world.person.external_id})
    detail = reverse("cases:decision", kwargs={"external_id": decision.external_id})
    status = reverse("cases:decision_status", kwargs={"external_id": decision.external_id})
    for url in (new, detail, status):
        assert leader.get(url).status_code == 404, url
    count = ServiceDecision.objects.count()
    assert leader.post(new, {"service": "praktisk-bistand"}).status_code == 404
    assert ServiceDecision.objects.count() == count
    changes = StatusChange.objects.filter(decision=decision).count()
    assert leader.post(status, {"status": "avsluttet", "note": "x"}).status_code == 404
    assert StatusChange.objects.filter(decision=decision).count() == changes


def test_the_waiting_list_names_the_place_above_by_its_reference(world):
    """The domain names the decisions by external id; the page shows the saksnummer."""
    from losen.apps.cases import services
    from losen.apps.cases.models import ServiceDecision

    from .pages import assess, draft

    later = issued(world)  # urgency «innen uker»
    app = application(world)
    applied = app.services.get()
    assess(world, applied, urgency="akutt")
    urgent = services.issue_decision(
        actor=world.users["saksbehandler"], decision=draft(world, applied)
    )
    ServiceDecision.objects.filter(pk__in=[later.pk, urgent.pk]).update(
        waiting_since=today() - dt.timedelta(days=10)
    )
    page = client_for(world, "leder").get(
        reverse("cases:waiting_list"), {"tjeneste": "praktisk-bistand"}
    )
    text = page.content.decode()
    assert f"Står etter {urgent.reference}, som har høyere hastegrad" in text
    assert str(urgent.external_id) not in text and str(later.external_id) not in text


def test_the_waiting_list_words_urgency_and_severity_in_the_active_language(world):
    """The table's urgency and severity cells follow the language, as the reasons beside them."""
    from django.utils import translation

    from losen.apps.cases.models import ServiceDecision

    decision = issued(world)  # urgency «innen uker»
    ServiceDecision.objects.filter(pk=decision.pk).update(
        waiting_since=today() - dt.timedelta(days=10)
    )
    client = client_for(world, "leder")
    url = reverse("cases:waiting_list")
    norwegian = client.get(url, {"tjeneste": "praktisk-bistand"}).content.decode()
    assert "<td>innen uker</td>" in norwegian
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(url, {"tjeneste": "praktisk-bistand"}).content.decode()
    assert "<td>innen uker</td>" not in english
    assert "<td>within weeks</td>" in english
