"""Services and selectors of the clinical app: what is stored, flagged, suggested and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import queries, services
from losen.apps.clinical.models import (
    Assessment,
    Intervention,
    Measurement,
    PathwayChoice,
    PlanItem,
)
from losen.apps.clinical.services import AssessmentInput, ClinicalError, InstrumentAnswers
from losen.domain.instruments import load_registry, score_answers
from losen.domain.pathways import parse_input, suggest_pathway

pytestmark = pytest.mark.django_db


def _input(**overrides) -> AssessmentInput:
    values = {
        "assessed_on": dt.date(2026, 11, 2),
        "reason_for_contact": "Oppdiktet.",
        "life_areas": {"housing": {"rating": "green", "note": ""}},
        "goals": "Sove bedre.",
        "risks": {"suicide": "none", "violence": "none", "overdose": "none"},
        "risk_reasons": {},
        "pathway": {
            "severity": "mild",
            "expected_duration": "short",
            "function_loss": "none",
            "trend": "stable",
            "psychosis": "none",
            "newly_arisen": True,
            "first_contact": True,
            "existing_specialist_follow_up": False,
        },
    }
    values.update(overrides)
    return AssessmentInput(**values)


def test_phq9_item_9_raises_a_suicide_notice_whatever_the_total(demo, person):
    """Item 9 at 1 with a total of 1 still raises the domain's flag and a notice, audited."""
    answers = (0, 0, 0, 0, 0, 0, 0, 0, 1)
    assessment = services.record_assessment(
        actor=demo["users"]["kliniker"],
        person=person,
        data=_input(
            instruments=(InstrumentAnswers("phq-9", answers),),
            confirmation_reason="Spurt direkte om selvmordstanker: ingen planer, god støtte.",
        ),
    )
    measurement = Measurement.objects.get(assessment=assessment)
    expected = score_answers(load_registry()["phq-9"], answers)
    assert (
        (measurement.total, measurement.band)
        == (expected.total, expected.band.code)
        == (
            1,
            "minimal",
        )
    )
    notices = list(person.safety_notices.all())
    assert [(n.code, n.item) for n in notices] == [("suicidal-ideation", 9)]
    assert notices[0].message == expected.flags[0].message
    entries = AuditEntry.objects.filter(object_id__in=[str(assessment.external_id)])
    assert entries.filter(action="create").count() == 1
    assert "suicidal-ideation" in entries.get().details["notices"]
    assert "Testa" not in str(entries.get().details)


def test_violence_risk_notice_names_the_joint_assessment_with_the_specialist_service(demo, person):
    services.record_assessment(
        actor=demo["users"]["kliniker"],
        person=person,
        data=_input(risks={"suicide": "none", "violence": "elevated", "overdose": "none"}),
    )
    notice = person.safety_notices.get()
    assert notice.code == "risk-violence"
    assert notice.recommendation == "R9"
    assert "spesialisthelsetjenesten" in notice.message and "sammen" in notice.message


def test_risk_cannot_be_skipped_silently(demo, person):
    """A missing risk, or "not assessed" without a reason, is refused; with a reason it is kept."""
    risks = {"suicide": "none", "violence": "not-assessed", "overdose": "none"}
    with pytest.raises(ClinicalError, match=r"risk\.violence"):
        services.record_assessment(
            actor=demo["users"]["kliniker"], person=person, data=_input(risks=risks)
        )
    with pytest.raises(ClinicalError, match=r"risk\.overdose"):
        services.record_assessment(
            actor=demo["users"]["kliniker"],
            person=person,
            data=_input(risks={"suicide": "none", "violence": "none"}),
        )
    assert not Assessment.objects.filter(person=person).exists()
    services.record_assessment(
        actor=demo["users"]["kliniker"],
        person=person,
        data=_input(risks=risks, risk_reasons={"violence": "Personen ville ikke snakke om det."}),
    )
    summary = queries.person_summary(person, dt.date(2026, 11, 2))
    assert summary.risks_not_assessed == [("violence", "Personen ville ikke snakke om det.")]


def test_suggestion_is_the_domain_table_and_is_kept_with_its_version(demo, person):
    data = _input(
        pathway={
            **_input().pathway,
            "severity": "severe",
            "expected_duration": "long",
            "first_contact": False,
        }
    )
    assessment = services.record_assessment(
        actor=demo["users"]["kliniker"], person=person, data=data
    )
    expected = suggest_pathway(parse_input(services.table_inputs(data)))
    assert assessment.suggested_pathway == expected.pathway == 3
    assert assessment.suggested_specialist == expected.specialist
    assert assessment.table_version == expected.table_version
    assert [r["rule"] for r in assessment.suggestion["reasons"]] == [
        r.rule for r in expected.reasons
    ]


def test_deviation_needs_a_note_naming_a_recommendation(demo, person):
    """Less intensive than the suggestion: a note naming one of its recommendations."""
    user = demo["users"]["kliniker"]
    pathway = {**_input().pathway, "severity": "severe"}
    assessment = services.record_assessment(actor=user, person=person, data=_input(pathway=pathway))
    assert (assessment.suggested_pathway, assessment.suggested_specialist) == (2, "refer")
    with pytest.raises(ClinicalError, match="avviksnotat"):
        services.choose_pathway(actor=user, assessment=assessment, pathway=1, specialist="none")
    with pytest.raises(ClinicalError, match=r"deviation\.recommendation"):
        services.choose_pathway(
            actor=user,
            assessment=assessment,
            pathway=1,
            specialist="none",
            deviation_recommendation="R9",
            deviation_reason="Personen har hatt tre tilbakefall siste år.",
        )
    services.choose_pathway(
        actor=user,
        assessment=assessment,
        pathway=1,
        specialist="none",
        deviation_recommendation="R6",
        deviation_reason="Personen takker nei til henvisning nå; ny vurdering om to uker.",
    )
    choice = Assessment.objects.get(pk=assessment.pk).latest_choice
    assert (choice.pathway, choice.deviation_recommendation) == (1, "R6")
    assert choice.is_deviation and choice.chosen_by == user
    assert PathwayChoice.objects.filter(assessment=assessment).count() == 1
    entry = AuditEntry.objects.filter(object_id=str(assessment.external_id), action="update").get()
    assert (entry.details["deviation"], entry.details["note"]) == (True, "required")


def test_a_more_intensive_choice_may_carry_a_reason_without_a_recommendation(demo, person):
    user = demo["users"]["kliniker"]
    assessment = services.record_assessment(actor=user, person=person, data=_input())
    assert (assessment.suggested_pathway, assessment.suggested_specialist) == (1, "none")
    services.choose_pathway(actor=user, assessment=assessment, pathway=2, specialist="none")
    assert assessment.latest_choice.deviation_reason == ""
    services.choose_pathway(
        actor=user,
        assessment=assessment,
        pathway=2,
        specialist="consult",
        deviation_reason="Tidligere forløp tilsier tettere oppfølging.",
    )
    choice = assessment.latest_choice
    assert (choice.deviation_recommendation, choice.has_note, choice.is_deviation) == (
        "",
        True,
        False,
    )


def test_choosing_the_suggestion_needs_no_note(demo, person):
    user = demo["users"]["kliniker"]
    assessment = services.record_assessment(actor=user, person=person, data=_input())
    services.choose_pathway(actor=user, assessment=assessment, pathway=1, specialist="none")
    choice = Assessment.objects.get(pk=assessment.pk).latest_choice
    assert choice.pathway == 1 and not choice.is_deviation
    assert (choice.deviation_recommendation, choice.deviation_reason) == ("", "")


def test_notice_is_acknowledged_only_with_a_reason(demo, person):
    user = demo["users"]["kliniker"]
    services.record_assessment(
        actor=user,
        person=person,
        data=_input(risks={"suicide": "high", "violence": "none", "overdose": "none"}),
    )
    notice = person.safety_notices.get()
    with pytest.raises(ClinicalError):
        services.acknowledge_notice(actor=user, notice=notice, reason="  ")
    services.acknowledge_notice(actor=user, notice=notice, reason="Vurdert samme dag med lege.")
    assert queries.person_summary(person, dt.date(2026, 11, 2)).open_notices == []


def _measure(user, person, totals_by_day, instrument="phq-9"):
    definition = load_registry()[instrument]
    for day, total in totals_by_day:
        answers = [0] * len(definition.items)
        for index in range(total):
            answers[index % (len(answers) - 1)] += 1
        services.record_measurement(
            actor=user,
            person=person,
            answers=InstrumentAnswers(instrument, tuple(answers)),
            taken_on=day,
        )


def test_step_up_without_reliable_improvement_and_down_when_recovered(demo, person):
    """Mixed care: two items at once; the step comes from the domain's reliable-change rule."""
    user = demo["users"]["kliniker"]
    start = dt.date(2026, 9, 1)
    for code in ("rph", "digital"):
        services.add_plan_item(
            actor=user,
            person=person,
            intervention=Intervention.objects.get(municipality=person.municipality, code=code),
            started_on=start,
        )
    assert PlanItem.objects.filter(person=person, ended_on__isnull=True).count() == 2
    _measure(user, person, [(start, 14), (start + dt.timedelta(days=50), 12)])
    step = queries.step_for(person, start + dt.timedelta(days=50))
    assert step.direction == "up"
    _measure(user, person, [(start + dt.timedelta(days=60), 6)])
    assert queries.step_for(person, start + dt.timedelta(days=60)).direction == "down"


def test_outcomes_per_intervention_suppress_small_groups(demo):
    """In the demo, the peer offer has fewer than five episodes and is hidden."""
    rows = {
        row.outcomes.intervention: row.outcomes
        for row in queries.outcomes_for(demo["fjordvik"], timezone.localdate())
    }
    assert rows["likeperson"].suppressed and rows["likeperson"].episodes is None
    shown = [r for r in rows.values() if not r.suppressed]
    assert shown and all(r.episodes >= 5 for r in shown)
    assert any(r.improved and r.improved > 0 for r in shown)
    assert any(r.deteriorated and r.deteriorated > 0 for r in shown)


def test_demo_has_forty_persons_across_the_three_pathways(demo):
    assessments = Assessment.objects.filter(municipality=demo["fjordvik"])
    assert assessments.count() == 40
    assert set(assessments.values_list("suggested_pathway", flat=True)) == {1, 2, 3}
    assert all(a.person.is_synthetic for a in assessments.select_related("person"))
    kliniker = demo["users"]["kliniker"]
    assert all(a.person.care_relations.filter(user=kliniker).exists() for a in assessments)
    per_person = Measurement.objects.filter(person=assessments[0].person).count()
    assert per_person >= 5


def test_instrument_answers_outside_the_item_scores_are_refused(demo, person):
    from losen.domain.instruments import AnswerError

    with pytest.raises(AnswerError):
        services.record_measurement(
            actor=demo["users"]["kliniker"],
            person=person,
            answers=InstrumentAnswers("audit", (0,) * 8 + (1, 0)),
            taken_on=dt.date(2026, 11, 2),
        )
    assert not Measurement.objects.filter(person=person).exists()
