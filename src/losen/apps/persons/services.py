"""Changes to persons and care relations: atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from losen.apps.audit.models import Action
from losen.apps.audit.services import record

from .models import CareRelation, CareRelationKind, Person

EMERGENCY_ACCESS_DURATION = dt.timedelta(hours=2)


def grant_emergency_access(*, request, person: Person, reason: str) -> CareRelation:
    """Give the user a two-hour emergency relation to *person*; the entry is flagged."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValueError("reason too short")
    now = timezone.now()
    with transaction.atomic():
        relation = CareRelation.objects.create(
            person=person,
            user=request.user,
            kind=CareRelationKind.EMERGENCY,
            reason=reason,
            valid_from=now,
            valid_to=now + EMERGENCY_ACCESS_DURATION,
        )
        record(
            actor=request.user,
            action=Action.EMERGENCY_ACCESS,
            target=person,
            municipality=person.municipality,
            reason=reason,
            details={"hours": 2},
            is_flagged=True,
        )
    return relation
