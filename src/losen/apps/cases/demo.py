"""Demo data for the cases app: invented decisions at two of Fjordvik's units.

Eight invented persons attend the day activity service at «Bo- og aktivitetstilbud» under
running decisions (the demo prioritisation case about day services cuts that unit). Some of
them also get home health care or practical help from «Hjemmetjenesten». One decision has
ended, one has run out and one is a draft, so that lists of running decisions visibly leave
something out. Three of them are on a short stay at «Fjordvik helse- og omsorgssenter» (the
demo budget round may cut short-stay places). The demo caseworker has a care relation to some
of the persons.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from losen.apps.demo.services import FAMILY_NAMES, GIVEN_NAMES, DemoContext
from losen.apps.persons.models import CareRelation, Person

from .models import DecisionStatus, ServiceDecision, ServiceKind, StatusChange

PERSON_COUNT = 8
#: How many of the persons the demo caseworker (saksbehandler) may see.
CASEWORKER_PERSONS = 5

LEGAL_DAY = "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 7"
LEGAL_HOME = "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a"
LEGAL_HELP = "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b"
LEGAL_STAY = "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav c"

FACTS = "Oppdiktet: kartlegging i hjemmet og samtale med personen og pårørende."
REASONS = (
    "Oppdiktet: tilbudet gir struktur i hverdagen og avlaster pårørende; personen ønsker det "
    "selv, og et mindre omfang vurderes ikke som forsvarlig nå."
)


def build_demo(context: DemoContext) -> None:
    """Create the persons, their decisions and the caseworker's care relations."""
    fjordvik = context.fjordvik
    rng = context.rng
    today = timezone.localdate()
    day_unit = fjordvik.units.get(name="Bo- og aktivitetstilbud")
    home_unit = fjordvik.units.get(name="Hjemmetjenesten")
    caseworker = context.users["saksbehandler"]
    persons = []
    for index in range(PERSON_COUNT):
        persons.append(
            Person.objects.create(
                municipality=fjordvik,
                given_name=GIVEN_NAMES[index % len(GIVEN_NAMES)],
                family_name=FAMILY_NAMES[(index + 2) % len(FAMILY_NAMES)],
                birth_year=rng.randint(1935, 1960),
                unit=day_unit,
                is_synthetic=True,
            )
        )
    CareRelation.objects.bulk_create(
        CareRelation(person=person, user=caseworker) for person in persons[:CASEWORKER_PERSONS]
    )
    numbers = iter(range(1201, 1300))
    decisions: list[ServiceDecision] = []

    def decision(person, unit, service, scope, *, days_ago, status=DecisionStatus.FATTET, **kw):
        valid_from = today - dt.timedelta(days=days_ago)
        issued = status != DecisionStatus.UTKAST
        decisions.append(
            ServiceDecision(
                municipality=fjordvik,
                person=person,
                reference=f"{valid_from.year}/{next(numbers)}",
                service=service,
                unit=unit,
                scope=scope,
                valid_from=valid_from,
                status=status,
                facts=FACTS,
                reasons=REASONS,
                decided_at=valid_from - dt.timedelta(days=14) if issued else None,
                decided_by=caseworker if issued else None,
                **kw,
            )
        )

    for index, person in enumerate(persons):
        days = rng.choice((2, 2, 3, 5))
        time_limited = index % 3 == 0
        decision(
            person,
            day_unit,
            ServiceKind.DAGAKTIVITETSTILBUD,
            f"{days} dager per uke",
            days_ago=rng.randint(60, 700),
            status=DecisionStatus.PAKLAGET if index == 4 else DecisionStatus.FATTET,
            legal_basis=LEGAL_DAY,
            applied_for="Oppdiktet: dagaktivitetstilbud på hverdager.",
            hours_per_week=Decimal(days * 5),
            valid_to=today + dt.timedelta(days=rng.randint(90, 365)) if time_limited else None,
            review_on=today + dt.timedelta(days=rng.randint(30, 180)),
        )
    # At «Hjemmetjenesten»: home health care and practical help for some of the same persons.
    for person, service, hours, legal in (
        (persons[1], ServiceKind.HELSETJENESTER_I_HJEMMET, "3.5", LEGAL_HOME),
        (persons[2], ServiceKind.PRAKTISK_BISTAND, "2", LEGAL_HELP),
        (persons[3], ServiceKind.HELSETJENESTER_I_HJEMMET, "7", LEGAL_HOME),
        (persons[5], ServiceKind.PRAKTISK_BISTAND, "1.5", LEGAL_HELP),
    ):
        decision(
            person,
            home_unit,
            service,
            f"{hours.replace('.', ',')} timer per uke",
            days_ago=rng.randint(30, 500),
            legal_basis=legal,
            hours_per_week=Decimal(hours),
            review_on=today + dt.timedelta(days=rng.randint(30, 120)),
        )
    # At the care centre: time-limited short stays (the demo budget round may cut the short-stay
    # places in the existing building, so its portfolio page lists these).
    centre = fjordvik.units.get(name="Fjordvik helse- og omsorgssenter")
    for person, started, weeks in ((persons[0], 9, 4), (persons[4], 4, 3), (persons[6], 1, 2)):
        start = today - dt.timedelta(days=started)
        decision(
            person,
            centre,
            ServiceKind.KORTTIDSOPPHOLD,
            f"Korttidsopphold i {weeks} uker (opptrening)",
            days_ago=started,
            legal_basis=LEGAL_STAY,
            applied_for="Oppdiktet: korttidsopphold etter sykehusinnleggelse.",
            valid_to=start + dt.timedelta(weeks=weeks),
            review_on=start + dt.timedelta(weeks=weeks - 1),
        )
    # Not running: ended, run out, and a draft.
    decision(
        persons[0],
        home_unit,
        ServiceKind.PRAKTISK_BISTAND,
        "2 timer per uke",
        days_ago=400,
        status=DecisionStatus.AVSLUTTET,
        legal_basis=LEGAL_HELP,
        hours_per_week=Decimal(2),
    )
    decision(
        persons[6],
        day_unit,
        ServiceKind.DAGAKTIVITETSTILBUD,
        "1 dag per uke (prøveperiode)",
        days_ago=300,
        legal_basis=LEGAL_DAY,
        hours_per_week=Decimal(5),
        valid_to=today - dt.timedelta(days=120),
    )
    decision(
        persons[7],
        home_unit,
        ServiceKind.HELSETJENESTER_I_HJEMMET,
        "Tilsyn to ganger per dag",
        days_ago=-14,
        status=DecisionStatus.UTKAST,
        legal_basis=LEGAL_HOME,
    )
    ServiceDecision.objects.bulk_create(decisions)
    ended = next(d for d in decisions if d.status == DecisionStatus.AVSLUTTET)
    StatusChange.objects.create(
        decision=ServiceDecision.objects.get(external_id=ended.external_id),
        from_status=DecisionStatus.FATTET,
        to_status=DecisionStatus.AVSLUTTET,
        note="Oppdiktet: personen har flyttet til et annet tilbud.",
        changed_by=caseworker,
    )
    _casework(context, persons, home_unit)
    running = ServiceDecision.objects.filter(municipality=fjordvik).running(today).count()
    context.summary.append(
        f"Vedtak: {len(decisions)} demovedtak for {PERSON_COUNT} fiktive personer "
        f"(dagaktivitetstilbud ved {day_unit.name}, hjemmetjenester, korttidsopphold), "
        f"{running} gjelder i dag"
    )


def _casework(context: DemoContext, persons: list[Person], home_unit) -> None:
    """The caseworker's work in the demo, through the services: the allocation criteria of two
    services, an application under assessment with a draft, a new application whose
    preliminary reply is due (forvaltningsloven § 11 a) and one from a person the demo
    caseworker has no care relation to. All text is invented."""
    from . import services
    from .models import CaseworkSettings

    fjordvik = context.fjordvik
    today = timezone.localdate()
    leader = context.users["leder"]
    caseworker = context.users["saksbehandler"]
    CaseworkSettings.objects.update_or_create(
        municipality=fjordvik,
        defaults={"complaint_to": "Tildelingskontoret, Fjordvik kommune (oppdiktet adresse)"},
    )
    for service, title, regulation, items in (
        (
            ServiceKind.PRAKTISK_BISTAND,
            "Tildelingskriterier for praktisk bistand",
            "",
            [
                "Personen klarer ikke selv nødvendige oppgaver i hjemmet.",
                "Andre i husstanden kan ikke gjøre oppgavene.",
                "Hjelpemidler eller opplæring er vurdert først.",
            ],
        ),
        (
            ServiceKind.LANGTIDSOPPHOLD,
            "Tildeling av langtidsopphold i sykehjem",
            "Oppdiktet: forskrift om tildeling av langtidsopphold, Fjordvik kommune "
            "(helse- og omsorgstjenesteloven § 3-2 a)",
            [
                "Behovet for pleie og tilsyn er der hele døgnet.",
                "Hjemmebaserte tjenester er prøvd eller vurdert som ikke forsvarlige.",
            ],
        ),
    ):
        services.publish_allocation_criteria(
            actor=leader,
            municipality=fjordvik,
            service=service,
            title=title,
            introduction="Oppdiktede kriterier for demoen.",
            regulation=regulation,
            valid_from=today - dt.timedelta(days=365),
            items=items,
        )
    assessed = services.register_application(
        actor=caseworker,
        municipality=fjordvik,
        person=persons[1],
        services=[(ServiceKind.PRAKTISK_BISTAND, "2 timer per uke")],
        received_on=today - dt.timedelta(days=12),
        channel="digital",
        in_own_words="Oppdiktet: jeg klarer ikke å vaske gulv og handle etter hofteoperasjonen.",
        postal_address="Oppdiktet vei 1\n4699 Fjordvik",
    )
    applied = assessed.services.get()
    criteria = services.criteria_in_force(fjordvik, applied.service, assessed.received_on)
    services.save_assessment(
        actor=caseworker,
        applied_service=applied,
        function={"husarbeid": 4, "innkjop": 4, "matlaging": 3, "hygiene": 2},
        what_matters="Oppdiktet: å bo hjemme og klare frokosten selv.",
        user_view="Oppdiktet: ønsker hjelp én gang i uken.",
        combined={
            **{
                kind: {
                    "level": level,
                    "reasoning": f"Oppdiktet vurdering av {kind}.",
                    "uncertainty": "lav",
                    "parts": [],
                }
                for kind, level in (
                    ("nytte", "stor"),
                    ("ressurs", "lav"),
                    ("alvorlighet", "moderat"),
                )
            },
            "reasoning": "Oppdiktet: hjelpen gir stor nytte for lite ressurs.",
        },
        urgency="innen-uker",
        necessary_help="ja",
        necessary_help_reasoning="Oppdiktet: klarer ikke tungt husarbeid og innkjøp selv nå.",
        forsvarlighet="Oppdiktet: to timer i uken dekker behovet forsvarlig.",
        right_basis="pasient- og brukerrettighetsloven § 2-1 a",
        alternatives="Oppdiktet: varelevering er vurdert, men dekker ikke rengjøringen.",
        checks=[
            (item.pk, "oppfylt", "Oppdiktet: kartlagt ved hjemmebesøk.")
            for item in criteria.items.all()
        ]
        if criteria is not None
        else [],
    )
    services.draft_decision(
        actor=caseworker,
        applied_service=applied,
        outcome="innvilget",
        unit=home_unit,
        scope="2 timer per uke",
        hours_per_week=Decimal(2),
        valid_from=today + dt.timedelta(days=7),
        review_on=today + dt.timedelta(days=180),
        contact_person="Oppdiktet saksbehandler, Tildelingskontoret",
    )
    services.register_application(
        actor=caseworker,
        municipality=fjordvik,
        person=persons[3],
        services=[(ServiceKind.LANGTIDSOPPHOLD, ""), (ServiceKind.AVLASTNING, "")],
        received_on=today - dt.timedelta(days=35),
        channel="henvisning",
        in_own_words="Oppdiktet: pårørende skriver at det ikke går lenger hjemme.",
        representative_kind="parorende",
        representative_name="Oppdiktet pårørende",
    )
    services.register_application(
        actor=caseworker,
        municipality=fjordvik,
        person=persons[6],
        services=[(ServiceKind.STOTTEKONTAKT, "")],
        received_on=today - dt.timedelta(days=2),
        channel="telefon",
        in_own_words="Oppdiktet: ønsker noen å gå tur med.",
    )
    context.summary.append(
        "Søknader: 3 demosøknader (én vurdert med utkast til vedtak, én der foreløpig svar "
        "er på tide), tildelingskriterier for praktisk bistand og langtidsopphold"
    )
