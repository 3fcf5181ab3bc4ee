"""Registering applications and applicants, the preliminary reply (fvl § 11 a), withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases import services
from losen.apps.cases.models import Application, ApplicationStatus, AppliedService
from losen.apps.persons.models import CareRelation, Person

from .casework import application, settings, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
#: Valid test numbers (check digits right; invented): a fødselsnummer and a D-nummer.
FNR = "15076500565"
DNR = "55076500044"


def test_an_application_gets_the_next_reference_the_expected_date_and_its_services(world):
    settings(world, decision_within_days=21)
    received = today() - 2 * DAY
    first = application(
        world,
        received_on=received,
        services_=[("praktisk-bistand", " 3 timer "), ("stottekontakt", "")],
        letter_language="nn",
    )
    second = application(world)
    year = today().year
    assert first.reference == f"{year}/0001" and second.reference == f"{year}/0002"
    assert first.status == ApplicationStatus.MOTTATT
    assert first.caseworker == world.users["saksbehandler"]
    assert first.expected_decision_on == received + 21 * DAY
    assert first.letter_language == "nn"
    assert [(s.service, s.requested_scope, s.position) for s in first.services.all()] == [
        ("praktisk-bistand", "3 timer", 0),
        ("stottekontakt", "", 1),
    ]
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(first.external_id))
    assert entry.details["services"] == ["praktisk-bistand", "stottekontakt"]
    assert "husarbeid" not in str(entry.details) and "Testa" not in str(entry.details)


def test_without_settings_the_default_is_28_days(world):
    received = today() - DAY
    assert application(world, received_on=received).expected_decision_on == received + 28 * DAY


def test_a_given_reference_is_used_and_must_be_free(world):
    assert application(world, reference="2026/77").reference == "2026/77"
    with pytest.raises(ValidationError) as error:
        application(world, reference="2026/77")
    assert "reference" in error.value.message_dict


def test_every_broken_rule_is_reported_and_nothing_is_written(world):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        application(
            world,
            person=world.other_person,
            services_=[("praktisk-bistand", ""), ("praktisk-bistand", ""), ("ukjent", "")],
            received_on=today() + DAY,
            channel="brevdue",
            in_own_words="  ",
            representative_kind="verge",
            letter_language="de",
        )
    fields = set(error.value.message_dict)
    assert fields == {
        "__all__",
        "services",
        "received_on",
        "channel",
        "in_own_words",
        "representative_name",
        "letter_language",
    }
    assert len(error.value.message_dict["services"]) == 2
    assert not Application.objects.exists() and not AppliedService.objects.exists()
    assert AuditEntry.objects.count() == before


def test_an_application_needs_a_service(world):
    with pytest.raises(ValidationError) as error:
        application(world, services_=[])
    assert "services" in error.value.message_dict


def test_register_person_reads_the_birth_year_and_keeps_the_number_out_of_the_log(world):
    actor = world.users["saksbehandler"]
    person = services.register_person(
        actor=actor,
        municipality=world.home,
        given_name=" Ny ",
        family_name="Søker",
        national_id="150765 00565",
        unit=world.care,
    )
    assert (person.given_name, person.birth_year, person.national_id) == ("Ny", 1965, FNR)
    assert CareRelation.objects.active().filter(person=person, user=actor).exists()
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(person.external_id))
    assert FNR not in str(entry.details) and "Søker" not in str(entry.details)
    d_person = services.register_person(
        actor=actor, municipality=world.home, given_name="D", family_name="Nummer", national_id=DNR
    )
    assert d_person.birth_year == 1965


def test_register_person_refuses_a_bad_or_taken_number(world):
    actor = world.users["saksbehandler"]
    services.register_person(
        actor=actor, municipality=world.home, given_name="A", family_name="B", national_id=FNR
    )
    for number in ("15076500566", "123", ""):
        with pytest.raises(ValidationError) as error:
            services.register_person(
                actor=actor,
                municipality=world.home,
                given_name="A",
                family_name="B",
                national_id=number,
            )
        assert list(error.value.message_dict) == ["national_id"]
    with pytest.raises(ValidationError) as error:
        services.register_person(
            actor=actor, municipality=world.home, given_name="C", family_name="D", national_id=FNR
        )
    assert FNR not in str(error.value)
    # The same number in another municipality is another registration.
    services.register_person(
        actor=actor, municipality=world.other, given_name="A", family_name="B", national_id=FNR
    )
    with pytest.raises(ValidationError) as error:
        services.register_person(
            actor=actor,
            municipality=world.home,
            given_name="",
            family_name="",
            national_id="15076500565",
            unit=world.other_unit,
        )
    assert set(error.value.message_dict) == {"given_name", "family_name", "national_id", "unit"}
    assert Person.objects.filter(national_id=FNR).count() == 2


def test_preliminary_reply_sets_the_expected_date(world):
    app = application(world, received_on=today() - 40 * DAY)
    version = app.lock_version
    services.send_preliminary_reply(
        actor=world.users["saksbehandler"],
        application=app,
        reason="Vi venter på opplysninger fra fastlegen.",
        expected_decision_on=today() + 14 * DAY,
    )
    app.refresh_from_db()
    assert app.preliminary_reply_on == today()
    assert app.expected_decision_on == today() + 14 * DAY
    assert app.lock_version == version + 1
    entry = AuditEntry.objects.filter(object_id=str(app.external_id)).latest("sequence")
    assert entry.details["event"] == "preliminary-reply"
    assert "fastlegen" not in str(entry.details)


def test_preliminary_reply_rules(world):
    app = application(world, received_on=today() - 10 * DAY)
    with pytest.raises(ValidationError) as error:
        services.send_preliminary_reply(
            actor=world.users["saksbehandler"],
            application=app,
            reason=" ",
            expected_decision_on=today() - DAY,
            sent_on=today() - 11 * DAY,
        )
    assert set(error.value.message_dict) == {"reason", "sent_on", "expected_decision_on"}
    app.refresh_from_db()
    assert app.preliminary_reply_on is None and app.lock_version == 0


def test_withdrawal_closes_the_application_and_keeps_the_note_out_of_the_log(world):
    app = application(world)
    services.withdraw_application(
        actor=world.users["saksbehandler"], application=app, note="Søkeren ringte og trakk den."
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.TRUKKET and app.closed_on == today()
    assert app.closed_note == "Søkeren ringte og trakk den."
    entry = AuditEntry.objects.filter(object_id=str(app.external_id)).latest("sequence")
    assert entry.details == {"from": "mottatt", "to": "trukket"}
    with pytest.raises(ValidationError):
        services.withdraw_application(actor=world.users["saksbehandler"], application=app, note="x")
    with pytest.raises(ValidationError):
        services.send_preliminary_reply(
            actor=world.users["saksbehandler"],
            application=app,
            reason="x",
            expected_decision_on=today(),
        )


def test_withdrawal_needs_a_note(world):
    app = application(world)
    with pytest.raises(ValidationError) as error:
        services.withdraw_application(actor=world.users["saksbehandler"], application=app, note="")
    assert list(error.value.message_dict) == ["note"]
