"""Every write of the guidance module: validated, audited, and the close rule enforced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from losen.apps.accounts.models import Municipality, User
from losen.apps.audit.models import AuditEntry
from losen.apps.guidance import selectors, services
from losen.apps.guidance.models import ImprovementAction, LocalGuideline, SelfAssessment
from losen.domain.errors import InputError
from losen.domain.guidance.assessment import NO_ALTERNATIVE, UNANSWERED

pytestmark = pytest.mark.django_db

LOCAL = """{
  "format": "losen-guidance/1", "id": "lokal-fjordvik", "kind": "guideline",
  "title": "Fjordviks egne mål", "publisher": "Fjordvik kommune",
  "url": "https://fjordvik.kommune.no/plan", "version": "2026-01-15",
  "recommendations": [{"id": "FJ-1", "title": "Svar innen to dager", "strength": "skal",
    "audience": "Psykisk helse og rus", "chapter": "Tilgjengelighet",
    "url": "https://fjordvik.kommune.no/plan", "version_date": "2026-01-15",
    "check_points": [{"id": "FJ-1-1", "text": "Alle får svar innen to virkedager."},
                     {"id": "FJ-1-2", "text": "Svarfristen måles hver måned."}]}]
}"""


@pytest.fixture
def world(db):
    municipality = Municipality.objects.create(number="4601", name="Testvik")
    leader = User.objects.create_user("testleder")
    return municipality, leader


def _audits(target) -> int:
    return AuditEntry.objects.filter(object_id=str(target.external_id)).count()


def test_a_local_guideline_is_imported_and_assessed(world):
    municipality, leader = world
    local = services.import_local_guideline(
        actor=leader, municipality=municipality, data=LOCAL, source="lokal.json"
    )
    assert _audits(local) == 1
    assert [g.id for g in selectors.available_guidelines(municipality)][-1] == "lokal-fjordvik"
    assessment = services.start_assessment(
        actor=leader, municipality=municipality, guideline_id="lokal-fjordvik", title="Lokal"
    )
    assert [p.point_id for p in assessment.points.order_by("position")] == ["FJ-1-1", "FJ-1-2"]


def test_a_broken_local_file_is_refused_and_nothing_stored(world):
    municipality, leader = world
    with pytest.raises(InputError) as caught:
        services.import_local_guideline(
            actor=leader,
            municipality=municipality,
            data=LOCAL.replace('"skal"', '"må"'),
            source="lokal.json",
        )
    assert caught.value.lines() == [
        "lokal.json: recommendations[0].strength: skal være «skal», «bør» eller «kan» (linje 5)"
    ]
    assert not LocalGuideline.objects.exists()


def test_close_lists_every_missing_point_then_closes_when_documented(world):
    municipality, leader = world
    services.import_local_guideline(
        actor=leader, municipality=municipality, data=LOCAL, source="l.json"
    )
    assessment = services.start_assessment(
        actor=leader, municipality=municipality, guideline_id="lokal-fjordvik", title="Lokal"
    )
    first, second = assessment.points.order_by("position")
    services.record_point(
        actor=leader, point=first, status="ikke-oppfylt", evidence="Tre dager i snitt"
    )
    with pytest.raises(services.NotClosable) as refused:
        services.close_assessment(actor=leader, assessment=assessment)
    assert [(g.point_id, g.reason, g.level) for g in refused.value.gaps] == [
        ("FJ-1-1", NO_ALTERNATIVE, "strong"),
        ("FJ-1-2", UNANSWERED, "strong"),
    ]
    first.refresh_from_db()
    services.record_point(
        actor=leader,
        point=first,
        status="ikke-oppfylt",
        alternative="Sms-svar samme dag",
        reason_group="kapasitet",
    )
    services.record_point(actor=leader, point=second, status="oppfylt")
    services.close_assessment(actor=leader, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.is_closed and assessment.closed_by == leader
    with pytest.raises(services.AssessmentClosed):
        services.record_point(actor=leader, point=second, status="delvis")
    # the register counts the documented deviation, with its strength and group
    register = selectors.deviations_register(municipality)
    assert [(r.recommendation_id, r.total, r.by_reason) for r in register.skal] == [
        ("FJ-1", 1, {"kapasitet": 1})
    ]


def test_record_point_refuses_bad_input_and_keeps_alternative_only_where_needed(world):
    municipality, leader = world
    assessment = services.start_assessment(
        actor=leader, municipality=municipality, guideline_id="psykisk-helse-rus", title="A"
    )
    point = assessment.points.get(point_id="R1-1")
    with pytest.raises(InputError) as caught:
        services.record_point(actor=leader, point=point, status="kanskje", links="ikke en lenke")
    assert {p.path for p in caught.value.problems} == {"status", "links"}
    services.record_point(actor=leader, point=point, status="oppfylt", alternative="unødig")
    point.refresh_from_db()
    assert point.alternative == "" and point.assessed_by == leader and point.assessed_at
    assert _audits(point) == 1


def test_the_next_assessment_compares_with_the_last_closed(world):
    municipality, leader = world
    services.import_local_guideline(
        actor=leader, municipality=municipality, data=LOCAL, source="l.json"
    )
    first = services.start_assessment(
        actor=leader, municipality=municipality, guideline_id="lokal-fjordvik", title="1"
    )
    for point in first.points.all():
        services.record_point(actor=leader, point=point, status="delvis", alternative="x")
    services.close_assessment(actor=leader, assessment=first)
    second = services.start_assessment(
        actor=leader, municipality=municipality, guideline_id="lokal-fjordvik", title="2"
    )
    assert second.previous == first
    services.record_point(
        actor=leader, point=second.points.get(point_id="FJ-1-1"), status="oppfylt"
    )
    overview = selectors.assessment_overview(second)
    assert [(c.point_id, c.direction) for c in overview.moved] == [("FJ-1-1", "better")]


def test_actions_follow_the_cycle_and_show_when_overdue(world):
    municipality, leader = world
    assessment = services.start_assessment(
        actor=leader, municipality=municipality, guideline_id="psykisk-helse-rus", title="A"
    )
    point = assessment.points.get(point_id="R9-1")
    with pytest.raises(InputError):
        services.create_action(actor=leader, point=point, title="", owner="", deadline=None)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    action = services.create_action(
        actor=leader, point=point, title="Innfør V-RISK-10", owner="Enhetsleder", deadline=yesterday
    )
    assert action.recommendation_id == "R9" and action.status == "plan"
    assert selectors.overdue_actions(municipality) == [action]
    with pytest.raises(InputError):
        services.move_action(actor=leader, action=action, status="done")
    for step in ("do", "evaluate", "correct", "do", "evaluate", "done"):
        services.move_action(actor=leader, action=action, status=step, note=f"steg {step}")
    assert ImprovementAction.objects.get(pk=action.pk).status == "done"
    assert selectors.overdue_actions(municipality) == []
    assert _audits(action) == 7


def test_start_refuses_an_unknown_guideline_and_a_foreign_unit(world):
    municipality, leader = world
    other = Municipality.objects.create(number="4602", name="Annenvik")
    unit = other.units.create(name="Annen enhet", kind="annet")
    with pytest.raises(InputError) as caught:
        services.start_assessment(
            actor=leader,
            municipality=municipality,
            guideline_id="finnes-ikke",
            unit=unit,
            title="x",
        )
    assert {p.path for p in caught.value.problems} == {"guideline", "unit"}
    assert not SelfAssessment.objects.exists()
