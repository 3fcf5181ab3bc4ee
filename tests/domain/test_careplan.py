"""Stepped care from repeated measurements, trajectories and outcomes per intervention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.careplan import (
    DEFAULT_REVIEW_AFTER_DAYS,
    EpisodeRecord,
    Measurement,
    StepDirection,
    StepPolicy,
    aggregate_outcomes,
    episode_outcome,
    suggest_step,
    trajectory,
)
from losen.domain.instruments import (
    AnswerError,
    ChangeCategory,
    ChangeCriteria,
    Sex,
    criteria_for,
    load_registry,
)

REGISTRY = load_registry()
CRITERIA = {
    "phq-9": criteria_for(REGISTRY["phq-9"]),
    "gad-7": criteria_for(REGISTRY["gad-7"]),
}
POLICY = StepPolicy(CRITERIA)
START = date(2025, 3, 3)


def _series(instrument: str, *totals: int, every_days: int = 14) -> list[Measurement]:
    return [
        Measurement(instrument, START + timedelta(days=every_days * i), total)
        for i, total in enumerate(totals)
    ]


def test_reliable_deterioration_suggests_step_up_at_once():
    """PHQ-9 from 12 to 18 is a reliable worsening (≥ 6, IAPT): step up, whatever the date."""
    suggestion = suggest_step(_series("phq-9", 12, 18), POLICY, as_of=START + timedelta(days=14))
    assert suggestion.direction is StepDirection.UP
    assert suggestion.reasons == ("phq-9: pålitelig forverring fra 12 til 18.",)


def test_recovery_suggests_step_down():
    """From caseness (PHQ-9 ≥ 10, GAD-7 ≥ 8) to below on both: step down."""
    measurements = _series("phq-9", 15, 11, 7) + _series("gad-7", 11, 9, 6)
    suggestion = suggest_step(measurements, POLICY, as_of=START + timedelta(days=28))
    assert suggestion.direction is StepDirection.DOWN
    assert suggestion.label == "Vurder å trappe ned"
    assert len(suggestion.changes) == 2


def test_no_step_down_while_one_instrument_is_still_at_caseness():
    measurements = _series("phq-9", 15, 7) + _series("gad-7", 11, 9)
    suggestion = suggest_step(measurements, POLICY, as_of=START + timedelta(days=14))
    assert suggestion.direction is StepDirection.STAY


def test_no_reliable_improvement_after_the_review_period_suggests_step_up():
    """PHQ-9 14 → 12 → 11 (3 points, not reliable) after six weeks: step up; before: stay."""
    measurements = _series("phq-9", 14, 12, 11, every_days=21)
    due = START + timedelta(days=DEFAULT_REVIEW_AFTER_DAYS)
    early = suggest_step(measurements, POLICY, as_of=due - timedelta(days=1))
    assert early.direction is StepDirection.STAY
    assert early.review_due_on == due
    assert early.reasons == (f"Ingen pålitelig bedring ennå; vurderes igjen {due.isoformat()}.",)
    late = suggest_step(measurements, POLICY, as_of=due)
    assert late.direction is StepDirection.UP
    assert late.reasons == ("Ingen pålitelig bedring etter 42 dager (grense 42 dager).",)


def test_reliable_improvement_still_at_caseness_means_stay():
    measurements = _series("phq-9", 20, 13, every_days=60)
    suggestion = suggest_step(measurements, POLICY, as_of=START + timedelta(days=90))
    assert suggestion.direction is StepDirection.STAY
    assert suggestion.reasons == ("phq-9: pålitelig bedring fra 20 til 13.",)


def test_thresholds_and_review_period_are_configurable():
    """A municipality with a 5-point PHQ-9 threshold sees 14 → 9 as reliable and recovered;
    with a 90-day review, 42 days without improvement is not yet a step up."""
    measurements = _series("phq-9", 14, 9)
    as_of = START + timedelta(days=50)
    assert suggest_step(measurements, POLICY, as_of).direction is StepDirection.DOWN
    strict = StepPolicy({"phq-9": ChangeCriteria(5, 10)}, review_after_days=90)
    stuck = _series("phq-9", 14, 12)
    assert suggest_step(stuck, POLICY, as_of).direction is StepDirection.UP
    assert suggest_step(stuck, strict, as_of).direction is StepDirection.STAY


def test_one_measurement_or_unknown_instrument_means_stay_and_measure_again():
    single = suggest_step(_series("phq-9", 20), POLICY, START)
    unknown = suggest_step(_series("audit", 20, 30), POLICY, START + timedelta(days=90))
    for suggestion in (single, unknown):
        assert suggestion.direction is StepDirection.STAY
        assert suggestion.changes == ()
        assert suggestion.review_due_on is None


def test_order_of_measurements_does_not_matter():
    measurements = _series("phq-9", 15, 11, 7)
    as_of = START + timedelta(days=30)
    assert suggest_step(list(reversed(measurements)), POLICY, as_of) == suggest_step(
        measurements, POLICY, as_of
    )


@settings(max_examples=150, deadline=None)
@given(
    totals=st.lists(st.integers(0, 27), min_size=2, max_size=6),
    days=st.integers(0, 200),
)
def test_step_direction_agrees_with_first_and_last(totals, days):
    """Property: up when the last is reliably worse than the first; down only when the first was
    at caseness and the last is not; never down while the last is at caseness."""
    measurements = _series("phq-9", *totals)
    suggestion = suggest_step(measurements, POLICY, START + timedelta(days=days))
    first, last = totals[0], totals[-1]
    if last - first >= 6:
        assert suggestion.direction is StepDirection.UP
    if suggestion.direction is StepDirection.DOWN:
        assert first >= 10 > last
    if last >= 10 and suggestion.direction is not StepDirection.UP:
        assert suggestion.direction is StepDirection.STAY


def test_trajectory_marks_bands_cutoff_and_reliable_change():
    measurements = _series("phq-9", 16, 12, 9, 17)
    result = trajectory(REGISTRY["phq-9"], measurements, CRITERIA["phq-9"])
    assert result.clinical_cutoff == 10
    assert result.reliable_change_points == 6
    assert result.bands[0] == ("minimal", "Minimale plager", 0, 4)
    assert [p.band for p in result.points] == ["moderately-severe", "moderate", "mild",
                                               "moderately-severe"]  # fmt: skip
    assert [p.change_from_first for p in result.points] == [0, 4, 7, -1]
    assert [p.reliable_improvement for p in result.points] == [False, False, True, False]
    assert [p.crossed_cutoff for p in result.points] == [False, False, True, True]


def test_trajectory_of_sex_specific_instrument_needs_sex():
    measurements = _series("dudit", 3, 8)
    with pytest.raises(AnswerError):
        trajectory(REGISTRY["dudit"], measurements, None)
    result = trajectory(REGISTRY["dudit"], measurements, None, sex=Sex.FEMALE)
    assert [p.band for p in result.points] == ["probable-problems", "probable-problems"]
    assert not any(p.reliable_improvement or p.crossed_cutoff for p in result.points)


def _episode(intervention: str, phq: tuple[int, int]) -> EpisodeRecord:
    outcome = episode_outcome(_series("phq-9", *phq), CRITERIA)
    assert outcome is not None
    return EpisodeRecord(intervention, outcome)


def test_aggregate_outcomes_per_intervention_with_suppression():
    """Improved and deteriorated are shares of all episodes; recovered is a share of those at
    caseness at the start; groups under five are suppressed."""
    records = [
        _episode("kurs", (16, 8)),  # recovered (and improved)
        _episode("kurs", (12, 5)),  # recovered
        _episode("kurs", (20, 13)),  # improved, still case
        _episode("kurs", (8, 15)),  # deteriorated, not a case at start
        _episode("kurs", (11, 10)),  # no reliable change
        _episode("gruppe", (16, 8)),
    ]
    kurs_outcome, gruppe_outcome = aggregate_outcomes(records)[::-1]
    assert kurs_outcome.intervention == "kurs"
    assert (kurs_outcome.episodes, kurs_outcome.at_caseness) == (5, 4)
    assert kurs_outcome.improved == pytest.approx(3 / 5)
    assert kurs_outcome.recovered == pytest.approx(2 / 4)
    assert kurs_outcome.deteriorated == pytest.approx(1 / 5)
    assert gruppe_outcome.suppressed
    assert gruppe_outcome.episodes is None and gruppe_outcome.improved is None
    shown = aggregate_outcomes(records, min_group_size=1)
    assert not shown[0].suppressed and shown[0].improved == 1.0


def test_episode_outcome_needs_two_measurements():
    assert episode_outcome(_series("phq-9", 12), CRITERIA) is None
    outcome = episode_outcome(_series("phq-9", 12, 4) + _series("gad-7", 6, 12), CRITERIA)
    assert outcome is not None
    assert outcome.category is ChangeCategory.NO_RELIABLE_CHANGE
