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
from losen.apps.audit.services import record
from losen.apps.common.locking import EditConflict, save_versioned

from .models import (
    DEFAULT_LEGAL_BASIS,
    DecisionStatus,
    ServiceDecision,
    ServiceKind,
    StatusChange,
)

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


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _issue_problems(*, legal_basis: str, facts: str, reasons: str) -> dict[str, list[str]]:
    """What an issued decision must state (forvaltningsloven § 25)."""
    errors: dict[str, list[str]] = {}
    if not legal_basis.strip():
        _add(errors, "legal_basis", _("Skriv hvilken hjemmel vedtaket bygger på."))
    if not facts.strip():
        _add(errors, "facts", _("Et fattet vedtak må si hvilke faktiske forhold det bygger på."))
    if not reasons.strip():
        _add(errors, "reasons", _("Et fattet vedtak må si hvilke hovedhensyn som avgjorde."))
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
        _add(errors, NON_FIELD_ERRORS, _("Personen hører ikke til kommunen."))
    if unit is None or unit.municipality_id != municipality.pk:
        _add(errors, "unit", _("Velg en enhet i kommunen."))
    if not reference:
        _add(errors, "reference", _("Skriv saksnummeret, for eksempel 2025/1234."))
    elif ServiceDecision.objects.filter(municipality=municipality, reference=reference).exists():
        _add(errors, "reference", _("Saksnummeret er allerede brukt i kommunen."))
    if service not in ServiceKind.values:
        _add(errors, "service", _("Velg hvilken tjeneste vedtaket gjelder."))
    if not (scope or "").strip():
        _add(errors, "scope", _("Skriv omfanget, for eksempel «6 timer per uke»."))
    if hours_per_week is not None and not (0 <= hours_per_week <= MAX_HOURS_PER_WEEK):
        _add(errors, "hours_per_week", _("Timer per uke må være mellom 0 og 168."))
    if valid_from is None:
        _add(errors, "valid_from", _("Skriv datoen vedtaket gjelder fra."))
    else:
        if valid_to is not None and valid_to < valid_from:
            _add(errors, "valid_to", _("Sluttdatoen kan ikke være før vedtaket gjelder fra."))
        if review_on is not None and review_on < valid_from:
            _add(
                errors,
                "review_on",
                _("Datoen for ny vurdering kan ikke være før vedtaket gjelder fra."),
            )
    if review_on is not None and valid_to is not None and review_on > valid_to:
        _add(errors, "review_on", _("Datoen for ny vurdering kan ikke være etter sluttdatoen."))
    if status not in INITIAL_STATUSES:
        _add(errors, "status", _("Et nytt vedtak registreres som utkast eller som fattet."))
    elif status == DecisionStatus.FATTET:
        for field, messages in _issue_problems(
            legal_basis=legal_basis, facts=facts, reasons=reasons
        ).items():
            for message in messages:
                _add(errors, field, message)
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
            record(
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
            _add(
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
            _add(errors, "note", _("Skriv hvorfor statusen endres."))
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
        record(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={"from": current, "to": status},
        )
    decision.refresh_from_db()
    return decision
