"""Registering an application and its applicant, the preliminary reply and a withdrawal.

An application (søknad) is registered the day it is received, with the services it asks for
and the applicant's own words. The municipality must answer within a reasonable time and send
a preliminary reply when the case will take more than a month (forvaltningsloven § 11 a,
https://lovdata.no/lov/1967-02-10); the expected decision date is set from the municipality's
settings when the case is registered.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.apps.common.locking import claim_version
from losen.apps.persons.models import CareRelation, Person

from ..models import (
    Application,
    ApplicationStatus,
    AppliedService,
    Channel,
    LetterLanguage,
    RepresentativeKind,
    ServiceKind,
)
from ._common import Errors, add, audit, check_date, raise_if, settings_for, text, today

#: Statuses in which an application is still being handled.
OPEN_STATUSES = frozenset({ApplicationStatus.MOTTATT, ApplicationStatus.UNDER_BEHANDLING})

_REFERENCE = re.compile(r"^(\d{4})/(\d+)$")


def next_reference(municipality, year: int) -> str:
    """The next free «YYYY/NNNN» of *municipality* in *year* (applications and decisions)."""
    highest = 0
    prefix = f"{year}/"
    for reference in Application.objects.filter(
        municipality=municipality, reference__startswith=prefix
    ).values_list("reference", flat=True):
        match = _REFERENCE.match(reference)
        if match:
            highest = max(highest, int(match.group(2)))
    return f"{year}/{highest + 1:04d}"


def _check_services(errors: Errors, services) -> list[tuple[str, str]]:
    cleaned: list[tuple[str, str]] = []
    if not services:
        add(errors, "services", _("Velg minst én tjeneste det søkes om."))
        return cleaned
    seen: set[str] = set()
    for item in services:
        try:
            code, scope = item
        except (TypeError, ValueError):
            add(errors, "services", _("Hver tjeneste må ha en kode og et omfang (kan være tomt)."))
            continue
        if code not in ServiceKind.values:
            add(errors, "services", _("Ukjent tjeneste: %(code)s.") % {"code": code})
        elif code in seen:
            add(
                errors,
                "services",
                _("«%(service)s» er valgt to ganger.") % {"service": ServiceKind(code).label},
            )
        else:
            seen.add(code)
            cleaned.append((code, text(scope)))
    return cleaned


def register_application(
    *,
    actor,
    municipality,
    person,
    services: list[tuple[str, str]],
    received_on: dt.date,
    channel: str,
    in_own_words: str,
    representative_kind: str = "",
    representative_name: str = "",
    representative_contact: str = "",
    postal_address: str = "",
    letter_language: str = LetterLanguage.NB,
    reference: str | None = None,
) -> Application:
    """Register an application from *person* for *services* (``[(service code, scope)]``).

    The caseworker is *actor*; the status is ``mottatt``; the expected decision date is
    *received_on* plus the municipality's ``decision_within_days``. Without *reference* the
    next «YYYY/NNNN» of the year it is registered is used.
    """
    errors: Errors = {}
    if person is None or person.municipality_id != municipality.pk:
        add(errors, NON_FIELD_ERRORS, _("Personen hører ikke til kommunen."))
    cleaned = _check_services(errors, services)
    check_date(errors, "received_on", received_on, not_after=today())
    if channel not in Channel.values:
        add(errors, "channel", _("Velg hvordan søknaden kom inn."))
    if not text(in_own_words):
        add(errors, "in_own_words", _("Skriv hva det søkes om, med søkerens egne ord."))
    representative_kind = representative_kind or ""
    if representative_kind not in RepresentativeKind.values:
        add(errors, "representative_kind", _("Velg hvem som representerer søkeren."))
    elif representative_kind and not text(representative_name):
        add(errors, "representative_name", _("Skriv navnet på den som representerer søkeren."))
    if letter_language not in LetterLanguage.values:
        add(errors, "letter_language", _("Velg bokmål eller nynorsk."))
    given_reference = reference is not None
    if given_reference:
        reference = text(reference)
        if not reference:
            add(errors, "reference", _("Skriv saksnummeret, for eksempel 2026/1234."))
        elif Application.objects.filter(municipality=municipality, reference=reference).exists():
            add(errors, "reference", _("Saksnummeret er allerede brukt i kommunen."))
    raise_if(errors)

    settings = settings_for(municipality)
    for _attempt in range(5):
        number = reference if given_reference else next_reference(municipality, today().year)
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    municipality=municipality,
                    person=person,
                    reference=number,
                    received_on=received_on,
                    channel=channel,
                    in_own_words=text(in_own_words),
                    representative_kind=representative_kind,
                    representative_name=text(representative_name),
                    representative_contact=text(representative_contact),
                    postal_address=text(postal_address),
                    letter_language=letter_language,
                    caseworker=actor,
                    status=ApplicationStatus.MOTTATT,
                    expected_decision_on=received_on
                    + dt.timedelta(days=settings.decision_within_days),
                    created_by=actor,
                )
                for position, (code, scope) in enumerate(cleaned):
                    AppliedService.objects.create(
                        application=application,
                        service=code,
                        requested_scope=scope,
                        position=position,
                    )
                audit(
                    actor=actor,
                    action=Action.CREATE,
                    target=application,
                    municipality=municipality,
                    details={
                        "person": str(person.external_id),
                        "services": [code for code, _scope in cleaned],
                        "channel": channel,
                        "representative": representative_kind,
                    },
                )
            return application
        except IntegrityError:
            # Another request took the reference between the check and the insert.
            if given_reference:
                raise ValidationError(
                    {"reference": [_("Saksnummeret er allerede brukt i kommunen.")]}
                ) from None
    raise ValidationError({"reference": [_("Fant ikke et ledig saksnummer; prøv igjen.")]})


def register_person(
    *, actor, municipality, given_name: str, family_name: str, national_id: str, unit=None
) -> Person:
    """Register an applicant the municipality does not know yet.

    The birth year is read from the fødselsnummer or D-nummer (python-stdnum); the number is
    unique within the municipality and never written to the audit log. The caseworker who
    registers the person gets a care relation (tjenstlig behov) to handle the application.
    """
    from stdnum.no import fodselsnummer

    from losen.apps.persons.services import normalise_national_id

    errors: Errors = {}
    if not text(given_name):
        add(errors, "given_name", _("Skriv fornavnet."))
    if not text(family_name):
        add(errors, "family_name", _("Skriv etternavnet."))
    number = ""
    if not text(national_id):
        add(errors, "national_id", _("Skriv fødselsnummeret eller D-nummeret."))
    else:
        try:
            number = normalise_national_id(national_id)
        except ValidationError as error:
            for message in error.messages:
                add(errors, "national_id", message)
    if number and Person.objects.filter(municipality=municipality, national_id=number).exists():
        add(
            errors,
            "national_id",
            _("En person med dette nummeret er allerede registrert i kommunen. Søk opp personen."),
        )
    if unit is not None and unit.municipality_id != municipality.pk:
        add(errors, "unit", _("Velg en enhet i kommunen."))
    raise_if(errors)
    birth_year = fodselsnummer.get_birth_date(number).year
    try:
        with transaction.atomic():
            person = Person.objects.create(
                municipality=municipality,
                given_name=text(given_name),
                family_name=text(family_name),
                birth_year=birth_year,
                national_id=number,
                unit=unit,
            )
            if actor is not None:
                CareRelation.objects.create(person=person, user=actor)
            audit(
                actor=actor,
                action=Action.CREATE,
                target=person,
                municipality=municipality,
                details={"unit": str(unit.external_id) if unit else None, "care_relation": True},
            )
    except IntegrityError:
        raise ValidationError(
            {
                "national_id": [
                    _(
                        "En person med dette nummeret er allerede registrert i kommunen. "
                        "Søk opp personen."
                    )
                ]
            }
        ) from None
    return person


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def send_preliminary_reply(
    *,
    actor,
    application: Application,
    reason: str,
    expected_decision_on: dt.date,
    sent_on: dt.date | None = None,
) -> Application:
    """Record the preliminary reply (fvl § 11 a): why the case takes time and when to expect it."""
    sent_on = sent_on or today()
    with transaction.atomic():
        locked = _locked(application)
        errors: Errors = {}
        if locked.status not in OPEN_STATUSES:
            add(errors, NON_FIELD_ERRORS, _("Saken er avsluttet; et foreløpig svar trengs ikke."))
        if not text(reason):
            add(errors, "reason", _("Skriv hvorfor saken tar tid."))
        if (
            check_date(errors, "sent_on", sent_on, not_after=today())
            and sent_on < locked.received_on
        ):
            add(errors, "sent_on", _("Svaret kan ikke være sendt før søknaden kom."))
        if check_date(
            errors, "expected_decision_on", expected_decision_on
        ) and expected_decision_on < max(sent_on, today()):
            add(
                errors,
                "expected_decision_on",
                _("Forventet vedtaksdato kan ikke være passert eller før svaret sendes."),
            )
        raise_if(errors)
        claim_version(locked)
        locked.preliminary_reply_on = sent_on
        locked.preliminary_reply_reason = text(reason)
        locked.expected_decision_on = expected_decision_on
        locked.save(
            update_fields=[
                "preliminary_reply_on",
                "preliminary_reply_reason",
                "expected_decision_on",
                "lock_version",
            ]
        )
        audit(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={
                "event": "preliminary-reply",
                "sent_on": sent_on.isoformat(),
                "expected_decision_on": expected_decision_on.isoformat(),
            },
        )
    application.refresh_from_db()
    return application


def withdraw_application(*, actor, application: Application, note: str) -> Application:
    """The applicant withdraws the application: status ``trukket``, closed today.

    Services already decided keep their decisions; drafts are left as they are and can no
    longer be issued. The note is kept with the application (never in the audit log).
    """
    with transaction.atomic():
        locked = _locked(application)
        errors: Errors = {}
        if locked.status not in OPEN_STATUSES:
            add(errors, NON_FIELD_ERRORS, _("Søknaden er allerede avgjort eller trukket."))
        if not text(note):
            add(errors, "note", _("Skriv hvordan og når søkeren trakk søknaden."))
        raise_if(errors)
        claim_version(locked)
        before = locked.status
        locked.status = ApplicationStatus.TRUKKET
        locked.closed_on = today()
        locked.closed_note = text(note)
        locked.save(update_fields=["status", "closed_on", "closed_note", "lock_version"])
        audit(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={"from": before, "to": ApplicationStatus.TRUKKET},
        )
    application.refresh_from_db()
    return application


def mark_under_way(application: Application) -> None:
    """``mottatt`` → ``under-behandling`` (inside the caller's transaction; counts the version)."""
    if application.status == ApplicationStatus.MOTTATT:
        claim_version(application)
        application.status = ApplicationStatus.UNDER_BEHANDLING
        application.save(update_fields=["status", "lock_version"])


def close_if_decided(application: Application) -> bool:
    """``avgjort`` when every service applied for has a decision that is not a draft."""
    if application.status not in OPEN_STATUSES:
        return False
    services = list(application.services.all())
    decided = sum(
        1
        for service in services
        if getattr(service, "decision", None) is not None and service.decision.status != "utkast"
    )
    if services and decided == len(services):
        claim_version(application)
        application.status = ApplicationStatus.AVGJORT
        application.closed_on = today()
        application.save(update_fields=["status", "closed_on", "lock_version"])
        return True
    return False


def reopen(application: Application) -> None:
    """Back to ``under-behandling`` after a decision was reversed (a new one is to be made)."""
    if application.status == ApplicationStatus.AVGJORT:
        claim_version(application)
        application.status = ApplicationStatus.UNDER_BEHANDLING
        application.closed_on = None
        application.save(update_fields=["status", "closed_on", "lock_version"])
