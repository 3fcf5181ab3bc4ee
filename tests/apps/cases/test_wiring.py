"""The cases app is reached by the project-wide checks: tenancy walk, backup, demo summary."""

from __future__ import annotations

from losen.apps.cases.models import ServiceDecision, StatusChange
from losen.apps.operations.backup import backed_up_models

from ..test_tenancy import _object_url_patterns


def test_tenancy_walk_covers_the_decision_pages():
    names = set(_object_url_patterns())
    assert {"cases:decision", "cases:decision_new", "cases:decision_status"} <= names


def test_backup_holds_decisions_and_their_status_changes():
    models = backed_up_models()
    assert ServiceDecision in models and StatusChange in models
    # Loading order: a decision's person and unit come before it, its changes after it.
    assert models.index(ServiceDecision) < models.index(StatusChange)
