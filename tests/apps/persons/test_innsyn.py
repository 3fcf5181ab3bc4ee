"""Innsyn: an administrator produces a person's access log (who read their data, when, in
which role and why) as a page and a CSV file, and producing it is audited."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse

from losen.apps.accounts.models import Membership, Role, User
from losen.apps.audit.models import Action, AuditEntry
from losen.apps.audit.services import record
from losen.apps.cases.models import ServiceDecision
from losen.apps.persons.innsyn import innsyn_rows
from losen.apps.persons.models import CareRelation, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject(demo):
    """A Fjordvik person with a service decision, seen by the demo's caseworker and clinician."""
    fjordvik = demo["fjordvik"]
    decision = ServiceDecision.objects.filter(
        municipality=fjordvik, person__care_relations__user__username="saksbehandler"
    ).first()
    person = decision.person
    CareRelation.objects.get_or_create(person=person, user=demo["users"]["kliniker"])
    return person, decision


def _report(client, person):
    return client.get(reverse("audit:innsyn_report", kwargs={"external_id": person.external_id}))


def test_the_report_lists_who_read_the_person_when_in_which_role_and_why(demo, client_for, subject):
    person, decision = subject
    other = Person.objects.filter(municipality=demo["fjordvik"]).exclude(pk=person.pk).first()
    kliniker = client_for("kliniker")
    kliniker.get(reverse("persons:list"))
    kliniker.get(reverse("persons:detail", kwargs={"external_id": person.external_id}))
    kliniker.get(reverse("clinical:plan", kwargs={"external_id": person.external_id}))
    client_for("saksbehandler").get(
        reverse("cases:decision", kwargs={"external_id": decision.external_id})
    )
    before = AuditEntry.objects.count()
    page = _report(client_for("admin"), person)
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "kliniker",
        "saksbehandler",
        "Kliniker",
        "Saksbehandler",
        "personlisten (navn, fødselsår og enhet)",
        "personsiden",
        "tiltaksplanen",
        "et vedtak",
        "Tjenstlig behov",
        str(person.external_id),
    ):
        assert expected in html, expected
    assert person.family_name not in html  # the administrator sees the id, not the name
    rows = innsyn_rows(person)
    whats = [(r.actor, r.what) for r in rows]
    assert ("kliniker", "personlisten (navn, fødselsår og enhet)") in whats
    assert ("kliniker", "personsiden") in whats and ("saksbehandler", "et vedtak") in whats
    assert [r.sequence for r in rows] == sorted(r.sequence for r in rows)
    # Nothing about another person is in the report.
    other_reads = AuditEntry.objects.filter(object_id=str(other.external_id))
    assert not {e.sequence for e in other_reads} & {r.sequence for r in rows}
    # Producing the report is itself audited, and shows in the next one.
    made = AuditEntry.objects.order_by("sequence")[before:]
    assert [(e.action, e.object_id, e.details["purpose"]) for e in made] == [
        (Action.READ, str(person.external_id), "innsyn")
    ]
    assert "denne innsynsrapporten" in _report(client_for("admin"), person).content.decode()


def test_the_csv_has_every_row_and_neutralises_formulas(demo, client_for, subject):
    person, _decision = subject
    nurse = User.objects.create_user("vikar", password="x")
    Membership.objects.create(user=nurse, municipality=demo["fjordvik"], role=Role.KLINIKER)
    from django.test import Client

    client = Client()
    client.force_login(nurse)
    payload = '=HYPERLINK("https://evil.example","Akutt situasjon på natt")'
    response = client.post(
        reverse("persons:emergency", kwargs={"external_id": person.external_id}),
        {"reason": payload},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    before = AuditEntry.objects.count()
    download = client_for("admin").get(
        reverse("audit:innsyn_csv", kwargs={"external_id": person.external_id})
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert f"innsyn-{person.external_id}.csv" in download["Content-Disposition"]
    text = download.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][:3] == ["Nr.", "Tidspunkt", "Hvem"]
    # Every row but the export's own entry, which is written after the file.
    assert len(table) - 1 == len(innsyn_rows(person)) - 1
    emergency = [row for row in table if row[2] == "vikar"]
    assert emergency and emergency[0][7] == "'" + payload
    assert emergency[0][6] == "" and emergency[0][4] == "nødtilgang"
    assert [row[6] for row in emergency] == ["", "Nødtilgang"]  # the read that followed
    assert not any(cell.startswith(("=", "+", "@")) for row in table for cell in row)
    made = AuditEntry.objects.order_by("sequence")[before:]
    assert [(e.action, e.object_id, e.details.get("format")) for e in made] == [
        (Action.EXPORT, str(person.external_id), "csv")
    ]


def test_entries_without_recorded_roles_show_the_roles_now(demo, client_for, subject):
    person, _decision = subject
    record(
        actor=demo["users"]["kliniker"],
        action=Action.READ,
        target=person,
        municipality=demo["fjordvik"],
        details={"purpose": "view", "basis": "ordinary"},
    )
    row = innsyn_rows(person)[-1]
    assert row.roles == "Kliniker (rollen nå)"


def test_only_administrators_of_the_persons_municipality_produce_the_report(
    demo, client_for, subject
):
    person, _decision = subject
    for username in ("kliniker", "saksbehandler", "leder", "analytiker", "leser"):
        client = client_for(username)
        assert _report(client, person).status_code == 403, username
        assert client.get(reverse("audit:innsyn")).status_code == 403, username
    from django.test import Client

    nabo_admin = User.objects.create_user("nabo-admin", password="x")
    Membership.objects.create(user=nabo_admin, municipality=demo["nabovik"], role=Role.ADMIN)
    nabo = Client()
    nabo.force_login(nabo_admin)
    before = AuditEntry.objects.count()
    assert _report(nabo, person).status_code == 404
    csv_url = reverse("audit:innsyn_csv", kwargs={"external_id": person.external_id})
    assert nabo.get(csv_url).status_code == 404
    form = nabo.get(reverse("audit:innsyn"), {"person": str(person.external_id)})
    assert form.status_code == 200 and "Kommunen har ingen person med denne id-en" in (
        form.content.decode()
    )
    assert AuditEntry.objects.count() == before


def test_the_form_finds_the_person_or_says_what_is_wrong(demo, client_for, subject):
    person, _decision = subject
    admin = client_for("admin")
    url = reverse("audit:innsyn")
    assert admin.get(url).status_code == 200
    found = admin.get(url, {"person": f"  {person.external_id} "})
    assert found.status_code == 302
    assert found["Location"] == reverse(
        "audit:innsyn_report", kwargs={"external_id": person.external_id}
    )
    wrong = admin.get(url, {"person": "Ola Nordmann"}).content.decode()
    assert "Dette er ikke en gyldig id" in wrong
    missing = admin.get(url, {"person": str(uuid.uuid4())}).content.decode()
    assert "Kommunen har ingen person med denne id-en" in missing
