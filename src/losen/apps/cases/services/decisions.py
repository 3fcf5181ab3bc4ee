"""Every write of the cases app: keyword-only, atomic, audited.

Input that breaks a rule raises :class:`django.core.exceptions.ValidationError` with Norwegian
messages keyed by form field (or ``__all__``), before anything is written: no row and no audit
entry. Audit details carry codes and external ids, never names or free text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.apps.common.locking import EditConflict, save_versioned
from losen.domain.casework.deadlines import MAX_WEEKS

from ..models import (
    DEFAULT_COMPLAINT_WEEKS,
    DEFAULT_LEGAL_BASIS,
    GRANTING_OUTCOMES,
    DecisionStatus,
    Event,
    Outcome,
    ServiceDecision,
    ServiceKind,
    StatusChange,
)
from ._common import add, audit, history, settings_for

#: Statuses a decision may be registered with.
INITIAL_STATUSES = (DecisionStatus.UTKAST, DecisionStatus.FATTET)

#: Which status may follow which. Reversal (omgjort) and ending (avsluttet) of a decision in
#: force are changes under forvaltningsloven § 35 and need a note; they are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.UTKAST: frozenset({DecisionStatus.FATTET}),
    DecisionStatus.FATTET: frozenset(
        {DecisionStatus.PAKLAGET, DecisionStatus.OMGJORT, DecisionStatus.AVSLUTTET}
    ),
    DecisionStatus.PAKLAGET: frozenset(
        {DecisionStatus.FATTET, DecisionStatus.OMGJORT, DecisionStatus.AVSLUTTET}
    ),
    DecisionStatus.OMGJORT: frozenset(),
    DecisionStatus.AVSLUTTET: frozenset(),
}

MAX_HOURS_PER_WEEK = Decimal(168)


def _issue_problems(*, legal_basis: str, facts: str, reasons: str) -> dict[str, list[str]]:
    """What an issued decision must state (forvaltningsloven § 25)."""
    errors: dict[str, list[str]] = {}
    if not legal_basis.strip():
        add(errors, "legal_basis", _("Skriv hvilken hjemmel vedtaket bygger på."))
    if not facts.strip():
        add(errors, "facts", _("Et fattet vedtak må si hvilke faktiske forhold det bygger på."))
    if not reasons.strip():
        add(errors, "reasons", _("Et fattet vedtak må si hvilke hovedhensyn som avgjorde."))
    return errors


def record_decision(
    *,
    actor,
    municipality,
    person,
    reference: str,
    service: str,
    unit,
    scope: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    review_on: dt.date | None = None,
    hours_per_week: Decimal | None = None,
    status: str = DecisionStatus.UTKAST,
    legal_basis: str = DEFAULT_LEGAL_BASIS,
    applied_for: str = "",
    facts: str = "",
    reasons: str = "",
    decided_at: dt.date | None = None,
) -> ServiceDecision:
    """Register a decision (draft or issued) for *person*; raise ``ValidationError`` if wrong."""
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if person.municipality_id != municipality.pk:
        add(errors, NON_FIELD_ERRORS, _("Personen hører ikke til kommunen."))
    if unit is None or unit.municipality_id != municipality.pk:
        add(errors, "unit", _("Velg en enhet i kommunen."))
    if not reference:
        add(errors, "reference", _("Skriv saksnummeret, for eksempel 2025/1234."))
    elif ServiceDecision.objects.filter(municipality=municipality, reference=reference).exists():
        add(errors, "reference", _("Saksnummeret er allerede brukt i kommunen."))
    if service not in ServiceKind.values:
        add(errors, "service", _("Velg hvilken tjeneste vedtaket gjelder."))
    if not (scope or "").strip():
        add(errors, "scope", _("Skriv omfanget, for eksempel «6 timer per uke»."))
    if hours_per_week is not None and not (0 <= hours_per_week <= MAX_HOURS_PER_WEEK):
        add(errors, "hours_per_week", _("Timer per uke må være mellom 0 og 168."))
    if valid_from is None:
        add(errors, "valid_from", _("Skriv datoen vedtaket gjelder fra."))
    else:
        if valid_to is not None and valid_to < valid_from:
            add(errors, "valid_to", _("Sluttdatoen kan ikke være før vedtaket gjelder fra."))
        if review_on is not None and review_on < valid_from:
            add(
                errors,
                "review_on",
                _("Datoen for ny vurdering kan ikke være før vedtaket gjelder fra."),
            )
    if review_on is not None and valid_to is not None and review_on > valid_to:
        add(errors, "review_on", _("Datoen for ny vurdering kan ikke være etter sluttdatoen."))
    if status not in INITIAL_STATUSES:
        add(errors, "status", _("Et nytt vedtak registreres som utkast eller som fattet."))
    elif status == DecisionStatus.FATTET:
        for field, messages in _issue_problems(
            legal_basis=legal_basis, facts=facts, reasons=reasons
        ).items():
            for message in messages:
                add(errors, field, message)
    if errors:
        raise ValidationError(errors)
    issued = status == DecisionStatus.FATTET
    try:
        with transaction.atomic():
            decision = ServiceDecision.objects.create(
                municipality=municipality,
                person=person,
                reference=reference,
                service=service,
                unit=unit,
                scope=scope.strip(),
                hours_per_week=hours_per_week,
                valid_from=valid_from,
                valid_to=valid_to,
                review_on=review_on,
                status=status,
                legal_basis=legal_basis.strip(),
                applied_for=applied_for.strip(),
                facts=facts.strip(),
                reasons=reasons.strip(),
                decided_at=(decided_at or timezone.localdate()) if issued else None,
                decided_by=actor if issued else None,
            )
            audit(
                actor=actor,
                action=Action.CREATE,
                target=decision,
                municipality=municipality,
                details={
                    "status": status,
                    "service": service,
                    "unit": str(unit.external_id),
                    "person": str(person.external_id),
                },
            )
    except IntegrityError as error:
        # Another request may have taken the reference between the check and the insert.
        if ServiceDecision.objects.filter(municipality=municipality, reference=reference).exists():
            raise ValidationError(
                {"reference": [_("Saksnummeret er allerede brukt i kommunen.")]}
            ) from error
        raise
    return decision


def change_status(
    *,
    actor,
    decision: ServiceDecision,
    status: str,
    note: str,
    expected_version: int | None = None,
) -> ServiceDecision:
    """Move *decision* to *status* (issue, complaint, reversal, ending), keeping the note.

    Reversing (``omgjort``) or ending (``avsluttet``) a decision in force is a change under
    forvaltningsloven § 35: the note says why, and is kept with the decision. With
    *expected_version* (the version the change was decided on) the change is made only if
    nobody changed the decision since; otherwise
    :class:`~losen.apps.common.locking.EditConflict` is raised and nothing is written.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = ServiceDecision.objects.select_for_update().get(pk=decision.pk)
        if expected_version is not None and locked.lock_version != expected_version:
            raise EditConflict(locked)
        current = locked.status
        errors: dict[str, list[str]] = {}
        if status not in TRANSITIONS.get(current, frozenset()):
            add(
                errors,
                "status",
                _("Et vedtak med status «%(current)s» kan ikke få status «%(new)s».")
                % {
                    "current": DecisionStatus(current).label,
                    "new": DecisionStatus(status).label
                    if status in DecisionStatus.values
                    else status,
                },
            )
        if status == DecisionStatus.FATTET and current == DecisionStatus.UTKAST:
            errors.update(
                _issue_problems(
                    legal_basis=locked.legal_basis, facts=locked.facts, reasons=locked.reasons
                )
            )
        elif not note:
            add(errors, "note", _("Skriv hvorfor statusen endres."))
        if errors:
            raise ValidationError(errors)
        locked.status = status
        fields = ["status"]
        if status == DecisionStatus.FATTET and current == DecisionStatus.UTKAST:
            locked.decided_at = timezone.localdate()
            locked.decided_by = actor
            fields += ["decided_at", "decided_by"]
        save_versioned(locked, expected_version=locked.lock_version, update_fields=fields)
        StatusChange.objects.create(
            decision=locked, from_status=current, to_status=status, note=note, changed_by=actor
        )
        audit(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={"from": current, "to": status},
        )
    decision.refresh_from_db()
    return decision


# --- Decisions made from an application ----------------------------------------------------

#: Fields of a draft :func:`update_draft` may change.
DRAFT_FIELDS = frozenset(
    {
        "outcome",
        "unit",
        "scope",
        "hours_per_week",
        "valid_from",
        "valid_to",
        "review_on",
        "legal_basis",
        "facts",
        "reasons",
        "refused_part",
        "contact_person",
        "complaint_weeks",
        "complaint_to",
        "like_case_reason",
    }
)

#: Fields whose change makes the draft be compared with like cases again.
_COMPARED = frozenset({"outcome", "hours_per_week", "unit"})

#: The draft field each missing part (losen.domain.casework.completeness) is shown at.
MISSING_FIELD = {
    "vedtak.missing.outcome": "outcome",
    "vedtak.missing.service": NON_FIELD_ERRORS,
    "vedtak.missing.scope": "scope",
    "vedtak.missing.period": "valid_from",
    "vedtak.missing.refused_part": "refused_part",
    "vedtak.missing.refusal_reasons": "refused_part",
    "vedtak.missing.legal_basis": "legal_basis",
    "vedtak.missing.facts": "facts",
    "vedtak.missing.main_considerations": "reasons",
    "vedtak.missing.complaint_right": NON_FIELD_ERRORS,
    "vedtak.missing.complaint_deadline": "complaint_weeks",
    "vedtak.missing.complaint_instance": "complaint_to",
    "vedtak.missing.complaint_procedure": "complaint_to",
    "vedtak.missing.access_to_documents": NON_FIELD_ERRORS,
    "vedtak.missing.contact_person": "contact_person",
    "vedtak.missing.departure_reason": "like_case_reason",
}


def _check_draft_values(errors, values: dict, municipality) -> None:
    outcome = values.get("outcome")
    if outcome not in Outcome.values:
        add(errors, "outcome", _("Velg utfallet: innvilget, delvis innvilget eller avslag."))
    unit = values.get("unit")
    if unit is None or unit.municipality_id != municipality.pk:
        add(errors, "unit", _("Velg en enhet i kommunen."))
    hours = values.get("hours_per_week")
    if hours is not None and not (0 <= Decimal(hours) <= MAX_HOURS_PER_WEEK):
        add(errors, "hours_per_week", _("Timer per uke må være mellom 0 og 168."))
    valid_from, valid_to, review_on = (
        values.get("valid_from"),
        values.get("valid_to"),
        values.get("review_on"),
    )
    if valid_from is not None:
        if valid_to is not None and valid_to < valid_from:
            add(errors, "valid_to", _("Sluttdatoen kan ikke være før vedtaket gjelder fra."))
        if review_on is not None and review_on < valid_from:
            add(
                errors,
                "review_on",
                _("Datoen for ny vurdering kan ikke være før vedtaket gjelder fra."),
            )
    elif valid_to is not None:
        add(errors, "valid_from", _("Skriv datoen vedtaket gjelder fra når det har en sluttdato."))
    if review_on is not None and valid_to is not None and review_on > valid_to:
        add(errors, "review_on", _("Datoen for ny vurdering kan ikke være etter sluttdatoen."))
    weeks = values.get("complaint_weeks")
    if weeks is not None and not (
        isinstance(weeks, int) and DEFAULT_COMPLAINT_WEEKS <= weeks <= MAX_WEEKS
    ):
        add(
            errors,
            "complaint_weeks",
            _("Klagefristen må være minst fire uker (pasient- og brukerrettighetsloven § 7-2)."),
        )


def _next_decision_reference(application) -> str:
    taken = set(
        ServiceDecision.objects.filter(
            municipality_id=application.municipality_id,
            reference__startswith=f"{application.reference}-",
        ).values_list("reference", flat=True)
    )
    n = 1
    while f"{application.reference}-{n}" in taken:
        n += 1
    return f"{application.reference}-{n}"


def draft_decision(
    *,
    actor,
    applied_service,
    outcome: str,
    unit,
    scope: str = "",
    hours_per_week: Decimal | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    review_on: dt.date | None = None,
    legal_basis: str | None = None,
    facts: str | None = None,
    reasons: str | None = None,
    refused_part: str = "",
    contact_person: str = "",
) -> ServiceDecision:
    """A draft decision (``utkast``) on *applied_service*, resting on its current assessment.

    Facts and main considerations are written from the assessment when not given, the legal
    basis from the service, the complaint deadline and address from the municipality's
    settings; the draft is compared with like cases (``like_cases``, ``like_case_departure``).
    """
    from .applications import OPEN_STATUSES
    from .drafting import (
        compare_with_like_cases,
        legal_basis_for,
        prefilled_facts,
        prefilled_reasons,
    )

    application = applied_service.application
    municipality = application.municipality
    errors: dict[str, list[str]] = {}
    assessment = applied_service.current_assessment
    if application.status not in OPEN_STATUSES:
        add(errors, NON_FIELD_ERRORS, _("Søknaden er avgjort eller trukket."))
    if assessment is None:
        add(errors, NON_FIELD_ERRORS, _("Vurder tjenesten før du lager et utkast til vedtak."))
    earlier = ServiceDecision.objects.filter(applied_service=applied_service).first()
    if earlier is not None and earlier.status != DecisionStatus.OMGJORT:
        add(errors, NON_FIELD_ERRORS, _("Tjenesten har allerede et vedtak eller et utkast."))
    values = {
        "outcome": outcome,
        "unit": unit,
        "hours_per_week": hours_per_week,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "review_on": review_on,
    }
    _check_draft_values(errors, values, municipality)
    if errors:
        raise ValidationError(errors)
    settings = settings_for(municipality)
    with transaction.atomic():
        if earlier is not None:
            # A reversed decision keeps its application; the service applied for moves to
            # the new decision (its history stays with the old one).
            earlier.applied_service = None
            earlier.save(update_fields=["applied_service"])
        decision = ServiceDecision(
            municipality=municipality,
            person=application.person,
            reference=_next_decision_reference(application),
            service=applied_service.service,
            unit=unit,
            application=application,
            applied_service=applied_service,
            assessment=assessment,
            outcome=outcome,
            refused_part=(refused_part or "").strip(),
            applied_for=applied_service.requested_scope,
            scope=(scope or "").strip(),
            hours_per_week=hours_per_week,
            valid_from=None if outcome == Outcome.AVSLAG else valid_from,
            valid_to=None if outcome == Outcome.AVSLAG else valid_to,
            review_on=review_on,
            status=DecisionStatus.UTKAST,
            legal_basis=(
                legal_basis_for(applied_service.service)
                if legal_basis is None
                else legal_basis.strip()
            ),
            facts=prefilled_facts(assessment) if facts is None else facts.strip(),
            reasons=prefilled_reasons(assessment, outcome) if reasons is None else reasons.strip(),
            complaint_weeks=settings.complaint_weeks,
            complaint_to=settings.complaint_to,
            contact_person=(contact_person or "").strip(),
        )
        decision.like_cases, decision.like_case_departure = compare_with_like_cases(decision)
        decision.save()
        audit(
            actor=actor,
            action=Action.CREATE,
            target=decision,
            municipality=municipality,
            details={
                "status": DecisionStatus.UTKAST,
                "outcome": outcome,
                "service": decision.service,
                "application": str(application.external_id),
                "assessment": str(assessment.external_id),
                "person": str(application.person.external_id),
                "like_cases": len(decision.like_cases),
                "departs": bool(decision.like_case_departure),
            },
        )
    return decision


def update_draft(*, actor, decision: ServiceDecision, expected_version: int, **fields):
    """Change fields of a draft (:data:`DRAFT_FIELDS`) if nobody saved it since
    *expected_version*; otherwise :class:`~losen.apps.common.locking.EditConflict`."""
    from .drafting import compare_with_like_cases

    unknown = sorted(set(fields) - DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"update_draft() cannot change {', '.join(unknown)}")
    with transaction.atomic():
        locked = ServiceDecision.objects.select_for_update().get(pk=decision.pk)
        if locked.lock_version != expected_version:
            raise EditConflict(locked)
        errors: dict[str, list[str]] = {}
        if locked.status != DecisionStatus.UTKAST:
            add(errors, NON_FIELD_ERRORS, _("Bare et utkast kan endres."))
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(locked, name, value)
        _check_draft_values(
            errors,
            {
                name: getattr(locked, name)
                for name in (
                    "outcome",
                    "unit",
                    "hours_per_week",
                    "valid_from",
                    "valid_to",
                    "review_on",
                    "complaint_weeks",
                )
            },
            locked.municipality,
        )
        if errors:
            raise ValidationError(errors)
        changed = set(fields)
        if locked.outcome == Outcome.AVSLAG:
            locked.valid_from = locked.valid_to = None
            changed |= {"valid_from", "valid_to"}
        if changed & _COMPARED:
            locked.like_cases, locked.like_case_departure = compare_with_like_cases(locked)
            changed |= {"like_cases", "like_case_departure"}
        save_versioned(locked, expected_version=expected_version, update_fields=sorted(changed))
        audit(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={"fields": sorted(fields), "departs": bool(locked.like_case_departure)},
        )
    return locked


def _draft_mapping(decision: ServiceDecision, like_case_reason: str | None = None) -> dict:
    """*decision* in the shape :func:`losen.domain.casework.completeness.missing_parts` reads.

    The complaint right, its procedure and the right to see the documents are standard text
    in every decision letter (fvl §§ 18–19 and 27, pbrl § 7-2); the deadline is the number of
    weeks and the instance the address complaints are sent to.
    """
    from .drafting import DOMAIN_OUTCOME

    return {
        "outcome": DOMAIN_OUTCOME.get(decision.outcome),
        "service": decision.service,
        "scope": decision.scope or (decision.hours_per_week is not None),
        "period": decision.valid_from,
        "reevaluation_date": decision.review_on,
        "refused_part": decision.refused_part,
        "refusal_reasons": decision.refused_part,
        "legal_basis": decision.legal_basis,
        "facts": decision.facts,
        "main_considerations": decision.reasons,
        "complaint_right": True,
        "complaint_deadline": decision.complaint_weeks or None,
        "complaint_instance": decision.complaint_to,
        "complaint_procedure": decision.complaint_to,
        "access_to_documents": True,
        "contact_person": decision.contact_person,
        "departs_from_practice": bool(decision.like_case_departure),
        "departure_reason": (
            decision.like_case_reason if like_case_reason is None else like_case_reason
        ),
    }


def missing_parts(decision: ServiceDecision, *, like_case_reason: str | None = None) -> list:
    """Every part *decision* lacks before it can be issued, as facts
    (``vedtak.missing.<part>``, :mod:`losen.domain.casework.completeness`)."""
    from losen.domain.casework.completeness import missing_parts as domain_missing

    return list(domain_missing(_draft_mapping(decision, like_case_reason)))


def missing_messages(facts) -> dict[str, list[str]]:
    """The missing parts as Norwegian messages by draft field."""
    from losen.apps.criteria import wording

    errors: dict[str, list[str]] = {}
    for fact in facts:
        try:
            message = wording.say(fact)
        except KeyError:
            message = _("Vedtaket mangler en del: %(part)s.") % {
                "part": fact.code.rsplit(".", 1)[-1].replace("_", " ")
            }
        add(errors, MISSING_FIELD.get(fact.code, NON_FIELD_ERRORS), message)
    return errors


def issue_decision(
    *,
    actor,
    decision: ServiceDecision,
    like_case_reason: str = "",
    notified_on: dt.date | None = None,
    on_waiting_list: bool | None = None,
) -> ServiceDecision:
    """Issue a draft (``fattet``), or refuse with every missing part at once.

    A draft that departs from like cases needs *like_case_reason* (or one saved with it).
    A granted service goes on the waiting list (``waiting_since`` = the decision date) when
    *on_waiting_list* is true, and always for a long-term place (hol § 3-2 a) unless it is
    false. The application is ``avgjort`` when all its services are decided.
    """
    from .applications import OPEN_STATUSES, close_if_decided

    with transaction.atomic():
        locked = ServiceDecision.objects.select_for_update().get(pk=decision.pk)
        reason = (like_case_reason or "").strip() or locked.like_case_reason
        errors: dict[str, list[str]] = {}
        if locked.status != DecisionStatus.UTKAST:
            add(errors, NON_FIELD_ERRORS, _("Bare et utkast kan fattes."))
        application = locked.application
        if application is not None and application.status not in OPEN_STATUSES:
            add(errors, NON_FIELD_ERRORS, _("Søknaden er avgjort eller trukket."))
        today = timezone.localdate()
        if notified_on is not None and notified_on < today:
            add(errors, "notified_on", _("Vedtaket kan ikke være sendt før det er fattet."))
        for field, messages in missing_messages(
            missing_parts(locked, like_case_reason=reason)
        ).items():
            for message in messages:
                add(errors, field, message)
        if errors:
            raise ValidationError(errors)
        before = locked.status
        locked.status = DecisionStatus.FATTET
        locked.decided_at = today
        locked.decided_by = actor
        locked.notified_on = notified_on
        locked.like_case_reason = reason
        granted = locked.outcome in GRANTING_OUTCOMES
        waits = on_waiting_list
        if waits is None:
            waits = locked.service == ServiceKind.LANGTIDSOPPHOLD
        locked.waiting_since = today if granted and waits else None
        save_versioned(
            locked,
            expected_version=locked.lock_version,
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "notified_on",
                "like_case_reason",
                "waiting_since",
            ],
        )
        history(
            decision=locked,
            event=Event.STATUS,
            note=_("Vedtaket er fattet."),
            actor=actor,
            from_status=before,
        )
        if locked.waiting_since:
            history(
                decision=locked,
                event=Event.VENTELISTE,
                note=_("Innvilget og satt på venteliste."),
                actor=actor,
            )
        closed = False
        if application is not None:
            application = type(application).objects.select_for_update().get(pk=application.pk)
            closed = close_if_decided(application)
        audit(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={
                "from": before,
                "to": DecisionStatus.FATTET,
                "outcome": locked.outcome,
                "waiting": bool(locked.waiting_since),
                "departs": bool(locked.like_case_departure),
                "application_decided": closed,
            },
        )
    decision.refresh_from_db()
    return decision


def give_place(*, actor, decision: ServiceDecision, served_from: dt.date) -> ServiceDecision:
    """The service or place is given from *served_from*: the decision leaves the waiting list."""
    with transaction.atomic():
        locked = ServiceDecision.objects.select_for_update().get(pk=decision.pk)
        errors: dict[str, list[str]] = {}
        if not ServiceDecision.objects.waiting().filter(pk=locked.pk).exists():
            add(errors, NON_FIELD_ERRORS, _("Vedtaket står ikke på ventelisten."))
        if not isinstance(served_from, dt.date):
            add(errors, "served_from", _("Skriv datoen tjenesten gis fra."))
        elif locked.waiting_since and served_from < locked.waiting_since:
            add(
                errors,
                "served_from",
                _("Tjenesten kan ikke gis før vedtaket ble satt på ventelisten."),
            )
        if errors:
            raise ValidationError(errors)
        locked.served_from = served_from
        fields = ["served_from"]
        if locked.valid_from is None:
            locked.valid_from = served_from
            fields.append("valid_from")
        save_versioned(locked, expected_version=locked.lock_version, update_fields=fields)
        history(
            decision=locked,
            event=Event.VENTELISTE,
            note=_("Tjenesten er gitt fra %(date)s; vedtaket er tatt av ventelisten.")
            % {"date": served_from.isoformat()},
            actor=actor,
        )
        audit(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={"event": "venteliste-ut", "served_from": served_from.isoformat()},
        )
    decision.refresh_from_db()
    return decision
