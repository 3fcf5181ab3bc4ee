"""Publishing the municipality's allocation criteria (tildelingskriterier), one version at a time.

For long-term places in an institution the municipality must issue a local regulation with
the criteria and keep a waiting list (helse- og omsorgstjenesteloven § 3-2 a,
https://lovdata.no/lov/2011-06-24-30; Prop. 99 L (2015–2016)). A new version never changes an
older one: the older open version ends the day before the new one starts, and an assessment
keeps pointing to the version that was in force when the application came in.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action

from ..models import AllocationCriteria, AllocationCriterion, ServiceKind
from ._common import Errors, add, audit, check_date, raise_if, text


def criteria_in_force(municipality, service: str, on: dt.date) -> AllocationCriteria | None:
    """The newest published version of *service*'s criteria in force on *on*, if any."""
    return (
        AllocationCriteria.objects.filter(
            municipality=municipality, service=service, is_published=True, valid_from__lte=on
        )
        .exclude(valid_to__lt=on)
        .order_by("-version")
        .first()
    )


def publish_allocation_criteria(
    *,
    actor,
    municipality,
    service: str,
    title: str,
    introduction: str,
    regulation: str,
    valid_from: dt.date,
    items: list[str],
) -> AllocationCriteria:
    """Publish a new version of *service*'s criteria from *valid_from*; the open one before it
    gets ``valid_to = valid_from - 1 day``."""
    errors: Errors = {}
    if service not in ServiceKind.values:
        add(errors, "service", _("Velg hvilken tjeneste kriteriene gjelder."))
    if not text(title):
        add(errors, "title", _("Skriv en tittel."))
    criteria_texts = [text(item) for item in items or []]
    if not any(criteria_texts):
        add(errors, "items", _("Skriv minst ett kriterium."))
    if any(len(item) > 2000 for item in criteria_texts):
        add(errors, "items", _("Et kriterium kan ha høyst 2000 tegn."))
    if service == ServiceKind.LANGTIDSOPPHOLD and not text(regulation):
        add(
            errors,
            "regulation",
            _(
                "Kriteriene for langtidsopphold skal stå i en lokal forskrift (helse- og "
                "omsorgstjenesteloven § 3-2 a). Skriv forskriftens navn og lenke."
            ),
        )
    check_date(errors, "valid_from", valid_from)
    raise_if(errors)
    with transaction.atomic():
        versions = AllocationCriteria.objects.select_for_update().filter(
            municipality=municipality, service=service
        )
        newest = versions.aggregate(newest=Max("version"))["newest"] or 0
        open_versions = list(versions.filter(valid_to__isnull=True))
        for previous in open_versions:
            if previous.valid_from >= valid_from:
                raise_if(
                    {
                        "valid_from": [
                            _(
                                "Versjon %(version)s gjelder fra %(date)s; en ny versjon må "
                                "gjelde fra en senere dato."
                            )
                            % {"version": previous.version, "date": previous.valid_from.isoformat()}
                        ]
                    }
                )
        for previous in open_versions:
            previous.valid_to = valid_from - dt.timedelta(days=1)
            previous.save(update_fields=["valid_to"])
        criteria = AllocationCriteria.objects.create(
            municipality=municipality,
            service=service,
            version=newest + 1,
            title=text(title),
            introduction=text(introduction),
            regulation=text(regulation),
            valid_from=valid_from,
            created_by=actor,
        )
        AllocationCriterion.objects.bulk_create(
            AllocationCriterion(criteria=criteria, position=position, text=item)
            for position, item in enumerate(item for item in criteria_texts if item)
        )
        audit(
            actor=actor,
            action=Action.CREATE,
            target=criteria,
            municipality=municipality,
            details={
                "service": service,
                "version": criteria.version,
                "valid_from": valid_from.isoformat(),
                "items": criteria.items.count(),
                "ends": [str(previous.external_id) for previous in open_versions],
            },
        )
    return criteria
