"""Migration 0004: every assessment is carried over to the criteria catalogue, level by level,
and back again."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from losen.domain.criteria import default_catalogue

BEFORE = ("priorities", "0003_alternative_service")
AFTER = ("priorities", "0004_criteria_catalogue")
CERTAINTY_TO_UNCERTAINTY = {
    "hoy": "lav",
    "moderat": "moderat",
    "lav": "høy",
    "svaert-lav": "svært høy",
}


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_the_old_numbers_are_the_catalogue_levels_with_the_same_value():
    """The mapping in the migration agrees with the catalogue: same value, same order."""
    import importlib

    migration = importlib.import_module("losen.apps.priorities.migrations.0004_criteria_catalogue")
    catalogue = default_catalogue()
    for labels, kind in (
        (migration.NYTTE, "nytte"),
        (migration.ALVORLIGHET, "alvorlighet"),
        (migration.RESSURS, "ressurs"),
    ):
        scale = catalogue.scale(catalogue.criterion(kind).scale)
        assert {level.value: level.label for level in scale.levels} == labels
    uncertainty = catalogue.scale("usikkerhet")
    assert set(migration.UNCERTAINTY.values()) == set(uncertainty.labels)
    # Certainty and uncertainty run opposite ways.
    order = ["hoy", "moderat", "lav", "svaert-lav"]
    values = [uncertainty.level(migration.UNCERTAINTY[c]).value for c in order]
    assert values == sorted(values)


@pytest.mark.django_db(transaction=True)
def test_every_assessment_goes_forward_and_back_unchanged():
    try:
        apps = _migrate(BEFORE)
        Municipality = apps.get_model("accounts", "Municipality")
        Case = apps.get_model("priorities", "PrioritizationCase")
        Alternative = apps.get_model("priorities", "Alternative")
        municipality = Municipality.objects.create(number="4602", name="Migrasjonsvik")
        case = Case.objects.create(
            municipality=municipality,
            title="Test",
            level="administrativ",
            direction="opp",
            situation="Oppdiktet.",
            plan_process="annet",
        )
        certainties = itertools.cycle(CERTAINTY_TO_UNCERTAINTY)
        combinations = list(itertools.product(range(5), range(1, 5), range(1, 5)))
        before = {}
        for k, (benefit, severity, resource) in enumerate(combinations):
            row = Alternative.objects.create(
                municipality=municipality,
                case=case,
                name=f"Tiltak {k}",
                target_group="Alle",
                benefit=benefit,
                benefit_reasoning=f"Nytte {k}",
                benefit_certainty=next(certainties),
                severity=severity,
                severity_reasoning=f"Alvor {k}",
                severity_certainty=next(certainties),
                resource=resource,
                resource_reasoning=f"Ressurs {k}",
                resource_certainty=next(certainties),
            )
            before[row.pk] = {
                f: getattr(row, f)
                for f in (
                    "benefit",
                    "severity",
                    "resource",
                    "benefit_certainty",
                    "severity_certainty",
                    "resource_certainty",
                    "benefit_reasoning",
                    "severity_reasoning",
                    "resource_reasoning",
                )
            }

        apps = _migrate(AFTER)
        Alternative = apps.get_model("priorities", "Alternative")
        catalogue = default_catalogue()
        scales = {
            kind: catalogue.scale(catalogue.criterion(kind).scale)
            for kind in ("nytte", "alvorlighet", "ressurs")
        }
        assert Alternative.objects.count() == len(combinations) == 80
        for row in Alternative.objects.all():
            old = before[row.pk]
            for new, key in (
                ("nytte", "benefit"),
                ("alvorlighet", "severity"),
                ("ressurs", "resource"),
            ):
                level = scales[new].level(getattr(row, f"{new}_level"))
                assert level.value == old[key]
                assert (
                    getattr(row, f"{new}_uncertainty")
                    == CERTAINTY_TO_UNCERTAINTY[old[f"{key}_certainty"]]
                )
                assert getattr(row, f"{new}_reasoning") == old[f"{key}_reasoning"]
            assert row.parts == [] and row.persons_per_year is None

        apps = _migrate(BEFORE)
        Alternative = apps.get_model("priorities", "Alternative")
        after = {
            row.pk: {f: getattr(row, f) for f in before[row.pk]}
            for row in Alternative.objects.all()
        }
        assert after == before
        _migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
