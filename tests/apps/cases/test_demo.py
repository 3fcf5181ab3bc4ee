"""The caseworker's work in the demo: every stage, the outcomes, the complaint, the waiting
list, synthetic applicants the demo caseworker may see, and a demo that can be run again."""

from __future__ import annotations

from collections import Counter

from stdnum.no import fodselsnummer

from losen.apps.cases import selectors, services
from losen.apps.cases.demo import synthetic_national_id
from losen.apps.cases.models import (
    AllocationCriteria,
    Application,
    ApplicationStatus,
    AuthorityOutcome,
    Complaint,
    ComplaintStatus,
    DecisionStatus,
    Event,
    Outcome,
    ReviewOutcome,
    ServiceDecision,
    ServiceKind,
)
from losen.apps.persons.models import CareRelation, Person
from losen.apps.persons.services import normalise_national_id
from losen.domain.casework import deadlines
from losen.domain.casework.waiting import URGENCY


def _applications(demo):
    return Application.objects.filter(municipality=demo["fjordvik"])


def _from_applications(demo):
    return ServiceDecision.objects.filter(municipality=demo["fjordvik"], application__isnull=False)


def _applications_at_every_stage(demo):
    counts = Counter(_applications(demo).values_list("status", flat=True))
    assert counts == {
        ApplicationStatus.MOTTATT: 3,
        ApplicationStatus.UNDER_BEHANDLING: 3,
        ApplicationStatus.AVGJORT: 11,
        ApplicationStatus.TRUKKET: 1,
    }
    decisions = Counter(_from_applications(demo).values_list("status", "outcome"))
    assert decisions == {
        (DecisionStatus.FATTET, Outcome.INNVILGET): 9,
        (DecisionStatus.FATTET, Outcome.AVSLAG): 1,
        (DecisionStatus.PAKLAGET, Outcome.DELVIS_INNVILGET): 1,
        (DecisionStatus.UTKAST, Outcome.INNVILGET): 1,
    }
    # Every issued decision rests on an assessment and has every part a decision needs.
    for decision in _from_applications(demo).exclude(status=DecisionStatus.UTKAST):
        assert decision.assessment is not None
        assert decision.decided_by.username == "saksbehandler"
        assert decision.facts and decision.reasons and decision.contact_person
    withdrawn = _applications(demo).get(status=ApplicationStatus.TRUKKET)
    assert withdrawn.closed_note and withdrawn.closed_on


def _the_earlier_demo_decisions_are_kept(demo):
    earlier = ServiceDecision.objects.filter(municipality=demo["fjordvik"], application=None)
    assert earlier.count() == 18
    assert earlier.filter(status=DecisionStatus.AVSLUTTET).count() == 1
    assert earlier.filter(status=DecisionStatus.UTKAST).count() == 1


def _allocation_criteria_for_the_main_services(demo):
    criteria = AllocationCriteria.objects.filter(municipality=demo["fjordvik"])
    assert set(criteria.values_list("service", flat=True)) == {
        ServiceKind.PRAKTISK_BISTAND,
        ServiceKind.HELSETJENESTER_I_HJEMMET,
        ServiceKind.LANGTIDSOPPHOLD,
    }
    long_term = criteria.get(service=ServiceKind.LANGTIDSOPPHOLD)
    assert "§ 3-2 a" in long_term.regulation and long_term.items.count() >= 2
    assert all(c.items.exists() and c.valid_to is None for c in criteria)


def _a_refusal_complained_about_kept_forwarded_and_upheld(demo):
    refusal = _from_applications(demo).get(outcome=Outcome.AVSLAG)
    assert refusal.valid_from is None and refusal.reasons
    complaint = refusal.complaints.get()
    assert complaint.review_outcome == ReviewOutcome.OPPRETTHOLDT
    assert complaint.forwarded_on is not None
    assert complaint.status == ComplaintStatus.AVGJORT
    assert complaint.authority_outcome == AuthorityOutcome.STADFESTET
    assert complaint.authority_note
    events = list(refusal.status_changes.values_list("event", flat=True))
    for event in (
        Event.KLAGE_MOTTATT,
        Event.KLAGE_VURDERT,
        Event.KLAGE_OVERSENDT,
        Event.STATSFORVALTER_AVGJORT,
    ):
        assert event in events
    # Upheld by Statsforvalteren: the refusal stands again.
    assert refusal.status == DecisionStatus.FATTET


def _a_partial_grant_with_what_is_refused_and_a_complaint_to_review(demo):
    partial = _from_applications(demo).get(outcome=Outcome.DELVIS_INNVILGET)
    assert partial.refused_part and partial.scope and partial.valid_from
    assert partial.complaints.get().status == ComplaintStatus.MOTTATT
    caseworker = demo["users"]["saksbehandler"]
    work = selectors.work_list(demo["fjordvik"], caseworker)
    assert [item.target for item in work.complaints_to_review] == [partial.complaints.get()]
    assert Complaint.objects.filter(decision__municipality=demo["fjordvik"]).count() == 2


def _one_decision_departs_from_like_cases_and_was_issued_with_the_reason(demo):
    flagged = _from_applications(demo).exclude(like_case_departure=[])
    assert flagged.count() == 1
    decision = flagged.get()
    assert decision.status == DecisionStatus.FATTET
    assert decision.like_case_reason.strip()
    assert [fact["code"] for fact in decision.like_case_departure] == ["similarity.hours_above"]
    # It was compared with the grants of practical help that are the practice.
    like = selectors.like_cases(decision)
    assert len(like) >= 3
    assert all(other.service == decision.service for other, _distance in like)
    # The draft waiting to be issued is in line with the same practice.
    draft = _from_applications(demo).get(status=DecisionStatus.UTKAST)
    assert draft.like_cases and draft.like_case_departure == []


def _an_application_needs_a_preliminary_reply_and_one_has_had_it(demo):
    from django.utils import timezone

    today = timezone.localdate()
    owed = [
        a
        for a in _applications(demo).filter(
            status__in=[ApplicationStatus.MOTTATT, ApplicationStatus.UNDER_BEHANDLING],
            preliminary_reply_on__isnull=True,
        )
        if deadlines.needs_preliminary_reply(a.received_on, today)
    ]
    assert len(owed) == 1
    assert (today - owed[0].received_on).days > 31
    assert not owed[0].decisions.exists()
    work = selectors.work_list(demo["fjordvik"], demo["users"]["saksbehandler"], today)
    passed = [i.target for i in work.preliminary_replies if i.state.code == "deadline.passed"]
    assert passed == owed
    # And one is coming up: the work list warns before the day.
    coming = [i for i in work.preliminary_replies if i.state.code == "deadline.coming_up"]
    assert len(coming) == 1 and coming[0].deadline >= today
    replied = _applications(demo).exclude(preliminary_reply_on=None)
    waiting_reply = replied.get(status=ApplicationStatus.UNDER_BEHANDLING)
    assert waiting_reply.preliminary_reply_reason and waiting_reply.expected_decision_on > today
    # Every case decided more than a month after it came in had its preliminary reply.
    report = selectors.processing_times(demo["fjordvik"])
    assert report.over_one_month >= 1
    assert report.over_one_month_with_reply == report.over_one_month


def _the_waiting_list_for_long_term_places_is_ordered(demo):
    places = selectors.waiting_list(demo["fjordvik"], ServiceKind.LANGTIDSOPPHOLD)
    assert len(places) == 4
    assert [p.place for p in places] == [1, 2, 3, 4]
    assert len({(p.urgency, p.severity) for p in places}) == 4
    keys = [(URGENCY.index(p.urgency), p.severity) for p in places]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert [(p.urgency, p.severity) for p in places] == [
        ("akutt", "stor"),
        ("innen dager", "svært stor"),
        ("innen dager", "moderat"),
        ("innen uker", "svært stor"),
    ]
    # Within one urgency the graver case comes first.
    same = [p for p in places if p.urgency == "innen dager"]
    assert [p.severity for p in same] == ["svært stor", "moderat"]
    entries = [p.decision.external_id for p in places]
    assert len(set(entries)) == 4
    # A fifth was given a place and has left the list.
    served = ServiceDecision.objects.filter(
        municipality=demo["fjordvik"], service=ServiceKind.LANGTIDSOPPHOLD
    ).exclude(served_from=None)
    assert served.count() == 1
    assert served.get().external_id not in entries


def _applicants_are_synthetic_with_valid_test_numbers_and_seen_by_the_caseworker(demo):
    caseworker = demo["users"]["saksbehandler"]
    applicants = Person.objects.filter(municipality=demo["fjordvik"]).exclude(national_id="")
    assert applicants.count() == 17
    assert not applicants.filter(is_synthetic=False).exists()
    kinds = Counter()
    for person in applicants:
        number = person.national_id
        assert normalise_national_id(number) == number
        assert fodselsnummer.get_birth_date(number).year == person.birth_year
        assert 40 < int(number[2:4]) <= 52  # the month +40: never a real fødselsnummer
        kinds["d-nummer" if int(number[:2]) > 40 else "fødselsnummer"] += 1
        assert CareRelation.objects.filter(person=person, user=caseworker).exists()
    assert kinds["d-nummer"] >= 1 and kinds["fødselsnummer"] >= 1
    # Every application the caseworker handles is one of a person they may see.
    for application in _applications(demo).filter(caseworker=caseworker):
        assert CareRelation.objects.filter(person=application.person, user=caseworker).exists()


def test_synthetic_numbers_are_valid_and_repeatable():
    import random

    first = [synthetic_national_id(random.Random(7)) for _ in range(3)]
    again = [synthetic_national_id(random.Random(7)) for _ in range(3)]
    assert first == again
    rng = random.Random(1)
    for d_number in (False, True) * 50:
        number = synthetic_national_id(rng, d_number=d_number)
        assert fodselsnummer.is_valid(number)
        assert (int(number[:2]) > 40) == d_number


def test_the_demo_runs_twice_and_gives_the_same_casework(demo):
    from losen.apps.audit.services import verify_chain
    from losen.apps.demo.services import load_demo

    from ...conftest import DEMO_PASSWORD

    def snapshot():
        applications = Application.objects.filter(municipality__number="4699")
        return (
            Counter(applications.values_list("status", flat=True)),
            Counter(
                ServiceDecision.objects.filter(
                    municipality__number="4699", application__isnull=False
                ).values_list("status", "outcome")
            ),
            sorted(
                Person.objects.filter(municipality__number="4699")
                .exclude(national_id="")
                .values_list("national_id", flat=True)
            ),
        )

    before = snapshot()
    load_demo(password=DEMO_PASSWORD)
    assert snapshot() == before
    assert Application.objects.filter(municipality__number="4699").count() == 18
    assert verify_chain(use_anchor=False).ok


def _each_decision_went_through_the_criteria(demo):
    for service in (ServiceKind.PRAKTISK_BISTAND, ServiceKind.LANGTIDSOPPHOLD):
        _went_through_the_criteria(demo, service)


def _went_through_the_criteria(demo, service):
    criteria = AllocationCriteria.objects.get(municipality=demo["fjordvik"], service=service)
    for decision in _from_applications(demo).filter(service=service):
        assessment = decision.assessment
        assert assessment.criteria == criteria
        assert assessment.criterion_checks.count() == criteria.items.count()


def _the_dates_are_spread_over_the_past_months(demo):
    """Relative to today, so the demo reads right on any day: the cases came in over half a
    year, were decided weeks after they came, and the lists show waits and deadlines."""
    from django.utils import timezone

    today = timezone.localdate()
    received = [(today - a.received_on).days for a in _applications(demo)]
    assert min(received) <= 3 and max(received) >= 150
    assert len(set(received)) >= 12
    issued = _from_applications(demo).exclude(decided_at=None)
    assert all(d.decided_at < today for d in issued)
    for decision in issued.select_related("application", "assessment"):
        assert decision.application.received_on <= decision.assessment.assessed_at.date()
        assert decision.assessment.assessed_at.date() <= decision.decided_at
        assert all(
            c.changed_at.date() >= decision.decided_at for c in decision.status_changes.all()
        )
    # Processing times of days and weeks, not 0.
    report = selectors.processing_times(demo["fjordvik"])
    assert report.count == issued.count() and report.median_days >= 14
    # The waiting list: from under two weeks to four months.
    waited = [
        p.days_waited for p in selectors.waiting_list(demo["fjordvik"], ServiceKind.LANGTIDSOPPHOLD)
    ]
    assert min(waited) < 14 and max(waited) >= 120
    # The refusal's complaint came well inside the deadline; the partial grant's near it.
    refusal = _from_applications(demo).get(outcome=Outcome.AVSLAG)
    inside = refusal.complaints.get()
    deadline = services.complaint_deadline(refusal)
    assert not inside.is_late and (deadline - inside.received_on).days >= 7
    assert inside.received_on < inside.reviewed_on < inside.authority_decided_on < today
    partial = _from_applications(demo).get(outcome=Outcome.DELVIS_INNVILGET)
    near = partial.complaints.get()
    assert (
        not near.is_late
        and 0 <= (services.complaint_deadline(partial) - near.received_on).days <= 3
    )
    # The work list has deadlines that have passed and some coming up.
    work = selectors.work_list(demo["fjordvik"], demo["users"]["saksbehandler"], today)
    states = {i.state.code for i in work.preliminary_replies + work.decisions_due}
    assert states == {"deadline.passed", "deadline.coming_up"}
    # The saksnummer follow the order the applications came in.
    ordered = list(_applications(demo).order_by("received_on", "reference"))
    assert [a.reference for a in ordered] == sorted(a.reference for a in ordered)


# Loading the demo takes seconds, so each test below checks several things of one demo.


def test_applications_at_every_stage_the_earlier_decisions_and_the_criteria(demo):
    _applications_at_every_stage(demo)
    _the_earlier_demo_decisions_are_kept(demo)
    _allocation_criteria_for_the_main_services(demo)
    _each_decision_went_through_the_criteria(demo)


def test_refusal_complaint_partial_grant_departure_and_preliminary_reply(demo):
    _a_refusal_complained_about_kept_forwarded_and_upheld(demo)
    _a_partial_grant_with_what_is_refused_and_a_complaint_to_review(demo)
    _one_decision_departs_from_like_cases_and_was_issued_with_the_reason(demo)
    _an_application_needs_a_preliminary_reply_and_one_has_had_it(demo)
    _the_dates_are_spread_over_the_past_months(demo)


def test_the_waiting_list_and_the_synthetic_applicants(demo):
    _the_waiting_list_for_long_term_places_is_ordered(demo)
    _applicants_are_synthetic_with_valid_test_numbers_and_seen_by_the_caseworker(demo)
