"""Reads: the work list, the waiting list in order, like cases, processing times, the audit
report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from losen.apps.accounts.models import User
from losen.apps.cases import selectors, services
from losen.apps.cases.models import Application, ServiceDecision
from losen.apps.persons.models import Person

from .casework import application, assess, combined, draft, issued, settings, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _codes(items):
    return [(item.state.code if item.state else None) for item in items]


def test_the_work_list_has_every_kind_of_task(world):
    actor = world.users["saksbehandler"]
    settings(world, decision_within_days=28)
    fresh = application(world, received_on=today())
    old = application(world, received_on=today() - 35 * DAY)
    soon = application(world, received_on=today() - 26 * DAY)
    replied = application(world, received_on=today() - 40 * DAY)
    services.send_preliminary_reply(
        actor=actor, application=replied, reason="Venter.", expected_decision_on=today() + 30 * DAY
    )
    applied = soon.services.get()
    assess(world, applied)
    a_draft = draft(world, applied)
    decision = issued(world, review_on=today() + 10 * DAY)
    complaint = services.register_complaint(
        actor=actor, decision=decision, received_on=today(), from_whom="Parten", summary="For lite."
    )
    other = issued(world, service="stottekontakt")
    kept = services.register_complaint(
        actor=actor, decision=other, received_on=today(), from_whom="Parten", summary="x"
    )
    services.review_complaint(
        actor=actor, complaint=kept, outcome="opprettholdt", reasons="x", reviewed_on=today()
    )
    result = selectors.work_list(world.home, actor, today())
    assert [item.target for item in result.new_applications] == [replied, old, fresh]
    # soon (26 days) is under_behandling now; old and replied are 35-40 days old.
    assert [item.target for item in result.preliminary_replies] == [old, soon]
    assert _codes(result.preliminary_replies) == ["deadline.passed", "deadline.coming_up"]
    assert result.preliminary_replies[0].is_overdue
    assert [item.target for item in result.decisions_due] == [old, soon]
    assert [item.target for item in result.drafts] == [a_draft]
    assert [item.target for item in result.complaints_to_review] == [complaint]
    assert [item.target for item in result.complaints_to_forward] == [kept]
    assert [item.target for item in result.reevaluations] == [decision]
    assert result.count == sum(len(items) for _name, items in result.sections())


def test_the_work_list_is_the_users_unless_everyone(world):
    other = User.objects.create_user("annen", password="x")
    application(world, received_on=today())
    assert selectors.work_list(world.home, other, today()).new_applications == []
    unassigned = application(world, received_on=today())
    Application.objects.filter(pk=unassigned.pk).update(caseworker=None)
    assert [i.target for i in selectors.work_list(world.home, other, today()).new_applications] == [
        unassigned
    ]
    assert len(selectors.work_list(world.home, other, today(), everyone=True).new_applications) == 2
    assert selectors.work_list(world.other, other, today(), everyone=True).count == 0


def _long_term(world, *, urgency, alvorlighet, days_ago):
    person = Person.objects.create(
        municipality=world.home, given_name="V", family_name="Venter", birth_year=1930
    )
    settings(world)
    app = application(world, services_=[("langtidsopphold", "")], person=person)
    applied = app.services.get()
    assess(world, applied, urgency=urgency, combined=combined(alvorlighet=alvorlighet))
    decision = draft(world, applied, valid_from=None)
    services.issue_decision(actor=world.users["saksbehandler"], decision=decision)
    ServiceDecision.objects.filter(pk=decision.pk).update(
        waiting_since=today() - days_ago * DAY, decided_at=today() - days_ago * DAY
    )
    return decision


def test_the_waiting_list_is_ordered_by_urgency_severity_and_wait(world):
    planned_long = _long_term(world, urgency="kan-planlegges", alvorlighet="stor", days_ago=90)
    weeks_grave = _long_term(world, urgency="innen-uker", alvorlighet="svært stor", days_ago=5)
    weeks_less = _long_term(world, urgency="innen-uker", alvorlighet="moderat", days_ago=60)
    acute = _long_term(world, urgency="akutt", alvorlighet="liten", days_ago=1)
    places = selectors.waiting_list(world.home, "langtidsopphold", today())
    assert [p.decision for p in places] == [acute, weeks_grave, weeks_less, planned_long]
    assert [p.place for p in places] == [1, 2, 3, 4]
    assert places[3].days_waited == 90 and places[3].urgency == "kan planlegges"
    assert places[1].severity == "svært stor"
    assert places[1].reasons[1].code == "waiting.after.urgency"
    assert places[2].reasons[1].code == "waiting.after.severity"
    services.give_place(actor=world.users["saksbehandler"], decision=acute, served_from=today())
    assert [p.decision for p in selectors.waiting_list(world.home, "langtidsopphold")] == [
        weeks_grave,
        weeks_less,
        planned_long,
    ]
    assert selectors.waiting_list(world.home, "praktisk-bistand") == []


def test_like_cases_reads_the_stored_comparison_in_the_same_municipality(world):
    earlier = [
        issued(
            world,
            person=Person.objects.create(
                municipality=world.home, given_name=f"L{k}", family_name="Lik", birth_year=1940
            ),
            hours_per_week=Decimal(3),
        )
        for k in range(2)
    ]
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied)
    found = selectors.like_cases(decision)
    assert {d for d, _distance in found} == set(earlier)
    assert all(distance == 0 for _d, distance in found)
    decision.like_cases = [{"decision": "00000000-0000-0000-0000-000000000000", "distance": 0}]
    assert selectors.like_cases(decision) == []


def test_processing_times_and_the_audit_report(world):
    actor = world.users["saksbehandler"]
    quick = issued(world)
    slow = issued(world, service="stottekontakt", outcome="avslag", scope="", review_on=None)
    Application.objects.filter(pk=slow.application_id).update(
        received_on=today() - 40 * DAY, expected_decision_on=today() - 12 * DAY
    )
    Application.objects.filter(pk=quick.application_id).update(received_on=today() - 10 * DAY)
    late = application(world, received_on=today() - 45 * DAY)
    period = (today() - 30 * DAY, today())
    times = selectors.processing_times(world.home, period=period)
    assert times.count == 2
    assert times.longest_days == 40 and times.median_days == 25
    assert times.within_expected == 1
    assert (times.over_one_month, times.over_one_month_with_reply) == (1, 0)
    assert times.by_service == {"praktisk-bistand": 1, "stottekontakt": 1}
    assert selectors.processing_times(world.home, "stottekontakt", period).count == 1
    complaint = services.register_complaint(
        actor=actor, decision=quick, received_on=today(), from_whom="Parten", summary="x"
    )
    services.review_complaint(
        actor=actor, complaint=complaint, outcome="opprettholdt", reasons="x", reviewed_on=today()
    )
    services.forward_complaint(actor=actor, complaint=complaint, forwarded_on=today())
    report = selectors.audit_report(world.home, period)
    assert report.decisions_by_outcome == {"innvilget": 1, "avslag": 1}
    assert report.decisions_by_service["stottekontakt"] == {"avslag": 1}
    assert report.applications_received == 1  # the other two came in before the period
    assert report.open_without_reply == 1 and late.preliminary_reply_on is None
    assert (report.complaints_received, report.complaints_late) == (1, 0)
    assert report.complaints_by_review == {"opprettholdt": 1}
    assert report.complaints_forwarded == 1 and report.complaints_by_authority == {}
    assert report.waiting_now == {} and report.long_term_regulation is False
    assert report.processing.count == 2
    wide = selectors.audit_report(world.home, (today() - 60 * DAY, today()))
    assert wide.applications_received == 3


def test_like_cases_report_gives_shares_per_service_and_caseworker_and_outcomes_by_month(world):
    kept = issued(world)
    departed = issued(world, service="stottekontakt", outcome="avslag", scope="", review_on=None)
    ServiceDecision.objects.filter(pk=departed.pk).update(
        like_case_departure=[{"code": "similarity.outcome_differs", "params": {}}],
        like_case_reason="Særlige forhold.",
    )
    other = issued(world)
    earlier = today().replace(day=1) - DAY  # the last day of the month before
    ServiceDecision.objects.filter(pk=other.pk).update(decided_at=earlier)
    report = selectors.like_cases_report(world.home, (earlier - DAY, today()))
    by_service = {row.label: (row.flagged, row.total) for row in report.by_service}
    assert by_service == {"Praktisk bistand": (0, 2), "Støttekontakt": (1, 1)}
    worker = world.users["saksbehandler"].display_name
    assert [(r.label, r.flagged, r.total) for r in report.by_caseworker] == [(worker, 1, 3)]
    assert report.by_caseworker[0].share == pytest.approx(1 / 3)
    months = dict(report.outcomes_by_month["praktisk-bistand"])
    assert months[earlier.strftime("%Y-%m")] == {"innvilget": 1}
    assert months[today().strftime("%Y-%m")] == {"innvilget": 1}
    assert report.outcomes_by_month["stottekontakt"] == [(today().strftime("%Y-%m"), {"avslag": 1})]
    assert kept.decided_by_id == world.users["saksbehandler"].pk
