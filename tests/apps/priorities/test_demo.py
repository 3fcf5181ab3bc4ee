"""The demo holds realistic cases at different phases, including an eight-candidate budget round."""

from __future__ import annotations

import pytest

from losen.apps.priorities.models import Direction, PrioritizationCase
from losen.apps.priorities.overview import CaseOverview
from losen.domain.criteria import default_catalogue

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
    result = CaseOverview(budget).portfolio
    assert result.feasible and len(result.chosen) < 8
    names = {str(a.external_id): a.name for a in alternatives}
    assert {names[k] for k in result.chosen} == {
        *(a.name for a in alternatives if a.mandatory),
        "Ny avdeling for korttidsopphold",
        "Velferdsteknologi: digitalt tilsyn",
        "Pårørendeskole og avlastning",
    }
    # Every budget candidate says how many it reaches, and where the number comes from.
    for a in alternatives:
        assert a.persons_per_year and a.persons_source, a.name
        assert a.persons_source != "anslag" or a.persons_note.strip(), a.name
    # A new service weighed against more home follow-up, and a cut in day services.
    assert cases["lavterskel"].alternatives.count() >= 2
    assert cases["dagtilbud"].direction == Direction.DOWN
    assert any(a.current_service for a in cases["dagtilbud"].alternatives.all())
    # Every case is assessed on the catalogue's levels with written reasoning, never
    # numbers alone.
    catalogue = default_catalogue()
    uncertainty = catalogue.scale("usikkerhet").labels
    for case in demo_cases:
        for a in case.alternatives.all():
            assert a.nytte_reasoning and a.alvorlighet_reasoning and a.ressurs_reasoning
            for kind, level in a.levels.items():
                assert level in catalogue.scale(catalogue.criterion(kind).scale).labels
                assert getattr(a, f"{kind}_uncertainty") in uncertainty, (a.name, kind)
            for part in a.parts:
                assert part["reasoning"].strip(), (a.name, part)
