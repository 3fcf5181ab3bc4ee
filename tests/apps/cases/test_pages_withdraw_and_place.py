"""Pages: withdrawing an application from its page, and giving a waiting-list place from the
decision page (helse- og omsorgstjenesteloven § 3-2 a). Both are POST-only forms with a
confirmation; the services write the audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases import services
from losen.apps.cases.models import Application, ApplicationStatus, ServiceDecision
from losen.apps.persons.models import CareRelation

from .pages import application, assess, client_for, draft, errors_shown, today

pytestmark = pytest.mark.django_db


def _withdraw_url(app) -> str:
    return reverse("cases:application_withdraw", kwargs={"external_id": app.external_id})


def _place_url(decision) -> str:
    return reverse("cases:give_place", kwargs={"external_id": decision.external_id})


def _waiting(world) -> ServiceDecision:
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied)
    return services.issue_decision(
        actor=world.users["saksbehandler"], decision=decision, on_waiting_list=True
    )


# --- Withdrawing an application ---------------------------------------------------------------


def test_the_application_page_offers_the_withdrawal_with_a_confirmation(world):
    app = application(world)
    page = client_for(world, "saksbehandler").get(
        reverse("cases:application", kwargs={"external_id": app.external_id})
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert f'action="{_withdraw_url(app)}"' in text
    assert 'name="trekk-confirm"' in text and 'name="trekk-note"' in text


def test_a_withdrawal_closes_the_application_and_is_audited(world):
    app = application(world)
    before = AuditEntry.objects.count()
    response = client_for(world, "saksbehandler").post(
        _withdraw_url(app),
        {"trekk-note": "Søkeren ringte 2. mars og trakk søknaden.", "trekk-confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "cases:application", kwargs={"external_id": app.external_id}
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.TRUKKET
    assert app.closed_on == today()
    assert app.closed_note == "Søkeren ringte 2. mars og trakk søknaden."
    update = AuditEntry.objects.filter(
        action=Action.UPDATE, object_type="cases.application", object_id=str(app.external_id)
    ).latest("pk")
    assert update.details == {"from": "mottatt", "to": "trukket"}
    assert "ringte" not in str(update.details)  # the note stays with the application
    assert AuditEntry.objects.count() > before
    page = client_for(world, "saksbehandler").get(response["Location"])
    text = page.content.decode()
    assert "Søkeren ringte 2. mars og trakk søknaden." in text
    assert 'name="trekk-confirm"' not in text  # nothing left to withdraw


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"trekk-note": "", "trekk-confirm": "on"}, "Skriv hvordan og når søkeren trakk søknaden."),
        (
            {"trekk-note": "Trakk den på telefon."},
            "Kryss av for å bekrefte at søknaden er trukket.",
        ),
        ({"trekk-note": "   ", "trekk-confirm": "on"}, "Skriv hvordan og når søkeren trakk"),
    ],
)
def test_an_invalid_withdrawal_shows_the_error_and_changes_nothing(world, data, message):
    app = application(world)
    version = app.lock_version
    updates = AuditEntry.objects.filter(action=Action.UPDATE).count()
    response = client_for(world, "saksbehandler").post(_withdraw_url(app), data)
    assert errors_shown(response)
    assert message in response.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.MOTTATT and app.lock_version == version
    assert not app.closed_note and app.closed_on is None
    assert AuditEntry.objects.filter(action=Action.UPDATE).count() == updates


def test_an_application_already_withdrawn_cannot_be_withdrawn_again(world):
    app = application(world)
    services.withdraw_application(actor=world.users["saksbehandler"], application=app, note="x")
    app.refresh_from_db()
    version = app.lock_version
    response = client_for(world, "saksbehandler").post(
        _withdraw_url(app), {"trekk-note": "En gang til.", "trekk-confirm": "on"}
    )
    assert errors_shown(response)
    assert "Søknaden er allerede avgjort eller trukket." in response.content.decode()
    app.refresh_from_db()
    assert app.lock_version == version and app.closed_note == "x"


def test_the_withdrawal_is_post_only_and_404_for_everyone_else(world):
    app = application(world)
    url = _withdraw_url(app)
    data = {"trekk-note": "Trakk den.", "trekk-confirm": "on"}
    assert client_for(world, "saksbehandler").get(url).status_code == 405
    assert client_for(world, "nabo").post(url, data).status_code == 404
    for role in ("kliniker", "leder", "admin", "analytiker"):
        assert client_for(world, role).post(url, data).status_code == 404
    CareRelation.objects.filter(person=world.person).delete()
    assert client_for(world, "saksbehandler").post(url, data).status_code == 404
    assert Application.objects.get().status == ApplicationStatus.MOTTATT


# --- Giving a waiting-list place --------------------------------------------------------------


def test_the_decision_page_offers_a_place_only_while_the_decision_waits(world):
    decision = _waiting(world)
    url = reverse("cases:decision", kwargs={"external_id": decision.external_id})
    text = client_for(world, "saksbehandler").get(url).content.decode()
    assert f'action="{_place_url(decision)}"' in text and 'name="plass-confirm"' in text
    # A clinician reads the decision, but gives no place.
    CareRelation.objects.create(person=world.person, user=world.users["kliniker"])
    text = client_for(world, "kliniker").get(url).content.decode()
    assert 'name="plass-confirm"' not in text


def test_giving_a_place_takes_the_decision_off_the_waiting_list_and_is_audited(world):
    decision = _waiting(world)
    served = today() + dt.timedelta(days=7)
    response = client_for(world, "saksbehandler").post(
        _place_url(decision), {"plass-served_from": served.isoformat(), "plass-confirm": "on"}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.served_from == served
    assert not ServiceDecision.objects.waiting().filter(pk=decision.pk).exists()
    entry = AuditEntry.objects.filter(
        action=Action.UPDATE,
        object_type="cases.servicedecision",
        object_id=str(decision.external_id),
    ).latest("pk")
    assert entry.details == {"event": "venteliste-ut", "served_from": served.isoformat()}
    text = client_for(world, "saksbehandler").get(response["Location"]).content.decode()
    assert 'name="plass-confirm"' not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"plass-served_from": "", "plass-confirm": "on"}, "Skriv datoen tjenesten gis fra."),
        ({"plass-served_from": "31.02.2026", "plass-confirm": "on"}, "Skriv en gyldig dato."),
        ({"plass-served_from": "{today}"}, "Kryss av for å bekrefte at plassen er gitt."),
        (
            {"plass-served_from": "{before}", "plass-confirm": "on"},
            "Tjenesten kan ikke gis før vedtaket ble satt på ventelisten.",
        ),
    ],
)
def test_an_invalid_place_shows_the_error_and_changes_nothing(world, data, message):
    decision = _waiting(world)
    version = decision.lock_version
    updates = AuditEntry.objects.filter(action=Action.UPDATE).count()
    dates = {"{today}": today().isoformat(), "{before}": (today() - dt.timedelta(1)).isoformat()}
    data = {key: dates.get(value, value) for key, value in data.items()}
    response = client_for(world, "saksbehandler").post(_place_url(decision), data)
    assert errors_shown(response)
    assert message in response.content.decode()
    decision.refresh_from_db()
    assert decision.served_from is None and decision.lock_version == version
    assert ServiceDecision.objects.waiting().filter(pk=decision.pk).exists()
    assert AuditEntry.objects.filter(action=Action.UPDATE).count() == updates


def test_a_decision_not_on_the_waiting_list_gets_no_place(world):
    decision = _waiting(world)
    services.give_place(actor=world.users["saksbehandler"], decision=decision, served_from=today())
    decision.refresh_from_db()
    response = client_for(world, "saksbehandler").post(
        _place_url(decision),
        {"plass-served_from": (today() + dt.timedelta(days=3)).isoformat(), "plass-confirm": "on"},
    )
    assert errors_shown(response)
    assert "Vedtaket står ikke på ventelisten." in response.content.decode()
    decision.refresh_from_db()
    assert decision.served_from == today()


def test_giving_a_place_is_post_only_and_404_for_everyone_else(world):
    decision = _waiting(world)
    url = _place_url(decision)
    data = {"plass-served_from": today().isoformat(), "plass-confirm": "on"}
    assert client_for(world, "saksbehandler").get(url).status_code == 405
    assert client_for(world, "nabo").post(url, data).status_code == 404
    for role in ("kliniker", "leder", "admin", "analytiker"):
        assert client_for(world, role).post(url, data).status_code == 404
    CareRelation.objects.filter(person=world.person).delete()
    assert client_for(world, "saksbehandler").post(url, data).status_code == 404
    decision.refresh_from_db()
    assert decision.served_from is None
