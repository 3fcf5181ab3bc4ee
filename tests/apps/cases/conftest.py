"""Small worlds for the cases tests: two municipalities with units, persons and users.

Model, selector, service and access tests build only what they need (no demo), so that the
property test can run many examples; the view tests use the demo.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from losen.apps.accounts.models import Membership, Municipality, Unit, UnitKind, User
from losen.apps.cases.models import DecisionStatus, ServiceDecision, ServiceKind
from losen.apps.persons.models import CareRelation, Person

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def world(db):
    """Fjordvik-like and Nabovik-like municipalities, each with units, a person and users."""
    home = Municipality.objects.create(number="4699", name="Testvik kommune")
    other = Municipality.objects.create(number="4698", name="Andrevik kommune")
    day = Unit.objects.create(municipality=home, name="Dagtilbud", kind=UnitKind.BOLIG)
    care = Unit.objects.create(
        municipality=home, name="Hjemmetjenesten", kind=UnitKind.HJEMMETJENESTER
    )
    other_unit = Unit.objects.create(municipality=other, name="Dagtilbud", kind=UnitKind.BOLIG)
    person = Person.objects.create(
        municipality=home, given_name="Testa", family_name="Vedtaksdemo", birth_year=1950
    )
    other_person = Person.objects.create(
        municipality=other, given_name="Demo", family_name="Nabodemo", birth_year=1951
    )
    users = {}
    for username, municipality, role in (
        ("saksbehandler", home, "saksbehandler"),
        ("kliniker", home, "kliniker"),
        ("leder", home, "leder"),
        ("admin", home, "admin"),
        ("analytiker", home, "analytiker"),
        ("nabo", other, "saksbehandler"),
    ):
        user = User.objects.create_user(username, password="x")
        Membership.objects.create(user=user, municipality=municipality, role=role)
        users[username] = user
    CareRelation.objects.create(person=person, user=users["saksbehandler"])
    return SimpleNamespace(
        home=home,
        other=other,
        day=day,
        care=care,
        other_unit=other_unit,
        person=person,
        other_person=other_person,
        users=users,
    )


@pytest.fixture
def request_for(world):
    """A request as the middleware leaves it, for a user of *world*."""

    def make(username: str, municipality=None):
        user = world.users[username]
        request = RequestFactory().get("/")
        request.user = user
        memberships = Membership.objects.filter(user=user)
        request.municipality = municipality or memberships.first().municipality
        request.roles = frozenset(
            memberships.filter(municipality=request.municipality).values_list("role", flat=True)
        )
        return request

    return make


def make_decision(world, *, reference="2026/1", unit=None, person=None, **fields):
    """A decision row straight in the database (no service, no audit)."""
    values = {
        "municipality": world.home,
        "person": person or world.person,
        "reference": reference,
        "service": ServiceKind.DAGAKTIVITETSTILBUD,
        "unit": unit or world.day,
        "scope": "2 dager per uke",
        "valid_from": TODAY - dt.timedelta(days=30),
        "status": DecisionStatus.FATTET,
        **fields,
    }
    return ServiceDecision.objects.create(**values)
