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
import random
from decimal import Decimal

from django.utils import timezone

from losen.apps.demo.services import FAMILY_NAMES, GIVEN_NAMES, DemoContext
from losen.apps.persons.models import CareRelation, Person

from .models import (
    AuthorityOutcome,
    DecisionStatus,
    Outcome,
    ReviewOutcome,
    ServiceDecision,
    ServiceKind,
    StatusChange,
)

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


# --- The caseworker's work -------------------------------------------------------------------
#
# Everything below goes through the services (losen.apps.cases.services), so the demo holds
# only what the rules let a caseworker write. The services date what they do today (a
# decision is issued today, an assessment is saved now); what happened before (when an
# application came in, when a preliminary reply was sent, when a complaint came) is given to
# them as a date in the past. Each case is then moved back to the days it happened on
# (:meth:`_Casework.issued_on`, :meth:`_Casework.assessed_on`), counted back from today, so
# the waiting list, the deadlines and the processing times read as a working office's on
# whatever day the demo is loaded.

#: Invented names of the applicants (obviously made up, like the rest of the demo).
APPLICANT_FAMILY_NAMES = [
    "Søkersen",
    "Vedtaksvik",
    "Klagestad",
    "Ventedal",
    "Tildelingsen",
    "Saksberg",
    "Kriterud",
    "Vurdal",
]

#: The seed of the applicants' numbers, so every demo gets the same ones.
NATIONAL_ID_SEED = 4699

#: A function profile that needs help with the home, and one that hardly does.
HOME_HELP = {"husarbeid": 4, "innkjop": 4, "matlaging": 3, "hygiene": 2, "syn": 9}
MANAGES = {"husarbeid": 2, "innkjop": 1, "matlaging": 1, "hygiene": 1, "syn": 9}
#: The profiles of persons applying for a long-term place.
NURSING = {
    "hygiene": 5,
    "pakledning": 4,
    "toalett": 4,
    "spise": 3,
    "hukommelse": 4,
    "innendors": 4,
    "utendors": 5,
    "egen_helse": 5,
}
HOME_NURSING = {"egen_helse": 4, "hygiene": 3, "pakledning": 3, "hukommelse": 2}

CONTACT = "Oppdiktet saksbehandler, Tildelingskontoret, tlf. 00 00 00 00"


def synthetic_national_id(rng, *, d_number: bool = False) -> str:
    """An 11-digit number python-stdnum accepts that cannot be anyone's real one.

    The birth month is written plus 40, the form of a hjelpenummer (H-nummer): a number a
    health service gives internally and Folkeregisteret never issues, so it is nobody's
    fødselsnummer. With *d_number* the day is written plus 40 too (the D-nummer form). The
    check digits are the real ones (modulus 11), so the number passes every check a real one
    does. Born 1930–1960 (individual numbers 000–499: born 1900–1999).
    """
    from stdnum.no import fodselsnummer

    while True:
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
        day = born.day + (40 if d_number else 0)
        stem = f"{day:02d}{born.month + 40:02d}{born.year % 100:02d}{rng.randrange(500):03d}"
        first = fodselsnummer.calc_check_digit1(stem)
        if first == "10":
            continue
        second = fodselsnummer.calc_check_digit2(stem + first)
        if second == "10":
            continue
        return stem + first + second


def _combined(nytte: str, ressurs: str, alvorlighet: str, reasoning: str) -> dict:
    """A combined assessment of nytte, ressurs and alvorlighet as the shared model stores it."""
    data = {
        kind: {
            "level": level,
            "reasoning": f"Oppdiktet: begrunnelse for {kind}.",
            "uncertainty": "lav",
            "parts": [],
        }
        for kind, level in (("nytte", nytte), ("ressurs", ressurs), ("alvorlighet", alvorlighet))
    }
    data["reasoning"] = f"Oppdiktet: {reasoning}"
    return data


class _Casework:
    """The demo caseworker at work in Fjordvik, one case at a time, through the services."""

    def __init__(self, context: DemoContext, home_unit, centre, housing):
        from . import services

        self.services = services
        self.fjordvik = context.fjordvik
        self.caseworker = context.users["saksbehandler"]
        self.leader = context.users["leder"]
        self.home_unit, self.centre, self.housing = home_unit, centre, housing
        self.today = timezone.localdate()
        self.rng = random.Random(NATIONAL_ID_SEED)  # noqa: S311 - invented demo data
        self.persons: list[Person] = []

    def day(self, days_ago: int) -> dt.date:
        """The day *days_ago* days before today."""
        return self.today - dt.timedelta(days=days_ago)

    @staticmethod
    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        """A time in office hours on *day*."""
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    def redate_history(self, decision, day: dt.date, *, last: int = 1) -> None:
        """Put the *last* events of *decision*'s history on *day* (written today)."""
        from .models import StatusChange

        rows = list(decision.status_changes.order_by("-pk").values_list("pk", flat=True)[:last])
        StatusChange.objects.filter(pk__in=rows).update(changed_at=self.at(day, 11))

    def assessed_on(self, applied, day: dt.date) -> None:
        """The current assessment of *applied* was made on *day*."""
        from .models import ServiceAssessment

        ServiceAssessment.objects.filter(pk=applied.current_assessment.pk).update(
            assessed_at=self.at(day)
        )

    def issued_on(self, decision, day: dt.date):
        """*decision*, issued today, moved to *day*: the decision date, the period (it started a
        week after the decision), the re-evaluation (half a year on), the waiting list, the
        history and the application's closing all move with it."""
        from .models import Application

        shift = day - decision.decided_at
        fields = {"decided_at": day, "created_at": self.at(day, 9)}
        for name in ("valid_from", "review_on", "waiting_since", "notified_on"):
            value = getattr(decision, name)
            if value is not None:
                fields[name] = value + shift
        ServiceDecision.objects.filter(pk=decision.pk).update(**fields)
        self.redate_history(decision, day, last=decision.status_changes.count())
        if decision.application_id:
            Application.objects.filter(pk=decision.application_id, closed_on__isnull=False).update(
                closed_on=day
            )
        decision.refresh_from_db()
        return decision

    def person(self, given: str, family: str, *, d_number: bool = False) -> Person:
        """A new applicant registered by the caseworker (who gets the care relation)."""
        person = self.services.register_person(
            actor=self.caseworker,
            municipality=self.fjordvik,
            given_name=given,
            family_name=family,
            national_id=synthetic_national_id(self.rng, d_number=d_number),
        )
        self.persons.append(person)
        return person

    def apply(self, person, services, *, days_ago: int, words: str, **fields):
        return self.services.register_application(
            actor=fields.pop("actor", self.caseworker),
            municipality=self.fjordvik,
            person=person,
            services=services,
            received_on=self.today - dt.timedelta(days=days_ago),
            channel=fields.pop("channel", "digital"),
            in_own_words=f"Oppdiktet: {words}",
            postal_address=fields.pop("postal_address", "Oppdiktet vei 1\n4699 Fjordvik"),
            **fields,
        )

    def assess(
        self,
        applied,
        *,
        function: dict,
        combined: dict,
        urgency: str = "innen-uker",
        necessary: str = "ja",
        met: str = "oppfylt",
    ):
        criteria = self.services.criteria_in_force(
            self.fjordvik, applied.service, applied.application.received_on
        )
        items = criteria.items.all() if criteria is not None else []
        checks = [(item.pk, met, "Oppdiktet: kartlagt ved hjemmebesøk.") for item in items]
        return self.services.save_assessment(
            actor=self.caseworker,
            applied_service=applied,
            function=function,
            what_matters="Oppdiktet: å bo trygt og klare dagen mest mulig selv.",
            user_view="Oppdiktet: ønsker hjelp, men ikke mer enn nødvendig.",
            combined=combined,
            urgency=urgency,
            necessary_help=necessary,
            necessary_help_reasoning="Oppdiktet: kartleggingen viser hva personen ikke klarer.",
            forsvarlighet="Oppdiktet: tilbudet dekker behovet forsvarlig.",
            right_basis="pasient- og brukerrettighetsloven § 2-1 a",
            alternatives="Oppdiktet: hjelpemidler og hjelp fra familien er vurdert.",
            checks=checks,
        )

    def draft(self, applied, outcome: str, unit, **fields):
        granted = outcome != Outcome.AVSLAG
        return self.services.draft_decision(
            actor=self.caseworker,
            applied_service=applied,
            outcome=outcome,
            unit=unit,
            valid_from=self.today + dt.timedelta(days=7) if granted else None,
            review_on=self.today + dt.timedelta(days=180),
            contact_person=CONTACT,
            **fields,
        )

    def issue(self, decision, **fields):
        return self.services.issue_decision(actor=self.caseworker, decision=decision, **fields)

    def decided(
        self,
        person,
        service,
        *,
        days_ago,
        decided_days_ago,
        words,
        function,
        combined,
        outcome,
        unit,
        urgency="innen-uker",
        necessary="ja",
        met="oppfylt",
        issue=None,
        **draft,
    ):
        """An application for one service that came *days_ago* days ago, assessed a week
        later (or halfway, for a quick case), drafted and issued *decided_days_ago* days ago;
        the decision.

        A case decided more than a month after it came in had its preliminary reply
        (forvaltningsloven § 11 a) three weeks after it came in, as the law asks, with the
        expected decision date a few days after the day it was decided.
        """
        from losen.domain.casework.deadlines import preliminary_reply_due

        from .models import Application

        application = self.apply(
            person, [(service, draft.pop("requested", ""))], days_ago=days_ago, words=words
        )
        decided_on = self.day(decided_days_ago)
        if preliminary_reply_due(application.received_on) <= decided_on:
            self.services.send_preliminary_reply(
                actor=self.caseworker,
                application=application,
                reason=PRELIMINARY_REASON,
                expected_decision_on=self.today,
                sent_on=application.received_on + dt.timedelta(days=21),
            )
            # The reply promised a decision a few days after the one it got.
            Application.objects.filter(pk=application.pk).update(
                expected_decision_on=decided_on + dt.timedelta(days=5)
            )
        applied = application.services.get()
        self.assess(
            applied,
            function=function,
            combined=combined,
            urgency=urgency,
            necessary=necessary,
            met=met,
        )
        worked = days_ago - decided_days_ago
        self.assessed_on(applied, application.received_on + dt.timedelta(days=min(7, worked // 2)))
        decision = self.issue(self.draft(applied, outcome, unit, **draft), **(issue or {}))
        return self.issued_on(decision, decided_on)


def _casework(context: DemoContext, persons: list[Person], home_unit) -> None:
    """The caseworker's work in the demo, all of it through the services.

    * Allocation criteria for praktisk bistand, helsetjenester i hjemmet and long-term places
      (the latter with the local regulation, helse- og omsorgstjenesteloven § 3-2 a).
    * Applications at every stage: just received; received more than a month ago and not
      decided, so the preliminary reply is due (forvaltningsloven § 11 a); one with the
      preliminary reply sent; assessed; a draft in line with like cases; withdrawn; decided.
    * Decisions: grants of practical help that are the municipality's practice, a draft that
      departs from them (more hours) issued with the reason, a refusal (avslag), a partial
      grant (delvis innvilget).
    * A complaint on the refusal: the municipality's review keeps the decision, it is sent to
      Statsforvalteren, who upholds it; a complaint on the partial grant waiting for review.
    * The waiting list for long-term places: five granted, one given a place, four waiting
      with different urgency and severity.

    The applicants are new persons the caseworker registers (with a care relation) with
    invented names and synthetic numbers (:func:`synthetic_national_id`); one more
    application, registered by the leader for a person the caseworker has no care relation
    to, is not the caseworker's to see. All text is invented.
    """
    from .models import Application, CaseworkSettings

    fjordvik = context.fjordvik
    centre = fjordvik.units.get(name="Fjordvik helse- og omsorgssenter")
    housing = fjordvik.units.get(name="Bo- og aktivitetstilbud")
    work = _Casework(context, home_unit, centre, housing)
    services, today = work.services, work.today
    CaseworkSettings.objects.update_or_create(
        municipality=fjordvik,
        defaults={
            "complaint_to": (
                "Tildelingskontoret, Fjordvik kommune, Postboks 0, 4699 Fjordvik "
                "(oppdiktet adresse)"
            )
        },
    )
    for service, title, regulation, items in CRITERIA:
        services.publish_allocation_criteria(
            actor=work.leader,
            municipality=fjordvik,
            service=service,
            title=title,
            introduction="Oppdiktede kriterier for demoen.",
            regulation=regulation,
            valid_from=today - dt.timedelta(days=365),
            items=items,
        )

    names = iter((given, family) for family in APPLICANT_FAMILY_NAMES for given in GIVEN_NAMES)

    def applicant(d_number: bool = False) -> Person:
        return work.person(*next(names), d_number=d_number)

    help_case = _combined("stor", "lav", "moderat", "hjelpen gir stor nytte for lite ressurs.")

    # Practice: three grants of two hours of practical help on the same profile, decided two
    # to five weeks after they came in (the last after more than a month, with its
    # preliminary reply).
    for hours, received, decided in (("2", 150, 134), ("2", 130, 109), ("2.5", 110, 72)):
        work.decided(
            applicant(),
            ServiceKind.PRAKTISK_BISTAND,
            days_ago=received,
            decided_days_ago=decided,
            words="jeg klarer ikke å vaske og handle etter et fall.",
            function=HOME_HELP,
            combined=help_case,
            outcome=Outcome.INNVILGET,
            unit=home_unit,
            requested="2 timer per uke",
            scope=f"{hours.replace('.', ',')} timer per uke",
            hours_per_week=Decimal(hours),
        )
    # A draft in line with them, waiting to be issued: came twelve days ago, assessed at a
    # home visit five days ago.
    application = work.apply(
        applicant(),
        [(ServiceKind.PRAKTISK_BISTAND, "2 timer per uke")],
        days_ago=12,
        words="jeg klarer ikke å vaske gulv og handle etter hofteoperasjonen.",
    )
    applied = application.services.get()
    work.assess(applied, function=HOME_HELP, combined=help_case)
    work.assessed_on(applied, work.day(5))
    drafted = work.draft(
        applied,
        Outcome.INNVILGET,
        home_unit,
        scope="2 timer per uke",
        hours_per_week=Decimal(2),
    )
    ServiceDecision.objects.filter(pk=drafted.pk).update(created_at=work.at(work.day(2)))
    # A draft on the same profile that grants six hours: flagged, issued two weeks ago with
    # the reason, more than a month after the application (so with a preliminary reply).
    work.decided(
        applicant(d_number=True),
        ServiceKind.PRAKTISK_BISTAND,
        days_ago=48,
        decided_days_ago=14,
        words="jeg bor alene og klarer ikke husarbeidet; synet er også dårlig.",
        function=HOME_HELP,
        combined=help_case,
        outcome=Outcome.INNVILGET,
        unit=home_unit,
        requested="6 timer per uke",
        scope="6 timer per uke",
        hours_per_week=Decimal(6),
        issue={"like_case_reason": DEPARTURE_REASON},
    )
    # A refusal: the person manages the home. Complained about well inside the deadline,
    # kept at the municipality's review, sent on, and upheld by Statsforvalteren this month.
    refused = work.decided(
        applicant(),
        ServiceKind.PRAKTISK_BISTAND,
        days_ago=120,
        decided_days_ago=100,
        words="jeg ønsker hjelp til rengjøring hver uke.",
        function=MANAGES,
        combined=_combined("liten", "lav", "liten", "behovet er lite og dekkes på annen måte."),
        outcome=Outcome.AVSLAG,
        unit=home_unit,
        urgency="kan-planlegges",
        necessary="nei",
        met="ikke-oppfylt",
    )
    complaint = services.register_complaint(
        actor=work.caseworker,
        decision=refused,
        received_on=work.day(85),
        from_whom="Parten selv",
        summary="Oppdiktet: mener behovet for hjelp er større enn vurdert.",
    )
    work.redate_history(refused, work.day(85))
    complaint = services.review_complaint(
        actor=work.caseworker,
        complaint=complaint,
        outcome=ReviewOutcome.OPPRETTHOLDT,
        reasons="Oppdiktet: klagen gir ingen nye opplysninger om behovet.",
        reviewed_on=work.day(78),
    )
    work.redate_history(refused, work.day(78))
    complaint = services.forward_complaint(
        actor=work.caseworker, complaint=complaint, forwarded_on=work.day(77)
    )
    work.redate_history(refused, work.day(77))
    services.record_authority_outcome(
        actor=work.caseworker,
        complaint=complaint,
        outcome=AuthorityOutcome.STADFESTET,
        decided_on=work.day(20),
        note="Oppdiktet: Statsforvalteren er enig i kommunens vurdering.",
    )
    work.redate_history(refused, work.day(20))
    # A partial grant of home nursing: two visits a day instead of three, decided a month
    # ago. The daughter's complaint came the day before the deadline ran out and waits for
    # the municipality's review.
    partial = work.decided(
        applicant(),
        ServiceKind.HELSETJENESTER_I_HJEMMET,
        days_ago=45,
        decided_days_ago=30,
        words="jeg trenger hjelp med medisiner og stell morgen, middag og kveld.",
        function=HOME_NURSING,
        combined=_combined("stor", "moderat", "moderat", "to besøk dekker behovet."),
        outcome=Outcome.DELVIS_INNVILGET,
        unit=home_unit,
        requested="Tre besøk per dag",
        scope="To besøk per dag (morgen og kveld), 3,5 timer per uke",
        hours_per_week=Decimal("3.5"),
        refused_part=(
            "Oppdiktet: besøket midt på dagen innvilges ikke. Medisinene gis i dosett, og "
            "middagen dekkes av matombringing; et tredje besøk er ikke nødvendig for at "
            "tilbudet skal være forsvarlig."
        ),
    )
    near_deadline = min(services.complaint_deadline(partial) - dt.timedelta(days=1), today)
    services.register_complaint(
        actor=work.caseworker,
        decision=partial,
        received_on=near_deadline,
        from_whom="Oppdiktet pårørende (datter)",
        summary="Oppdiktet: mener besøket midt på dagen trengs.",
    )
    work.redate_history(partial, near_deadline)

    # The waiting list for long-term places: five granted over the last half year, one given
    # a place three months ago; the others have waited from under two weeks to four months.
    waiting = []
    for urgency, severity, received, decided in WAITING:
        waiting.append(
            work.decided(
                applicant(d_number=len(waiting) == 2),
                ServiceKind.LANGTIDSOPPHOLD,
                days_ago=received,
                decided_days_ago=decided,
                words="det går ikke lenger hjemme; trenger tilsyn hele døgnet.",
                function=NURSING,
                combined=_combined("svært stor", "høy", severity, "behovet er der hele døgnet."),
                outcome=Outcome.INNVILGET,
                unit=centre,
                urgency=urgency,
                scope="Langtidsopphold i sykehjem",
            )
        )
    services.give_place(actor=work.caseworker, decision=waiting[-1], served_from=work.day(90))
    work.redate_history(waiting[-1], work.day(90))

    # Open applications.
    work.apply(
        applicant(),
        [(ServiceKind.STOTTEKONTAKT, "")],
        days_ago=2,
        words="ønsker noen å gå tur med.",
        channel="telefon",
    )
    # Came 40 days ago and not answered: the preliminary reply and the expected decision
    # date have both passed.
    work.apply(
        applicant(),
        [(ServiceKind.LANGTIDSOPPHOLD, ""), (ServiceKind.AVLASTNING, "")],
        days_ago=40,
        words="pårørende skriver at det ikke går lenger hjemme.",
        channel="henvisning",
        representative_kind="parorende",
        representative_name="Oppdiktet pårørende",
    )
    # Older than a month, with the preliminary reply sent; the decision is due within a week.
    replied = work.apply(
        applicant(),
        [(ServiceKind.BOLIG_MED_BEMANNING, "")],
        days_ago=45,
        words="trenger et sted å bo med folk rundt meg.",
        channel="papir",
    )
    work.assess(
        replied.services.get(),
        function={"sosial_deltakelse": 4, "beslutninger": 3, "atferd": 3, "egen_helse": 3},
        combined=_combined("stor", "høy", "stor", "boligen må finnes før vedtaket."),
    )
    work.assessed_on(replied.services.get(), work.day(30))
    services.send_preliminary_reply(
        actor=work.caseworker,
        application=replied,
        reason="Oppdiktet: vi venter på en ledig bolig og en uttalelse fra fastlegen.",
        expected_decision_on=today + dt.timedelta(days=5),
        sent_on=work.day(20),
    )
    # Assessed, not decided yet; the preliminary reply is due in a few days.
    assessed = work.apply(
        applicant(),
        [(ServiceKind.HELSETJENESTER_I_HJEMMET, "Hjelp med medisiner")],
        days_ago=25,
        words="trenger hjelp med øyedråper og medisiner.",
    )
    work.assess(
        assessed.services.get(),
        function={"egen_helse": 4, "syn": 4, "hukommelse": 2},
        combined=_combined("stor", "lav", "moderat", "kort besøk dekker behovet."),
        urgency="innen-uker",
    )
    work.assessed_on(assessed.services.get(), work.day(18))
    withdrawn = work.apply(
        applicant(),
        [(ServiceKind.DAGAKTIVITETSTILBUD, "")],
        days_ago=20,
        words="ønsker et sted å være på dagtid.",
    )
    services.withdraw_application(
        actor=work.caseworker,
        application=withdrawn,
        note="Oppdiktet: søkeren ringte og trakk søknaden; har fått plass i et frivillig tilbud.",
    )
    Application.objects.filter(pk=withdrawn.pk).update(closed_on=work.day(6))
    # Handled by someone else, for a person the caseworker has no care relation to.
    work.apply(
        persons[6],
        [(ServiceKind.STOTTEKONTAKT, "")],
        days_ago=3,
        words="ønsker noen å gå på kino med.",
        channel="telefon",
        actor=work.leader,
    )
    _number_in_order_received(fjordvik)
    Person.objects.filter(pk__in=[person.pk for person in work.persons]).update(is_synthetic=True)
    context.summary.append(
        f"Søknader: {fjordvik.applications.count()} demosøknader fra "
        f"{len(work.persons)} fiktive søkere (oppdiktede numre) på alle trinn, "
        "innvilgelser, ett avslag med klage behandlet hos Statsforvalteren, én delvis "
        "innvilgelse, ett vedtak som avviker fra like saker, venteliste for langtidsopphold, "
        "tildelingskriterier for praktisk bistand, helsetjenester i hjemmet og langtidsopphold"
    )


#: (service, title, local regulation, criteria): the allocation criteria of the demo.
CRITERIA = (
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
        ServiceKind.HELSETJENESTER_I_HJEMMET,
        "Tildelingskriterier for helsetjenester i hjemmet",
        "",
        [
            "Personen trenger helsehjelp som ikke kan gis på legekontor eller poliklinikk.",
            "Helsehjelpen kan gis forsvarlig i hjemmet.",
        ],
    ),
    (
        ServiceKind.LANGTIDSOPPHOLD,
        "Tildeling av langtidsopphold i sykehjem",
        "Oppdiktet: Forskrift om tildeling av langtidsopphold i sykehjem, Fjordvik kommune "
        "(helse- og omsorgstjenesteloven § 3-2 a, pasient- og brukerrettighetsloven § 2-1 e)",
        [
            "Behovet for pleie og tilsyn er der hele døgnet.",
            "Hjemmebaserte tjenester er prøvd eller vurdert som ikke forsvarlige.",
        ],
    ),
)

#: Why a case decided more than a month after it came in took time.
PRELIMINARY_REASON = "Oppdiktet: vi venter på kartlegging i hjemmet og opplysninger fra fastlegen."

#: Why the six-hour grant departs from the two-hour practice.
DEPARTURE_REASON = (
    "Oppdiktet: søkeren bor alene uten familie i nærheten og ser dårlig, så oppgavene tar "
    "lengre tid enn i de like sakene; seks timer er det som gjør tilbudet forsvarlig."
)

#: (urgency, severity, days since the application, days since the decision) of the long-term
#: places granted; the last is given a place. Not in the order the list puts them.
WAITING = (
    ("innen-uker", "svært stor", 150, 120),
    ("akutt", "stor", 20, 12),
    ("innen-dager", "moderat", 75, 60),
    ("innen-dager", "svært stor", 50, 35),
    ("innen-dager", "stor", 200, 170),
)


def _number_in_order_received(municipality) -> None:
    """Give the demo's applications their saksnummer in the order they came in, each in the
    year it came in («2026/0001» …), as registering them on the day would have; the decisions
    keep theirs in step («2026/0001-1»). The cases are built in another order (the practice
    first, so later drafts have like cases to be compared with)."""
    from .models import Application

    applications = list(
        Application.objects.filter(municipality=municipality).order_by("received_on", "pk")
    )
    # Out of the way first, since the numbers are unique in the municipality.
    for application in applications:
        Application.objects.filter(pk=application.pk).update(reference=f"demo-{application.pk}")
    for decision in ServiceDecision.objects.filter(application__in=applications):
        suffix = decision.reference.rsplit("-", 1)[-1]
        ServiceDecision.objects.filter(pk=decision.pk).update(
            reference=f"demo-{decision.pk}-{suffix}"
        )
    counters: dict[int, int] = {}
    for application in applications:
        year = application.received_on.year
        counters[year] = counters.get(year, 0) + 1
        reference = f"{year}/{counters[year]:04d}"
        Application.objects.filter(pk=application.pk).update(reference=reference)
        for decision in ServiceDecision.objects.filter(application=application):
            suffix = decision.reference.rsplit("-", 1)[-1]
            ServiceDecision.objects.filter(pk=decision.pk).update(reference=f"{reference}-{suffix}")
