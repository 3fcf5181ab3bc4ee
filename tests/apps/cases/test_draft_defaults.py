"""A new draft starts from the service's own legal basis; labels read right inside sentences."""

from __future__ import annotations

import pytest

from losen.apps.cases.forms import DraftForm
from losen.apps.cases.models import DEFAULT_LEGAL_BASIS, ServiceKind, in_sentence
from losen.apps.cases.services.drafting import legal_basis_for


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Praktisk bistand", "praktisk bistand"),
        ("Helsetjenester i hjemmet", "helsetjenester i hjemmet"),
        ("BPA", "BPA"),
        ("Brukerstyrt personlig assistanse (BPA)", "brukerstyrt personlig assistanse (BPA)"),
        ("", ""),
        ("x", "x"),
    ],
)
def test_in_sentence_lowers_only_a_capital_before_a_small_letter(label, expected):
    assert in_sentence(label) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("service", [ServiceKind.LANGTIDSOPPHOLD, ServiceKind.PRAKTISK_BISTAND])
def test_new_draft_starts_from_the_service_legal_basis(service):
    from losen.apps.accounts.models import Municipality

    municipality = Municipality.objects.create(number="4698", name="Prøvevik kommune")
    form = DraftForm(municipality=municipality, service=service)
    assert form["legal_basis"].value() == legal_basis_for(service)
    assert form["legal_basis"].value() != DEFAULT_LEGAL_BASIS


def test_the_facts_name_the_service_in_small_letters_and_criteria_without_double_stops(world):
    import datetime as dt

    from losen.apps.cases import services
    from losen.apps.cases.services.drafting import prefilled_facts

    from .casework import application, assess, today

    criteria = services.publish_allocation_criteria(
        actor=world.users["leder"],
        municipality=world.home,
        service="praktisk-bistand",
        title="Tildeling av praktisk bistand",
        introduction="",
        regulation="",
        valid_from=today() - dt.timedelta(days=100),
        items=["Søkeren klarer ikke husarbeidet selv."],
    )
    applied = application(world).services.get()
    item = criteria.items.get()
    assessment = assess(world, applied, checks=[(item.pk, "oppfylt", "Klarer ikke å vaske.")])
    facts = prefilled_facts(assessment)
    assert "Søknaden gjelder praktisk bistand." in facts
    assert "– Søkeren klarer ikke husarbeidet selv: oppfylt. Klarer ikke å vaske." in facts
    assert ".:" not in facts
