"""Drafts from the assessment, what a draft lacks, issuing, and like cases alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases import services
from losen.apps.cases.models import (
    ApplicationStatus,
    DecisionStatus,
    ServiceDecision,
    StatusChange,
)
from losen.apps.common.locking import EditConflict

from .casework import application, assess, draft, issued, settings, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_a_draft_is_prefilled_from_the_assessment(world):
    settings(world, complaint_weeks=6)
    app = application(world)
    applied = app.services.get()
    assessment = assess(world, applied)
    decision = draft(world, applied)
    assert decision.status == DecisionStatus.UTKAST
    assert decision.reference == f"{app.reference}-1"
    assert decision.assessment == assessment and decision.application == app
    assert decision.person == world.person and decision.service == "praktisk-bistand"
    assert decision.legal_basis.endswith("§ 3-2 første ledd nr. 6 bokstav b")
    assert (decision.complaint_weeks, decision.complaint_to) == (
        6,
        "Tildelingskontoret, Postboks 1, 4699 Testvik",
    )
    assert decision.applied_for == "3 timer per uke"
    # Facts: the application, the person's own words, what matters, the function profile.
    assert "Jeg trenger hjelp til husarbeid etter operasjonen." in decision.facts
    assert "Å klare seg selv hjemme." in decision.facts
    assert "3 funksjonsvariabler er relevante, med gjennomsnittlig skår 3." in decision.facts
    assert "1 har skår 4 eller 5 (stort eller fullt bistandsbehov): " in decision.facts
    # Main considerations: the legal tests and the combined assessment in words.
    assert "pasient- og brukerrettighetsloven § 2-1 a" in decision.reasons
    assert "alvorlighet vurdert som «stor»" in decision.reasons
    assert "ressurs som «moderat»" in decision.reasons
    assert "Hjelpen dekker behovet forsvarlig." in decision.reasons
    assert "Hjelpemidler er vurdert" in decision.reasons
    assert decision.reasons.endswith("innvilger vi søknaden.")
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(decision.external_id))
    assert entry.details["assessment"] == str(assessment.external_id)
    assert "husarbeid" not in str(entry.details)


def test_a_draft_in_nynorsk_for_an_applicant_who_asks_for_it(world):
    app = application(world, letter_language="nn")
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, outcome="avslag")
    # The source text is bokmål; without a nynorsk catalogue entry the text stays bokmål,
    # but the dates follow the written standard and a refusal says so.
    assert decision.reasons.endswith("avslår vi søknaden.")
    assert decision.valid_from is None and decision.valid_to is None


def test_given_texts_are_kept(world):
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, facts=" Egne fakta. ", reasons="Egne hensyn.", legal_basis="x")
    assert (decision.facts, decision.reasons, decision.legal_basis) == (
        "Egne fakta.",
        "Egne hensyn.",
        "x",
    )


def test_a_draft_needs_an_assessment_and_valid_values(world):
    app = application(world)
    applied = app.services.get()
    with pytest.raises(ValidationError) as error:
        draft(world, applied)
    assert "__all__" in error.value.message_dict
    assess(world, applied)
    with pytest.raises(ValidationError) as error:
        draft(
            world,
            applied,
            outcome="kanskje",
            unit=world.other_unit,
            hours_per_week=Decimal(200),
            valid_to=today() - DAY,
        )
    assert set(error.value.message_dict) == {
        "outcome",
        "unit",
        "hours_per_week",
        "valid_to",
        "review_on",
    }
    assert not ServiceDecision.objects.exists()
    draft(world, applied)
    with pytest.raises(ValidationError):
        draft(world, applied)


def test_missing_parts_lists_every_part_and_issue_refuses_with_all_of_them(world):
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(
        world,
        applied,
        outcome="delvis-innvilget",
        scope="",
        valid_from=None,
        review_on=None,
        contact_person="",
        facts="",
        reasons="",
        legal_basis="",
    )
    codes = [fact.code for fact in services.missing_parts(decision)]
    assert codes == [
        "vedtak.missing.scope",
        "vedtak.missing.period",
        "vedtak.missing.refused_part",
        "vedtak.missing.refusal_reasons",
        "vedtak.missing.legal_basis",
        "vedtak.missing.facts",
        "vedtak.missing.main_considerations",
        "vedtak.missing.complaint_instance",
        "vedtak.missing.complaint_procedure",
        "vedtak.missing.contact_person",
    ]
    with pytest.raises(ValidationError) as error:
        services.issue_decision(actor=world.users["saksbehandler"], decision=decision)
    fields = error.value.message_dict
    assert set(fields) == {
        "scope",
        "valid_from",
        "refused_part",
        "legal_basis",
        "facts",
        "reasons",
        "complaint_to",
        "contact_person",
    }
    assert sum(len(messages) for messages in fields.values()) == len(codes)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.UTKAST and decision.decided_at is None
    assert not StatusChange.objects.exists()


def test_update_draft_is_locked_and_checked(world):
    settings(world)
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, contact_person="")
    version = decision.lock_version
    updated = services.update_draft(
        actor=world.users["saksbehandler"],
        decision=decision,
        expected_version=version,
        contact_person=" Kari, tlf. 1 ",
        hours_per_week=Decimal(3),
    )
    assert updated.contact_person == "Kari, tlf. 1" and updated.lock_version == version + 1
    with pytest.raises(EditConflict):
        services.update_draft(
            actor=world.users["saksbehandler"],
            decision=decision,
            expected_version=version,
            scope="x",
        )
    with pytest.raises(ValidationError) as error:
        services.update_draft(
            actor=world.users["saksbehandler"],
            decision=decision,
            expected_version=version + 1,
            complaint_weeks=2,
        )
    assert list(error.value.message_dict) == ["complaint_weeks"]
    with pytest.raises(TypeError):
        services.update_draft(
            actor=world.users["saksbehandler"],
            decision=decision,
            expected_version=version + 1,
            status="fattet",
        )
    assert not services.missing_parts(updated)


def test_issuing_sets_the_decision_and_closes_the_application(world):
    settings(world)
    app = application(world, services_=[("praktisk-bistand", ""), ("stottekontakt", "")])
    first, second = app.services.all()
    for applied in (first, second):
        assess(world, applied)
    one = draft(world, first)
    two = draft(world, second, outcome="avslag", scope="", review_on=None)
    actor = world.users["saksbehandler"]
    services.issue_decision(actor=actor, decision=one, notified_on=today())
    app.refresh_from_db()
    assert app.status == ApplicationStatus.UNDER_BEHANDLING
    one.refresh_from_db()
    assert one.status == DecisionStatus.FATTET and one.decided_at == today()
    assert one.decided_by == actor and one.notified_on == today()
    assert one.waiting_since is None and one.is_running(today())
    services.issue_decision(actor=actor, decision=two)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.AVGJORT and app.closed_on == today()
    change = StatusChange.objects.get(decision=one)
    assert (change.from_status, change.to_status, change.event) == ("utkast", "fattet", "status")
    with pytest.raises(ValidationError):
        services.issue_decision(actor=actor, decision=one)
    two.refresh_from_db()
    assert not two.is_running(today()) and two.outcome == "avslag"
    assert ServiceDecision.objects.running(today()).filter(pk=two.pk).count() == 0


def test_a_draft_of_a_withdrawn_application_cannot_be_issued(world):
    settings(world)
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied)
    services.withdraw_application(actor=world.users["saksbehandler"], application=app, note="x")
    with pytest.raises(ValidationError):
        services.issue_decision(actor=world.users["saksbehandler"], decision=decision)


# --- Like cases ---------------------------------------------------------------------------


def _earlier(world, n, *, outcome="innvilget", hours=Decimal(3)):
    from losen.apps.persons.models import Person

    decisions = []
    for k in range(n):
        person = Person.objects.create(
            municipality=world.home, given_name=f"P{k}", family_name="Lik", birth_year=1940
        )
        decisions.append(
            issued(
                world,
                person=person,
                outcome=outcome,
                hours_per_week=hours,
                scope="" if outcome == "avslag" else "3 timer per uke",
                review_on=None if outcome == "avslag" else today() + 90 * DAY,
            )
        )
    return decisions


def test_a_draft_that_departs_from_like_cases_needs_a_reason(world):
    earlier = _earlier(world, 3)
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, outcome="avslag", scope="", review_on=None)
    assert {case["decision"] for case in decision.like_cases} == {
        str(d.external_id) for d in earlier
    }
    assert all(case["distance"] == 0 for case in decision.like_cases)
    assert [fact["code"] for fact in decision.like_case_departure] == ["similarity.outcome_differs"]
    assert decision.is_flagged
    codes = [fact.code for fact in services.missing_parts(decision)]
    assert codes == ["vedtak.missing.departure_reason"]
    with pytest.raises(ValidationError) as error:
        services.issue_decision(actor=world.users["saksbehandler"], decision=decision)
    assert list(error.value.message_dict) == ["like_case_reason"]
    services.issue_decision(
        actor=world.users["saksbehandler"],
        decision=decision,
        like_case_reason="Søkeren har fått hjelpemidler som dekker behovet.",
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET
    assert decision.like_case_reason.startswith("Søkeren har fått")


def test_hours_far_above_like_cases_are_flagged_and_in_line_are_not(world):
    _earlier(world, 3, hours=Decimal(3))
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, hours_per_week=Decimal(10))
    assert [fact["code"] for fact in decision.like_case_departure] == ["similarity.hours_above"]
    updated = services.update_draft(
        actor=world.users["saksbehandler"],
        decision=decision,
        expected_version=decision.lock_version,
        hours_per_week=Decimal("3.5"),
    )
    assert updated.like_case_departure == [] and len(updated.like_cases) == 3


def test_too_few_like_cases_flag_nothing(world):
    _earlier(world, 2)
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, outcome="avslag", scope="", review_on=None)
    assert len(decision.like_cases) == 2 and decision.like_case_departure == []


def test_like_cases_come_from_the_same_municipality_and_service(world):
    _earlier(world, 3)
    app = application(world, services_=[("stottekontakt", "")])
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, outcome="avslag", scope="", review_on=None)
    assert decision.like_cases == [] and decision.like_case_departure == []
