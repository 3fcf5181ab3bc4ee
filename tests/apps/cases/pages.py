"""Helpers for the page tests of the caseworker's work: clients, an application built through
the services, and valid form data as a browser would post it."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from losen.apps.cases import services
from losen.apps.cases.models import CaseworkSettings

VALID_NATIONAL_ID = "15076500565"  # a valid test fødselsnummer (check digits right)

COMBINED = {
    "samlet-nytte_level": "stor",
    "samlet-nytte_reasoning": "Hjelpen gjør at personen klarer seg hjemme.",
    "samlet-nytte_uncertainty": "lav",
    "samlet-ressurs_level": "moderat",
    "samlet-ressurs_reasoning": "Tre timer i uka.",
    "samlet-ressurs_uncertainty": "lav",
    "samlet-alvorlighet_level": "stor",
    "samlet-alvorlighet_reasoning": "Klarer ikke husarbeid alene.",
    "samlet-alvorlighet_uncertainty": "lav",
    "samlet-reasoning": "Samlet taler det for hjelp.",
}

COMBINED_DATA = {
    kind: {
        "level": level,
        "reasoning": f"Begrunnelse for {kind}.",
        "uncertainty": "lav",
        "parts": [],
    }
    for kind, level in (("nytte", "stor"), ("ressurs", "moderat"), ("alvorlighet", "stor"))
} | {"reasoning": "Samlet vurdert."}


def today() -> dt.date:
    return timezone.localdate()


def client_for(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def settings(world) -> CaseworkSettings:
    return CaseworkSettings.objects.update_or_create(
        municipality=world.home,
        defaults={"complaint_to": "Tildelingskontoret, Postboks 1, 4699 Testvik"},
    )[0]


def application(world, *, service="praktisk-bistand", received_on=None, person=None):
    settings(world)
    return services.register_application(
        actor=world.users["saksbehandler"],
        municipality=world.home,
        person=person or world.person,
        services=[(service, "3 timer per uke")],
        received_on=received_on or today() - dt.timedelta(days=3),
        channel="digital",
        in_own_words="Jeg trenger hjelp til husarbeid etter operasjonen.",
        postal_address="Storgata 1\n4699 Testvik",
    )


def assess(world, applied, **fields):
    values = {
        "actor": world.users["saksbehandler"],
        "applied_service": applied,
        "function": {"husarbeid": 4, "matlaging": 3},
        "what_matters": "Å klare seg selv hjemme.",
        "user_view": "",
        "combined": COMBINED_DATA,
        "urgency": "innen-uker",
        "necessary_help": "ja",
        "necessary_help_reasoning": "Klarer ikke tungt husarbeid.",
        "forsvarlighet": "Hjelpen dekker behovet forsvarlig.",
        "right_basis": "pasient- og brukerrettighetsloven § 2-1 a",
        "alternatives": "Hjelpemidler er vurdert.",
        "checks": [],
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
        "contact_person": "Saksbehandler Testesen",
        **fields,
    }
    return services.draft_decision(**values)


def issued(world, **fields):
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, **fields)
    return services.issue_decision(actor=world.users["saksbehandler"], decision=decision)


def errors_shown(response) -> bool:
    """Whether the page shows the error summary at the top."""
    return response.status_code == 200 and b'id="feiloppsummering"' in response.content
