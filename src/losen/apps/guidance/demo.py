"""Demo data for the guidance app: Fjordvik's self-assessments against the mental health and
substance use guideline (one a year ago, one completed this autumn, with realistic gaps and
documented alternatives), an open low-threshold checklist for Fontenehuset, and improvement
actions in every phase, one of them overdue. Everything is invented.

The rows are written through the services (so they are validated and audited like real ones);
only the dates are moved back afterwards, so the timeline has a past.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .models import ImprovementAction, PointAssessment, SelfAssessment

#: point id -> (status, evidence, alternative, reason group) for this autumn's assessment.
AUTUMN = {
    "R1-1": (
        "delvis",
        "Tverrfaglig team med sykepleiere, sosionom og erfaringskonsulent. "
        "Psykolog i 40 % stilling.",
        "Avtale med DPS Fjordvik om ukentlig psykologveiledning og drøfting av "
        "saker til psykologstillingen er økt.",
        "kompetanse",
    ),
    "R1-2": ("oppfylt", "Psykisk helse og rus er samlet i én enhet siden 2023.", "", ""),
    "R1-3": (
        "delvis",
        "Studenter og innsatte får tilbud, men tilbudet til innsatte i Fjordvik "
        "fengsel er ikke avtalt skriftlig.",
        "Fengselet ringer tjenesten direkte; en kontaktperson er utpekt. "
        "Skriftlig avtale forhandles.",
        "samarbeid",
    ),
    "R1-4": ("oppfylt", "Tilbudene er presentert på fastlegemøtet to ganger i året.", "", ""),
    "R2-1": (
        "oppfylt",
        "Kommunen sitter i faglig samarbeidsutvalg for psykisk helse og rus i helsefellesskapet.",
        "",
        "",
    ),
    "R2-2": (
        "delvis",
        "Avtale om innleggelse og utskrivning finnes, men ikke om FACT.",
        "FACT-samarbeidet styres av en prosjektavtale fram til ny tjenesteavtale er klar.",
        "samarbeid",
    ),
    "R3-1": ("oppfylt", "Tiltakskatalogen viser hovedforløp for hvert tilbud.", "", ""),
    "R3-2": (
        "ikke-oppfylt",
        "Årsverk per hovedforløp er ikke kartlagt ennå.",
        "Fordelingen anslås i IS-24/8-rapporteringen; egen telling er planlagt "
        "som forbedringstiltak.",
        "kapasitet",
    ),
    "R3-3": ("oppfylt", "Trinnvis opptrapping vurderes etter åtte uker i Losen.", "", ""),
    "R4-1": ("oppfylt", "Fast kartleggingsrutine ved første samtale.", "", ""),
    "R4-2": (
        "oppfylt",
        "Selvmords-, volds- og overdoserisiko er obligatoriske felt i kartleggingen.",
        "",
        "",
    ),
    "R4-3": (
        "oppfylt",
        "Funksjon, mestring og livskvalitet kartlegges med personens egne ord og skala.",
        "",
        "",
    ),
    "R5-1": (
        "delvis",
        "Rask psykisk helsehjelp uten henvisning, men ventetid på tre til fire uker i høst.",
        "Drop-in på Fontenehuset to ettermiddager i uka mens ventelisten bygges "
        "ned; alle får en første samtale innen en uke.",
        "kapasitet",
    ),
    "R5-2": ("oppfylt", "Veiledet digital selvhjelp med ukentlig kontakt.", "", ""),
    "R5-3": ("oppfylt", "Aktivitetsgruppe og frisklivstilbud.", "", ""),
    "R5-4": (
        "delvis",
        "Sjekklisten for lavterskeltilbud er tatt i bruk på Fontenehuset, ikke i RPH.",
        "RPH vurderes mot sjekklisten i vårens egenvurdering.",
        "annet",
    ),
    "R6-1": ("oppfylt", "Rutine for henvisning ved nyoppståtte alvorlige problemer.", "", ""),
    "R6-2": ("oppfylt", "Drøfting med DPS hver tirsdag.", "", ""),
    "R6-3": ("oppfylt", "Kognitiv terapi individuelt og i gruppe.", "", ""),
    "R7-1": ("oppfylt", "Henvisning til pakkeforløp følges opp i ansvarsgruppen.", "", ""),
    "R7-2": (
        "delvis",
        "Koordinator for alle med individuell plan, men ventetid på koordinator.",
        "Teamleder er midlertidig koordinator inntil ny koordinator er på plass.",
        "kapasitet",
    ),
    "R7-3": ("oppfylt", "Kriseplan lages sammen med DPS og personen.", "", ""),
    "R7-4": (
        "ikke-oppfylt",
        "Ingen fast rutine for somatisk helsesjekk.",
        "Fastlegen minnes på årlig helsesjekk i ansvarsgruppemøtet; egen rutine er under arbeid.",
        "samarbeid",
    ),
    "R8-1": ("oppfylt", "Overdoseforebygging er med i rusmiddelpolitisk handlingsplan.", "", ""),
    "R8-2": ("oppfylt", "Nalokson og opplæring ved rusoppfølgingen og Fontenehuset.", "", ""),
    "R8-3": (
        "delvis",
        "Rutine ved løslatelse finnes, men ikke ved utskrivning fra TSB.",
        "Telefon fra TSB-institusjonen dagen før utskrivning er avtalt muntlig.",
        "samarbeid",
    ),
    "R9-1": ("oppfylt", "V-RISK-10 brukes etter opplæring fra DPS.", "", ""),
    "R9-2": (
        "delvis",
        "Felles planer lages i FACT-teamet, men ikke for personer utenfor FACT.",
        "Saker med høy risiko drøftes med DPS samme uke, og drøftingen journalføres.",
        "samarbeid",
    ),
    "R9-3": ("ikke-relevant", "Dekkes av punktet over i denne runden.", "", ""),
}

#: How last year's assessment differed (the rest as this autumn's).
LAST_YEAR = {
    "R1-1": (
        "ikke-oppfylt",
        "Ingen psykolog ansatt.",
        "Psykologveiledning kjøpt fra DPS ved behov.",
        "kompetanse",
    ),
    "R4-2": (
        "delvis",
        "Overdoserisiko ble ikke alltid kartlagt.",
        "Tas opp i neste samtale når det mangler.",
        "annet",
    ),
    "R5-1": ("oppfylt", "RPH uten ventetid.", "", ""),
    "R9-1": (
        "ikke-oppfylt",
        "Ikke noe avtalt verktøy.",
        "Drøfting med DPS i hver sak med bekymring for vold.",
        "samarbeid",
    ),
}


def _fill(assessment, answers, actor, when) -> None:
    for point in assessment.points.all():
        status, evidence, alternative, group = answers[point.point_id]
        services.record_point(
            actor=actor,
            point=point,
            status=status,
            evidence=evidence,
            alternative=alternative,
            reason_group=group,
        )
    PointAssessment.objects.filter(assessment=assessment).update(assessed_at=when)


def _backdate(assessment, started, closed) -> None:
    SelfAssessment.objects.filter(pk=assessment.pk).update(started_at=started, closed_at=closed)
    assessment.refresh_from_db()


def build_demo(context) -> None:
    fjordvik = context.fjordvik
    leader = context.users["leder"]
    unit = fjordvik.units.get(name="Psykisk helse og rus")
    now = timezone.now()
    year_ago = now - dt.timedelta(days=385)

    earlier = services.start_assessment(
        actor=leader,
        municipality=fjordvik,
        guideline_id="psykisk-helse-rus",
        unit=unit,
        title="Egenvurdering psykisk helse og rus 2025",
    )
    _fill(earlier, {**AUTUMN, **LAST_YEAR}, leader, year_ago)
    services.close_assessment(actor=leader, assessment=earlier)
    _backdate(earlier, year_ago - dt.timedelta(days=20), year_ago)

    autumn = services.start_assessment(
        actor=leader,
        municipality=fjordvik,
        guideline_id="psykisk-helse-rus",
        unit=unit,
        title="Egenvurdering psykisk helse og rus høsten 2026",
    )
    closed = now - dt.timedelta(days=14)
    _fill(autumn, AUTUMN, leader, closed - dt.timedelta(days=2))
    services.close_assessment(actor=leader, assessment=autumn)
    _backdate(autumn, closed - dt.timedelta(days=30), closed)

    checklist = services.start_assessment(
        actor=leader,
        municipality=fjordvik,
        guideline_id="lavterskel",
        unit=fjordvik.units.get(name="Fontenehuset og lavterskeltilbud"),
        title="Sjekkliste lavterskel Fontenehuset",
    )
    for point_id, status, evidence in (
        ("LT-L1", "oppfylt", "Drop-in uten henvisning alle hverdager."),
        ("LT-L2", "oppfylt", "Gratis."),
        ("LT-L7", "delvis", "Stengt etter klokka 16."),
    ):
        services.record_point(
            actor=leader,
            point=checklist.points.get(point_id=point_id),
            status=status,
            evidence=evidence,
        )

    today = timezone.localdate()
    plans = [
        (
            "R3-2",
            "Tell årsverk per hovedforløp",
            "Kommunalsjef helse",
            today + dt.timedelta(days=60),
            "plan",
        ),
        (
            "R7-4",
            "Rutine for årlig somatisk helsesjekk",
            "Enhetsleder psykisk helse og rus",
            today - dt.timedelta(days=20),
            "do",
        ),
        (
            "R5-1",
            "Bygg ned ventelisten i RPH",
            "Teamleder RPH",
            today + dt.timedelta(days=30),
            "evaluate",
        ),
        (
            "R1-1",
            "Øk psykologstillingen til 100 %",
            "Kommunalsjef helse",
            today - dt.timedelta(days=90),
            "done",
        ),
    ]
    for point_id, title, owner, deadline, status in plans:
        source = autumn if point_id != "R1-1" else earlier
        action = services.create_action(
            actor=leader,
            point=source.points.get(point_id=point_id),
            title=title,
            owner=owner,
            deadline=deadline,
        )
        path = {
            "plan": [],
            "do": ["do"],
            "evaluate": ["do", "evaluate"],
            "done": ["do", "evaluate", "done"],
        }
        for step in path[status]:
            services.move_action(
                actor=leader, action=action, status=step, note="Oppdiktet demonotat."
            )
    assessments = SelfAssessment.objects.filter(municipality=fjordvik).count()
    actions = ImprovementAction.objects.filter(municipality=fjordvik).count()
    context.summary.append(
        f"Etterlevelse: {assessments} egenvurderinger, {actions} forbedringstiltak"
    )
