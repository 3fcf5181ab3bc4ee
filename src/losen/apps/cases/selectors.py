"""Reads of service decisions. Pure queries: no permission check and no audit entry.

A view never calls these directly; it goes through :mod:`losen.apps.cases.access`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import ServiceDecision


def running_decisions(
    municipality, *, unit, service: str | None = None, on: dt.date | None = None
) -> QuerySet[ServiceDecision]:
    """Decisions running on *on* (default today) at *unit*, of kind *service* if given.

    Running: status ``fattet`` or ``paklaget``, ``valid_from <= on`` and ``valid_to`` empty or
    ``>= on``. Ordered by reference (saksnummer).
    """
    decisions = ServiceDecision.objects.filter(municipality=municipality, unit=unit).running(on)
    if service:
        decisions = decisions.filter(service=service)
    return decisions.order_by("reference")


def decisions_for_person(person) -> QuerySet[ServiceDecision]:
    """Every decision of *person*, newest first (the caller has already accessed the person)."""
    return (
        ServiceDecision.objects.filter(municipality=person.municipality, person=person)
        .select_related("unit")
        .order_by("-valid_from", "reference")
    )
