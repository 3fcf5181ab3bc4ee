"""Every choice of pathway is kept with its deviation note; a later choice never erases one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import services
from losen.apps.clinical.models import Assessment, PathwayChoice
from losen.apps.clinical.services import ClinicalError
from losen.domain.pathways import Deviation, deviation_problems, parse_input, suggest_pathway

from .conftest import assessment_post

pytestmark = pytest.mark.django_db

NOTE = "Personen har hatt tre tilbakefall siste år og trenger mer."


def _assessment(client, person) -> Assessment:
    client.post(
        reverse("clinical:assessment_new", kwargs={"external_id": person.external_id}),
        assessment_post(),
    )
    return Assessment.objects.get(person=person)


def test_every_choice_is_kept_and_shown_oldest_first(demo, client_for, person):
    client = client_for("kliniker")
    assessment = _assessment(client, person)
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    client.post(
        url,
        {
            "pathway": "3",
            "specialist": "none",
            "deviation_recommendation": "R5",
            "deviation_reason": NOTE,
        },
    )
    client.post(url, {"pathway": "1", "specialist": "none"})
    choices = list(PathwayChoice.objects.filter(assessment=assessment))
    assert [(c.pathway, c.deviation_recommendation, c.deviation_reason) for c in choices] == [
        (3, "R5", NOTE),
        (1, "", ""),
    ]
    assert all(c.chosen_by == demo["users"]["kliniker"] for c in choices)
    latest = Assessment.objects.get(pk=assessment.pk).latest_choice
    assert latest == choices[-1]
    assert (latest.pathway, latest.is_deviation) == (1, False)
    html = client.get(url).content.decode()
    assert "Valgt: hovedforløp 1." in html
    assert "Alle valg for denne kartleggingen" in html
    assert NOTE in html and "Følger forslaget" in html
    assert html.index(NOTE) < html.index("Følger forslaget")
    updates = AuditEntry.objects.filter(object_id=str(assessment.external_id), action="update")
    assert {e.details["choice"] for e in updates} == {str(c.external_id) for c in choices}


def test_a_refused_choice_leaves_no_history(demo, person):
    user = demo["users"]["kliniker"]
    assessment = services.record_assessment(
        actor=user,
        person=person,
        data=services.AssessmentInput(
            assessed_on=dt.date(2026, 11, 2),
            reason_for_contact="Oppdiktet.",
            life_areas={},
            goals="Sove bedre.",
            risks={"suicide": "none", "violence": "none", "overdose": "none"},
            risk_reasons={},
            pathway={
                "severity": "mild",
                "expected_duration": "short",
                "function_loss": "none",
                "trend": "stable",
                "newly_arisen": True,
                "first_contact": True,
            },
        ),
    )
    assert (assessment.suggested_pathway, assessment.suggested_specialist) == (1, "none")
    with pytest.raises(ClinicalError):
        services.choose_pathway(actor=user, assessment=assessment, pathway=4, specialist="none")
    with pytest.raises(ClinicalError):
        services.choose_pathway(actor=user, assessment=assessment, pathway=1, specialist="soon")
    assert not PathwayChoice.objects.filter(assessment=assessment).exists()


def test_demo_choices_are_kept_and_its_deviations_are_valid(demo):
    choices = PathwayChoice.objects.filter(municipality=demo["fjordvik"]).select_related(
        "assessment"
    )
    assert choices.count() == Assessment.objects.filter(municipality=demo["fjordvik"]).count()
    deviations = [c for c in choices if c.is_deviation]
    assert deviations
    for choice in deviations:
        suggestion = suggest_pathway(parse_input(choice.assessment.pathway_inputs))
        assert choice.pathway != suggestion.pathway
        note = Deviation(choice.deviation_recommendation, choice.deviation_reason)
        assert not deviation_problems(suggestion, choice.pathway, choice.specialist, note)


def test_the_person_page_shows_the_latest_choice(demo, client_for, person):
    client = client_for("kliniker")
    assessment = _assessment(client, person)
    page = reverse("persons:detail", kwargs={"external_id": person.external_id})
    assert "Ikke valgt ennå" in client.get(page).content.decode()
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    client.post(url, {"pathway": "1", "specialist": "none"})
    html = client.get(page).content.decode()
    assert "Hovedforløp 1" in html and "avviker fra forslaget" not in html
    client.post(
        url,
        {
            "pathway": "3",
            "specialist": "none",
            "deviation_recommendation": "R5",
            "deviation_reason": NOTE,
        },
    )
    html = client.get(page).content.decode()
    assert "Hovedforløp 3 – avviker fra forslaget, med begrunnelse" in html
    assert PathwayChoice.objects.filter(assessment=assessment).count() == 2


def test_the_latest_choice_is_the_latest_in_time_and_read_without_n_plus_1(
    demo, person, django_assert_num_queries
):
    user = demo["users"]["kliniker"]
    assessment = Assessment.objects.filter(municipality=demo["fjordvik"]).first()
    first = assessment.latest_choice
    later = first.chosen_at + dt.timedelta(minutes=5)
    # A row written later but chosen earlier does not take over; a later choice does.
    PathwayChoice.objects.create(
        municipality=assessment.municipality,
        assessment=assessment,
        chosen_by=user,
        chosen_at=first.chosen_at - dt.timedelta(days=1),
        pathway=3,
        specialist="refer",
    )
    newest = PathwayChoice.objects.create(
        municipality=assessment.municipality,
        assessment=assessment,
        chosen_by=user,
        chosen_at=later,
        pathway=first.pathway,
        specialist=first.specialist,
    )
    assert Assessment.objects.get(pk=assessment.pk).latest_choice == newest
    listed = Assessment.objects.filter(municipality=demo["fjordvik"])
    with django_assert_num_queries(2):
        latest = {a.pk: a.latest_choice for a in listed.with_latest_choice()}
    assert len(latest) == listed.count() > 1
    assert all(choice is not None for choice in latest.values())
    assert latest[assessment.pk] == newest
    with django_assert_num_queries(0):
        assert latest[assessment.pk].chosen_by == user
