from __future__ import annotations

import pytest

from losen.apps.priorities.models import PrioritizationCase

from .helpers import make_alternative


@pytest.fixture
def cases(demo):
    """The demo cases by a short name."""
    found = {c.title: c for c in PrioritizationCase.objects.filter(municipality=demo["fjordvik"])}

    def pick(word):
        return next(c for t, c in found.items() if word in t)

    return {
        "lavterskel": pick("Lavterskel"),
        "dagtilbud": pick("dagtilbud"),
        "budsjett": pick("Budsjett"),
        "rehab": pick("Hverdagsrehabilitering"),
    }


@pytest.fixture
def alternative_for():
    """:func:`make_alternative`: an alternative of a case, assessed with catalogue labels."""
    return make_alternative
