"""Migration 0005: every existing notice gets the level its rule has now."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

migration = importlib.import_module("losen.apps.clinical.migrations.0005_notice_level")

BEFORE = ("clinical", "0004_lock_version")
AFTER = ("clinical", "0005_notice_level")


@pytest.mark.parametrize(
    ("code", "risks", "level"),
    [
        ("suicidal-ideation", None, "akutt"),
        ("probable-dependence", None, "snarlig"),
        ("recent-injury", None, "rutine"),
        ("risk-suicide", {"suicide": "acute"}, "akutt"),
        ("risk-suicide", {"suicide": "high"}, "snarlig"),
        ("risk-violence", {"violence": "acute"}, "akutt"),
        ("risk-overdose", None, "snarlig"),
        ("a-municipality-s-own-flag", None, "snarlig"),
    ],
)
def test_level_for(code, risks, level):
    assert migration.level_for(code, risks) == level


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_sets_each_notice_s_level():
    try:
        apps = _migrate(BEFORE)
        Municipality = apps.get_model("accounts", "Municipality")
        Person = apps.get_model("persons", "Person")
        Assessment = apps.get_model("clinical", "Assessment")
        SafetyNotice = apps.get_model("clinical", "SafetyNotice")
        municipality = Municipality.objects.create(number="4602", name="Nivåvik")
        person = Person.objects.create(
            municipality=municipality, given_name="Testa", family_name="Nivå", birth_year=1990
        )
        assessment = Assessment.objects.create(
            municipality=municipality,
            person=person,
            assessed_on=dt.date(2026, 10, 1),
            reason_for_contact="Oppdiktet.",
            goals="Sove bedre.",
            risk_suicide="acute",
            risk_violence="elevated",
            risk_overdose="none",
            suggested_pathway=1,
            suggested_specialist="none",
            table_version="test",
        )

        def notice(code, of=None):
            return SafetyNotice.objects.create(
                municipality=municipality, person=person, assessment=of, code=code, message="M"
            ).pk

        pks = {
            "risk-suicide": notice("risk-suicide", assessment),
            "risk-violence": notice("risk-violence", assessment),
            "suicidal-ideation": notice("suicidal-ideation"),
            "recent-injury": notice("recent-injury"),
        }
        apps = _migrate(AFTER)
        SafetyNotice = apps.get_model("clinical", "SafetyNotice")
        levels = {code: SafetyNotice.objects.get(pk=pk).level for code, pk in pks.items()}
        assert levels == {
            "risk-suicide": "akutt",
            "risk-violence": "snarlig",
            "suicidal-ideation": "akutt",
            "recent-injury": "rutine",
        }
        assert apps.get_model("clinical", "Assessment").objects.get().confirmation_reason == ""
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
