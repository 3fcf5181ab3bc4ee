"""Migration knowledge 0002: the case's free-text ethics field becomes a reflection, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("knowledge", "0001_initial")
AFTER = ("knowledge", "0002_case_ethics_to_reflections")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_free_text_moves_into_a_reflection_and_back():
    try:
        apps = _migrate(BEFORE)
        Municipality = apps.get_model("accounts", "Municipality")
        Case = apps.get_model("priorities", "PrioritizationCase")
        municipality = Municipality.objects.create(number="4603", name="Migrasjonsdal")
        common = dict(
            municipality=municipality,
            level="administrativ",
            direction="opp",
            situation="Oppdiktet.",
            plan_process="annet",
        )
        with_text = Case.objects.create(
            title="Med etikk", ethics="Hensynet til barna\n\nveier tungt.", **common
        )
        blank = Case.objects.create(title="Uten etikk", ethics="", **common)
        spaces = Case.objects.create(title="Bare mellomrom", ethics="   ", **common)

        apps = _migrate(AFTER)
        Case = apps.get_model("priorities", "PrioritizationCase")
        Reflection = apps.get_model("knowledge", "EthicsReflection")
        moved = Reflection.objects.get(case_id=with_text.pk)
        assert moved.legacy_text == "Hensynet til barna\n\nveier tungt."
        assert moved.municipality_id == municipality.pk
        assert (moved.question, moved.choice, moved.decision_id) == ("", "", None)
        assert Case.objects.get(pk=with_text.pk).ethics == ""
        assert not Reflection.objects.filter(case_id__in=[blank.pk, spaces.pk]).exists()
        assert Case.objects.get(pk=spaces.pk).ethics == "   "  # nothing worth moving
        # A reflection written after the migration, with the six steps, stays when going back.
        Reflection.objects.create(
            municipality_id=municipality.pk, case_id=blank.pk, question="Bør vi?", choice="Ja."
        )

        apps = _migrate(BEFORE)
        Case = apps.get_model("priorities", "PrioritizationCase")
        Reflection = apps.get_model("knowledge", "EthicsReflection")
        assert Case.objects.get(pk=with_text.pk).ethics == "Hensynet til barna\n\nveier tungt."
        assert list(Reflection.objects.values_list("case_id", flat=True)) == [blank.pk]
        _migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
