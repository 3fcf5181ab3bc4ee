"""Helpers for the interop tests: persons with a (synthetic, valid) fødselsnummer or D-nummer."""

from __future__ import annotations

import datetime as dt

import pytest

from losen.apps.persons.models import CareRelation, Person

FIRST_CONTACT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def national_id(day: int, month: int, year: int, individual: int, *, d_number=False) -> str:
    """A valid 11-digit number (the two check digits of the Norwegian scheme)."""
    base = f"{day + (40 if d_number else 0):02d}{month:02d}{year % 100:02d}{individual:03d}"
    digits = [int(c) for c in base]
    k1 = 11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        raise ValueError("no valid number with this individual number")
    digits.append(k1)
    k2 = 11 - sum(w * d for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        raise ValueError("no valid number with this individual number")
    return base + f"{k1}{k2}"


def valid_number(*, d_number=False, start=400) -> str:
    for individual in range(start, start + 100):
        try:
            return national_id(12, 3, 1985, individual, d_number=d_number)
        except ValueError:
            continue
    raise AssertionError("no number found")


def make_person(demo, *, national: str, clinician: str = "kliniker") -> Person:
    person = Person.objects.create(
        municipality=demo["fjordvik"],
        given_name="Testa",
        family_name="Samhandlingsdemo",
        birth_year=1985,
        national_id=national,
        is_synthetic=True,
    )
    CareRelation.objects.create(
        person=person, user=demo["users"][clinician], valid_from=FIRST_CONTACT
    )
    Person.objects.filter(pk=person.pk).update(created_at=FIRST_CONTACT)
    person.refresh_from_db()
    return person


@pytest.fixture
def person(demo):
    """A Fjordvik person with a fødselsnummer, in the care of the demo clinician only."""
    return make_person(demo, national=valid_number())
