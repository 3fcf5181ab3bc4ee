"""Pages: the applications list and person search, registering an application (for a known
or a new person), the application page and the preliminary reply (fvl § 11 a)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.cases.models import Application, AppliedService
from losen.apps.persons.models import CareRelation, Person

from .pages import VALID_NATIONAL_ID, application, client_for, errors_shown, today

pytestmark = pytest.mark.django_db

FORM = {
    "services": ["praktisk-bistand", "stottekontakt"],
    "omfang_praktisk-bistand": "3 timer per uke",
    "received_on": "",
    "channel": "digital",
    "in_own_words": "Jeg trenger hjelp til husarbeid.",
    "representative_kind": "",
    "postal_address": "Storgata 1\n4699 Testvik",
    "letter_language": "nn",
}


def _form(**changes):
    return {**FORM, "received_on": (today() - dt.timedelta(days=2)).isoformat(), **changes}


def test_the_list_shows_the_caseworkers_applications_and_is_audited(world):
    app = application(world)
    client = client_for(world, "saksbehandler")
    page = client.get(reverse("cases:applications"))
    assert page.status_code == 200
    assert app.reference in page.content.decode()
    entry = AuditEntry.objects.filter(object_type="cases.application").latest("pk")
    assert str(app.external_id) in entry.details["references"]


def test_the_search_finds_by_name_and_national_id_only_persons_with_a_care_relation(world):
    world.person.national_id = VALID_NATIONAL_ID
    world.person.save()
    Person.objects.create(
        municipality=world.home, given_name="Testa", family_name="Uten-relasjon", birth_year=1960
    )
    client = client_for(world, "saksbehandler")
    page = client.get(reverse("cases:applications"), {"q": "testa"}).content.decode()
    assert "Vedtaksdemo" in page and "Uten-relasjon" not in page
    page = client.get(reverse("cases:applications"), {"q": VALID_NATIONAL_ID}).content.decode()
    assert "Vedtaksdemo" in page
    # The search term is not written to the audit log (it may be a national id).
    assert not AuditEntry.objects.filter(details__icontains=VALID_NATIONAL_ID).exists()


def test_register_for_a_known_person(world):
    client = client_for(world, "saksbehandler")
    url = reverse(
        "cases:application_new_for_person", kwargs={"external_id": world.person.external_id}
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "Støttekontakt" in page.content.decode()
    response = client.post(url, _form())
    app = Application.objects.get(person=world.person)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "cases:application", kwargs={"external_id": app.external_id}
    )
    assert sorted(app.services.values_list("service", "requested_scope")) == [
        ("praktisk-bistand", "3 timer per uke"),
        ("stottekontakt", ""),
    ]
    assert app.letter_language == "nn"


def test_an_invalid_application_shows_every_error_and_writes_nothing(world):
    client = client_for(world, "saksbehandler")
    url = reverse(
        "cases:application_new_for_person", kwargs={"external_id": world.person.external_id}
    )
    response = client.post(url, {"received_on": "i går", "representative_kind": "verge"})
    assert errors_shown(response)
    page = response.content.decode()
    for message in (
        "Velg minst én tjeneste det søkes om.",
        "Skriv en gyldig dato.",
        "Velg hvordan søknaden kom inn.",
        "Skriv hva søkeren ber om, med søkerens egne ord.",
        "Skriv navnet på representanten.",
    ):
        assert message in page
    assert 'href="#id_services"' in page and 'id="id_services"' in page
    assert not Application.objects.exists()


def test_a_future_received_date_is_refused_by_the_service_at_its_field(world):
    client = client_for(world, "saksbehandler")
    url = reverse(
        "cases:application_new_for_person", kwargs={"external_id": world.person.external_id}
    )
    response = client.post(url, _form(received_on=(today() + dt.timedelta(days=5)).isoformat()))
    assert errors_shown(response)
    assert not Application.objects.exists()


def test_register_a_new_person_with_the_application(world):
    client = client_for(world, "saksbehandler")
    url = reverse("cases:application_new")
    assert client.get(url).status_code == 200
    data = _form(
        **{
            "person-given_name": "Ny",
            "person-family_name": "Søkersen",
            "person-national_id": VALID_NATIONAL_ID[:6] + " " + VALID_NATIONAL_ID[6:],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    person = Person.objects.get(family_name="Søkersen")
    assert person.national_id == VALID_NATIONAL_ID and person.birth_year == 1965
    assert CareRelation.objects.filter(person=person, user=world.users["saksbehandler"]).exists()
    app = Application.objects.get(person=person)
    # The caseworker can open it: registering gave the care relation.
    assert client.get(response["Location"]).status_code == 200
    assert app.services.count() == 2


def test_a_new_person_with_a_wrong_number_writes_nothing(world):
    client = client_for(world, "saksbehandler")
    before = Person.objects.count()
    data = _form(
        **{
            "person-given_name": "Ny",
            "person-family_name": "Søkersen",
            "person-national_id": "15076500566",
        }
    )
    response = client.post(reverse("cases:application_new"), data)
    assert errors_shown(response)
    assert "kontrollsifrene" in response.content.decode()
    assert Person.objects.count() == before and not Application.objects.exists()


def test_a_rule_broken_in_the_application_rolls_back_the_new_person(world):
    """The person and the application are one step: a refused application keeps no person."""
    client = client_for(world, "saksbehandler")
    before = Person.objects.count()
    data = _form(
        received_on=(today() + dt.timedelta(days=5)).isoformat(),
        **{
            "person-given_name": "Ny",
            "person-family_name": "Søkersen",
            "person-national_id": VALID_NATIONAL_ID,
        },
    )
    response = client.post(reverse("cases:application_new"), data)
    assert errors_shown(response)
    assert Person.objects.count() == before


def test_the_application_page_masks_the_national_id_and_shows_the_deadlines(world):
    world.person.national_id = VALID_NATIONAL_ID
    world.person.save()
    app = application(world, received_on=today() - dt.timedelta(days=40))
    client = client_for(world, "saksbehandler")
    page = client.get(reverse("cases:application", kwargs={"external_id": app.external_id}))
    text = page.content.decode()
    assert page.status_code == 200
    assert VALID_NATIONAL_ID not in text and "150765 *****" in text
    assert "Fristen er passert" in text  # more than a month: the preliminary reply is due
    assert "Send foreløpig svar" in text
    entry = AuditEntry.objects.filter(object_type="cases.application").latest("pk")
    assert entry.details["purpose"] == "cases:application"
    assert entry.details["person"] == str(world.person.external_id)


def test_a_new_application_has_its_preliminary_reply_coming_up(world):
    app = application(world)
    client = client_for(world, "saksbehandler")
    text = client.get(
        reverse("cases:application", kwargs={"external_id": app.external_id})
    ).content.decode()
    assert "Må sendes innen" in text


def test_send_the_preliminary_reply_and_download_it(world):
    app = application(world, received_on=today() - dt.timedelta(days=40))
    client = client_for(world, "saksbehandler")
    url = reverse("cases:preliminary_reply", kwargs={"external_id": app.external_id})
    docx_url = reverse("cases:preliminary_reply_docx", kwargs={"external_id": app.external_id})
    assert client.get(url).status_code == 200
    # Without a reason yet, the download sends the user to the form.
    assert client.get(docx_url)["Location"] == url
    expected = today() + dt.timedelta(days=20)
    response = client.post(
        url,
        {
            "reason": "Vi venter på opplysninger fra fastlegen.",
            "expected_decision_on": expected.isoformat(),
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.preliminary_reply_on == today() and app.expected_decision_on == expected
    download = client.get(docx_url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"
    text = client.get(
        reverse("cases:application", kwargs={"external_id": app.external_id})
    ).content.decode()
    assert "Sendt" in text


def test_an_invalid_preliminary_reply_changes_nothing(world):
    app = application(world)
    client = client_for(world, "saksbehandler")
    url = reverse("cases:preliminary_reply", kwargs={"external_id": app.external_id})
    response = client.post(url, {"reason": "", "expected_decision_on": "snart"})
    assert errors_shown(response)
    assert "Skriv hvorfor saken tar tid." in response.content.decode()
    app.refresh_from_db()
    assert app.preliminary_reply_on is None


PAGES = (
    "cases:application",
    "cases:preliminary_reply",
    "cases:preliminary_reply_docx",
    "cases:assessment",
    "cases:draft_new",
)


@pytest.mark.parametrize("name", PAGES)
def test_other_municipality_other_roles_and_no_care_relation_all_get_404(world, name):
    app = application(world)
    url = reverse(name, kwargs={"external_id": app.external_id})
    before = AppliedService.objects.count(), Application.objects.get().lock_version
    assert client_for(world, "nabo").get(url).status_code == 404
    assert client_for(world, "nabo").post(url, {"reason": "x"}).status_code == 404
    for role in ("kliniker", "leder", "admin", "analytiker"):
        assert client_for(world, role).get(url).status_code == 404
        assert client_for(world, role).post(url).status_code == 404
    CareRelation.objects.filter(person=world.person).delete()
    assert client_for(world, "saksbehandler").get(url).status_code == 404
    assert client_for(world, "saksbehandler").post(url).status_code == 404
    assert (AppliedService.objects.count(), Application.objects.get().lock_version) == before


def test_registering_for_a_person_of_another_municipality_gives_404(world):
    url = reverse(
        "cases:application_new_for_person", kwargs={"external_id": world.other_person.external_id}
    )
    assert client_for(world, "saksbehandler").get(url).status_code == 404
    assert client_for(world, "saksbehandler").post(url, _form()).status_code == 404
    assert not Application.objects.exists()
