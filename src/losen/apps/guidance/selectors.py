"""Reads of the guidance module: guidelines available to a municipality, one assessment's
overview, results over time and per unit, the deviations register and overdue actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from losen.domain.guidance import assessment as rules
from losen.domain.guidance.catalogue import Guideline, builtin_guidelines, parse_guideline
from losen.domain.guidance.improvement import is_overdue
from losen.domain.guidance.register import (
    CLINICAL,
    MUNICIPALITY,
    DeviationEvent,
    Register,
    build_register,
    reason_group_of_text,
)

from .models import ActionStatus, ImprovementAction, LocalGuideline, PointAssessment, SelfAssessment

MENTAL_HEALTH = "psykisk-helse-rus"


def available_guidelines(municipality) -> list[Guideline]:
    """The national guidelines and the municipality's own, national first."""
    found = list(builtin_guidelines().values())
    for local in LocalGuideline.objects.filter(municipality=municipality):
        found.append(
            parse_guideline(local.content, source=f"{local.guideline_id}.json", is_local=True)
        )
    return found


def guideline_for(municipality, guideline_id: str) -> Guideline | None:
    """The guideline with this id as the municipality sees it now, or ``None``."""
    for guideline in available_guidelines(municipality):
        if guideline.id == guideline_id:
            return guideline
    return None


def guideline_of(assessment: SelfAssessment) -> Guideline:
    """The guideline version the assessment was made against (its own copy)."""
    return parse_guideline(
        assessment.guideline_data,
        source=f"{assessment.guideline_id}.json",
        is_local=assessment.guideline_id not in builtin_guidelines(),
    )


def answers_of(points) -> dict[str, rules.Answer]:
    """Point id to the domain's answer, for the points that have a status."""
    return {p.point_id: rules.Answer(p.status, p.alternative) for p in points if p.status}


@dataclass
class PointRow:
    point: PointAssessment
    text: str
    warning: str | None
    change: rules.Change | None = None


@dataclass
class RecommendationBlock:
    recommendation: object
    rows: list[PointRow]
    result: rules.RecommendationResult

    @property
    def count_list(self) -> list[int]:
        return [self.result.counts.get(code, 0) for code in rules.STATUSES]


@dataclass
class AssessmentOverview:
    """Everything the assessment page shows, read once."""

    assessment: SelfAssessment
    guideline: Guideline
    blocks: list[RecommendationBlock]
    gaps: list[rules.Gap]
    share: float | None
    previous: SelfAssessment | None
    changes: list[rules.Change] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for b in self.blocks for r in b.rows if r.point.status)

    @property
    def total(self) -> int:
        return sum(len(b.rows) for b in self.blocks)

    @property
    def moved(self) -> list[rules.Change]:
        return [c for c in self.changes if c.direction not in (rules.SAME, rules.NEW)]


def assessment_overview(assessment: SelfAssessment) -> AssessmentOverview:
    guideline = guideline_of(assessment)
    points = list(assessment.points.select_related("assessed_by").order_by("position"))
    by_id = {p.point_id: p for p in points}
    answers = answers_of(points)
    previous = assessment.previous
    change_by_point: dict[str, rules.Change] = {}
    changes: list[rules.Change] = []
    if previous is not None:
        changes = rules.changes(guideline, answers_of(previous.points.all()), answers)
        change_by_point = {c.point_id: c for c in changes}
    results = {r.recommendation_id: r for r in rules.results(guideline, answers)}
    blocks = []
    for recommendation in guideline.recommendations:
        rows = []
        for check_point in recommendation.check_points:
            point = by_id.get(check_point.id)
            if point is None:
                continue
            rows.append(
                PointRow(
                    point,
                    check_point.text,
                    rules.warning_level(recommendation.strength, point.status),
                    change_by_point.get(check_point.id),
                )
            )
        blocks.append(RecommendationBlock(recommendation, rows, results[recommendation.id]))
    return AssessmentOverview(
        assessment=assessment,
        guideline=guideline,
        blocks=blocks,
        gaps=rules.close_gaps(guideline, answers),
        share=rules.overall_share(answers.values()),
        previous=previous,
        changes=changes,
    )


def latest_closed(municipality, guideline_id: str, unit) -> SelfAssessment | None:
    """The last closed assessment of the same guideline and unit (the one to compare with)."""
    return (
        SelfAssessment.objects.filter(
            municipality=municipality, guideline_id=guideline_id, unit=unit, closed_at__isnull=False
        )
        .order_by("-closed_at", "-pk")
        .first()
    )


@dataclass
class ResultsOverTime:
    guideline: Guideline | None
    #: (assessment, overall share) oldest first, closed assessments only.
    timeline: list[tuple[SelfAssessment, float | None]]
    #: recommendation id -> [share per assessment of the timeline]
    by_recommendation: list[tuple[object, list[float | None]]]
    #: (unit label, latest closed assessment, share)
    by_unit: list[tuple[str, SelfAssessment, float | None]]


def results_over_time(municipality, guideline_id: str) -> ResultsOverTime:
    """The closed assessments of one guideline over time, per recommendation and per unit."""
    guideline = guideline_for(municipality, guideline_id)
    closed = list(
        SelfAssessment.objects.filter(
            municipality=municipality, guideline_id=guideline_id, closed_at__isnull=False
        )
        .select_related("unit")
        .prefetch_related("points")
        .order_by("closed_at", "pk")
    )
    timeline = []
    shares_by_rec: dict[str, list[float | None]] = {}
    latest_by_unit: dict[int | None, tuple[SelfAssessment, float | None]] = {}
    for item in closed:
        answers = answers_of(item.points.all())
        share = rules.overall_share(answers.values())
        timeline.append((item, share))
        latest_by_unit[item.unit_id] = (item, share)
        own = guideline_of(item)
        per_rec = {r.recommendation_id: r.met_share for r in rules.results(own, answers)}
        for rec in (guideline or own).recommendations:
            shares_by_rec.setdefault(rec.id, []).append(per_rec.get(rec.id))
    by_recommendation = []
    if guideline is not None:
        by_recommendation = [
            (rec, shares_by_rec.get(rec.id, [])) for rec in guideline.recommendations
        ]
    by_unit = []
    for _unit_id, (item, share) in latest_by_unit.items():
        label = item.unit.name if item.unit else municipality.name
        by_unit.append((label, item, share))
    by_unit.sort(key=lambda row: row[0])
    return ResultsOverTime(guideline, timeline, by_recommendation, by_unit)


def deviation_events(municipality) -> list[DeviationEvent]:
    """Every deviation of the municipality, without anything that names a person.

    * the documented alternatives of closed self-assessments (a ``skal`` or ``bør`` point
      ``delvis`` or ``ikke-oppfylt``), dated by the close;
    * the clinicians' deviation notes on pathway choices, dated by the choice, their reason
      group read from the note's text (which itself is not kept here).
    """
    from losen.apps.clinical.models import PathwayChoice

    events = []
    points = PointAssessment.objects.filter(
        municipality=municipality,
        assessment__closed_at__isnull=False,
        status__in=rules.NOT_FULLY_MET,
        strength__in=("skal", "bør"),
    ).values_list("recommendation_id", "strength", "assessment__closed_at", "reason_group")
    zone = timezone.get_current_timezone()
    for rec_id, strength, closed_at, group in points:
        events.append(
            DeviationEvent(
                rec_id, strength, closed_at.astimezone(zone).date(), MUNICIPALITY, group or "annet"
            )
        )
    strengths = {rec.id: rec.strength for rec in _pathway_recommendations()}
    strengths.update(
        {rec.id: rec.strength for rec in builtin_guidelines()[MENTAL_HEALTH].recommendations}
    )
    choices = (
        PathwayChoice.objects.filter(municipality=municipality)
        .exclude(deviation_recommendation="")
        .values_list("deviation_recommendation", "chosen_at", "deviation_reason")
    )
    for rec_id, chosen_at, reason in choices:
        events.append(
            DeviationEvent(
                rec_id,
                strengths.get(rec_id, "annet"),
                chosen_at.astimezone(zone).date(),
                CLINICAL,
                reason_group_of_text(reason),
            )
        )
    return events


def deviations_register(municipality) -> Register:
    order = [rec.id for g in builtin_guidelines().values() for rec in g.recommendations]
    return build_register(deviation_events(municipality), order=order)


def _pathway_recommendations():
    """The recommendations the pathway table cites (one of them, the advice on self-harm and
    suicide, is not one of the guideline's nine)."""
    from losen.domain.pathways.table import default_table

    return default_table().recommendations


def recommendation_titles(municipality) -> dict[str, str]:
    """Recommendation id to its short title, over every guideline the municipality has, and
    the other advice a clinical deviation note may cite."""
    titles = {rec.id: rec.title for rec in _pathway_recommendations()}
    titles.update(
        {rec.id: rec.title for g in available_guidelines(municipality) for rec in g.recommendations}
    )
    return titles


def overdue_actions(municipality, today: dt.date | None = None) -> list[ImprovementAction]:
    """Open actions past their deadline, the oldest deadline first."""
    today = today or timezone.localdate()
    rows = ImprovementAction.objects.filter(municipality=municipality, deadline__lt=today).exclude(
        status=ActionStatus.DONE
    )
    return [a for a in rows if is_overdue(status=a.status, deadline=a.deadline, today=today)]
