"""Reads of the clinical app. Callers have already passed ``access_person_for_user``.

Stepping, trajectories and outcomes are computed by :mod:`losen.domain.careplan` from the stored
measurements; nothing here re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from losen.domain import careplan
from losen.domain.instruments import InstrumentDefinition, Sex, criteria_for

from .models import Assessment, ClinicalPolicy, Measurement, PlanItem, RiskLevel, SafetyNotice
from .services import RISKS, registry


def policy_for(municipality) -> careplan.StepPolicy:
    """The municipality's stepping rules: its own settings over the instruments' defaults."""
    own = ClinicalPolicy.objects.filter(municipality=municipality).first()
    overrides = own.reliable_change_points if own else {}
    criteria = {}
    for definition in registry().definitions:
        rule = criteria_for(definition, overrides.get(definition.id))
        if rule is not None:
            criteria[definition.id] = rule
    if own is None:
        return careplan.StepPolicy(criteria)
    return careplan.StepPolicy(criteria, review_after_days=own.review_after_days)


def _domain(measurements) -> list[careplan.Measurement]:
    return [careplan.Measurement(m.instrument_id, m.taken_on, m.total) for m in measurements]


def step_for(person, as_of: dt.date) -> careplan.StepSuggestion | None:
    """The step suggestion for the person's current episode (since the earliest active item)."""
    active = PlanItem.objects.filter(person=person, ended_on__isnull=True)
    start = min((item.started_on for item in active), default=None)
    if start is None:
        return None
    measurements = Measurement.objects.filter(person=person, taken_on__gte=start)
    return careplan.suggest_step(_domain(measurements), policy_for(person.municipality), as_of)


@dataclass(frozen=True)
class Chart:
    """One instrument's trajectory for the chart and its table."""

    definition: InstrumentDefinition
    trajectory: careplan.Trajectory
    measurements: tuple[Measurement, ...]
    levels_used: str = ""


def charts_for(person) -> list[Chart]:
    """A trajectory per instrument the person has answered, oldest measurement first."""
    measurements = list(Measurement.objects.filter(person=person))
    policy = policy_for(person.municipality)
    charts = []
    instruments = registry()
    for instrument_id in sorted({m.instrument_id for m in measurements}):
        if instrument_id not in instruments:
            continue
        definition = instruments[instrument_id]
        own = tuple(m for m in measurements if m.instrument_id == instrument_id)
        sex_code = next((m.sex for m in reversed(own) if m.sex), "")
        trajectory = careplan.trajectory(
            definition,
            _domain(own),
            policy.criteria.get(instrument_id),
            Sex(sex_code) if sex_code else None,
        )
        sex = Sex(sex_code) if sex_code else None
        charts.append(Chart(definition, trajectory, own, definition.levels_used(sex)))
    return charts


@dataclass(frozen=True)
class PersonSummary:
    """What the person's page shows of the clinical record."""

    open_notices: list[SafetyNotice]
    latest_assessment: Assessment | None
    risks_not_assessed: list[tuple[str, str]]
    active_items: list[PlanItem]
    step: careplan.StepSuggestion | None
    latest_measurements: list[Measurement]


def person_summary(person, as_of: dt.date) -> PersonSummary:
    """Open notices, the latest assessment, the plan, the step suggestion and latest scores."""
    notices = sorted(
        SafetyNotice.objects.filter(person=person, acknowledged_at__isnull=True),
        key=lambda notice: (notice.urgency, notice.raised_at),
    )
    latest = Assessment.objects.filter(person=person).with_latest_choice().first()
    not_assessed = []
    if latest is not None:
        for name in RISKS:
            if getattr(latest, f"risk_{name}") == RiskLevel.NOT_ASSESSED:
                not_assessed.append((name, getattr(latest, f"risk_{name}_reason")))
    items = list(
        PlanItem.objects.filter(person=person, ended_on__isnull=True).select_related("intervention")
    )
    latest_by_instrument: dict[str, Measurement] = {}
    instruments = registry()
    for measurement in Measurement.objects.filter(person=person):
        latest_by_instrument[measurement.instrument_id] = measurement
    for measurement in latest_by_instrument.values():
        definition = instruments.get(measurement.instrument_id)
        sex = Sex(measurement.sex) if measurement.sex else None
        measurement.levels_used = definition.levels_used(sex) if definition else ""
    return PersonSummary(
        notices,
        latest,
        not_assessed,
        items,
        step_for(person, as_of),
        [latest_by_instrument[key] for key in sorted(latest_by_instrument)],
    )


@dataclass(frozen=True)
class OutcomeRow:
    """One intervention's aggregated outcome, with its catalogue name."""

    name: str
    outcomes: careplan.InterventionOutcomes


def outcomes_for(municipality, as_of: dt.date) -> list[OutcomeRow]:
    """Anonymous outcomes per intervention: one episode per plan item with two measurements.

    Groups smaller than the domain's minimum are suppressed by the domain.
    """
    policy = policy_for(municipality)
    items = PlanItem.objects.filter(municipality=municipality).select_related("intervention")
    by_person: dict[int, list[Measurement]] = {}
    for measurement in Measurement.objects.filter(municipality=municipality):
        by_person.setdefault(measurement.person_id, []).append(measurement)
    records = []
    names = {}
    for item in items:
        end = item.ended_on or as_of
        window = [
            m for m in by_person.get(item.person_id, []) if item.started_on <= m.taken_on <= end
        ]
        outcome = careplan.episode_outcome(_domain(window), policy.criteria)
        names[item.intervention.code] = item.intervention.name
        if outcome is not None:
            records.append(careplan.EpisodeRecord(item.intervention.code, outcome))
    rows = careplan.aggregate_outcomes(records)
    seen = {row.intervention for row in rows}
    return [OutcomeRow(names[row.intervention], row) for row in rows] + [
        OutcomeRow(
            names[code],
            careplan.InterventionOutcomes(code, None, None, None, None, None, True),
        )
        for code in sorted(set(names) - seen)
    ]
