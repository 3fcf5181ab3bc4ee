"""Complaints (klage) on a decision: received, reviewed by the municipality, sent on, decided.

The deadline is four weeks from when the person received the decision (pasient- og
brukerrettighetsloven § 7-2, https://lovdata.no/lov/1999-07-02-63), or the municipality's own
longer number, moved off weekends and public holidays
(:mod:`losen.domain.casework.deadlines`). A late complaint may still be taken up, with the
reason written down, or rejected (forvaltningsloven § 31, https://lovdata.no/lov/1967-02-10).
The municipality reviews the complaint first and may change its decision (fvl § 33); if it
keeps it in full or in part the complaint goes to Statsforvalteren, whose outcome is recorded
here. Every step is an event in the decision's history.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.apps.common.locking import claim_version
from losen.domain.casework import deadlines

from ..models import (
    Application,
    AuthorityOutcome,
    Complaint,
    ComplaintStatus,
    DecisionStatus,
    Event,
    ReviewOutcome,
    ServiceDecision,
)
from ._common import Errors, add, audit, check_date, history, raise_if, text, today

#: Statuses of a complaint that is still being handled.
OPEN_COMPLAINT = frozenset({ComplaintStatus.MOTTATT, ComplaintStatus.OVERSENDT})


def decision_received_on(decision: ServiceDecision) -> dt.date | None:
    """The day the complaint deadline runs from: sent to the person, else the decision date."""
    return decision.notified_on or decision.decided_at


def complaint_deadline(decision: ServiceDecision) -> dt.date | None:
    """The last day to complain about *decision* (None for a decision not issued)."""
    start = decision_received_on(decision)
    if start is None:
        return None
    return deadlines.complaint_deadline(
        start, decision.complaint_weeks or deadlines.COMPLAINT_WEEKS
    )


def _decision_for_update(decision: ServiceDecision) -> ServiceDecision:
    return ServiceDecision.objects.select_for_update().get(pk=decision.pk)


def _check_new(errors: Errors, decision, *, received_on, from_whom, summary) -> bool:
    """Checks of a complaint being registered; whether it is late."""
    if decision.status not in (DecisionStatus.FATTET, DecisionStatus.PAKLAGET):
        add(errors, NON_FIELD_ERRORS, _("Bare et fattet vedtak kan påklages."))
    if Complaint.objects.filter(decision=decision, status__in=OPEN_COMPLAINT).exists():
        add(errors, NON_FIELD_ERRORS, _("Vedtaket har allerede en klage til behandling."))
    if not text(from_whom):
        add(errors, "from_whom", _("Skriv hvem som klager."))
    if not text(summary):
        add(errors, "summary", _("Skriv kort hva klagen gjelder."))
    late = False
    if check_date(errors, "received_on", received_on, not_after=today()):
        start = decision_received_on(decision)
        if start is not None:
            if received_on < (decision.decided_at or start):
                add(
                    errors,
                    "received_on",
                    _("Klagen kan ikke være mottatt før vedtaket ble fattet."),
                )
            else:
                late = deadlines.complaint_is_late(
                    start, received_on, decision.complaint_weeks or deadlines.COMPLAINT_WEEKS
                )
    return late


def _set_decision_status(decision: ServiceDecision, status: str) -> None:
    """Move *decision* to *status* (inside the caller's transaction). A reversed decision
    (``omgjort``) puts its application back under handling, so a new decision can be drafted."""
    from .applications import reopen

    claim_version(decision)
    decision.status = status
    decision.save(update_fields=["status", "lock_version"])
    if status == DecisionStatus.OMGJORT and decision.application_id:
        reopen(Application.objects.select_for_update().get(pk=decision.application_id))


def _step(*, actor, complaint, decision, event: str, note: str, from_status: str, details: dict):
    """The history event of one step of a complaint and its audit entry."""
    history(decision=decision, event=event, note=note, actor=actor, from_status=from_status)
    audit(
        actor=actor,
        action=details.pop("action", Action.UPDATE),
        target=complaint,
        municipality=decision.municipality,
        details={"decision": str(decision.external_id), **details},
    )


def register_complaint(
    *,
    actor,
    decision: ServiceDecision,
    received_on: dt.date,
    from_whom: str,
    summary: str,
    late_reason: str = "",
) -> Complaint:
    """Register a complaint on *decision*; the decision becomes ``paklaget``.

    A complaint after the deadline needs *late_reason* (why it is taken up anyway, fvl § 31);
    without it a ``ValidationError`` on ``late_reason`` asks for it (or reject the complaint
    with :func:`reject_late_complaint`).
    """
    with transaction.atomic():
        locked = _decision_for_update(decision)
        errors: Errors = {}
        late = _check_new(
            errors, locked, received_on=received_on, from_whom=from_whom, summary=summary
        )
        if late and not text(late_reason):
            add(
                errors,
                "late_reason",
                _(
                    "Klagen kom etter fristen %(deadline)s. Skriv hvorfor den tas opp likevel "
                    "(forvaltningsloven § 31), eller avvis den."
                )
                % {"deadline": complaint_deadline(locked).isoformat()},
            )
        raise_if(errors)
        complaint = Complaint.objects.create(
            decision=locked,
            received_on=received_on,
            from_whom=text(from_whom),
            summary=text(summary),
            is_late=late,
            late_reason=text(late_reason) if late else "",
            status=ComplaintStatus.MOTTATT,
            created_by=actor,
        )
        before = locked.status
        if before != DecisionStatus.PAKLAGET:
            claim_version(locked)
            locked.status = DecisionStatus.PAKLAGET
            locked.save(update_fields=["status", "lock_version"])
        history(
            decision=locked,
            event=Event.KLAGE_MOTTATT,
            note=_("Klage mottatt %(date)s.") % {"date": received_on.isoformat()}
            + (" " + _("Klagen kom etter fristen og tas opp likevel.") if late else ""),
            actor=actor,
            from_status=before,
        )
        audit(
            actor=actor,
            action=Action.CREATE,
            target=complaint,
            municipality=locked.municipality,
            details={
                "decision": str(locked.external_id),
                "received_on": received_on.isoformat(),
                "late": late,
            },
        )
    return complaint


def reject_late_complaint(*, actor, complaint: Complaint, reasons: str) -> Complaint:
    """Reject a complaint that came after the deadline (fvl § 31): status ``avvist``.

    *complaint* is either one registered earlier (still ``mottatt``) or a new, unsaved
    :class:`Complaint` with ``decision``, ``received_on``, ``from_whom`` and ``summary`` set:
    it is then stored as rejected, without ever putting the decision under complaint.
    """
    with transaction.atomic():
        decision = _decision_for_update(complaint.decision)
        errors: Errors = {}
        new = complaint.pk is None
        if new:
            late = _check_new(
                errors,
                decision,
                received_on=complaint.received_on,
                from_whom=complaint.from_whom,
                summary=complaint.summary,
            )
        else:
            complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
            late = complaint.is_late
            if complaint.status != ComplaintStatus.MOTTATT or complaint.review_outcome:
                add(errors, NON_FIELD_ERRORS, _("Klagen er allerede vurdert."))
        if not late and not errors:
            add(
                errors, NON_FIELD_ERRORS, _("Klagen kom innen fristen og kan ikke avvises for det.")
            )
        if not text(reasons):
            add(errors, "reasons", _("Skriv hvorfor klagen avvises."))
        raise_if(errors)
        complaint.is_late = True
        complaint.status = ComplaintStatus.AVVIST
        complaint.review_reasons = text(reasons)
        complaint.reviewed_on = today()
        if new:
            complaint.from_whom = text(complaint.from_whom)
            complaint.summary = text(complaint.summary)
            complaint.created_by = actor
            complaint.save()
        else:
            claim_version(complaint)
            complaint.save(
                update_fields=["is_late", "status", "review_reasons", "reviewed_on", "lock_version"]
            )
        before = decision.status
        if not new and before == DecisionStatus.PAKLAGET:
            _set_decision_status(decision, DecisionStatus.FATTET)
        _step(
            actor=actor,
            complaint=complaint,
            decision=decision,
            event=Event.KLAGE_VURDERT,
            note=_("Klagen kom etter fristen og er avvist."),
            from_status=before,
            details={
                "action": Action.CREATE if new else Action.UPDATE,
                "to": ComplaintStatus.AVVIST,
            },
        )
    return complaint


def _complaint_for_update(complaint: Complaint) -> tuple[Complaint, ServiceDecision]:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    return locked, _decision_for_update(locked.decision)


def review_complaint(
    *, actor, complaint: Complaint, outcome: str, reasons: str, reviewed_on: dt.date
) -> Complaint:
    """The municipality's own review (fvl § 33).

    ``omgjort-helt``: the complaint is upheld in the municipality: the complaint ``omgjort``
    and the decision ``omgjort`` (a new decision is then drafted for the service applied
    for). ``opprettholdt`` or ``omgjort-delvis``: the complaint must then be forwarded to
    Statsforvalteren (:func:`forward_complaint`).
    """
    with transaction.atomic():
        locked, decision = _complaint_for_update(complaint)
        errors: Errors = {}
        if locked.status != ComplaintStatus.MOTTATT or locked.review_outcome:
            add(errors, NON_FIELD_ERRORS, _("Klagen er allerede vurdert."))
        if outcome not in ReviewOutcome.values:
            add(errors, "outcome", _("Velg kommunens vurdering av klagen."))
        if not text(reasons):
            add(errors, "reasons", _("Skriv begrunnelsen for vurderingen."))
        if (
            check_date(errors, "reviewed_on", reviewed_on, not_after=today())
            and reviewed_on < locked.received_on
        ):
            add(errors, "reviewed_on", _("Klagen kan ikke være vurdert før den kom."))
        raise_if(errors)
        claim_version(locked)
        locked.review_outcome = outcome
        locked.review_reasons = text(reasons)
        locked.reviewed_on = reviewed_on
        fields = ["review_outcome", "review_reasons", "reviewed_on", "lock_version"]
        before = decision.status
        if outcome == ReviewOutcome.OMGJORT_HELT:
            locked.status = ComplaintStatus.OMGJORT
            fields.append("status")
            _set_decision_status(decision, DecisionStatus.OMGJORT)
        locked.save(update_fields=fields)
        _step(
            actor=actor,
            complaint=locked,
            decision=decision,
            event=Event.KLAGE_VURDERT,
            note={
                ReviewOutcome.OPPRETTHOLDT: _(
                    "Kommunen har vurdert klagen og opprettholder vedtaket; klagen sendes "
                    "til Statsforvalteren."
                ),
                ReviewOutcome.OMGJORT_DELVIS: _(
                    "Kommunen har vurdert klagen og endrer vedtaket delvis; klagen sendes "
                    "til Statsforvalteren for resten."
                ),
                ReviewOutcome.OMGJORT_HELT: _(
                    "Kommunen har vurdert klagen og endrer vedtaket i samsvar med klagen."
                ),
            }[outcome],
            from_status=before,
            details={"review": outcome},
        )
    return locked


def forward_complaint(*, actor, complaint: Complaint, forwarded_on: dt.date) -> Complaint:
    """Send a complaint the municipality kept its decision on (in full or in part) on to
    Statsforvalteren."""
    with transaction.atomic():
        locked, decision = _complaint_for_update(complaint)
        errors: Errors = {}
        if locked.status != ComplaintStatus.MOTTATT or locked.review_outcome not in (
            ReviewOutcome.OPPRETTHOLDT,
            ReviewOutcome.OMGJORT_DELVIS,
        ):
            add(
                errors,
                NON_FIELD_ERRORS,
                _(
                    "Bare en klage kommunen har vurdert og ikke gitt fullt medhold, kan sendes "
                    "til Statsforvalteren."
                ),
            )
        if (
            check_date(errors, "forwarded_on", forwarded_on, not_after=today())
            and locked.reviewed_on
            and forwarded_on < locked.reviewed_on
        ):
            add(errors, "forwarded_on", _("Klagen kan ikke sendes før den er vurdert."))
        raise_if(errors)
        claim_version(locked)
        locked.status = ComplaintStatus.OVERSENDT
        locked.forwarded_on = forwarded_on
        locked.save(update_fields=["status", "forwarded_on", "lock_version"])
        _step(
            actor=actor,
            complaint=locked,
            decision=decision,
            event=Event.KLAGE_OVERSENDT,
            note=_("Klagen er sendt til Statsforvalteren %(date)s.")
            % {"date": forwarded_on.isoformat()},
            from_status=decision.status,
            details={"to": ComplaintStatus.OVERSENDT},
        )
    return locked


#: What Statsforvalteren's outcome does to the decision.
AUTHORITY_DECISION_STATUS = {
    AuthorityOutcome.STADFESTET: DecisionStatus.FATTET,
    AuthorityOutcome.ENDRET: DecisionStatus.OMGJORT,
    AuthorityOutcome.OPPHEVET: DecisionStatus.OMGJORT,
}


def record_authority_outcome(
    *, actor, complaint: Complaint, outcome: str, decided_on: dt.date, note: str
) -> Complaint:
    """Statsforvalteren's outcome: ``stadfestet`` (the decision stands: ``fattet`` again),
    ``endret`` or ``opphevet`` (the decision is ``omgjort``; a new decision is drafted)."""
    with transaction.atomic():
        locked, decision = _complaint_for_update(complaint)
        errors: Errors = {}
        if locked.status != ComplaintStatus.OVERSENDT:
            add(errors, NON_FIELD_ERRORS, _("Klagen er ikke sendt til Statsforvalteren."))
        if outcome not in AuthorityOutcome.values:
            add(errors, "outcome", _("Velg Statsforvalterens avgjørelse."))
        if (
            check_date(errors, "decided_on", decided_on, not_after=today())
            and locked.forwarded_on
            and decided_on < locked.forwarded_on
        ):
            add(errors, "decided_on", _("Avgjørelsen kan ikke være før klagen ble sendt."))
        raise_if(errors)
        claim_version(locked)
        locked.status = ComplaintStatus.AVGJORT
        locked.authority_outcome = outcome
        locked.authority_decided_on = decided_on
        locked.authority_note = text(note)
        locked.save(
            update_fields=[
                "status",
                "authority_outcome",
                "authority_decided_on",
                "authority_note",
                "lock_version",
            ]
        )
        before = decision.status
        after = AUTHORITY_DECISION_STATUS[outcome]
        if before == DecisionStatus.PAKLAGET and after != before:
            _set_decision_status(decision, after)
        _step(
            actor=actor,
            complaint=locked,
            decision=decision,
            event=Event.STATSFORVALTER_AVGJORT,
            note=_("Statsforvalteren avgjorde klagen %(date)s: %(outcome)s.")
            % {"date": decided_on.isoformat(), "outcome": AuthorityOutcome(outcome).label.lower()},
            from_status=before,
            details={"authority": outcome},
        )
    return locked
