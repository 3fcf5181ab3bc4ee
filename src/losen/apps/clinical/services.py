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
from losen.domain.instruments import (
    ScoreResult,
    Sex,
    classify_change,
    criteria_for,
    load_registry,
    score_answers,
)
from losen.domain.pathways import (
    MIN_DEVIATION_REASON_CHARS,
    NOTE_NONE,
    Deviation,
    InputError,
    PathwaySuggestion,
    default_table,
    deviation_problems,
    deviation_requirement,
    findings_input,
    parse_input,
    suggest_pathway,
)

from .models import (
    Assessment,
    ClinicalPolicy,
    Intervention,
    Measurement,
    NoticeLevel,
    PathwayChoice,
    PlanItem,
    RiskLevel,
    SafetyNotice,
    urgency_rank,
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
    confirmation_reason: str = ""


def table_inputs(
    data: AssessmentInput, findings: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The nested input the decision table reads: the clinician's ratings and the findings.

    A risk screen that was not done goes to the table as its own value ``not-assessed``,
    which the table treats as unknown (no rule about that risk matches) and the suggestion
    names as missing; the pages say plainly that it was not done, and why.
    """
    risk = {name: data.risks[name] for name in RISKS}
    document: dict[str, object] = {**data.pathway, "risk": risk}
    if findings:
        document["findings"] = dict(findings)
    return document


def first_contact_on(person) -> dt.date:
    """The person's first contact with the service: the earliest of the day the person was
    registered, the first care relation and the first assessment."""
    from losen.apps.persons.models import CareRelation

    days = [timezone.localdate(person.created_at)]
    relation = CareRelation.objects.filter(person=person).order_by("valid_from").first()
    if relation is not None:
        days.append(timezone.localdate(relation.valid_from))
    earliest = Assessment.objects.filter(person=person).order_by("assessed_on").first()
    if earliest is not None:
        days.append(earliest.assessed_on)
    return min(days)


def date_problems(
    day: dt.date, person, path: str, *, before_first_contact: bool = True
) -> list[str]:
    """What is wrong with a measurement or assessment date: in the future, or (with
    *before_first_contact*) before the person's first contact (:func:`first_contact_on`).
    Empty when it can be recorded.

    An assessment is only refused in the future: a kartlegging held before the person was
    registered is itself the first contact, and its date becomes it.
    """
    today = timezone.localdate()
    if day > today:
        return [f"{path}: datoen {day:%d.%m.%Y} er fram i tid; dagens dato er {today:%d.%m.%Y}"]
    if not before_first_contact:
        return []
    first = first_contact_on(person)
    if day < first:
        return [
            f"{path}: datoen {day:%d.%m.%Y} er før personens første kontakt med tjenesten "
            f"({first:%d.%m.%Y})"
        ]
    return []


def _criteria(municipality, instrument_id: str):
    definition = registry()[instrument_id]
    own = ClinicalPolicy.objects.filter(municipality=municipality).first()
    overrides = own.reliable_change_points if own else {}
    return criteria_for(definition, overrides.get(instrument_id))


def measured_changes(person, results: Sequence[ScoreResult], taken_on: dt.date) -> list:
    """Reliable change from each instrument's previous measurement (on or before *taken_on*)
    to this one, for the instruments with a change rule (PHQ-9, GAD-7)."""
    changes = []
    for result in results:
        criteria = _criteria(person.municipality, result.instrument)
        if criteria is None:
            continue
        previous = (
            Measurement.objects.filter(
                person=person, instrument_id=result.instrument, taken_on__lte=taken_on
            )
            .order_by("-taken_on", "-created_at")
            .first()
        )
        if previous is not None:
            changes.append(classify_change(criteria, previous.total, result.total))
    return changes


def suggestion_for(inputs: Mapping[str, object]) -> PathwaySuggestion:
    """The domain's suggestion for stored or entered inputs (raises ``ClinicalError``)."""
    try:
        return suggest_pathway(parse_input(dict(inputs)))
    except InputError as error:
        raise ClinicalError(error.problems) from error


def rule_level(rule) -> str:
    """The notice level a table rule gives: ``akutt`` when it calls for help the same day,
    otherwise ``snarlig`` (a risk rule always asks for follow-up within days)."""
    return NoticeLevel.ACUTE if rule.acute else NoticeLevel.SOON


def risk_notices(suggestion: PathwaySuggestion) -> list[tuple[str, str, str, str]]:
    """``(code, message, recommendation, level)`` per risk the table's matching rules speak
    about; the level is the most urgent of those rules' levels (:func:`rule_level`)."""
    table = default_table()
    rules = {rule.id: rule for rule in table.rules}
    by_risk: dict[str, list[tuple[str, str, str]]] = {}
    for reason in suggestion.reasons:
        rule = rules.get(reason.rule)
        if rule is None:
            continue
        for condition in rule.conditions:
            if condition.path.startswith("risk."):
                by_risk.setdefault(condition.path, []).append(
                    (reason.text, reason.recommendation, rule_level(rule))
                )
    return [
        (
            f"risk-{path.partition('.')[2]}",
            " ".join(text for text, _, _ in entries),
            entries[-1][1],
            min((level for _, _, level in entries), key=urgency_rank),
        )
        for path, entries in by_risk.items()
    ]


def _store_measurement(
    *,
    actor,
    person,
    answers: InstrumentAnswers,
    taken_on: dt.date,
    assessment=None,
    result: ScoreResult | None = None,
) -> tuple[Measurement, list[SafetyNotice]]:
    result = result or score(answers.instrument_id, answers.answers, answers.sex)
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
            level=flag.level,
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

    The instruments are scored first, and what they found (probable dependence, PHQ-9 item 9,
    reliable change since the previous measurement) goes to the table beside the clinician's
    ratings (:func:`losen.domain.pathways.findings_input`).

    Raises:
        ClinicalError: When the pathway inputs are incomplete (the table says which), the date
            is in the future or before the person's first contact, or a finding disagrees
            with a lower risk rating and the confirmation has no reason.
        AnswerError: When an instrument's answers do not fit it.
    """
    problems = date_problems(data.assessed_on, person, "assessed_on", before_first_contact=False)
    if problems:
        raise ClinicalError(problems)
    for name in RISKS:
        if data.risks.get(name) not in RiskLevel.values:
            raise ClinicalError([f"risk.{name}: mangler (risikovurderingen kan ikke hoppes over)"])
        if (
            data.risks[name] == RiskLevel.NOT_ASSESSED
            and not data.risk_reasons.get(name, "").strip()
        ):
            raise ClinicalError([f"risk.{name}: begrunn hvorfor risikoen ikke er vurdert"])
    results = [score(a.instrument_id, a.answers, a.sex) for a in data.instruments]
    findings = findings_input(results, measured_changes(person, results, data.assessed_on))
    suggestion = suggestion_for(table_inputs(data, findings))
    confirmation = data.confirmation_reason.strip()
    if suggestion.confirmations and len(confirmation) < MIN_DEVIATION_REASON_CHARS:
        raise ClinicalError(
            [
                f"confirmation: {item.message} (minst {MIN_DEVIATION_REASON_CHARS} tegn)"
                for item in suggestion.confirmations
            ]
        )
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
            confirmation_reason=confirmation if suggestion.confirmations else "",
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
                level=level,
                message=message,
                recommendation=recommendation,
            )
            for code, message, recommendation, level in risk_notices(suggestion)
        ]
        for answers, result in zip(data.instruments, results, strict=True):
            _, flagged = _store_measurement(
                actor=actor,
                person=person,
                answers=answers,
                taken_on=data.assessed_on,
                assessment=assessment,
                result=result,
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
                "findings": findings,
                "confirmations": [item.id for item in suggestion.confirmations],
                "notice_levels": sorted({n.level for n in notices}, key=urgency_rank),
            },
        )
    return assessment


def record_measurement(
    *, actor, person, answers: InstrumentAnswers, taken_on: dt.date
) -> Measurement:
    """Store one follow-up measurement (scored by the domain) and its safety notices.

    Raises:
        ClinicalError: When the date is in the future or before the person's first contact
            (a future date would drive the stepping advice on a measurement not yet taken).
    """
    problems = date_problems(taken_on, person, "taken_on")
    if problems:
        raise ClinicalError(problems)
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
    deviates = deviation_requirement(suggestion, pathway, specialist) != NOTE_NONE
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
                "note": deviation_requirement(suggestion, pathway, specialist),
                "recommendation": choice.deviation_recommendation,
            },
        )
    assessment.remember_latest_choice(choice)
    return assessment


def acknowledge_notice(*, actor, notice: SafetyNotice, reason: str) -> SafetyNotice:
    """Mark a notice as followed up; a reason is required and kept.

    An acute notice (``akutt``) needs a reason of at least 20 characters that says what was
    done the same day: a word or two does not document an acute follow-up.
    """
    if not reason.strip():
        raise ClinicalError(["reason: skriv hva som er gjort"])
    if notice.level == NoticeLevel.ACUTE and len(reason.strip()) < MIN_DEVIATION_REASON_CHARS:
        raise ClinicalError(
            [
                f"reason: et akutt varsel kvitteres ut med hva som ble gjort samme dag "
                f"(minst {MIN_DEVIATION_REASON_CHARS} tegn)"
            ]
        )
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
            details={"acknowledged": notice.code, "level": notice.level},
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
