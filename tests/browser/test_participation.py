"""The public consultation asks the right question for each criterion (swing weighting).

A participant who puts a criterion first, by giving the question about it 100 points, ends
with the largest weight on that criterion, both in what is stored and on the leaders'
participation page. For severity the question asks whether those worst off come first.
"""

from __future__ import annotations

import re

import pytest

from losen.apps.priorities import services
from losen.apps.priorities.models import PrioritizationCase, Submission

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser

QUESTIONS = {
    "nytte": re.compile("^Nytte:"),
    "alvorlighet": re.compile("^Alvorlighet:"),
    "ressurs": re.compile("^Ressurser:"),
}


@pytest.mark.parametrize("first", ["alvorlighet", "nytte", "ressurs"])
def test_the_criterion_put_first_gets_the_largest_weight(demo_live, page, first):
    base = demo_live.url
    case = PrioritizationCase.objects.get(title__startswith="Budsjett 2027")
    leader = case.created_by
    consultation = services.open_consultation(
        actor=leader, case=case, introduction="Hva betyr mest for deg når kommunen velger?"
    )

    page.goto(f"{base}/apent/medvirkning/{consultation.token}/")
    severity_question = page.get_by_label(QUESTIONS["alvorlighet"])
    label = page.locator(f'label[for="{severity_question.get_attribute("id")}"]').inner_text()
    assert "mest alvorlig" in label and "kommer først" in label
    assert "forbedre" not in page.locator("main").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("radio", name="Innbygger", exact=True).check()
    others = iter((60, 30))
    for criterion, question in QUESTIONS.items():
        points = 100 if criterion == first else next(others)
        page.get_by_label(question).fill(str(points))
    page.get_by_role("button", name="Send svaret").click()
    page.wait_for_url(re.compile(r"/takk/$"))

    submission = Submission.objects.get(consultation=consultation)
    weights = submission.weights
    assert max(weights, key=weights.get) == first

    login(page, base, "leder")
    page.goto(f"{base}/prioritering/{case.external_id}/medvirkning/")
    row = page.locator('#grupperangeringer tr[data-group="samlet"]')
    assert row.count() == 1
    shown = {
        criterion: int(row.locator(f'[data-weight="{criterion}"]').inner_text().strip(" %"))
        for criterion in QUESTIONS
    }
    assert max(shown, key=shown.get) == first
