"""Demo data for the clinical app: Fjordvik's intervention catalogue and 40 invented persons.

The persons are spread over the three hovedforløp, each with an assessment, a care plan and a
measurement history (PHQ-9 and GAD-7 every few weeks), so that trajectories, stepping and the
leader's outcome table have something to show. Scores, bands, flags and pathway suggestions are
computed by the domain like any real record; the rows are bulk-created to keep the demo fast.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from losen.apps.demo.services import FAMILY_NAMES, GIVEN_NAMES, DemoContext
from losen.apps.persons.models import CareRelation, Person
from losen.domain.pathways import findings_input

from .models import (
    Assessment,
    Intervention,
    InterventionKind,
    Measurement,
    PathwayChoice,
    PlanItem,
    SafetyNotice,
)
from .services import registry, risk_notices, score, suggestion_for

#: code, name, kind, typical pathway, description (all invented for Fjordvik).
CATALOGUE = [
    ("rph", "Rask psykisk helsehjelp", InterventionKind.LOW_THRESHOLD, 1,
     "Kortvarig hjelp uten henvisning, bygget på kognitiv terapi."),
    ("kurs-kid", "Kurs i mestring av depresjon", InterventionKind.GROUP, 1,
     "Gruppekurs over åtte kvelder."),
    ("digital", "Veiledet digital selvhjelp", InterventionKind.DIGITAL, 1,
     "Nettbasert program med ukentlig kontakt med behandler."),
    ("samtaler", "Individuelle samtaler", InterventionKind.INDIVIDUAL, 2,
     "Samtaleterapi hos psykolog eller psykiatrisk sykepleier."),
    ("rusoppfolging", "Rusoppfølging og skadereduksjon", InterventionKind.HARM_REDUCTION, 2,
     "Oppfølging, nalokson med opplæring og brukerutstyr."),
    ("bolig", "Booppfølging", InterventionKind.HOUSING, 3,
     "Praktisk og sosial oppfølging i egen bolig."),
    ("fact", "FACT-team (sammen med DPS)", InterventionKind.FACT_ACT, 3,
     "Oppsøkende behandling i samarbeid med spesialisthelsetjenesten."),
    ("aktivitet", "Aktivitetsgruppe på Fontenehuset", InterventionKind.GROUP, 1,
     "Arbeidsrettet dagaktivitet, drop-in."),
    ("likeperson", "Likepersonstilbud", InterventionKind.LOW_THRESHOLD, 1,
     "Samtaler med en som selv har erfaring; få deltakere ennå."),
]  # fmt: skip

#: (pathway inputs, interventions, PHQ-9 series, GAD-7 series, risks) per profile.
PROFILES = [
    # HF1: mild, short; most recover.
    (
        {"severity": "mild", "expected_duration": "short", "function_loss": "none"},
        ["rph"],
        [13, 9, 6, 4],
        [11, 8, 6, 5],
        {},
    ),
    (
        {"severity": "moderate", "expected_duration": "short", "function_loss": "some"},
        ["rph", "digital"],
        [15, 12, 8],
        [12, 9, 7],
        {},
    ),
    (
        {"severity": "mild", "expected_duration": "short", "function_loss": "some"},
        ["kurs-kid", "aktivitet"],
        [12, 12, 11, 12],
        [9, 9, 10],
        {},
    ),
    # HF2: severe short, or mild/moderate long.
    (
        {"severity": "moderate", "expected_duration": "long", "function_loss": "some"},
        ["samtaler"],
        [18, 15, 11, 8],
        [14, 12, 9],
        {"suicide": "elevated"},
    ),
    (
        {"severity": "severe", "expected_duration": "short", "function_loss": "significant"},
        ["samtaler", "rusoppfolging"],
        [16, 20, 23],
        [12, 15, 17],
        {"overdose": "elevated"},
    ),
    # HF3: severe and long.
    (
        {"severity": "severe", "expected_duration": "long", "function_loss": "significant"},
        ["fact", "bolig"],
        [22, 20, 19, 17],
        [15, 15, 13],
        {"violence": "elevated"},
    ),
]

#: Substance-use screens at the first assessment, by the profile's catalogue codes: DUDIT 27
#: for a man in drug follow-up (probable dependence, a «snarlig» notice), AUDIT with item 9 at
#: 4 in the housing follow-up (recent injury, a «rutine» notice; no sex given, so WHO's zones).
SCREENS = {
    "rusoppfolging": ("dudit", (4, 4, 4, 4, 4, 4, 1, 0, 2, 0, 0), "male"),
    "bolig": ("audit", (2, 2, 1, 0, 0, 0, 0, 0, 4, 2), ""),
}

PERSON_COUNT = 40
WEEKS_BETWEEN = 3


def _answers(definition, total: int, protect: int | None) -> list[int]:
    """Item scores adding up to ``total``, spread evenly; item ``protect`` stays at its minimum."""
    answers = [item.min_score for item in definition.items]
    remaining = total - sum(answers)
    while remaining > 0:
        progressed = False
        for index, item in enumerate(definition.items):
            if remaining == 0:
                break
            if index + 1 == protect:
                continue
            steps = [s for s in item.scores if s > answers[index]]
            if steps and steps[0] - answers[index] <= remaining:
                remaining -= steps[0] - answers[index]
                answers[index] = steps[0]
                progressed = True
        if not progressed:
            break
    return answers


def build_demo(context: DemoContext) -> None:
    """Create the catalogue and the persons with assessments, plans and measurements."""
    fjordvik = context.fjordvik
    rng = context.rng
    today = timezone.localdate()
    kliniker = context.users["kliniker"]
    interventions = {
        code: Intervention(
            municipality=fjordvik,
            code=code,
            name=name,
            kind=kind,
            pathway=pathway,
            description=description,
        )
        for code, name, kind, pathway, description in CATALOGUE
    }
    Intervention.objects.bulk_create(interventions.values())
    unit = fjordvik.units.filter(name="Psykisk helse og rus").first()
    persons = [
        Person(
            municipality=fjordvik,
            given_name=GIVEN_NAMES[index % len(GIVEN_NAMES)],
            family_name=FAMILY_NAMES[index // len(GIVEN_NAMES) % len(FAMILY_NAMES)],
            birth_year=rng.randint(1955, 2005),
            unit=unit,
            is_synthetic=True,
        )
        for index in range(PERSON_COUNT)
    ]
    Person.objects.bulk_create(persons)
    persons = list(
        Person.objects.filter(
            municipality=fjordvik, external_id__in=[p.external_id for p in persons]
        )
    )
    CareRelation.objects.bulk_create(CareRelation(person=p, user=kliniker) for p in persons)
    instruments = registry()
    phq9, gad7 = instruments["phq-9"], instruments["gad-7"]
    assessments, choices, measurements, items, notices = [], [], [], [], []
    for index, person in enumerate(persons):
        inputs, codes, phq_series, gad_series, risks = PROFILES[index % len(PROFILES)]
        shift = rng.randint(-2, 2)
        started = today - dt.timedelta(
            weeks=WEEKS_BETWEEN * (len(phq_series) - 1) + rng.randint(0, 2)
        )
        risk = {name: risks.get(name, "none") for name in ("suicide", "violence", "overdose")}
        screens = [
            (score(instrument, answers, sex), sex)
            for code, (instrument, answers, sex) in SCREENS.items()
            if code in codes
        ]
        table_inputs = {
            **inputs,
            "trend": "stable",
            "newly_arisen": inputs["expected_duration"] == "short",
            "first_contact": index % 3 == 0,
            "risk": risk,
            "findings": findings_input([result for result, _ in screens]),
        }
        suggestion = suggestion_for(table_inputs)
        assessment = Assessment(
            municipality=fjordvik,
            person=person,
            assessor=kliniker,
            assessed_on=started,
            reason_for_contact="Oppdiktet: kom etter råd fra fastlegen.",
            life_areas={
                "housing": {"rating": "yellow" if "bolig" in codes else "green", "note": ""},
                "work": {"rating": "yellow", "note": "Oppdiktet: sykmeldt en periode."},
                "mental": {
                    "rating": "red" if inputs["severity"] == "severe" else "yellow",
                    "note": "",
                },
            },
            function_scale=rng.randint(2, 7),
            coping_scale=rng.randint(2, 7),
            quality_of_life_scale=rng.randint(2, 7),
            goals="Oppdiktet: komme tilbake i arbeid og sove bedre.",
            risk_suicide=risk["suicide"],
            risk_violence=risk["violence"],
            risk_overdose=risk["overdose"],
            pathway_inputs=suggestion.inputs.to_dict(),
            suggestion=suggestion.to_dict(),
            suggested_pathway=suggestion.pathway,
            suggested_specialist=suggestion.specialist,
            table_version=suggestion.table_version,
        )
        choice = PathwayChoice(
            municipality=fjordvik,
            chosen_by=kliniker,
            chosen_at=timezone.now(),
            pathway=suggestion.pathway,
            specialist=suggestion.specialist,
        )
        if index % 10 == 7 and suggestion.pathway < 3:
            # Some clinicians choose a higher pathway than suggested, with a deviation note.
            choice.pathway = suggestion.pathway + 1
            choice.deviation_recommendation = suggestion.recommendation_ids[0]
            choice.deviation_reason = (
                "Oppdiktet: tidligere forløp viser at personen trenger tettere oppfølging."
            )
        assessments.append(assessment)
        choices.append((assessment, choice))
        notices.extend(
            (
                assessment,
                SafetyNotice(
                    municipality=fjordvik,
                    person=person,
                    code=code,
                    level=level,
                    message=message,
                    recommendation=recommendation,
                ),
            )
            for code, message, recommendation, level in risk_notices(suggestion)
        )
        for result, sex in screens:
            screened = Measurement(
                municipality=fjordvik,
                person=person,
                recorded_by=kliniker,
                instrument_id=result.instrument,
                instrument_version=result.version,
                taken_on=started,
                sex=sex,
                answers=list(result.answers),
                total=result.total,
                band=result.band.code,
                band_label=result.band.label,
                positive_screen=result.positive_screen,
                flags=[flag.to_dict() for flag in result.flags],
            )
            measurements.append((True, assessment, screened))
            notices.extend(
                (
                    assessment,
                    SafetyNotice(
                        municipality=fjordvik,
                        person=person,
                        measurement=screened,
                        code=flag.code,
                        level=flag.level,
                        item=flag.item,
                        message=flag.message,
                    ),
                )
                for flag in result.flags
            )
        for definition, series in ((phq9, phq_series), (gad7, gad_series)):
            for step, base in enumerate(series):
                total = max(0, min(definition.max_total, base + shift))
                protect = 9 if definition is phq9 else None
                result = score(definition.id, _answers(definition, total, protect))
                measurements.append(
                    (
                        step == 0,
                        assessment,
                        Measurement(
                            municipality=fjordvik,
                            person=person,
                            recorded_by=kliniker,
                            instrument_id=result.instrument,
                            instrument_version=result.version,
                            taken_on=started + dt.timedelta(weeks=WEEKS_BETWEEN * step),
                            answers=list(result.answers),
                            total=result.total,
                            band=result.band.code,
                            band_label=result.band.label,
                            positive_screen=result.positive_screen,
                            flags=[flag.to_dict() for flag in result.flags],
                        ),
                    )
                )
        extra = ["likeperson"] if index % 13 == 0 else []
        for code in [*codes, *extra]:
            recovered = phq_series[-1] + shift < 10 and index % 4 == 0
            items.append(
                PlanItem(
                    municipality=fjordvik,
                    person=person,
                    intervention=interventions[code],
                    started_on=started,
                    ended_on=today if recovered else None,
                    goal="Oppdiktet mål for tiltaket.",
                    created_by=kliniker,
                )
            )
    Assessment.objects.bulk_create(assessments)
    for assessment, choice in choices:
        choice.assessment = assessment
    PathwayChoice.objects.bulk_create(c for _, c in choices)
    for first, assessment, measurement in measurements:
        if first:
            measurement.assessment = assessment
    Measurement.objects.bulk_create(m for _, _, m in measurements)
    for assessment, notice in notices:
        notice.assessment = assessment
    SafetyNotice.objects.bulk_create(n for _, n in notices)
    PlanItem.objects.bulk_create(items)
    context.summary.append(
        f"{fjordvik.name}: {len(CATALOGUE)} tiltak i katalogen, {PERSON_COUNT} fiktive personer "
        f"med kartlegging, tiltaksplan og {len(measurements)} målinger"
    )
