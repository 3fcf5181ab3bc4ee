"""Demo prioritisation cases for Fjordvik: four invented cases at different phases.

All numbers are invented for the demo, in a plausible range for a municipality of about
25 000 inhabitants; indicator values are marked as demo figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from losen.apps.insight import queries as insight_queries
from losen.apps.insight import services as insight_services
from losen.apps.insight.models import ImportMethod
from losen.domain import indicators as ind

from . import services
from .models import (
    Alternative,
    Consultation,
    Decision,
    Direction,
    FollowUp,
    InputHandling,
    Level,
    Phase,
    PlanProcess,
    PrioritizationCase,
    Submission,
)

FRAME_LEGAL = (
    "Helse- og omsorgstjenesteloven §§ 3-1 og 3-2 (plikt til å sørge for nødvendige tjenester), "
    "§ 4-1 (forsvarlighet) og § 3-10 (brukermedvirkning). Pasient- og brukerrettighetsloven "
    "§ 2-1 a."
)


def _alt(
    case,
    position,
    *,
    nytte: str,
    alvorlighet: str,
    ressurs: str,
    parts: tuple = (),
    uncertainty: tuple[str, str, str] = ("moderat", "moderat", "lav"),
    **fields,
) -> Alternative:
    """An alternative assessed on the criteria catalogue.

    ``parts``: ``(criterion, part, level, reasoning)`` on the catalogue's parts. A criterion
    with parts gets the level they give unless a ``<criterion>_level_reason`` is passed, so
    the demo shows both ways a level is set.
    """
    from losen.domain.criteria import SubAssessment
    from losen.domain.criteria.model import suggested_level

    from .mapping import catalogue_for

    catalogue = catalogue_for(case.municipality)
    defaults = {"children_affected": "nei"}
    defaults.update(fields)
    levels = {"nytte": nytte, "alvorlighet": alvorlighet, "ressurs": ressurs}
    for kind, level in levels.items():
        given = [SubAssessment(p, lv, r, "") for k, p, lv, r in parts if k == kind]
        suggestion = suggested_level(catalogue, kind, given)
        if (
            suggestion is not None
            and suggestion.label != level
            and not defaults.get(f"{kind}_level_reason")
        ):
            raise ValueError(
                f"demo: {fields.get('name')}: parts give {suggestion.label} for {kind}"
            )
    for kind, value in zip(("nytte", "alvorlighet", "ressurs"), uncertainty, strict=True):
        defaults.setdefault(f"{kind}_uncertainty", value)
    alternative = Alternative(
        municipality=case.municipality,
        case=case,
        position=position,
        nytte_level=nytte,
        alvorlighet_level=alvorlighet,
        ressurs_level=ressurs,
        parts=[{"criterion": k, "part": p, "level": lv, "reasoning": r} for k, p, lv, r in parts],
        **defaults,
    )
    alternative.save()
    return alternative


def _case(context, **fields) -> PrioritizationCase:
    case = PrioritizationCase(
        municipality=context.fjordvik, created_by=context.users["leder"], **fields
    )
    return services.save_object(
        actor=context.users["leder"], obj=case, municipality=context.fjordvik
    )


#: Fjordvik's own figures the demo cases rest on: (code, label, period, value, unit, decimals).
LOCAL_FIGURES = (
    ("ventetid-psyk", "Ventetid til første samtale, psykisk helse og rus", "2026", "7", "uker", 0),
    ("belegg-dagtilbud", "Belegg i dagtilbudet for eldre", "2025", "61", "prosent", 0),
)
LOCAL_TABLE = "Fjordvik lokal"


def _store_local_figures(context) -> None:
    """Fjordvik's own (invented) figures, stored through the indicators module like any
    municipality's local figures, so the cases attach them as they would attach KOSTRA."""
    observations = [
        ind.Observation(
            source=insight_queries.DEMO_SOURCE,
            table=LOCAL_TABLE,
            contents_code=code,
            contents_label=label,
            region_code=context.fjordvik.number,
            region_vintage=period[:4],
            period=period,
            value=Decimal(value),
            status=None,
            unit=unit,
            decimals=decimals,
            updated=None,
            dimensions=(),
        )
        for code, label, period, value, unit, decimals in LOCAL_FIGURES
    ]
    insight_services.import_observations(
        actor=None,
        observations=observations,
        file_name="losen-demo-fjordvik-lokal.csv",
        data_format="losen-demo",
        municipality=context.fjordvik,
        method=ImportMethod.DEMO,
        source_option=insight_queries.DEMO_SOURCE,
    )


def _attach(context, case, *, indicator: str = "", local: str = "", note: str = "") -> None:
    """Attach a catalogue indicator (by key) or one of :data:`LOCAL_FIGURES` (by code)."""
    if indicator:
        snapshot = insight_queries.indicator_snapshot(context.fjordvik, indicator)
    else:
        token = next(
            f.token
            for f in insight_queries.attachable_figures(context.fjordvik)
            if f.snapshot.contents_code == local
        )
        snapshot = insight_queries.attachable_snapshot(context.fjordvik, token)
    insight_services.attach_indicator(
        actor=context.users["leder"],
        municipality=context.fjordvik,
        target=case,
        snapshot=snapshot,
        note=note,
    )


def _low_threshold(context) -> PrioritizationCase:
    case = _case(
        context,
        title="Lavterskeltilbud eller mer oppfølging i hjemmet",
        level=Level.ADMINISTRATIVE,
        direction=Direction.UP,
        situation=(
            "Ventetiden for første samtale i psykisk helse og rus er økt til sju uker. Mange "
            "henvendelser gjelder lettere angst og depresjon, samtidig som flere med alvorlig "
            "rusmiddelproblem faller ut av oppfølgingen. Temaplanen gir rom for én ny satsing "
            "på om lag 2,4 millioner kroner."
        ),
        legal_frame=FRAME_LEGAL,
        economic_frame="Ramme i temaplanen: 2,4 mill. kr per år fra 2027, uten nye investeringer.",
        professional_frame=(
            "Nasjonal faglig retningslinje for rus og psykiske lidelser og pakkeforløp for "
            "psykisk helse og rus; erfaringer fra Rask psykisk helsehjelp i andre kommuner."
        ),
        plan_process=PlanProcess.TEMAPLAN,
        plan_reference="Temaplan psykisk helse og rus 2026–2029, tiltak 3",
        coherence="Følger kommuneplanens mål om tidlig innsats og flere gode leveår.",
        weight_benefit=40,
        weight_severity=40,
        weight_resource=20,
    )
    _alt(
        case,
        0,
        name="Lavterskeltilbud: Rask psykisk helsehjelp",
        description="Samtaler uten henvisning og ventetid for lettere angst og depresjon.",
        target_group="Voksne med lettere angst og depresjon",
        comparator="Ordinær venteliste hos psykisk helse og rus",
        cost_nok=2_300_000,
        nytte="stor",
        nytte_reasoning="God effekt på symptomer og mestring i studier av lavterskeltilbud.",
        alvorlighet="moderat",
        alvorlighet_reasoning="Moderat tap av funksjon, men risiko for langvarig sykefravær.",
        ressurs="moderat",
        ressurs_reasoning="Tre årsverk; kan delvis frigjøre tid i ordinær oppfølging.",
        parts=(
            ("nytte", "mestring_funksjon", "stor", "Flere kommer tilbake i jobb og hverdag."),
            ("nytte", "smerte_ubehag", "moderat", "Mindre angst og nedstemthet."),
            ("alvorlighet", "grad_tap", "moderat", "Merkbart tap av funksjon i en periode."),
            ("alvorlighet", "varighet", "moderat", "Går ofte over, men kan bli langvarig."),
            ("alvorlighet", "hastegrad", "innen uker", "Bør starte før sju ukers ventetid."),
            ("ressurs", "ressurs_nytte", "moderat", "Tre årsverk for om lag 300 personer."),
        ),
        persons_per_year=300,
        persons_source="anslag",
        persons_note="Om lag 300 henvendelser i året gjelder lettere angst og depresjon.",
        evidence="Evalueringer av Rask psykisk helsehjelp; brukererfaringer fra nabokommuner.",
        proportionality="Rimelig forhold mellom nytte og kostnad for mange mottakere.",
        equity="Når flere som ikke oppsøker fastlegen; svakere for dem uten digital tilgang.",
        local_conditions="Lange reiseavstander i ytre sone; tilbudet må ha faste dager der.",
        consequences="Ventetiden for lettere plager fortsetter å øke.",
        unit=context.fjordvik.units.get(name="Psykisk helse og rus"),
    )
    _alt(
        case,
        1,
        name="Mer oppfølging i hjemmet (ACT-lignende team)",
        description="Tettere oppfølging hjemme for dem med alvorlig rus- og psykisk lidelse.",
        target_group="Voksne med alvorlig psykisk lidelse og rusmiddelproblem",
        comparator="Dagens oppfølging annenhver uke",
        cost_nok=2_400_000,
        nytte="stor",
        nytte_reasoning="Færre innleggelser og mer stabil bosituasjon i studier av ACT-team.",
        alvorlighet="svært stor",
        alvorlighet_reasoning="Høy risiko for død og tap av funksjon; tilstanden haster.",
        ressurs="høy",
        ressurs_reasoning="Tre årsverk med høy kompetanse; få mottakere per årsverk.",
        parts=(
            ("nytte", "overlevelse", "moderat", "Færre overdoser og akutte innleggelser."),
            ("nytte", "mestring_funksjon", "stor", "Mer stabil bolig og hverdag."),
            ("alvorlighet", "risiko", "svært stor", "Høy risiko for tidlig død."),
            ("alvorlighet", "grad_tap", "stor", "Stort tap av funksjon i hverdagen."),
            ("alvorlighet", "hastegrad", "innen dager", "Flere faller ut av oppfølging nå."),
            ("ressurs", "ressurs_nytte", "høy", "Tre årsverk for om lag 25 personer."),
        ),
        persons_per_year=25,
        persons_source="anslag",
        persons_note="Om lag 25 personer med alvorlig ROP-lidelse etter BrukerPlan 2025.",
        evidence="Nasjonal evaluering av ACT/FACT-team; lokal avvikslogg.",
        proportionality="Høy kostnad per mottaker, men svært alvorlig tilstand.",
        children_affected="ja",
        children_best_interests="Flere mottakere har barn; stabil oppfølging er til barnets beste.",
        equity="Gruppen har dårlig tilgang til ordinære tjenester og trenger oppsøkende arbeid.",
        local_conditions="Få boliger med oppfølging; teamet må samarbeide med boligkontoret.",
        consequences="Flere innleggelser og utkastelser blant dem som er sykest.",
    )
    _attach(context, case, local="ventetid-psyk")
    _attach(
        context,
        case,
        indicator="rus-netto-243",
        note="Utgiftene til rusarbeid er høyere enn i kommunegruppen.",
    )
    consultation = Consultation.objects.create(
        case=case,
        introduction=(
            "Kommunen har penger til én ny satsing i psykisk helse og rus. Hva er viktigst "
            "for deg når vi velger?"
        ),
    )
    for group, points, theme, comment in [
        ("tjenestemottaker", (100, 60, 20), "nytte", "Det viktigste er å få hjelp raskt."),
        ("parorende", (60, 100, 30), "alvorlighet", "De sykeste må komme først."),
        ("ansatt", (70, 100, 50), "ressurs", ""),
    ]:
        Submission.objects.create(
            consultation=consultation,
            group=group,
            points_benefit=points[0],
            points_severity=points[1],
            points_resource=points[2],
            theme=theme,
            comment=comment,
        )
    return case


def _day_services(context) -> PrioritizationCase:
    leder = context.users["leder"]
    case = _case(
        context,
        title="Redusert dagtilbud for eldre",
        level=Level.POLITICAL,
        direction=Direction.DOWN,
        situation=(
            "Økonomiplanen krever en innsparing på 1,8 millioner kroner i helse og omsorg. "
            "Dagtilbudet for eldre har tre avdelinger med lavt belegg på to av dem."
        ),
        legal_frame=FRAME_LEGAL + " Forvaltningsloven § 35 om endring av enkeltvedtak.",
        economic_frame="Innsparingskrav 1,8 mill. kr fra 2027 i vedtatt økonomiplan.",
        professional_frame="Nasjonal faglig retningslinje om demens: dagaktivitetstilbud.",
        plan_process=PlanProcess.OKONOMIPLAN,
        plan_reference="Økonomiplan 2027–2030, innsparingstiltak H-4",
        coherence="Kommuneplanen: flest mulig skal bo hjemme lengst mulig.",
        recommendation=(
            "Kommunedirektøren foreslår å slå sammen to avdelinger og beholde tilbudet for "
            "personer med demens uendret."
        ),
        legal_forsvarlighet=(
            "Alle med vedtak får fortsatt et forsvarlig tilbud; ingen mister dagtilbud uten "
            "ny individuell vurdering."
        ),
        legal_necessary="Tilbudet for personer med demens er lovpålagt og videreføres uendret.",
        legal_individual=(
            "Berørte vedtak vurderes enkeltvis etter forvaltningsloven § 35, med forhåndsvarsel."
        ),
        weight_benefit=40,
        weight_severity=40,
        weight_resource=20,
    )
    unit = context.fjordvik.units.get(name="Bo- og aktivitetstilbud")
    _alt(
        case,
        0,
        name="Slå sammen to avdelinger av dagtilbudet",
        target_group="Eldre uten demens med dagtilbud",
        comparator="Tre avdelinger som i dag",
        cost_nok=900_000,
        nytte="moderat",
        nytte_reasoning="Sosial kontakt og aktivitet; de fleste kan følge med til ny avdeling.",
        alvorlighet="moderat",
        alvorlighet_reasoning="Moderat: ensomhet og tap av funksjon over tid.",
        ressurs="moderat",
        ressurs_reasoning="Sparer husleie og ett årsverk.",
        parts=(
            ("nytte", "mestring_funksjon", "moderat", "Aktivitet holder funksjonen ved like."),
            ("alvorlighet", "grad_tap", "moderat", "Ensomhet og gradvis tap av funksjon."),
            ("ressurs", "ressurs_nytte", "moderat", "Lavt belegg gir høy pris per deltaker."),
        ),
        evidence="Belegg siste tre år; brukerundersøkelse 2025.",
        proportionality="Innsparingen står i rimelig forhold til ulempen med lengre reisevei.",
        equity="Eldre uten bil får lengre reisevei; transport må tilbys.",
        local_conditions="Lang avstand fra ytre sone til sentrum.",
        consequences="Lengre reisevei og større grupper for eldre uten demens.",
        current_service=True,
        unit=unit,
        service="dagaktivitetstilbud",
    )
    _alt(
        case,
        1,
        name="Behold dagtilbudet for personer med demens",
        target_group="Hjemmeboende personer med demens",
        comparator="Ingen endring",
        cost_nok=2_100_000,
        nytte="stor",
        nytte_reasoning="Avlaster pårørende og utsetter behov for sykehjemsplass.",
        alvorlighet="stor",
        alvorlighet_reasoning="Stor: progressiv sykdom med tap av funksjon.",
        ressurs="høy",
        ressurs_reasoning="Høy bemanning per deltaker.",
        parts=(
            ("nytte", "mestring_funksjon", "stor", "Holder hverdagen i gang hjemme lenger."),
            ("alvorlighet", "grad_tap", "stor", "Progressivt tap av funksjon."),
            ("alvorlighet", "varighet", "svært stor", "Sykdommen varer livet ut."),
            ("ressurs", "ressurs_nytte", "høy", "Høy bemanning per deltaker."),
        ),
        alvorlighet_level_reason=(
            "Varigheten er livslang, men tilbudet gjelder dem som ennå bor hjemme med moderat "
            "tap; samlet vurderes alvorligheten som stor."
        ),
        evidence="Nasjonal faglig retningslinje om demens; pårørendeundersøkelse.",
        proportionality="Høy kostnad, men stor nytte for mottakere og pårørende.",
        equity="Pårørende med lite nettverk er mest avhengige av tilbudet.",
        local_conditions="Ingen private tilbud i kommunen.",
        mandatory=True,
        current_service=True,
        unit=unit,
        service="dagaktivitetstilbud",
    )
    _attach(context, case, local="belegg-dagtilbud")
    _attach(
        context,
        case,
        indicator="hjemmetjenester-67-79",
        note="Færre brukere i dagtilbudet gir flere som trenger hjemmetjenester.",
    )
    InputHandling.objects.create(
        case=case,
        theme="annet",
        note="Eldrerådet ba om transport; forslaget ble endret slik at transport tilbys.",
        changed_outcome=True,
    )
    consultation = Consultation.objects.create(
        case=case, introduction="Kommunen må spare på dagtilbudet.", is_open=False
    )
    Submission.objects.create(
        consultation=consultation,
        group="rad",
        points_benefit=80,
        points_severity=100,
        points_resource=20,
        theme="annet",
        comment="Transport må være med.",
    )
    basis = services.create_basis(actor=leder, case=case, detail="standard")
    Decision.objects.create(
        case=case,
        basis=basis,
        decided_on=dt.date(2026, 6, 18),
        decision_maker="Kommunestyret",
        case_reference="26/412",
        outcome="To avdelinger slås sammen fra 1. januar 2027; tilbudet for demens videreføres.",
        reasons=(
            "Lavt belegg gjør sammenslåingen forsvarlig. Transport tilbys, så eldre i ytre sone "
            "fortsatt kan delta."
        ),
        recorded_by=leder,
    )
    case.phase = Phase.CARRY_OUT
    case.save()
    services.publish(actor=leder, case=case)
    FollowUp.objects.create(
        municipality=case.municipality,
        case=case,
        indicator="Belegg og brukertilfredshet i sammenslått avdeling",
        review_on=timezone.localdate() + dt.timedelta(days=180),
        responsible="Enhetsleder bo- og aktivitetstilbud",
    )
    return case


@dataclass(frozen=True)
class BudgetCandidate:
    """A candidate of the budget round with its assessment and the persons it reaches."""

    name: str
    group: str
    cost: int
    nytte: str
    alvorlighet: str
    ressurs: str
    persons: int
    persons_note: str
    parts: tuple
    mandatory: bool = False
    exclusive: str = ""
    current: bool = False
    uncertainty: tuple[str, str, str] = ("moderat", "moderat", "lav")


BUDGET_CANDIDATES = [
    BudgetCandidate(
        "Forsvarlig bemanning i hjemmesykepleien",
        "Hjemmeboende med store behov",
        5_200_000,
        "stor",
        "svært stor",
        "høy",
        320,
        "Antall mottakere av hjemmesykepleie i 2025 (fagsystemet), avrundet.",
        (
            ("nytte", "overlevelse", "stor", "Tilsyn og medisiner hindrer akutte forverringer."),
            ("nytte", "mestring_funksjon", "stor", "Gjør det mulig å bo hjemme."),
            ("alvorlighet", "risiko", "svært stor", "Uten tjenesten er det fare for liv."),
            ("alvorlighet", "hastegrad", "akutt", "Tjenesten kan ikke stanse."),
            ("ressurs", "ressurs_nytte", "høy", "Mange årsverk, men ingen billigere måte."),
        ),
        mandatory=True,
        current=True,
    ),
    BudgetCandidate(
        "Lovpålagt kommunalt akutt døgnopphold",
        "Pasienter som ellers legges inn",
        1_900_000,
        "stor",
        "stor",
        "moderat",
        140,
        "Opphold i 2025 ved helse- og omsorgssenteret.",
        (
            ("nytte", "overlevelse", "stor", "Rask behandling nær hjemmet."),
            ("alvorlighet", "naasituasjon", "stor", "Akutt sykdom som trenger døgnopphold."),
            ("ressurs", "ressurs_nytte", "moderat", "Billigere enn innleggelse i sykehus."),
        ),
        mandatory=True,
        current=True,
    ),
    BudgetCandidate(
        "Hverdagsrehabilitering i alle soner",
        "Eldre etter fall eller sykdom",
        1_600_000,
        "stor",
        "moderat",
        "moderat",
        90,
        "Anslag fra prøveprosjektet i sentrum (45 per år) doblet for alle soner.",
        (
            ("nytte", "mestring_funksjon", "stor", "Mange klarer seg selv igjen."),
            ("alvorlighet", "grad_tap", "moderat", "Tap av funksjon etter fall eller sykdom."),
            ("alvorlighet", "varighet", "moderat", "Kan bli varig uten opptrening."),
            ("ressurs", "ressurs_nytte", "moderat", "Terapeuter i alle soner."),
        ),
    ),
    BudgetCandidate(
        "Velferdsteknologi: digitalt tilsyn",
        "Hjemmeboende med behov for tilsyn",
        900_000,
        "moderat",
        "moderat",
        "lav",
        120,
        "Hjemmeboende med nattlig tilsyn i dag som kan få digitalt tilsyn.",
        (
            ("nytte", "mestring_funksjon", "moderat", "Tryggere hjemme, færre forstyrrelser."),
            ("alvorlighet", "risiko", "moderat", "Fall om natten oppdages senere uten tilsyn."),
            ("ressurs", "ressurs_nytte", "lav", "Sparer nattlige besøk."),
        ),
    ),
    BudgetCandidate(
        "Ny avdeling for korttidsopphold",
        "Utskrivningsklare pasienter",
        3_800_000,
        "stor",
        "stor",
        "svært høy",
        220,
        "Utskrivningsklare pasienter fra sykehuset i 2025 (samhandlingsstatistikken), "
        "medregnet dem som i dag venter på plass.",
        (
            ("nytte", "mestring_funksjon", "stor", "Opptrening før hjemreise."),
            ("alvorlighet", "grad_tap", "stor", "Stort funksjonstap etter sykehusopphold."),
            ("alvorlighet", "hastegrad", "innen dager", "Pasientene må tas imot raskt."),
            ("ressurs", "ressurs_nytte", "svært høy", "Nytt bygg og full bemanning."),
        ),
        exclusive="korttid",
    ),
    BudgetCandidate(
        "Korttidsopphold i eksisterende bygg (dagens åtte plasser)",
        "Utskrivningsklare pasienter",
        2_200_000,
        "moderat",
        "stor",
        "høy",
        160,
        "Opphold på de åtte plassene i 2025.",
        (
            ("nytte", "mestring_funksjon", "moderat", "Mindre plass til opptrening."),
            ("alvorlighet", "grad_tap", "stor", "Stort funksjonstap etter sykehusopphold."),
            ("ressurs", "ressurs_nytte", "høy", "Gamle lokaler med høy bemanning per plass."),
        ),
        exclusive="korttid",
        current=True,
    ),
    BudgetCandidate(
        "Pårørendeskole og avlastning",
        "Pårørende til personer med demens",
        700_000,
        "moderat",
        "moderat",
        "lav",
        60,
        "Pårørende på ventelisten til pårørendeskolen og i avlastning i 2025.",
        (
            ("nytte", "mestring_funksjon", "moderat", "Pårørende står lenger i omsorgen."),
            ("alvorlighet", "smerte_ubehag", "moderat", "Stor belastning over tid."),
            ("ressurs", "ressurs_nytte", "lav", "Lite kostnad per deltaker."),
        ),
        # Few studies of carers' courses: the knowledge of the benefit is weak.
        uncertainty=("høy", "moderat", "lav"),
    ),
    BudgetCandidate(
        "Aktivitetstilbud for unge med rusproblem",
        "Unge 16–25 år med rusproblem",
        1_200_000,
        "stor",
        "stor",
        "moderat",
        25,
        "Unge i oppfølging hos psykisk helse og rus i dag som ikke har aktivitet.",
        (
            ("nytte", "mestring_funksjon", "stor", "Struktur og mestring i hverdagen."),
            ("alvorlighet", "risiko", "stor", "Fare for varig utenforskap og overdose."),
            ("alvorlighet", "tapte_leveaar", "stor", "Mange gode leveår står på spill."),
            ("ressurs", "ressurs_nytte", "moderat", "To årsverk for en liten gruppe."),
        ),
    ),
]


#: Unit and kind of service of the budget round's services people receive today, so that a cut
#: lists the running decisions it would change.
BUDGET_PROVIDERS = {
    "Forsvarlig bemanning i hjemmesykepleien": ("Hjemmetjenesten", "helsetjenester-i-hjemmet"),
    "Lovpålagt kommunalt akutt døgnopphold": ("Fjordvik helse- og omsorgssenter", ""),
    "Korttidsopphold i eksisterende bygg (dagens åtte plasser)": (
        "Fjordvik helse- og omsorgssenter",
        "korttidsopphold",
    ),
}


def _provider(context, name: str) -> dict:
    if name not in BUDGET_PROVIDERS:
        return {}
    unit, service = BUDGET_PROVIDERS[name]
    return {"unit": context.fjordvik.units.get(name=unit), "service": service}


def _budget_round(context) -> PrioritizationCase:
    case = _case(
        context,
        title="Budsjett 2027: åtte kandidattiltak i helse og omsorg",
        level=Level.POLITICAL,
        direction=Direction.RECONFIGURE,
        situation=(
            "Rammen for helse og omsorg i 2027 er 13 millioner kroner til tiltakene under. "
            "Kandidatene koster samlet 17,5 millioner. To er lovpålagte."
        ),
        legal_frame=FRAME_LEGAL,
        economic_frame="Rammen i kommunedirektørens budsjettforslag: 13,0 mill. kr.",
        professional_frame="Kommunens helse- og omsorgsplan og nasjonale faglige råd.",
        plan_process=PlanProcess.ARSBUDSJETT,
        plan_reference="Årsbudsjett 2027, kap. 3 Helse og omsorg",
        budget_nok=13_000_000,
        weight_benefit=35,
        weight_severity=40,
        weight_resource=25,
    )
    created = {}
    for position, row in enumerate(BUDGET_CANDIDATES):
        created[row.name] = _alt(
            case,
            position,
            name=row.name,
            target_group=row.group,
            cost_nok=row.cost,
            nytte=row.nytte,
            nytte_reasoning=f"Vurdert av fagstaben for {row.group.lower()}.",
            alvorlighet=row.alvorlighet,
            alvorlighet_reasoning="Vurdert ut fra risiko for tap av funksjon og hastegrad.",
            ressurs=row.ressurs,
            ressurs_reasoning="Kostnad i forhold til nytte, etter kommunens egne terskler.",
            parts=row.parts,
            uncertainty=row.uncertainty,
            persons_per_year=row.persons,
            persons_source="anslag",
            persons_note=row.persons_note,
            evidence="Fagstabens gjennomgang og nasjonale faglige råd.",
            mandatory=row.mandatory,
            exclusive_group=row.exclusive,
            current_service=row.current,
            consequences=f"{row.group} får ikke tilbudet, eller får det i mindre omfang.",
            **_provider(context, row.name),
        )
    rehab = created["Hverdagsrehabilitering i alle soner"]
    rehab.requires = created["Velferdsteknologi: digitalt tilsyn"]
    rehab.save()
    _attach(context, case, indicator="hjemmetjenester-80")
    _attach(context, case, indicator="hjemmesykepleie-timer")
    return case


def _rehabilitation(context) -> PrioritizationCase:
    leder = context.users["leder"]
    case = _case(
        context,
        title="Hverdagsrehabilitering som første tilbud",
        level=Level.ADMINISTRATIVE,
        direction=Direction.RECONFIGURE,
        situation="Flere søker praktisk bistand etter kortere sykdom; mange kunne klart seg selv.",
        legal_frame=FRAME_LEGAL,
        economic_frame="Innenfor hjemmetjenestens ramme.",
        professional_frame="Erfaringer med hverdagsrehabilitering i norske kommuner.",
        plan_process=PlanProcess.TEMAPLAN,
        plan_reference="Helse- og omsorgsplan 2024–2027",
        recommendation="Tilby hverdagsrehabilitering før praktisk bistand der det er aktuelt.",
    )
    _alt(
        case,
        0,
        name="Hverdagsrehabilitering før praktisk bistand",
        target_group="Hjemmeboende som søker praktisk bistand",
        comparator="Praktisk bistand som i dag",
        cost_nok=600_000,
        nytte="stor",
        nytte_reasoning="Mange gjenvinner funksjon og mestring.",
        alvorlighet="moderat",
        alvorlighet_reasoning="Moderat tap av funksjon.",
        ressurs="lav",
        ressurs_reasoning="Lav kostnad; kan redusere behovet for bistand senere.",
        parts=(
            ("nytte", "mestring_funksjon", "stor", "Mange klarer hverdagen selv igjen."),
            ("alvorlighet", "grad_tap", "moderat", "Tap av funksjon etter kortere sykdom."),
            ("ressurs", "ressurs_nytte", "lav", "Terapeuter finnes i alle soner."),
        ),
        evidence="Følgeforskning på hverdagsrehabilitering.",
        proportionality="God nytte for lav kostnad.",
        equity="Må tilpasses dem med kognitiv svikt.",
        local_conditions="Terapeuter finnes i alle soner.",
    )
    basis = services.create_basis(actor=leder, case=case, detail="kort")
    Decision.objects.create(
        case=case,
        basis=basis,
        decided_on=dt.date(2025, 9, 1),
        decision_maker="Kommunalsjef for helse og omsorg",
        outcome="Hverdagsrehabilitering tilbys først der det er aktuelt.",
        reasons="God nytte for lav kostnad, og i tråd med helse- og omsorgsplanen.",
        recorded_by=leder,
    )
    case.phase = Phase.EVALUATE
    case.save()
    FollowUp.objects.create(
        municipality=case.municipality,
        case=case,
        indicator="Andel som ikke trenger praktisk bistand etter seks måneder",
        review_on=timezone.localdate() - dt.timedelta(days=14),
        responsible="Enhetsleder hjemmetjenesten",
    )
    return case


def build_demo(context) -> None:
    """Add the demo cases to Fjordvik."""
    _store_local_figures(context)
    _rehabilitation(context)
    _day_services(context)
    _budget_round(context)
    _low_threshold(context)
    context.summary.append("Prioriteringssaker: 4 demosaker i ulike faser")


def generated_round(municipality, *, actor, alternatives: int, seed: int = 7):
    """A budget round of *alternatives* invented candidates, for load tests and benchmarks.

    Levels, costs and persons are drawn from *seed*; every seventh candidate is a service
    people receive today at one of the municipality's units (so cuts list decisions), every
    eleventh is mandatory, and pairs share an exclusive group. Returns the case.
    """
    import random

    from losen.domain.criteria import default_catalogue

    rng = random.Random(seed)  # noqa: S311 - invented demo data, not a secret
    catalogue = default_catalogue()
    scales = {
        kind: catalogue.scale(catalogue.criterion(kind).scale).labels
        for kind in ("nytte", "alvorlighet", "ressurs")
    }
    units = list(municipality.units.all()) or [None]
    costs = [rng.randrange(200, 3000) * 1000 for _ in range(alternatives)]
    case = PrioritizationCase(
        municipality=municipality,
        created_by=actor,
        title=f"Generert budsjettrunde med {alternatives} tiltak",
        level=Level.POLITICAL,
        direction=Direction.RECONFIGURE,
        situation="Oppdiktet runde for å måle hvor raskt sidene svarer.",
        plan_process=PlanProcess.ARSBUDSJETT,
        budget_nok=sum(costs) // 2,
    )
    services.save_object(actor=actor, obj=case, municipality=municipality)
    rows = []
    for k in range(alternatives):
        levels = {
            kind: rng.choice(labels[1:] if kind == "nytte" else labels)
            for kind, labels in scales.items()
        }
        current = k % 7 == 3
        rows.append(
            Alternative(
                municipality=municipality,
                case=case,
                position=k,
                name=f"Tiltak {k + 1}",
                target_group="Oppdiktet målgruppe",
                cost_nok=costs[k],
                nytte_level=levels["nytte"],
                nytte_reasoning="Generert.",
                nytte_uncertainty="moderat",
                alvorlighet_level=levels["alvorlighet"],
                alvorlighet_reasoning="Generert.",
                alvorlighet_uncertainty="moderat",
                ressurs_level=levels["ressurs"],
                ressurs_reasoning="Generert.",
                ressurs_uncertainty="lav",
                parts=[
                    {
                        "criterion": "alvorlighet",
                        "part": "risiko",
                        "level": levels["alvorlighet"],
                        "reasoning": "Generert.",
                    }
                ],
                persons_per_year=rng.randrange(5, 400),
                persons_source="anslag",
                persons_note="Generert anslag.",
                mandatory=k % 11 == 5,
                exclusive_group=f"gruppe-{k // 2}" if k % 13 in (1, 2) else "",
                current_service=current,
                unit=units[k % len(units)] if current else None,
                proportionality="Generert.",
                evidence="Generert.",
            )
        )
    Alternative.objects.bulk_create(rows)
    return case
