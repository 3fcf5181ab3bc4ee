"""Reading lists of persons. Lists show only those the user has a care relation to."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CareRelation, Person


def persons_in_care_of(request) -> QuerySet[Person]:
    """Persons in the current municipality the user has an active care relation to."""
    person_ids = CareRelation.objects.active().filter(user=request.user).values("person_id")
    return Person.objects.filter(municipality=request.municipality, pk__in=person_ids).order_by(
        "family_name", "given_name"
    )
