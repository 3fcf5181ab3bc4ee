"""The close rule, the results and the changes, as properties over every answer pattern."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from losen.domain.guidance.assessment import (
    BETTER,
    NO_ALTERNATIVE,
    STATUSES,
    STRONG,
    UNANSWERED,
    WARNING,
    WORSE,
    Answer,
    changes,
    close_gaps,
    results,
    warning_level,
)
from losen.domain.guidance.catalogue import builtin_guidelines

GUIDELINE = builtin_guidelines()["psykisk-helse-rus"]
POINTS = [point.id for _rec, point in GUIDELINE.points()]
STRENGTH = {point.id: rec.strength for rec, point in GUIDELINE.points()}

answer = st.builds(Answer, st.sampled_from(STATUSES), st.sampled_from(["", "  ", "Avtale med DPS"]))
answers = st.dictionaries(st.sampled_from(POINTS), answer)


@given(answers)
def test_close_is_refused_exactly_for_unanswered_points_and_undocumented_gaps(given_answers):
    gaps = {gap.point_id: gap for gap in close_gaps(GUIDELINE, given_answers)}
    for point_id in POINTS:
        found = given_answers.get(point_id)
        if found is None:
            assert gaps[point_id].reason == UNANSWERED
        elif found.status in ("delvis", "ikke-oppfylt") and not found.alternative.strip():
            assert gaps[point_id].reason == NO_ALTERNATIVE  # every point here is skal or bør
        else:
            assert point_id not in gaps


@given(answers)
def test_the_gaps_come_in_the_guidelines_order_and_skal_is_stronger(given_answers):
    gaps = close_gaps(GUIDELINE, given_answers)
    positions = [POINTS.index(gap.point_id) for gap in gaps]
    assert positions == sorted(positions)
    for gap in gaps:
        assert gap.level == (STRONG if STRENGTH[gap.point_id] == "skal" else WARNING)


@given(answers, st.sampled_from(POINTS))
def test_documenting_an_alternative_removes_that_gap_and_no_other(given_answers, point_id):
    given_answers = {**given_answers, point_id: Answer("ikke-oppfylt")}
    before = {g.point_id for g in close_gaps(GUIDELINE, given_answers)}
    assert point_id in before
    given_answers[point_id] = Answer("ikke-oppfylt", "Interkommunalt tilbud i Nabovik")
    after = {g.point_id for g in close_gaps(GUIDELINE, given_answers)}
    assert after == before - {point_id}


def test_a_kan_point_never_needs_an_alternative_and_met_points_never_do():
    assert warning_level("kan", "ikke-oppfylt") is None
    assert warning_level("skal", "oppfylt") is None
    assert warning_level("bør", "ikke-relevant") is None
    assert warning_level("skal", "delvis") == STRONG
    assert warning_level("bør", "delvis") == WARNING


def test_all_met_closes():
    assert close_gaps(GUIDELINE, {p: Answer("oppfylt") for p in POINTS}) == []


@given(answers)
def test_results_count_every_point_once(given_answers):
    rows = results(GUIDELINE, given_answers)
    assert sum(sum(r.counts.values()) + r.unanswered for r in rows) == len(POINTS)
    for row in rows:
        assert row.met_share is None or 0 <= row.met_share <= 1


def test_changes_say_better_and_worse():
    before = {"R1-1": Answer("ikke-oppfylt"), "R1-2": Answer("oppfylt")}
    after = {"R1-1": Answer("delvis"), "R1-2": Answer("delvis")}
    moved = {c.point_id: c.direction for c in changes(GUIDELINE, before, after)}
    assert moved["R1-1"] == BETTER and moved["R1-2"] == WORSE
