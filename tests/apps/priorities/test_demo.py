"""The demo holds realistic cases at different phases, including an eight-candidate budget round."""

from __future__ import annotations

import pytest

from losen.apps.priorities import queries
from losen.apps.priorities.models import Direction, PrioritizationCase

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_every_phase_and_a_budget_round(demo, cases):
    demo_cases = PrioritizationCase.objects.filter(municipality=demo["fjordvik"])
    assert demo_cases.count() >= 3
    assert {c.phase for c in demo_cases} == {"forberede", "gjennomfore", "evaluere"}
    assert {c.direction for c in demo_cases} >= {Direction.UP, Direction.DOWN}
    budget = cases["budsjett"]
    alternatives = list(budget.alternatives.all())
    assert len(alternatives) == 8
    assert sum(a.mandatory for a in alternatives) == 2
    # The budget cannot fund every candidate, so the round forces a choice.
    assert sum(a.cost_nok for a in alternatives) > budget.budget_nok
    result = queries.portfolio(budget)
    assert result.feasible and len(result.chosen) < 8
    # A new service weighed against more home follow-up, and a cut in day services.
    assert cases["lavterskel"].alternatives.count() >= 2
    assert cases["dagtilbud"].direction == Direction.DOWN
    assert any(a.current_service for a in cases["dagtilbud"].alternatives.all())
    # Every case is assessed with written reasoning, never numbers alone.
    for case in demo_cases:
        for a in case.alternatives.all():
            assert a.benefit_reasoning and a.severity_reasoning and a.resource_reasoning
