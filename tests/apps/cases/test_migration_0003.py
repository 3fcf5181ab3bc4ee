"""Migrations 0003–0004: decisions registered before applications were kept stay valid grants.

Every ServiceDecision made at migration 0002 is a grant (outcome «innvilget», the only kind
Losen kept then), keeps its fields, and the same decisions are running on every day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from losen.apps.cases.models import Outcome, ServiceDecision

BEFORE = ("cases", "0002_lock_version")
DAY = dt.timedelta(days=1)
TODAY = dt.date(2026, 6, 15)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _running(rows, on):
    return {
        row.pk
        for row in rows
        if row.status in ("fattet", "paklaget")
        and row.valid_from <= on
        and (row.valid_to is None or row.valid_to >= on)
    }


@pytest.mark.django_db(transaction=True)
def test_decisions_made_at_0002_are_grants_and_run_as_before():
    try:
        apps = _migrate([BEFORE])
        # Only the cases app is moved back; the other apps' tables are as they are now.
        from losen.apps.accounts.models import Municipality, Unit
        from losen.apps.persons.models import Person

        Decision = apps.get_model("cases", "ServiceDecision")
        municipality = Municipality.objects.create(number="4601", name="Migrasjonsvik")
        unit = Unit.objects.create(municipality=municipality, name="Hjemmetjenesten", kind="annet")
        person = Person.objects.create(
            municipality=municipality, given_name="Mig", family_name="Rasjon", birth_year=1944
        )
        rows = []
        for k, (status, start, end) in enumerate(
            [
                ("fattet", TODAY - 100 * DAY, None),
                ("fattet", TODAY - 100 * DAY, TODAY - DAY),
                ("fattet", TODAY + 10 * DAY, TODAY + 100 * DAY),
                ("paklaget", TODAY - 5 * DAY, TODAY + 5 * DAY),
                ("utkast", TODAY - 5 * DAY, None),
                ("omgjort", TODAY - 50 * DAY, None),
                ("avsluttet", TODAY - 50 * DAY, TODAY + 50 * DAY),
            ]
        ):
            rows.append(
                Decision.objects.create(
                    municipality_id=municipality.pk,
                    person_id=person.pk,
                    reference=f"2025/{k + 1}",
                    service="praktisk-bistand",
                    unit_id=unit.pk,
                    scope="3 timer per uke",
                    valid_from=start,
                    valid_to=end,
                    status=status,
                    facts="Fakta.",
                    reasons="Hensyn.",
                    lock_version=k,
                )
            )
        days = [TODAY + offset * DAY for offset in (-200, -60, -6, -1, 0, 4, 5, 6, 10, 60, 101)]
        before = {day: _running(rows, day) for day in days}
        assert any(before.values())

        _migrate(_leaves())
        migrated = ServiceDecision.objects.filter(municipality_id=municipality.pk)
        assert migrated.count() == len(rows)
        for decision in migrated:
            assert decision.outcome == Outcome.INNVILGET
            assert decision.application is None and decision.assessment is None
            assert decision.complaint_weeks == 4 and decision.like_cases == []
            assert decision.waiting_since is None and decision.served_from is None
            decision.full_clean(validate_unique=False)
        old = {row.pk: row for row in rows}
        for decision in migrated:
            row = old[decision.pk]
            assert (
                decision.reference,
                decision.status,
                decision.valid_from,
                decision.valid_to,
            ) == (
                row.reference,
                row.status,
                row.valid_from,
                row.valid_to,
            )
            assert decision.lock_version == row.lock_version
        for day in days:
            running = set(migrated.running(day).values_list("pk", flat=True))
            assert running == before[day], day
            assert {d.pk for d in migrated if d.is_running(day)} == before[day]
        assert not migrated.waiting().exists()
    finally:
        _migrate(_leaves())
