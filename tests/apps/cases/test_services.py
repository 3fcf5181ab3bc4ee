"""Registering decisions and changing their status: rules checked first, then one audited write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases import services
from losen.apps.cases.models import DecisionStatus, ServiceDecision, StatusChange

from .conftest import TODAY, make_decision

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def valid(world, **overrides):
    data = {
        "actor": world.users["saksbehandler"],
        "municipality": world.home,
        "person": world.person,
        "reference": "2026/100",
        "service": "dagaktivitetstilbud",
        "unit": world.day,
        "scope": "2 dager per uke",
        "hours_per_week": Decimal(10),
        "valid_from": TODAY,
        "valid_to": TODAY + 180 * DAY,
        "review_on": TODAY + 90 * DAY,
        "status": DecisionStatus.FATTET,
        "facts": "Kartlegging i hjemmet.",
        "reasons": "Tilbudet gir struktur i hverdagen.",
    }
    data.update(overrides)
    return data


def test_record_decision_stores_and_audits(world):
    decision = services.record_decision(**valid(world))
    assert decision.status == DecisionStatus.FATTET
    assert decision.decided_by == world.users["saksbehandler"]
    assert decision.decided_at is not None
    assert decision.legal_basis == "helse- og omsorgstjenesteloven § 3-2"
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(decision.external_id))
    assert entry.object_type == "cases.servicedecision"
    assert entry.details["person"] == str(world.person.external_id)
    assert "Testa" not in str(entry.details) and "2026/100" not in str(entry.details)


def test_a_draft_needs_no_reasons_and_is_not_decided(world):
    decision = services.record_decision(
        **valid(world, status=DecisionStatus.UTKAST, facts="", reasons="")
    )
    assert decision.decided_at is None and decision.decided_by is None


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"person": "other"}, "__all__", "hører ikke til kommunen"),
        ({"unit": "other"}, "unit", "enhet i kommunen"),
        ({"valid_to": TODAY - DAY}, "valid_to", "Sluttdatoen"),
        ({"review_on": TODAY - DAY}, "review_on", "ny vurdering"),
        ({"review_on": TODAY + 400 * DAY}, "review_on", "etter sluttdatoen"),
        ({"reference": "  "}, "reference", "Skriv saksnummeret"),
        ({"reference": "2026/1"}, "reference", "allerede brukt"),
        ({"service": "sykehjem"}, "service", "Velg hvilken tjeneste"),
        ({"scope": ""}, "scope", "omfanget"),
        ({"hours_per_week": Decimal(200)}, "hours_per_week", "mellom 0 og 168"),
        ({"status": DecisionStatus.OMGJORT}, "status", "utkast eller som fattet"),
        ({"reasons": " "}, "reasons", "hovedhensyn"),
        ({"facts": ""}, "facts", "faktiske forhold"),
        ({"legal_basis": ""}, "legal_basis", "hjemmel"),
    ],
)
def test_invalid_input_changes_nothing(world, overrides, field, words):
    make_decision(world, reference="2026/1")
    if overrides.get("person") == "other":
        overrides["person"] = world.other_person
    if overrides.get("unit") == "other":
        overrides["unit"] = world.other_unit
    rows, entries = ServiceDecision.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.record_decision(**valid(world, **overrides))
    messages = raised.value.message_dict
    assert field in messages, messages
    assert any(words in message for message in messages[field]), messages
    assert ServiceDecision.objects.count() == rows
    assert AuditEntry.objects.count() == entries


def test_ending_a_decision_keeps_the_note_and_audits(world):
    decision = make_decision(world)
    services.change_status(
        actor=world.users["saksbehandler"],
        decision=decision,
        status=DecisionStatus.AVSLUTTET,
        note="Flyttet til annet tilbud.",
    )
    assert decision.status == DecisionStatus.AVSLUTTET
    change = StatusChange.objects.get(decision=decision)
    assert (change.from_status, change.to_status) == ("fattet", "avsluttet")
    assert change.note == "Flyttet til annet tilbud."
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(decision.external_id))
    assert entry.details == {"from": "fattet", "to": "avsluttet"}


def test_issuing_a_draft_sets_who_and_when(world):
    decision = make_decision(world, status=DecisionStatus.UTKAST, facts="Fakta.", reasons="Hensyn.")
    services.change_status(
        actor=world.users["saksbehandler"], decision=decision, status="fattet", note=""
    )
    assert decision.status == DecisionStatus.FATTET
    assert decision.decided_by == world.users["saksbehandler"]
    assert decision.decided_at is not None


@pytest.mark.parametrize(
    ("start", "status", "note", "field"),
    [
        (DecisionStatus.FATTET, DecisionStatus.OMGJORT, "", "note"),
        (DecisionStatus.AVSLUTTET, DecisionStatus.FATTET, "Feil.", "status"),
        (DecisionStatus.OMGJORT, DecisionStatus.AVSLUTTET, "Feil.", "status"),
        (DecisionStatus.UTKAST, DecisionStatus.AVSLUTTET, "Feil.", "status"),
        (DecisionStatus.UTKAST, DecisionStatus.FATTET, "", "reasons"),  # no reasons yet
        (DecisionStatus.FATTET, "ukjent", "Feil.", "status"),
    ],
)
def test_refused_status_changes_change_nothing(world, start, status, note, field):
    decision = make_decision(world, status=start)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.change_status(
            actor=world.users["saksbehandler"], decision=decision, status=status, note=note
        )
    assert field in raised.value.message_dict
    decision.refresh_from_db()
    assert decision.status == start
    assert not StatusChange.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_reference_taken_meanwhile_is_a_validation_error(world):
    """Two registrations with one reference at once: the second gets the form's message."""
    from unittest import mock

    from django.db.models import QuerySet

    make_decision(world, reference="2026/100")
    entries = AuditEntry.objects.count()
    # The check before the insert does not see the other row; the insert then fails.
    with (
        mock.patch.object(QuerySet, "exists", side_effect=[False, True]),
        pytest.raises(ValidationError) as raised,
    ):
        services.record_decision(**valid(world))
    assert "allerede brukt" in raised.value.message_dict["reference"][0]
    assert ServiceDecision.objects.count() == 1
    assert AuditEntry.objects.count() == entries
