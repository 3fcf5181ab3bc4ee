"""Every write of the clinical app: keyword-only, atomic, audited; the rules live in the domain.

Scoring is :func:`losen.domain.instruments.score_answers`; the pathway suggestion and the
deviation check are :mod:`losen.domain.pathways`; stepping and outcomes are
:mod:`losen.domain.careplan`. This module only stores what they compute and writes the audit
entry in the same transaction. Audit details carry codes and counts, never personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.common.locking import claim_version
from losen.domain.instruments import ScoreResult, Sex, load_registry, score_answers
from losen.domain.pathways import (
    Deviation,
    InputError,
    PathwaySuggestion,
    default_table,
    deviation_problems,
    parse_input,
    suggest_pathway,
)

from .models import (
    Assessment,
    ClinicalPolicy,
    Intervention,
    Measurement,
    PathwayChoice,
    PlanItem,
    RiskLevel,
    SafetyNotice,
)

#: Bounds for the review period of stepped care, in days (one week to one year).
REVIEW_DAYS_RANGE = (7, 365)

#: The three risks every assessment screens (recs. 4, 8, 9; the table's ``risk.*``).
RISKS = ("suicide", "violence", "overdose")


class ClinicalError(ValueError):
    """Input the domain refused; ``problems`` are its messages, field path first."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def registry():
    """The instruments available (built-ins, validated on load)."""
    return load_registry()


def score(instrument_id: str, answers: Sequence[int], sex: str = "") -> ScoreResult:
    """Score one answer set with the domain engine (raises ``AnswerError`` on bad input)."""
    definition = registry()[instrument_id]
    return score_answers(definition, list(answers), Sex(sex) if sex else None)


@dataclass(frozen=True)
class InstrumentAnswers:
    """One instrument's answers as entered, before scoring."""

    instrument_id: str
    answers: tuple[int, ...]
    sex: str = ""


@dataclass(frozen=True)
class AssessmentInput:
    """What the clinician entered in the assessment form (already cleaned by the form)."""

    assessed_on: dt.date
    reason_for_contact: str
    life_areas: Mapping[str, Mapping[str, str]]
    goals: str
    risks: Mapping[str, str]
    risk_reasons: Mapping[str, str]
    pathway: Mapping[str, object]
    function_text: str = ""
    function_scale: int | None = None
    coping_text: str = ""
    coping_scale: int | None = None
    quality_of_life_text: str = ""
    quality_of_life_scale: int | None = None
    instruments: Sequence[InstrumentAnswers] = field(default_factory=tuple)


def table_inputs(data: AssessmentInput) -> dict[str, object]:
    """The nested input the decision table reads.

    A risk screen that was not done is given to the table as ``none`` (nothing known); the
    person's page says plainly that it was not done, and why.
    """
    risk = {
        name: ("none" if data.risks[name] == RiskLevel.NOT_ASSESSED else data.risks[name])
        for name in RISKS
    }
    return {**data.pathway, "risk": risk}


def suggestion_for(inputs: Mapping[str, object]) -> PathwaySuggestion:
    """The domain's suggestion for stored or entered inputs (raises ``ClinicalError``)."""
    try:
        return suggest_pathway(parse_input(dict(inputs)))
    except InputError as error:
        raise ClinicalError(error.problems) from error


def risk_notices(suggestion: PathwaySuggestion) -> list[tuple[str, str, str]]:
    """``(code, message, recommendation)`` per risk the table's matching rules speak about."""
    table = default_table()
    rules = {rule.id: rule for rule in table.rules}
    by_risk: dict[str, list[tuple[str, str]]] = {}
    for reason in suggestion.reasons:
        rule = rules.get(reason.rule)
        if rule is None:
            continue
        for condition in rule.conditions:
            if condition.path.startswith("risk."):
                by_risk.setdefault(condition.path, []).append((reason.text, reason.recommendation))
    return [
        (
            f"risk-{path.partition('.')[2]}",
            " ".join(text for text, _ in entries),
            entries[-1][1],
        )
        for path, entries in by_risk.items()
    ]


def _store_measurement(
    *, actor, person, answers: InstrumentAnswers, taken_on: dt.date, assessment=None
) -> tuple[Measurement, list[SafetyNotice]]:
    result = score(answers.instrument_id, answers.answers, answers.sex)
    measurement = Measurement.objects.create(
        municipality=person.municipality,
        person=person,
        assessment=assessment,
        recorded_by=actor,
        instrument_id=result.instrument,
        instrument_version=result.version,
        taken_on=taken_on,
        sex=answers.sex,
        answers=list(result.answers),
        total=result.total,
        band=result.band.code,
        band_label=result.band.label,
        positive_screen=result.positive_screen,
        flags=[flag.to_dict() for flag in result.flags],
    )
    notices = [
        SafetyNotice.objects.create(
            municipality=person.municipality,
            person=person,
            assessment=assessment,
            measurement=measurement,
            code=flag.code,
            item=flag.item,
            message=flag.message,
        )
        for flag in result.flags
    ]
    record(
        actor=actor,
        action=Action.CREATE,
        target=measurement,
        municipality=person.municipality,
        details={
            "person": str(person.external_id),
            "instrument": result.instrument,
            "flags": [flag.code for flag in result.flags],
        },
    )
    return measurement, notices


def record_assessment(*, actor, person, data: AssessmentInput) -> Assessment:
    """Store an assessment, its instrument results, the suggestion and any safety notices.

    Raises:
        ClinicalError: When the pathway inputs are incomplete (the table says which).
        AnswerError: When an instrument's answers do not fit it.
    """
    for name in RISKS:
        if data.risks.get(name) not in RiskLevel.values:
            raise ClinicalError([f"risk.{name}: mangler (risikovurderingen kan ikke hoppes over)"])
        if (
            data.risks[name] == RiskLevel.NOT_ASSESSED
            and not data.risk_reasons.get(name, "").strip()
        ):
            raise ClinicalError([f"risk.{name}: begrunn hvorfor risikoen ikke er vurdert"])
    inputs = table_inputs(data)
    suggestion = suggestion_for(inputs)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            municipality=person.municipality,
            person=person,
            assessor=actor,
            assessed_on=data.assessed_on,
            reason_for_contact=data.reason_for_contact,
            life_areas=dict(data.life_areas),
            function_text=data.function_text,
            function_scale=data.function_scale,
            coping_text=data.coping_text,
            coping_scale=data.coping_scale,
            quality_of_life_text=data.quality_of_life_text,
            quality_of_life_scale=data.quality_of_life_scale,
            goals=data.goals,
            risk_suicide=data.risks["suicide"],
            risk_suicide_reason=data.risk_reasons.get("suicide", ""),
            risk_violence=data.risks["violence"],
            risk_violence_reason=data.risk_reasons.get("violence", ""),
            risk_overdose=data.risks["overdose"],
            risk_overdose_reason=data.risk_reasons.get("overdose", ""),
            pathway_inputs=suggestion.inputs.to_dict(),
            suggestion=suggestion.to_dict(),
            suggested_pathway=suggestion.pathway,
            suggested_specialist=suggestion.specialist,
            table_version=suggestion.table_version,
        )
        notices = [
            SafetyNotice.objects.create(
                municipality=person.municipality,
                person=person,
                assessment=assessment,
                code=code,
                message=message,
                recommendation=recommendation,
            )
            for code, message, recommendation in risk_notices(suggestion)
        ]
        for answers in data.instruments:
            _, flagged = _store_measurement(
                actor=actor,
                person=person,
                answers=answers,
                taken_on=data.assessed_on,
                assessment=assessment,
            )
            notices.extend(flagged)
        record(
            actor=actor,
            action=Action.CREATE,
            target=assessment,
            municipality=person.municipality,
            details={
                "person": str(person.external_id),
                "suggested_pathway": suggestion.pathway,
                "instruments": [a.instrument_id for a in data.instruments],
                "notices": sorted({n.code for n in notices}),
                "risks_not_assessed": [
                    name for name in RISKS if data.risks[name] == RiskLevel.NOT_ASSESSED
                ],
            },
        )
    return assessment


def record_measurement(
    *, actor, person, answers: InstrumentAnswers, taken_on: dt.date
) -> Measurement:
    """Store one follow-up measurement (scored by the domain) and its safety notices."""
    with transaction.atomic():
        measurement, _ = _store_measurement(
            actor=actor, person=person, answers=answers, taken_on=taken_on
        )
    return measurement


def choose_pathway(
    *,
    actor,
    assessment: Assessment,
    pathway: int,
    specialist: str,
    deviation_recommendation: str = "",
    deviation_reason: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """Record the clinician's choice; a choice other than the suggestion needs a deviation note.

    Every choice is a new :class:`PathwayChoice`, the only record of it; the latest is the
    assessment's :attr:`~Assessment.latest_choice`, and earlier ones stay as history. With
    *expected_version* (the assessment's version the choice was made on) the choice is
    recorded only if nobody recorded one since.

    Raises:
        ClinicalError: With the domain's problems (journalforskriften § 6 g).
        EditConflict: When the assessment is no longer at *expected_version*; nothing is
            written.
    """
    suggestion = suggestion_for(assessment.pathway_inputs)
    deviation = (
        Deviation(deviation_recommendation, deviation_reason)
        if deviation_recommendation or deviation_reason
        else None
    )
    problems = deviation_problems(suggestion, pathway, specialist, deviation)
    if problems:
        raise ClinicalError(problems)
    deviates = pathway != suggestion.pathway or specialist != suggestion.specialist
    with transaction.atomic():
        claim_version(assessment, expected_version)
        choice = PathwayChoice.objects.create(
            municipality=assessment.municipality,
            assessment=assessment,
            chosen_by=actor,
            chosen_at=timezone.now(),
            pathway=pathway,
            specialist=specialist,
            deviation_recommendation=deviation_recommendation if deviates else "",
            deviation_reason=deviation_reason.strip() if deviates else "",
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            target=assessment,
            municipality=assessment.municipality,
            details={
                "choice": str(choice.external_id),
                "chosen_pathway": pathway,
                "chosen_specialist": specialist,
                "deviation": deviates,
                "recommendation": choice.deviation_recommendation,
            },
        )
    assessment.remember_latest_choice(choice)
    return assessment


def acknowledge_notice(*, actor, notice: SafetyNotice, reason: str) -> SafetyNotice:
    """Mark a notice as followed up; a reason is required and kept."""
    if not reason.strip():
        raise ClinicalError(["reason: skriv hva som er gjort"])
    with transaction.atomic():
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = actor
        notice.acknowledgement = reason.strip()
        notice.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
        record(
            actor=actor,
            action=Action.UPDATE,
            target=notice,
            municipality=notice.municipality,
            details={"acknowledged": notice.code},
        )
    return notice


def add_plan_item(
    *, actor, person, intervention: Intervention, started_on: dt.date, goal: str = ""
) -> PlanItem:
    """Add an intervention to the person's plan (mixed care: several may run at once)."""
    if intervention.municipality_id != person.municipality_id:
        raise ClinicalError(["intervention: finnes ikke i kommunens katalog"])
    with transaction.atomic():
        item = PlanItem.objects.create(
            municipality=person.municipality,
            person=person,
            intervention=intervention,
            started_on=started_on,
            goal=goal,
            created_by=actor,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=item,
            municipality=person.municipality,
            details={"person": str(person.external_id), "intervention": intervention.code},
        )
    return item


def end_plan_item(*, actor, item: PlanItem, ended_on: dt.date) -> PlanItem:
    """End an intervention (a step down, or the offer is finished)."""
    if ended_on < item.started_on:
        raise ClinicalError(["ended_on: sluttdatoen er før startdatoen"])
    with transaction.atomic():
        item.ended_on = ended_on
        item.save(update_fields=["ended_on"])
        record(
            actor=actor,
            action=Action.UPDATE,
            target=item,
            municipality=item.municipality,
            details={"ended": True, "intervention": item.intervention.code},
        )
    return item


def step_policy_problems(
    review_after_days: int, reliable_change_points: Mapping[str, float]
) -> list[str]:
    """What is wrong with a municipality's stepping settings (field path first), or nothing."""
    problems: list[str] = []
    low, high = REVIEW_DAYS_RANGE
    if not low <= review_after_days <= high:
        problems.append(f"review_after_days: må være mellom {low} og {high} dager")
    instruments = registry()
    for instrument_id, points in sorted(reliable_change_points.items()):
        if instrument_id not in instruments or instruments[instrument_id].change is None:
            problems.append(f"{instrument_id}: instrumentet har ingen regel for endring")
            continue
        definition = instruments[instrument_id]
        span = definition.max_total - definition.min_total
        if not 0 < points <= span:
            problems.append(
                f"{instrument_id}: pålitelig endring må være større enn 0 og høyst {span} poeng"
            )
    return problems


def set_step_policy(
    *,
    actor,
    municipality,
    review_after_days: int,
    reliable_change_points: Mapping[str, float],
) -> ClinicalPolicy:
    """Store a municipality's stepping rules: review period and reliable change per instrument.

    An instrument left out uses the threshold in its definition (PHQ-9 6, GAD-7 4).

    Raises:
        ClinicalError: For a review period or a threshold outside its bounds, or an instrument
            without a change rule.
    """
    problems = step_policy_problems(review_after_days, reliable_change_points)
    if problems:
        raise ClinicalError(problems)
    points = {key: reliable_change_points[key] for key in sorted(reliable_change_points)}
    with transaction.atomic():
        policy, created = ClinicalPolicy.objects.update_or_create(
            municipality=municipality,
            defaults={"review_after_days": review_after_days, "reliable_change_points": points},
        )
        record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=policy,
            municipality=municipality,
            details={"review_after_days": review_after_days, "reliable_change_points": points},
        )
    return policy
