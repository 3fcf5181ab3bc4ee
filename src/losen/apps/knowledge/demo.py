"""Demo data of the knowledge app: a mini method assessment and an ethical reflection on
Fjordvik's cases, Fjordvik in the example bank with its published case, and one example
imported from another (invented) installation. Everything is invented."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from losen.apps.priorities.models import PrioritizationCase

from . import services
from .models import (
    Advice,
    Certainty,
    EthicsReflection,
    Example,
    MethodAssessment,
    Origin,
    ServiceArea,
)

DEMO_FILE = Path(__file__).with_name("demo_example.json")


def _method(context, case) -> None:
    services.save_method_assessment(
        actor=context.users["analytiker"],
        assessment=MethodAssessment(
            municipality=context.fjordvik,
            case=case,
            title="Rask psykisk helsehjelp for voksne med lettere angst og depresjon",
            population=(
                "Voksne over 18 år med lettere til moderat angst, depresjon eller søvnvansker."
            ),
            intervention=(
                "Kortvarig kognitiv terapi og veiledet selvhjelp, uten henvisning, i grupper "
                "eller individuelt, med oppstart innen to uker."
            ),
            comparison="Ordinær venteliste til samtaler i psykisk helse og rus (om lag sju uker).",
            outcomes="Symptomtrykk, funksjon i arbeid og hverdag, ventetid og tilfredshet.",
            evidence=(
                "Søk i kunnskapsoppsummeringer og nasjonale evalueringer av Rask psykisk "
                "helsehjelp; to systematiske oversikter over lavterskel kognitiv terapi."
            ),
            effect=(
                "Moderat bedring i symptomer og funksjon etter behandling; effekten holder seg "
                "ved ett års oppfølging i de fleste studier."
            ),
            safety=(
                "Lav risiko. De som trenger mer, må fanges opp: kartlegging ved oppstart og "
                "rutine for å henvise videre ved selvmordsrisiko eller alvorlig lidelse."
            ),
            organisation=(
                "Tre årsverk med kompetanse i kognitiv terapi; veiledning fra spesialist; "
                "samarbeid med fastleger og NAV."
            ),
            economy=(
                "Om lag 2,3 millioner kroner per år. Kortere ventetid kan gi mindre sykefravær; "
                "gevinsten er usikker og tilfaller delvis andre enn kommunen."
            ),
            ethics=(
                "Tilbudet kan trekke ressurser fra dem med alvorligst behov; det må ikke "
                "fortrenge oppfølgingen av personer med alvorlig rusmiddelproblem."
            ),
            conclusion=(
                "Metoden virker for målgruppen og er trygg med god kartlegging. Arbeidsgruppen "
                "anbefaler utprøving i to år med evaluering av ventetid og effekt."
            ),
            advice=Advice.TRIAL,
            certainty=Certainty.MODERATE,
            working_group=(
                "Psykolog, to sykepleiere i psykisk helse og rus, brukerrepresentant, enhetsleder"
            ),
            completed_on=dt.date(2026, 9, 15),
        ),
    )


def _reflection(context, case) -> None:
    services.save_reflection(
        actor=context.users["leder"],
        reflection=EthicsReflection(
            municipality=context.fjordvik,
            case=case,
            held_on=dt.date(2026, 5, 20),
            participants="Kommunalsjef, enhetsleder, to ansatte i dagtilbudet, leder av eldrerådet",
            situation=(
                "Kommunen må spare 1,8 millioner kroner. To av tre avdelinger i dagtilbudet har "
                "lavt belegg. Eldre i ytre sone har lang reisevei til avdelingen som blir igjen."
            ),
            question=(
                "Bør vi slå sammen avdelingene for å verne om tilbudet for personer med demens, "
                "selv om noen eldre i ytre sone da kan miste tilbudet i praksis?"
            ),
            parties=(
                "Brukerne og deres pårørende (trygghet, avlastning, fellesskap); ansatte "
                "(arbeidsmiljø, faglig kvalitet); innbyggerne (et forsvarlig budsjett); "
                "eldrerådet (lik tilgang i hele kommunen)."
            ),
            norms=(
                "Retten til nødvendige helse- og omsorgstjenester og kravet til forsvarlighet; "
                "nasjonal faglig retningslinje om demens; likebehandling; verdighet og "
                "selvbestemmelse."
            ),
            options=(
                "Beholde tre avdelinger og spare andre steder; slå sammen to avdelinger uten "
                "transport; slå sammen to avdelinger og tilby transport fra ytre sone."
            ),
            choice=(
                "Slå sammen to avdelinger og tilby transport. Slik beholdes tilbudet for dem "
                "med størst behov, og reiseveien stenger ingen ute. Lik tilgang veide tyngst."
            ),
        ),
    )


def build_demo(context) -> None:
    cases = {c.title: c for c in PrioritizationCase.objects.filter(municipality=context.fjordvik)}
    low = cases.get("Lavterskeltilbud eller mer oppfølging i hjemmet")
    day = cases.get("Redusert dagtilbud for eldre")
    if low is None or day is None:  # the priorities demo changed: nothing to attach to
        return
    _method(context, low)
    _reflection(context, day)
    leder = context.users["leder"]
    services.set_bank_membership(actor=leder, municipality=context.fjordvik, opted_in=True)
    services.offer_example(
        actor=leder,
        case=day,
        service_area=ServiceArea.DAY,
        process=services.default_process(day),
        evaluation=(
            "Avdelingene ble slått sammen 1. januar 2027. Første gjennomgang etter et halvt år: "
            "belegget i den sammenslåtte avdelingen er godt, og transporten brukes av elleve "
            "faste brukere fra ytre sone."
        ),
    )
    # The imported example belongs to no municipality here, so resetting the demo does not
    # delete it with Fjordvik: the previous demo's copy goes first.
    demo_id = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["example"]["id"]
    Example.objects.filter(source_id=demo_id, origin=Origin.IMPORTED).delete()
    services.import_example(actor=None, data=DEMO_FILE.read_bytes(), source=DEMO_FILE.name)
    context.summary.append(
        "Kunnskap og etikk: 1 mini-metodevurdering, 1 etisk refleksjon, 2 eksempler i "
        "eksempelbanken (1 fra Fjordvik, 1 importert)"
    )
