"""The letters of a case, built from the records (losen.apps.cases.letters renders them)."""

from __future__ import annotations

from django.utils import timezone

from .. import letters
from ..models import CaseworkSettings, ServiceKind


def _settings(municipality) -> CaseworkSettings:
    found = CaseworkSettings.objects.filter(municipality=municipality).first()
    return found or CaseworkSettings(municipality=municipality)


def _address_lines(application) -> tuple[str, ...]:
    if application is None:
        return ()
    return tuple(line.strip() for line in application.postal_address.splitlines() if line.strip())


def _representative(application) -> str:
    if application is None or not application.representative_kind:
        return ""
    return f"{application.get_representative_kind_display()}: {application.representative_name}"


def _contact(decision_or_app, user, office_name: str) -> letters.Contact:
    name = getattr(decision_or_app, "contact_person", "") or ""
    if not name and user is not None:
        name = user.display_name
    return letters.Contact(name=name or office_name, title=office_name)


def decision_letter(decision, *, user) -> letters.DecisionLetter:
    """The decision letter of *decision*. ValueError when a part the letter needs is missing
    (forvaltningsloven §§ 25 and 27): the page then says so instead of giving a letter."""
    settings = _settings(decision.municipality)
    application = decision.application
    deadline = None
    if decision.notified_on is not None:
        from losen.domain.casework.deadlines import complaint_deadline

        deadline = complaint_deadline(decision.notified_on, decision.complaint_weeks)
    granted = decision.outcome != letters.AVSLAG
    return letters.DecisionLetter(
        municipality_name=decision.municipality.name,
        unit_name=settings.office_name,
        reference=decision.reference,
        letter_date=decision.decided_at or timezone.localdate(),
        language=application.letter_language if application else "nb",
        applicant_name=decision.person.full_name,
        applicant_address_lines=_address_lines(application),
        outcome=decision.outcome,
        service_label=str(ServiceKind(decision.service).label)
        if decision.service in ServiceKind.values
        else decision.service,
        legal_basis=decision.legal_basis,
        facts=decision.facts,
        considerations=decision.reasons,
        complaint_to=decision.complaint_to or settings.complaint_to or settings.office_name,
        contact_person=_contact(decision, user, settings.office_name),
        applied_for=decision.applied_for or (application.in_own_words if application else ""),
        received_on=application.received_on if application else None,
        representative=_representative(application),
        scope=decision.scope if granted else "",
        valid_from=decision.valid_from if granted else None,
        valid_to=decision.valid_to if granted else None,
        review_on=decision.review_on if granted else None,
        refused_part=decision.refused_part,
        complaint_weeks=decision.complaint_weeks,
        complaint_deadline=deadline,
    )


def preliminary_reply(application, *, user) -> letters.PreliminaryReply:
    """The preliminary reply (forvaltningsloven § 11 a) of *application*; ValueError when no
    reason has been given yet."""
    settings = _settings(application.municipality)
    labels = [s.get_service_display() for s in application.services.all()]
    return letters.PreliminaryReply(
        municipality_name=application.municipality.name,
        unit_name=settings.office_name,
        reference=application.reference,
        letter_date=application.preliminary_reply_on or timezone.localdate(),
        language=application.letter_language,
        applicant_name=application.person.full_name,
        applicant_address_lines=_address_lines(application),
        service_label=", ".join(labels),
        received_on=application.received_on,
        reason=application.preliminary_reply_reason,
        contact_person=_contact(application, application.caseworker or user, settings.office_name),
        expected_decision_on=application.expected_decision_on,
        representative=_representative(application),
    )
