"""Which decisions are running, the database's own checks, and the running-decisions selector."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losen.apps.cases.models import (
    RUNNING_STATUSES,
    DecisionStatus,
    ServiceDecision,
    ServiceKind,
)
from losen.apps.cases.selectors import running_decisions

from .conftest import TODAY, make_decision

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "valid_from", "valid_to", "running"),
    [
        (DecisionStatus.FATTET, TODAY, None, True),
        (DecisionStatus.PAKLAGET, TODAY - DAY, TODAY, True),
        (DecisionStatus.FATTET, TODAY + DAY, None, False),  # not started
        (DecisionStatus.FATTET, TODAY - 10 * DAY, TODAY - DAY, False),  # run out
        (DecisionStatus.UTKAST, TODAY - DAY, None, False),
        (DecisionStatus.OMGJORT, TODAY - DAY, None, False),
        (DecisionStatus.AVSLUTTET, TODAY - DAY, None, False),
    ],
)
def test_running_by_status_and_dates(world, status, valid_from, valid_to, running):
    decision = make_decision(world, status=status, valid_from=valid_from, valid_to=valid_to)
    assert ServiceDecision.objects.running(TODAY).filter(pk=decision.pk).exists() is running
    assert decision.is_running(TODAY) is running


def test_running_defaults_to_today(world):
    decision = make_decision(world, valid_from=timezone.localdate() - DAY)
    assert decision in ServiceDecision.objects.running()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(DecisionStatus.values),
    start=st.integers(-40, 40),
    length=st.one_of(st.none(), st.integers(0, 60)),
    day=st.integers(-60, 60),
)
def test_running_property(world, status, start, length, day):
    """Running on d iff the status is running and valid_from <= d <= valid_to (or open)."""
    valid_from = TODAY + start * DAY
    valid_to = None if length is None else valid_from + length * DAY
    on = TODAY + day * DAY
    expected = (
        status in RUNNING_STATUSES and valid_from <= on and (valid_to is None or on <= valid_to)
    )
    with transaction.atomic():
        decision = make_decision(
            world, reference="P/1", status=status, valid_from=valid_from, valid_to=valid_to
        )
        found = ServiceDecision.objects.running(on).filter(pk=decision.pk).exists()
        in_selector = decision in running_decisions(world.home, unit=world.day, on=on)
        transaction.set_rollback(True)
    assert found is expected
    assert in_selector is expected
    assert decision.is_running(on) is expected


def test_valid_to_before_valid_from_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_decision(world, valid_from=TODAY, valid_to=TODAY - DAY)
    make_decision(world, reference="2026/2", valid_from=TODAY, valid_to=TODAY)


def test_reference_is_unique_per_municipality(world):
    make_decision(world, reference="2026/7")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_decision(world, reference="2026/7")
    make_decision(
        world,
        reference="2026/7",
        municipality=world.other,
        person=world.other_person,
        unit=world.other_unit,
    )


def test_running_decisions_filters_unit_and_service_and_orders_by_reference(world):
    b = make_decision(world, reference="2026/20")
    a = make_decision(world, reference="2026/10")
    make_decision(world, reference="2026/30", unit=world.care)
    home = make_decision(world, reference="2026/40", service=ServiceKind.HELSETJENESTER_I_HJEMMET)
    make_decision(world, reference="2026/50", status=DecisionStatus.UTKAST)
    make_decision(
        world,
        reference="2026/60",
        municipality=world.other,
        person=world.other_person,
        unit=world.other_unit,
    )
    assert list(running_decisions(world.home, unit=world.day, on=TODAY)) == [a, b, home]
    assert list(
        running_decisions(
            world.home, unit=world.day, service=ServiceKind.DAGAKTIVITETSTILBUD, on=TODAY
        )
    ) == [a, b]
    # A unit of another municipality finds nothing in this one.
    assert list(running_decisions(world.home, unit=world.other_unit, on=TODAY)) == []


def test_service_codes_are_lowercase_slugs():
    for code in ServiceKind.values:
        assert code == code.lower() and " " not in code and "_" not in code
    assert {"dagaktivitetstilbud", "helsetjenester-i-hjemmet", "praktisk-bistand"} <= set(
        ServiceKind.values
    )
    assert set(DecisionStatus.values) == {"utkast", "fattet", "paklaget", "omgjort", "avsluttet"}
