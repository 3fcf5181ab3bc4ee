"""The caseworker's pages: the «Vedtak» section, registering a decision, its page, its status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.apps.accounts.models import Unit
from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases.models import DecisionStatus, ServiceDecision, StatusChange
from losen.apps.cases.selectors import running_decisions
from losen.apps.persons.models import CareRelation, Person

pytestmark = pytest.mark.django_db


def kw(obj):
    return {"external_id": obj.external_id}


@pytest.fixture
def person(demo):
    """A Fjordvik person the demo caseworker and clinician both have a care relation to."""
    person = Person.objects.create(
        municipality=demo["fjordvik"],
        given_name="Testa",
        family_name="Vedtaksdemo",
        birth_year=1948,
        is_synthetic=True,
    )
    for username in ("saksbehandler", "kliniker"):
        CareRelation.objects.create(person=person, user=demo["users"][username])
    return person


def form_data(demo, **overrides):
    unit = Unit.objects.get(municipality=demo["fjordvik"], name="Bo- og aktivitetstilbud")
    data = {
        "reference": "2026/9001",
        "service": "dagaktivitetstilbud",
        "unit": str(unit.pk),
        "applied_for": "Dagtilbud tre dager i uka.",
        "scope": "3 dager per uke",
        "hours_per_week": "15",
        "valid_from": "2026-01-05",
        "valid_to": "",
        "review_on": "2026-07-01",
        "legal_basis": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 7",
        "facts": "Kartlegging i hjemmet.",
        "reasons": "Gir struktur og avlaster pårørende.",
        "status": "fattet",
    }
    data.update(overrides)
    return data


def test_person_page_shows_the_section_and_the_register_link(demo, client_for, person):
    page = client_for("saksbehandler").get(reverse("persons:detail", kwargs=kw(person)))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="vedtak"' in text and "Ingen vedtak registrert i Losen." in text
    assert reverse("cases:decision_new", kwargs=kw(person)) in text


def test_clinician_sees_the_decisions_but_cannot_register(demo, client_for, person):
    decision = ServiceDecision.objects.filter(municipality=demo["fjordvik"]).first()
    decision.person = person
    decision.save()
    client = client_for("kliniker")
    text = client.get(reverse("persons:detail", kwargs=kw(person))).content.decode()
    assert decision.reference in text
    assert reverse("cases:decision", kwargs=kw(decision)) in text
    assert "Registrer vedtak" not in text
    assert client.get(reverse("cases:decision_new", kwargs=kw(person))).status_code == 404
    assert client.get(reverse("cases:decision", kwargs=kw(decision))).status_code == 200


def test_register_a_decision(demo, client_for, person):
    client = client_for("saksbehandler")
    url = reverse("cases:decision_new", kwargs=kw(person))
    form = client.get(url)
    assert form.status_code == 200
    assert "helse- og omsorgstjenesteloven § 3-2" in form.content.decode()  # default hjemmel
    response = client.post(url, form_data(demo))
    decision = ServiceDecision.objects.get(reference="2026/9001")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:decision", kwargs=kw(decision))
    assert decision.person == person and decision.status == DecisionStatus.FATTET
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_id=str(decision.external_id)
    ).exists()
    detail = client.get(response["Location"])
    text = detail.content.decode()
    assert "Vedtaket er registrert." in text
    for shown in ("2026/9001", "Dagaktivitetstilbud", "3 dager per uke", "5.1.2026", "Fattet"):
        assert shown in text, shown
    person_page = client.get(reverse("persons:detail", kwargs=kw(person))).content.decode()
    assert "2026/9001" in person_page


@pytest.mark.parametrize(
    ("overrides", "field_id", "words"),
    [
        ({"scope": ""}, "id_scope", "Skriv omfanget"),
        ({"valid_to": "2025-01-01"}, "id_valid_to", "Sluttdatoen kan ikke være før"),
        ({"reasons": ""}, "id_reasons", "hovedhensyn som avgjorde"),
        ({"valid_from": "31.02.2026"}, "id_valid_from", "gyldig dato"),
        ({"status": ""}, "id_status", "utkast eller er fattet"),
        ({"hours_per_week": "200"}, "id_hours_per_week", "mellom 0 og 168"),
    ],
)
def test_form_errors_are_linked_and_nothing_is_saved(
    demo, client_for, person, overrides, field_id, words
):
    client = client_for("saksbehandler")
    rows = ServiceDecision.objects.count()
    creates = AuditEntry.objects.filter(action=Action.CREATE).count()
    response = client.post(
        reverse("cases:decision_new", kwargs=kw(person)), form_data(demo, **overrides)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Skjemaet har feil" in text
    assert f'href="#{field_id}"' in text and f'id="{field_id}"' in text
    assert words in text
    assert ServiceDecision.objects.count() == rows
    assert AuditEntry.objects.filter(action=Action.CREATE).count() == creates


def test_duplicate_reference_is_refused_on_its_field(demo, client_for, person):
    existing = ServiceDecision.objects.filter(municipality=demo["fjordvik"]).first()
    creates = AuditEntry.objects.filter(action=Action.CREATE).count()
    response = client_for("saksbehandler").post(
        reverse("cases:decision_new", kwargs=kw(person)),
        form_data(demo, reference=existing.reference),
    )
    text = response.content.decode()
    assert 'href="#id_reference"' in text and "allerede brukt" in text
    assert not ServiceDecision.objects.filter(person=person).exists()
    assert AuditEntry.objects.filter(action=Action.CREATE).count() == creates


def test_unit_of_another_municipality_is_not_a_choice(demo, client_for, person):
    nabo_unit = Unit.objects.filter(municipality=demo["nabovik"]).first()
    response = client_for("saksbehandler").post(
        reverse("cases:decision_new", kwargs=kw(person)),
        form_data(demo, unit=str(nabo_unit.pk)),
    )
    assert 'href="#id_unit"' in response.content.decode()
    assert not ServiceDecision.objects.filter(person=person).exists()


def test_change_status_with_a_note(demo, client_for, person):
    client = client_for("saksbehandler")
    client.post(reverse("cases:decision_new", kwargs=kw(person)), form_data(demo))
    decision = ServiceDecision.objects.get(reference="2026/9001")
    url = reverse("cases:decision_status", kwargs=kw(decision))
    assert "Endre status" in client.get(url).content.decode()
    refused = client.post(url, {"status": "omgjort", "note": ""})
    assert 'href="#id_note"' in refused.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET
    response = client.post(url, {"status": "omgjort", "note": "Ny kartlegging viste mindre behov."})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OMGJORT
    assert StatusChange.objects.filter(decision=decision).count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "Ny kartlegging viste mindre behov." in detail
    assert reverse("cases:decision_status", kwargs=kw(decision)) not in detail  # final
    assert client_for("kliniker").get(url).status_code == 404


def test_demo_has_running_day_service_decisions(demo):
    unit = Unit.objects.get(municipality=demo["fjordvik"], name="Bo- og aktivitetstilbud")
    running = running_decisions(demo["fjordvik"], unit=unit, service="dagaktivitetstilbud")
    assert running.count() == 8
    assert all(d.person.is_synthetic for d in running)
    every = ServiceDecision.objects.filter(municipality=demo["fjordvik"])
    assert {"utkast", "avsluttet", "paklaget"} <= set(every.values_list("status", flat=True))
    assert every.running().count() < every.count()
    caseworker = demo["users"]["saksbehandler"]
    assert CareRelation.objects.filter(
        user=caseworker, person__service_decisions__in=every
    ).exists()


def test_demo_reset_twice_keeps_the_same_decisions(demo):
    from losen.apps.demo.services import load_demo

    before = sorted(ServiceDecision.objects.values_list("reference", "service", "status", "scope"))
    _password, summary = load_demo(password=demo["password"])
    after = sorted(ServiceDecision.objects.values_list("reference", "service", "status", "scope"))
    assert before == after
    assert any(line.startswith("Vedtak:") for line in summary)


@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [("nn", "Vedtak", "Registrer vedtak"), ("en", "Decisions", "Register a decision")],
)
def test_the_section_is_translated(demo, client_for, person, language, heading, link):
    client = client_for("saksbehandler")
    client.post("/i18n/sprak/", {"language": language, "next": "/"})
    text = client.get(reverse("persons:detail", kwargs=kw(person))).content.decode()
    assert f'id="vedtak">{heading}</h2>' in text and link in text


def test_foreign_and_missing_decisions_look_the_same(demo, client_for):
    """A Nabovik clinician cannot tell a Fjordvik decision from an id that does not exist."""
    import re
    import uuid

    client = client_for("nabo-kliniker")
    decision = ServiceDecision.objects.filter(municipality=demo["fjordvik"]).first()
    random_id = uuid.uuid4()
    foreign = client.get(reverse("cases:decision", kwargs=kw(decision)))
    missing = client.get(reverse("cases:decision", kwargs={"external_id": random_id}))
    assert foreign.status_code == missing.status_code == 404

    def normalised(response, external_id):
        body = response.content.replace(str(external_id).encode(), b"ID")
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)

    assert normalised(foreign, decision.external_id) == normalised(missing, random_id)
