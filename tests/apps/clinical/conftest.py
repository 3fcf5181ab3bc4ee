"""Helpers for the clinical tests: a valid assessment form, a person of the demo clinician."""

from __future__ import annotations

import datetime as dt

import pytest

from losen.apps.persons.models import CareRelation, Person

#: When the test persons first came into contact with the service: before every date the
#: tests record (a measurement before a person's first contact is refused).
FIRST_CONTACT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def assessment_post(**overrides) -> dict[str, str]:
    """A complete assessment form as the browser posts it (PHQ-9 all zero, no risks)."""
    data = {
        "assessed_on": "2026-11-02",
        "reason_for_contact": "Oppdiktet: søvnvansker og nedstemthet.",
        "goals": "Sove bedre og komme tilbake i jobb.",
        "risk_suicide": "none",
        "risk_violence": "none",
        "risk_overdose": "none",
        "severity": "mild",
        "expected_duration": "short",
        "function_loss": "none",
        "trend": "stable",
        "psychosis": "none",
        "newly_arisen": "yes",
        "first_contact": "yes",
        "existing_specialist_follow_up": "no",
        "area_housing": "green",
        "area_work": "yellow",
        "area_work_note": "Sykmeldt.",
    }
    data.update({f"phq-9__{n}": "0" for n in range(1, 10)})
    data.update(overrides)
    return data


@pytest.fixture
def person(demo):
    """A new Fjordvik person with a care relation to the demo clinician only."""
    person = Person.objects.create(
        municipality=demo["fjordvik"],
        given_name="Testa",
        family_name="Klinikkdemo",
        birth_year=1990,
        is_synthetic=True,
    )
    CareRelation.objects.create(
        person=person, user=demo["users"]["kliniker"], valid_from=FIRST_CONTACT
    )
    Person.objects.filter(pk=person.pk).update(created_at=FIRST_CONTACT)
    person.refresh_from_db()
    return person
