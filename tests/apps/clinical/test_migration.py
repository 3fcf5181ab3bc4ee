"""Migration 0003: the assessment's copy of its choice goes, and no copied choice is lost."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

migration = importlib.import_module("losen.apps.clinical.migrations.0003_pathway_choice_only")

BEFORE = ("clinical", "0002_pathway_choice")
AFTER = ("clinical", "0003_pathway_choice_only")
T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
NOTE = "Personen har hatt tre tilbakefall siste år."


def _copy(pk, pathway=None, specialist="", rec="", reason="", at=None):
    return {
        "id": pk,
        "municipality_id": 7,
        "created_at": T0,
        "chosen_pathway": pathway,
        "chosen_specialist": specialist,
        "deviation_recommendation": rec,
        "deviation_reason": reason,
        "chosen_at": at,
    }


def _choice(pk, pathway, specialist="none", rec="", reason="", at=T0):
    return {
        "assessment_id": pk,
        "pathway": pathway,
        "specialist": specialist,
        "deviation_recommendation": rec,
        "deviation_reason": reason,
        "chosen_at": at,
    }


def test_only_copies_without_a_matching_choice_are_made_rows():
    later = T0 + dt.timedelta(hours=1)
    assessments = [
        _copy(1),  # never chosen
        _copy(2, 1, "none", at=T0),  # in the history already
        _copy(3, 1, "none", at=None),  # chosen before the time was kept, 0002 passed it over
        _copy(4, 2, "none", "R5", NOTE, at=later),  # drifted from the history
        _copy(5, 1, "none", at=None),  # no time, but the same choice is in the history
    ]
    choices = [_choice(2, 1, at=T0), _choice(4, 2, at=later), _choice(5, 1, at=later)]
    missing = migration.missing_choices(assessments, choices)
    assert missing == [
        {
            "municipality_id": 7,
            "assessment_id": 3,
            "chosen_by_id": None,
            "chosen_at": T0,  # the assessment's created_at
            "pathway": 1,
            "specialist": "none",
            "deviation_recommendation": "",
            "deviation_reason": "",
        },
        {
            "municipality_id": 7,
            "assessment_id": 4,
            "chosen_by_id": None,
            "chosen_at": later,
            "pathway": 2,
            "specialist": "none",
            "deviation_recommendation": "R5",
            "deviation_reason": NOTE,
        },
    ]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_copied_choice_and_going_back_restores_the_copy():
    try:
        apps = _migrate(BEFORE)
        Municipality = apps.get_model("accounts", "Municipality")
        Person = apps.get_model("persons", "Person")
        User = apps.get_model("accounts", "User")
        Assessment = apps.get_model("clinical", "Assessment")
        PathwayChoice = apps.get_model("clinical", "PathwayChoice")
        municipality = Municipality.objects.create(number="4601", name="Migrasjonsvik")
        person = Person.objects.create(
            municipality=municipality, given_name="Testa", family_name="Migrert", birth_year=1990
        )
        clinician = User.objects.create(username="migrasjon")

        def assessment(**copy):
            return Assessment.objects.create(
                municipality=municipality,
                person=person,
                assessed_on=dt.date(2026, 10, 1),
                reason_for_contact="Oppdiktet.",
                goals="Sove bedre.",
                risk_suicide="none",
                risk_violence="none",
                risk_overdose="none",
                suggested_pathway=1,
                suggested_specialist="none",
                table_version="test",
                **copy,
            )

        def choice(of, **fields):
            return PathwayChoice.objects.create(
                municipality=municipality, assessment=of, chosen_by=clinician, **fields
            )

        later = T0 + dt.timedelta(days=1)
        unchosen = assessment()
        kept = assessment(chosen_pathway=1, chosen_specialist="none", chosen_at=T0)
        choice(kept, chosen_at=T0, pathway=1, specialist="none")
        untimed = assessment(chosen_pathway=2, chosen_specialist="consult")
        drifted = assessment(
            chosen_pathway=3,
            chosen_specialist="refer",
            deviation_recommendation="R5",
            deviation_reason=NOTE,
            chosen_at=later,
        )
        choice(drifted, chosen_at=T0, pathway=1, specialist="none")

        apps = _migrate(AFTER)
        Assessment = apps.get_model("clinical", "Assessment")
        PathwayChoice = apps.get_model("clinical", "PathwayChoice")
        assert not {"chosen_pathway", "chosen_at"} & {f.name for f in Assessment._meta.get_fields()}

        def history(of):
            return [
                (c.chosen_at, c.pathway, c.specialist, c.deviation_recommendation, c.chosen_by_id)
                for c in PathwayChoice.objects.filter(assessment_id=of.pk).order_by(
                    "chosen_at", "pk"
                )
            ]

        assert history(unchosen) == []
        assert history(kept) == [(T0, 1, "none", "", clinician.pk)]
        created = Assessment.objects.get(pk=untimed.pk).created_at
        assert history(untimed) == [(created, 2, "consult", "", None)]
        assert history(drifted) == [
            (T0, 1, "none", "", clinician.pk),
            (later, 3, "refer", "R5", None),
        ]
        assert (
            PathwayChoice.objects.get(assessment_id=drifted.pk, pathway=3).deviation_reason == NOTE
        )

        # Going back fills the copy from the latest choice; forward again adds nothing.
        apps = _migrate(BEFORE)
        Assessment = apps.get_model("clinical", "Assessment")
        copies = {
            a["id"]: a
            for a in Assessment.objects.values(
                "id", "chosen_pathway", "chosen_specialist", "deviation_reason", "chosen_at"
            )
        }
        assert copies[unchosen.pk] == {
            "id": unchosen.pk,
            "chosen_pathway": None,
            "chosen_specialist": "",
            "deviation_reason": "",
            "chosen_at": None,
        }
        assert copies[drifted.pk]["chosen_pathway"] == 3
        assert copies[drifted.pk]["deviation_reason"] == NOTE
        assert copies[untimed.pk]["chosen_at"] == created
        count = PathwayChoice.objects.count()
        apps = _migrate(AFTER)
        assert apps.get_model("clinical", "PathwayChoice").objects.count() == count == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
