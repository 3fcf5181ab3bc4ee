"""Changes to persons and care relations: atomic and audited."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.apps.audit.services import record

from .access import PERSON_OBJECT_TYPE, ROLES_WITH_PERSON_ACCESS, roles_in_request
from .forms import reason_problem
from .models import (
    CareRelation,
    CareRelationKind,
    EmergencyAccessReview,
    EmergencyOutcome,
    Person,
)

EMERGENCY_ACCESS_DURATION = dt.timedelta(hours=2)
#: At most this many emergency accesses (granted, or asked for an id that is no person of the
#: municipality) per user within :data:`EMERGENCY_WINDOW`; the next one is refused, and the
#: refusal is itself logged and flagged.
EMERGENCY_LIMIT = 3
EMERGENCY_WINDOW = dt.timedelta(hours=1)


class EmergencyAccessThrottled(Exception):
    """The user has had :data:`EMERGENCY_LIMIT` emergency accesses within the window."""


@dataclass(frozen=True)
class EmergencyResult:
    """What came of a request: the relation when granted; ``None`` for an unknown id."""

    review: EmergencyAccessReview
    relation: CareRelation | None


def _recent_requests(user, now) -> int:
    return EmergencyAccessReview.objects.filter(
        user=user,
        requested_at__gt=now - EMERGENCY_WINDOW,
        outcome__in=[EmergencyOutcome.GRANTED, EmergencyOutcome.NOT_FOUND],
    ).count()


def request_emergency_access(*, request, requested_id, reason: str) -> EmergencyResult:
    """Give the user a two-hour emergency relation to the person *requested_id*, if there is
    one in the request's municipality; log it, flagged, and leave it for review.

    *reason* must already be cleaned by :class:`~losen.apps.persons.forms.EmergencyAccessForm`
    (it is checked again here). An id that is no person of the municipality is logged and
    counted the same way, and gives ``relation=None``. Past :data:`EMERGENCY_LIMIT` requests
    within :data:`EMERGENCY_WINDOW` the request is refused with
    :class:`EmergencyAccessThrottled`; the refusal is logged, flagged and left for review.
    The audit entry names the person asked for by id (``object_id``) and never holds more of
    the reason than the user wrote, which has no identity number in it.
    """
    problem = reason_problem(reason)
    if problem is not None:
        raise ValidationError(problem)
    if not ROLES_WITH_PERSON_ACCESS & set(request.roles):
        raise PermissionError("emergency access needs a role that works with persons")
    requested_id = uuid.UUID(str(requested_id))
    municipality = request.municipality
    user = request.user
    roles = roles_in_request(request)
    throttled = False
    with transaction.atomic():
        # One request at a time per user, so two at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        now = timezone.now()
        person = Person.objects.filter(municipality=municipality, external_id=requested_id).first()
        recent = _recent_requests(user, now)
        if recent >= EMERGENCY_LIMIT:
            outcome = EmergencyOutcome.THROTTLED
            throttled = True
        elif person is None:
            outcome = EmergencyOutcome.NOT_FOUND
        else:
            outcome = EmergencyOutcome.GRANTED
        relation = None
        if outcome == EmergencyOutcome.GRANTED:
            relation = CareRelation.objects.create(
                person=person,
                user=user,
                kind=CareRelationKind.EMERGENCY,
                reason=reason,
                valid_from=now,
                valid_to=now + EMERGENCY_ACCESS_DURATION,
            )
        details = {"outcome": str(outcome), "roles": roles}
        if outcome == EmergencyOutcome.GRANTED:
            details["hours"] = int(EMERGENCY_ACCESS_DURATION.total_seconds() // 3600)
        if throttled:
            details["limit"] = EMERGENCY_LIMIT
            details["window_minutes"] = int(EMERGENCY_WINDOW.total_seconds() // 60)
        entry = record(
            actor=user,
            action=Action.EMERGENCY_ACCESS,
            object_type=PERSON_OBJECT_TYPE,
            object_id=str(requested_id),
            municipality=municipality,
            reason=reason,
            details=details,
            is_flagged=True,
        )
        review = EmergencyAccessReview.objects.create(
            municipality=municipality,
            user=user,
            audit_entry=entry,
            requested_id=requested_id,
            person=person if outcome == EmergencyOutcome.GRANTED else None,
            outcome=outcome,
            requested_at=now,
        )
    if throttled:
        raise EmergencyAccessThrottled(review)
    return EmergencyResult(review, relation)


class AlreadyReviewed(Exception):
    """The emergency access has been reviewed already; a review is not changed afterwards."""


def review_emergency_access(*, actor, review: EmergencyAccessReview, comment: str) -> None:
    """Mark an emergency access as reviewed by *actor* with *comment*; audited.

    The comment stays in the review (it may say things about the situation); the audit entry
    names the review and its emergency-access entry by number only.
    """
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Skriv en kommentar til gjennomgangen."))
    with transaction.atomic():
        locked = EmergencyAccessReview.objects.select_for_update().get(pk=review.pk)
        if locked.reviewed_at is not None:
            raise AlreadyReviewed(locked)
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.comment = comment
        locked.save(update_fields=["reviewed_by", "reviewed_at", "comment"])
        record(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={
                "reviewed": True,
                "audit_entry": locked.audit_entry.sequence,
                "person": str(locked.requested_id),
            },
        )
    review.refresh_from_db()


def normalise_national_id(value: str) -> str:
    """*value* as 11 digits if it is a valid fødselsnummer or D-nummer, else ValidationError.

    Spaces, dots and hyphens are left out first; the check digits and the date are checked with
    python-stdnum (:mod:`stdnum.no.fodselsnummer`, which accepts D-numbers). An empty value
    stays empty. The message never repeats the number (it may end up in a log).
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _
    from stdnum.exceptions import ValidationError as NumberError
    from stdnum.no import fodselsnummer

    text = (value or "").strip()
    if not text:
        return ""
    digits = "".join(ch for ch in text if ch not in " .-\u00a0")
    if not digits.isdigit() or len(digits) != 11:
        raise ValidationError(
            _("Fødselsnummer og D-nummer har 11 sifre. Sjekk nummeret og skriv det på nytt."),
            code="national_id_length",
        )
    try:
        return fodselsnummer.validate(digits)
    except NumberError:
        raise ValidationError(
            _(
                "Nummeret er ikke et gyldig fødselsnummer eller D-nummer (kontrollsifrene eller "
                "datoen stemmer ikke). Sjekk nummeret og skriv det på nytt."
            ),
            code="national_id_invalid",
        ) from None
