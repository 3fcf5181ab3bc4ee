"""Builders for the casework service tests: an application, an assessment, a draft, issued."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from losen.apps.cases import services
from losen.apps.cases.models import CaseworkSettings

FUNCTION = {"husarbeid": 4, "matlaging": 3, "hygiene": 2, "syn": 9}


def combined(nytte="stor", ressurs="moderat", alvorlighet="stor", reasoning="Samlet vurdert."):
    data = {
        kind: {
            "level": level,
            "reasoning": f"Begrunnelse for {kind}.",
            "uncertainty": "lav",
            "parts": [],
        }
        for kind, level in (("nytte", nytte), ("ressurs", ressurs), ("alvorlighet", alvorlighet))
    }
    data["reasoning"] = reasoning
    return data


def today() -> dt.date:
    return timezone.localdate()


def settings(world, **fields):
    values = {"complaint_to": "Tildelingskontoret, Postboks 1, 4699 Testvik", **fields}
    return CaseworkSettings.objects.update_or_create(municipality=world.home, defaults=values)[0]


def application(world, *, services_=None, received_on=None, person=None, **fields):
    values = {
        "actor": world.users["saksbehandler"],
        "municipality": world.home,
        "person": person or world.person,
        "services": [("praktisk-bistand", "3 timer per uke")] if services_ is None else services_,
        "received_on": received_on or today() - dt.timedelta(days=3),
        "channel": "digital",
        "in_own_words": "Jeg trenger hjelp til husarbeid etter operasjonen.",
        **fields,
    }
    return services.register_application(**values)


def assess(world, applied, *, function=None, checks=None, **fields):
    values = {
        "actor": world.users["saksbehandler"],
        "applied_service": applied,
        "function": FUNCTION if function is None else function,
        "what_matters": "Å klare seg selv hjemme.",
        "user_view": "Ønsker hjelp to ganger i uken.",
        "combined": combined(),
        "urgency": "innen-uker",
        "necessary_help": "ja",
        "necessary_help_reasoning": "Klarer ikke tungt husarbeid.",
        "forsvarlighet": "Hjelpen dekker behovet forsvarlig.",
        "right_basis": "pasient- og brukerrettighetsloven § 2-1 a",
        "alternatives": "Hjelpemidler er vurdert, men dekker ikke behovet.",
        "checks": checks or [],
        **fields,
    }
    return services.save_assessment(**values)


def draft(world, applied, **fields):
    values = {
        "actor": world.users["saksbehandler"],
        "applied_service": applied,
        "outcome": "innvilget",
        "unit": world.care,
        "scope": "3 timer per uke",
        "valid_from": today(),
        "review_on": today() + dt.timedelta(days=180),
        "contact_person": "Saksbehandler Testesen, tlf. 12 34 56 78",
        **fields,
    }
    return services.draft_decision(**values)


def issued(world, *, service="praktisk-bistand", outcome="innvilget", person=None, **fields):
    """An application for one service, assessed, drafted and issued."""
    settings(world)
    app = application(world, services_=[(service, "")], person=person)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, outcome=outcome, **fields)
    return services.issue_decision(actor=world.users["saksbehandler"], decision=decision)
