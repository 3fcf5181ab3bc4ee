"""The portfolio page of a budget case: constraints, the best set, next krone, first out."""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import reverse

from losen.apps.priorities.overview import CaseOverview
from losen.domain.portfolio import value_units

pytestmark = pytest.mark.django_db


def kw(obj):
    return {"external_id": obj.external_id}


def _feasible(alternatives, keys, budget):
    chosen = [a for a in alternatives if str(a.external_id) in keys]
    groups = [a.exclusive_group for a in chosen if a.exclusive_group]
    return (
        sum(a.cost_nok for a in chosen) <= budget
        and all(str(a.external_id) in keys for a in alternatives if a.mandatory)
        and len(groups) == len(set(groups))
        and all(a.requires_id is None or str(a.requires.external_id) in keys for a in chosen)
    )


def test_the_budget_round_gets_the_best_set_under_its_constraints(cases):
    case = cases["budsjett"]
    alternatives = list(case.alternatives.select_related("requires"))
    overview = CaseOverview(case)
    # The value of each candidate: persons per year × nytte per person × severity weight, in
    # exact units; ressurs counts only as cost.
    values = {
        str(a.external_id): value_units(a.persons_per_year, a.nytte_level, a.alvorlighet_level)
        for a in alternatives
    }
    assert {k: v.units for k, v in overview.values.items()} == values
    result = overview.portfolio
    assert result.feasible
    chosen = set(result.chosen)
    assert _feasible(alternatives, chosen, case.budget_nok)
    # Brute force over every subset of the eight candidates: nothing beats the chosen set.
    keys = [str(a.external_id) for a in alternatives]
    subsets = [
        set(subset)
        for n in range(len(keys) + 1)
        for subset in itertools.combinations(keys, n)
        if _feasible(alternatives, set(subset), case.budget_nok)
    ]
    best = max(sum(values[k] for k in subset) for subset in subsets)
    assert sum(values[k] for k in chosen) == best
    assert result.value == pytest.approx(best / 3)
    # The next krone buys something left out, and that set fits the larger budget.
    if result.next_krone:
        assert not set(result.next_krone) & chosen
        assert result.next_krone_budget_nok > case.budget_nok
        assert _feasible(
            alternatives, chosen | set(result.next_krone), result.next_krone_budget_nok
        )
    # What goes first if the budget shrinks is chosen today and never mandatory.
    assert result.first_out
    mandatory = {str(a.external_id) for a in alternatives if a.mandatory}
    assert set(result.first_out) <= chosen - mandatory


def test_the_portfolio_page_shows_constraints_choices_and_consequences(cases, client_for):
    case = cases["budsjett"]
    page = client_for("leder").get(reverse("priorities:portfolio", kwargs=kw(case)))
    assert page.status_code == 200
    text = page.content.decode()
    result = CaseOverview(case).portfolio
    names = {str(a.external_id): a.name for a in case.alternatives.all()}
    table = text[
        text.index('id="foringer-tabell"') : text.index("</table>", text.index("foringer"))
    ]
    for alternative in case.alternatives.select_related("requires"):
        row = re.search(
            rf'<tr data-alternative="{alternative.external_id}">(.*?)</tr>', table, re.S
        ).group(1)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
        assert cells[1] == ("Ja" if alternative.mandatory else "Nei"), alternative.name
        assert cells[2] == (alternative.exclusive_group or "–"), alternative.name
        assert cells[3] == (alternative.requires.name if alternative.requires else "–")
        in_set = str(alternative.external_id) in result.chosen
        assert cells[4] == ("Ja" if in_set else "Nei"), alternative.name
    assert any(a.exclusive_group for a in case.alternatives.all())
    # The value of each candidate, with the persons it reaches and that they are an estimate.
    start = text.index('id="verdi-tabell"')
    value_table = text[start : text.index("</table>", start)]
    for alternative in case.alternatives.all():
        assert alternative.name in value_table
        assert f"{alternative.persons_per_year} (anslag)" in value_table, alternative.name
    assert case.alternatives.filter(requires__isnull=False).exists()
    next_krone = text[text.index('id="neste-krone"') :].split("</p>")[0]
    for key in result.next_krone:
        assert names[key] in next_krone
    first_out = text[text.index('id="forst-ut"') :].split("</p>")[0]
    for key in result.first_out:
        assert names[key] in first_out
    # Consequences are spelled out for the named group of each alternative left out.
    consequences = text[text.index('id="konsekvenser"') :].split("</section>")[0]
    for alternative in case.alternatives.exclude(external_id__in=[k for k in result.chosen]):
        assert alternative.target_group in consequences
        assert alternative.consequences in consequences
    # The cut of a current service asks for the legal assessment, with a link to write it.
    assert 'id="lovkrav-mangler"' in text
    assert reverse("priorities:case_legal", kwargs=kw(case)) in text


def test_what_goes_first_leaves_a_set_that_fits_a_smaller_budget(cases):
    case = cases["budsjett"]
    alternatives = list(case.alternatives.select_related("requires"))
    before = CaseOverview(case).portfolio
    kept = set(before.chosen) - set(before.first_out)
    smaller = before.cost_nok - 1000  # a shrink the solver tolerance cannot absorb
    assert _feasible(alternatives, kept, smaller)
    case.budget_nok = smaller
    after = CaseOverview(case).portfolio
    assert after.feasible and after.value <= before.value
    assert set(before.chosen) - set(after.chosen)  # something chosen today must go
