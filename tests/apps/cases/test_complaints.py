"""Complaints: the deadline, a late complaint, the municipality's review, Statsforvalteren."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases import services
from losen.apps.cases.models import (
    ApplicationStatus,
    Complaint,
    ComplaintStatus,
    DecisionStatus,
    Event,
    StatusChange,
)
from losen.domain.casework import deadlines

from .casework import assess, draft, issued, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _backdate(decision, days: int, notified: int | None = None):
    """Move the decision date *days* back (the complaint deadline runs from it)."""
    decision.decided_at = today() - days * DAY
    decision.notified_on = None if notified is None else today() - notified * DAY
    decision.save(update_fields=["decided_at", "notified_on"])
    return decision


def _events(decision):
    return list(
        StatusChange.objects.filter(decision=decision).values_list(
            "event", "from_status", "to_status"
        )
    )


def register(world, decision, **fields):
    values = {
        "actor": world.users["saksbehandler"],
        "decision": decision,
        "received_on": today(),
        "from_whom": "Parten selv",
        "summary": "Mener omfanget er for lite.",
        **fields,
    }
    return services.register_complaint(**values)


def test_the_deadline_runs_from_the_day_the_decision_was_received(world):
    decision = _backdate(issued(world), 40, notified=10)
    expected = deadlines.complaint_deadline(today() - 10 * DAY, 4)
    assert services.complaint_deadline(decision) == expected
    decision.notified_on = None
    assert services.complaint_deadline(decision) == deadlines.complaint_deadline(
        today() - 40 * DAY, 4
    )


def test_a_complaint_in_time_puts_the_decision_under_complaint(world):
    decision = _backdate(issued(world), 5)
    complaint = register(world, decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PAKLAGET and decision.is_running(today())
    assert complaint.status == ComplaintStatus.MOTTATT and not complaint.is_late
    assert _events(decision)[-1] == (Event.KLAGE_MOTTATT, "fattet", "paklaget")
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(complaint.external_id))
    assert entry.details["late"] is False and "omfanget" not in str(entry.details)
    with pytest.raises(ValidationError) as error:
        register(world, decision)
    assert "__all__" in error.value.message_dict


def test_a_late_complaint_needs_the_reason_it_is_taken_up(world):
    decision = _backdate(issued(world), 60)
    with pytest.raises(ValidationError) as error:
        register(world, decision)
    assert list(error.value.message_dict) == ["late_reason"]
    assert not Complaint.objects.exists()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET
    complaint = register(world, decision, late_reason="Parten var innlagt på sykehus.")
    assert complaint.is_late and complaint.late_reason.startswith("Parten")


def test_a_late_complaint_can_be_rejected_straight_away(world):
    decision = _backdate(issued(world), 60)
    complaint = services.reject_late_complaint(
        actor=world.users["saksbehandler"],
        complaint=Complaint(
            decision=decision, received_on=today(), from_whom="Parten", summary="For lite."
        ),
        reasons="Ingen grunn til å ta opp klagen etter fristen.",
    )
    assert complaint.pk and complaint.status == ComplaintStatus.AVVIST and complaint.is_late
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET
    assert _events(decision)[-1] == (Event.KLAGE_VURDERT, "fattet", "fattet")


def test_a_registered_late_complaint_can_be_rejected_and_one_in_time_cannot(world):
    decision = _backdate(issued(world), 60)
    complaint = register(world, decision, late_reason="Vurderes.")
    services.reject_late_complaint(
        actor=world.users["saksbehandler"], complaint=complaint, reasons="Avvist likevel."
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET
    in_time = _backdate(issued(world, service="stottekontakt"), 3)
    complaint = register(world, in_time)
    with pytest.raises(ValidationError):
        services.reject_late_complaint(
            actor=world.users["saksbehandler"], complaint=complaint, reasons="x"
        )


def test_complaint_rules(world):
    decision = _backdate(issued(world), 5)
    with pytest.raises(ValidationError) as error:
        register(world, decision, received_on=today() + DAY, from_whom="", summary=" ")
    assert set(error.value.message_dict) == {"received_on", "from_whom", "summary"}
    with pytest.raises(ValidationError) as error:
        register(world, decision, received_on=today() - 10 * DAY)
    assert list(error.value.message_dict) == ["received_on"]


def test_kept_by_the_municipality_then_forwarded_then_upheld(world):
    actor = world.users["saksbehandler"]
    decision = _backdate(issued(world), 5)
    complaint = register(world, decision)
    with pytest.raises(ValidationError):
        services.forward_complaint(actor=actor, complaint=complaint, forwarded_on=today())
    services.review_complaint(
        actor=actor,
        complaint=complaint,
        outcome="opprettholdt",
        reasons="Omfanget dekker behovet.",
        reviewed_on=today(),
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.MOTTATT
    assert complaint.review_outcome == "opprettholdt"
    with pytest.raises(ValidationError):
        services.record_authority_outcome(
            actor=actor, complaint=complaint, outcome="stadfestet", decided_on=today(), note=""
        )
    services.forward_complaint(actor=actor, complaint=complaint, forwarded_on=today())
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OVERSENDT and complaint.forwarded_on == today()
    services.record_authority_outcome(
        actor=actor, complaint=complaint, outcome="stadfestet", decided_on=today(), note="Ok."
    )
    complaint.refresh_from_db()
    decision.refresh_from_db()
    assert complaint.status == ComplaintStatus.AVGJORT
    assert complaint.authority_outcome == "stadfestet"
    assert decision.status == DecisionStatus.FATTET
    assert _events(decision)[-4:] == [
        (Event.KLAGE_MOTTATT, "fattet", "paklaget"),
        (Event.KLAGE_VURDERT, "paklaget", "paklaget"),
        (Event.KLAGE_OVERSENDT, "paklaget", "paklaget"),
        (Event.STATSFORVALTER_AVGJORT, "paklaget", "fattet"),
    ]
    entries = AuditEntry.objects.filter(object_id=str(complaint.external_id))
    assert [e.action for e in entries.order_by("sequence")] == [
        "create",
        "update",
        "update",
        "update",
    ]


@pytest.mark.parametrize("outcome", ["endret", "opphevet"])
def test_statsforvalteren_changes_or_quashes_and_a_new_decision_is_drafted(world, outcome):
    actor = world.users["saksbehandler"]
    decision = _backdate(issued(world), 5)
    complaint = register(world, decision)
    services.review_complaint(
        actor=actor, complaint=complaint, outcome="omgjort-delvis", reasons="x", reviewed_on=today()
    )
    services.forward_complaint(actor=actor, complaint=complaint, forwarded_on=today())
    services.record_authority_outcome(
        actor=actor, complaint=complaint, outcome=outcome, decided_on=today(), note=""
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OMGJORT and not decision.is_running(today())
    application = decision.application
    assert application.status == ApplicationStatus.UNDER_BEHANDLING
    applied = decision.applied_service
    assess(world, applied)
    new = draft(world, applied)
    decision.refresh_from_db()
    assert new.reference.endswith("-2") and decision.applied_service is None
    assert decision.application == application


def test_the_municipality_gives_the_complainant_full_right(world):
    actor = world.users["saksbehandler"]
    decision = _backdate(issued(world), 5)
    complaint = register(world, decision)
    with pytest.raises(ValidationError) as error:
        services.review_complaint(
            actor=actor, complaint=complaint, outcome="x", reasons="", reviewed_on=today() + DAY
        )
    assert set(error.value.message_dict) == {"outcome", "reasons", "reviewed_on"}
    services.review_complaint(
        actor=actor,
        complaint=complaint,
        outcome="omgjort-helt",
        reasons="Ny opplysning om behovet.",
        reviewed_on=today(),
    )
    complaint.refresh_from_db()
    decision.refresh_from_db()
    assert complaint.status == ComplaintStatus.OMGJORT
    assert decision.status == DecisionStatus.OMGJORT
    assert _events(decision)[-1] == (Event.KLAGE_VURDERT, "paklaget", "omgjort")
    with pytest.raises(ValidationError):
        services.forward_complaint(actor=actor, complaint=complaint, forwarded_on=today())
    assert decision.application.status == ApplicationStatus.UNDER_BEHANDLING
