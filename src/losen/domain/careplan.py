"""Stepped care from repeated measurements, trajectories, and outcomes per intervention.

The guideline asks for stepped and mixed care: the offer is stepped up when need grows and down
when it falls (Helsedirektoratet, «Psykisk helse- og rusarbeid for voksne», 2025, chapter
«Bakgrunn, metode og prosess»: https://www.helsedirektoratet.no/veiledere/psykisk-helse-og-rusarbeid-for-voksne).
Services that do this by measurement
(IAPT in England, Rask psykisk helsehjelp here) step up when repeated measurements show **no
reliable improvement** after a set time, and step down when the person has **recovered**
(moved below the clinical cut-off). Reliable change and caseness come from the instrument
definitions (:mod:`losen.domain.instruments.change`) and can be overridden per municipality.

Everything here is pure: callers pass dates (``as_of``) and measurements; nothing reads the
clock or the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from losen.domain.instruments.change import (
    ChangeCategory,
    ChangeCriteria,
    ChangeResult,
    EpisodeOutcome,
    classify_change,
    combine_outcomes,
)
from losen.domain.instruments.model import InstrumentDefinition, Sex
from losen.domain.instruments.scoring import band_for_total

#: Days of treatment after which no reliable improvement suggests stepping up. Six weeks is our
#: default (our own choice, in the spirit of IAPT's review after a few sessions); every
#: municipality sets its own in :class:`StepPolicy`.
DEFAULT_REVIEW_AFTER_DAYS = 42

#: Smallest group shown in aggregated outcomes; smaller groups are suppressed so that a leader
#: cannot recognise a person (our own choice, common in Norwegian statistics practice).
DEFAULT_MIN_GROUP_SIZE = 5


@dataclass(frozen=True, slots=True)
class Measurement:
    """One scored administration of an instrument for one person.

    Attributes:
        instrument_id: Instrument id (``"phq-9"``).
        taken_on: The day it was answered.
        total: The total score.
    """

    instrument_id: str
    taken_on: date
    total: float


@dataclass(frozen=True, slots=True)
class StepPolicy:
    """A municipality's rules for suggesting a step.

    Attributes:
        criteria: Change criteria per instrument id (reliable-change points and clinical
            cut-off), e.g. from :func:`~losen.domain.instruments.criteria_for`.
        review_after_days: Days from the first measurement after which a lack of reliable
            improvement suggests stepping up.
    """

    criteria: Mapping[str, ChangeCriteria]
    review_after_days: int = DEFAULT_REVIEW_AFTER_DAYS


class StepDirection(StrEnum):
    """What the suggestion is."""

    UP = "up"
    STAY = "stay"
    DOWN = "down"


STEP_LABELS = {
    StepDirection.UP: "Vurder å trappe opp",
    StepDirection.STAY: "Fortsett som planlagt",
    StepDirection.DOWN: "Vurder å trappe ned",
}


@dataclass(frozen=True, slots=True)
class InstrumentChange:
    """Change from first to latest measurement on one instrument."""

    instrument_id: str
    first_on: date
    latest_on: date
    change: ChangeResult


@dataclass(frozen=True, slots=True)
class StepSuggestion:
    """A suggested step with its reasons (Norwegian) and the changes it rests on.

    Attributes:
        direction: Up, stay or down.
        label: Norwegian label of the direction.
        reasons: Why, one sentence each.
        changes: First-to-latest change per instrument with criteria.
        review_due_on: The day no reliable improvement turns into a step-up suggestion, or
            ``None`` when there is nothing to review.
    """

    direction: StepDirection
    label: str
    reasons: tuple[str, ...]
    changes: tuple[InstrumentChange, ...]
    review_due_on: date | None


def _series(measurements: Iterable[Measurement]) -> dict[str, list[Measurement]]:
    series: dict[str, list[Measurement]] = {}
    for measurement in measurements:
        series.setdefault(measurement.instrument_id, []).append(measurement)
    for values in series.values():
        values.sort(key=lambda m: m.taken_on)
    return series


def _fmt(points: float) -> str:
    return f"{points:g}"


def suggest_step(
    measurements: Iterable[Measurement], policy: StepPolicy, as_of: date
) -> StepSuggestion:
    """Suggest stepping up, staying or stepping down from repeated measurements.

    Rules, in order (each instrument compared from its first to its latest measurement):

    1. reliable deterioration on any instrument → **up**;
    2. caseness at the start on some instrument, and no instrument at caseness now → **down**
       (recovered);
    3. ``review_after_days`` or more since the first measurement and no reliable improvement on
       any instrument → **up**;
    4. otherwise → **stay**.

    Instruments without criteria in the policy, or with fewer than two measurements, are left
    out; with none left the suggestion is to stay and measure again.

    Args:
        measurements: The person's measurements in this episode, any order.
        policy: Criteria per instrument and the review period.
        as_of: Today, as the caller sees it.
    """
    changes: list[InstrumentChange] = []
    for instrument_id, values in sorted(_series(measurements).items()):
        criteria = policy.criteria.get(instrument_id)
        if criteria is None or len(values) < 2:
            continue
        first, latest = values[0], values[-1]
        changes.append(
            InstrumentChange(
                instrument_id,
                first.taken_on,
                latest.taken_on,
                classify_change(criteria, first.total, latest.total),
            )
        )
    if not changes:
        return StepSuggestion(
            StepDirection.STAY,
            STEP_LABELS[StepDirection.STAY],
            ("Minst to målinger med samme instrument trengs før et trinn kan foreslås.",),
            (),
            None,
        )
    started_on = min(change.first_on for change in changes)
    review_due_on = started_on + timedelta(days=policy.review_after_days)
    worse = [c for c in changes if c.change.reliable_deterioration]
    if worse:
        reasons = tuple(
            f"{c.instrument_id}: pålitelig forverring fra {_fmt(c.change.before)} til "
            f"{_fmt(c.change.after)}."
            for c in worse
        )
        return _suggestion(StepDirection.UP, reasons, changes, review_due_on)
    case_at_start = any(c.change.case_before for c in changes)
    case_now = any(c.change.case_after for c in changes)
    if case_at_start and not case_now:
        reasons = tuple(
            f"{c.instrument_id}: {_fmt(c.change.after)} er under klinisk grense "
            f"(var {_fmt(c.change.before)})."
            for c in changes
        )
        return _suggestion(StepDirection.DOWN, reasons, changes, review_due_on)
    better = [c for c in changes if c.change.reliable_improvement]
    if not better and as_of >= review_due_on:
        reasons = (
            f"Ingen pålitelig bedring etter {(as_of - started_on).days} dager "
            f"(grense {policy.review_after_days} dager).",
        )
        return _suggestion(StepDirection.UP, reasons, changes, review_due_on)
    if better:
        reasons = tuple(
            f"{c.instrument_id}: pålitelig bedring fra {_fmt(c.change.before)} til "
            f"{_fmt(c.change.after)}."
            for c in better
        )
    else:
        reasons = (f"Ingen pålitelig bedring ennå; vurderes igjen {review_due_on.isoformat()}.",)
    return _suggestion(StepDirection.STAY, reasons, changes, review_due_on)


def _suggestion(
    direction: StepDirection,
    reasons: tuple[str, ...],
    changes: Sequence[InstrumentChange],
    review_due_on: date,
) -> StepSuggestion:
    return StepSuggestion(direction, STEP_LABELS[direction], reasons, tuple(changes), review_due_on)


@dataclass(frozen=True, slots=True)
class TrajectoryPoint:
    """One measurement on a trajectory chart, with what to mark.

    Attributes:
        taken_on: The day.
        total: The total.
        band: Band code the total falls in.
        band_label: Norwegian band label.
        change_from_first: Improvement since the first point (positive = better).
        reliable_improvement: Reliably better than the first point.
        reliable_deterioration: Reliably worse than the first point.
        at_caseness: At or above the clinical cut-off.
        crossed_cutoff: Crossed the clinical cut-off (either way) since the previous point.
    """

    taken_on: date
    total: float
    band: str
    band_label: str
    change_from_first: float
    reliable_improvement: bool
    reliable_deterioration: bool
    at_caseness: bool
    crossed_cutoff: bool


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A person's measurements on one instrument, ready for a chart and its data table.

    Attributes:
        instrument_id: Instrument id.
        bands: ``(code, label, min_total, max_total)`` for shading the chart.
        clinical_cutoff: Line to draw, or ``None``.
        reliable_change_points: The threshold used for the marks, or ``None``.
        points: One per measurement, oldest first.
    """

    instrument_id: str
    bands: tuple[tuple[str, str, int, int], ...]
    clinical_cutoff: float | None
    reliable_change_points: float | None
    points: tuple[TrajectoryPoint, ...] = field(default=())


def trajectory(
    definition: InstrumentDefinition,
    measurements: Iterable[Measurement],
    criteria: ChangeCriteria | None,
    sex: Sex | None = None,
) -> Trajectory:
    """Build the trajectory of one instrument for charting (bands, cut-off, change marks).

    Measurements of other instruments are ignored. Without criteria no change is marked.

    Raises:
        AnswerError: When the instrument's bands are sex-specific and ``sex`` is missing, or a
            total is outside the instrument's range.
    """
    values = sorted(
        (m for m in measurements if m.instrument_id == definition.id), key=lambda m: m.taken_on
    )
    points: list[TrajectoryPoint] = []
    previous_case: bool | None = None
    for measurement in values:
        band = band_for_total(definition, int(measurement.total), sex)
        if criteria is not None:
            change = classify_change(criteria, values[0].total, measurement.total)
            at_case = criteria.is_case(measurement.total)
            improvement = change.improvement
            better, worse = change.reliable_improvement, change.reliable_deterioration
        else:
            at_case, improvement, better, worse = False, 0.0, False, False
        crossed = previous_case is not None and criteria is not None and at_case != previous_case
        previous_case = at_case
        points.append(
            TrajectoryPoint(
                measurement.taken_on,
                measurement.total,
                band.code,
                band.label,
                improvement,
                better,
                worse,
                at_case,
                crossed,
            )
        )
    bands = tuple((b.code, b.label, b.min_total, b.max_total) for b in definition.bands_for(sex))
    return Trajectory(
        definition.id,
        bands,
        criteria.clinical_cutoff if criteria else None,
        criteria.reliable_change_points if criteria else None,
        tuple(points),
    )


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """One finished (or reviewed) episode of one intervention, anonymous.

    Attributes:
        intervention: The intervention's code in the municipality's catalogue.
        outcome: The episode's outcome over its instruments (:func:`episode_outcome`).
    """

    intervention: str
    outcome: EpisodeOutcome


def episode_outcome(
    measurements: Iterable[Measurement], criteria: Mapping[str, ChangeCriteria]
) -> EpisodeOutcome | None:
    """Return the outcome of one episode from first to last measurement per instrument.

    Returns ``None`` when no instrument with criteria has two measurements.
    """
    results: list[ChangeResult] = []
    for instrument_id, values in sorted(_series(measurements).items()):
        rule = criteria.get(instrument_id)
        if rule is not None and len(values) >= 2:
            results.append(classify_change(rule, values[0].total, values[-1].total))
    return combine_outcomes(results) if results else None


@dataclass(frozen=True, slots=True)
class InterventionOutcomes:
    """Aggregated outcomes of one intervention, for a leader.

    Shares are ``None`` when the group is suppressed (fewer than the minimum group size) or the
    denominator is zero. Improved and deteriorated are shares of all episodes; recovered is a
    share of the episodes at caseness at the start (IAPT's convention, since only they can
    recover).

    Attributes:
        intervention: The intervention's code.
        episodes: Number of episodes (``None`` when suppressed).
        at_caseness: Episodes at caseness at the start (``None`` when suppressed).
        improved: Share with reliable improvement (recovered ones included).
        recovered: Share of those at caseness who reliably recovered.
        deteriorated: Share with reliable deterioration.
        suppressed: Whether the group is too small to show.
    """

    intervention: str
    episodes: int | None
    at_caseness: int | None
    improved: float | None
    recovered: float | None
    deteriorated: float | None
    suppressed: bool


def aggregate_outcomes(
    records: Iterable[EpisodeRecord], min_group_size: int = DEFAULT_MIN_GROUP_SIZE
) -> tuple[InterventionOutcomes, ...]:
    """Return shares improved, recovered and deteriorated per intervention, sorted by code.

    Args:
        records: Anonymous episode outcomes, each with its intervention.
        min_group_size: Interventions with fewer episodes are suppressed.
    """
    groups: dict[str, list[EpisodeOutcome]] = {}
    for record in records:
        groups.setdefault(record.intervention, []).append(record.outcome)
    result: list[InterventionOutcomes] = []
    for intervention in sorted(groups):
        outcomes = groups[intervention]
        if len(outcomes) < min_group_size:
            result.append(InterventionOutcomes(intervention, None, None, None, None, None, True))
            continue
        total = len(outcomes)
        cases = sum(1 for o in outcomes if o.case_at_start)
        improved = sum(1 for o in outcomes if o.reliable_improvement)
        recovered = sum(1 for o in outcomes if o.category is ChangeCategory.RECOVERED)
        deteriorated = sum(1 for o in outcomes if o.reliable_deterioration)
        result.append(
            InterventionOutcomes(
                intervention,
                total,
                cases,
                improved / total,
                recovered / cases if cases else None,
                deteriorated / total,
                False,
            )
        )
    return tuple(result)
