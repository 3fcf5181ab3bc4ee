"""The knowledge pages in a browser: a mini method assessment and a six-step reflection are
written through their forms, a case is offered to the example bank, the public bank is
searched; axe finds no serious or critical violation on any of these pages."""

from __future__ import annotations

import re

import pytest

from losen.apps.cases.models import ServiceDecision
from losen.apps.knowledge.models import EthicsReflection, Example, MethodAssessment
from losen.apps.priorities import services
from losen.apps.priorities.models import PrioritizationCase

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def _checked(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], (where, violations)


def test_the_leader_writes_the_knowledge_base_and_offers_a_case(demo_live, page):
    base = demo_live.url
    case = PrioritizationCase.objects.get(title__startswith="Budsjett 2027")
    login(page, base, "leder")

    page.goto(f"{base}/prioritering/{case.external_id}/")
    _checked(page, "case page")
    section = page.get_by_role("region", name="Kunnskapsgrunnlag og etikk")
    section.get_by_role("link", name="Ny mini-metodevurdering").click()
    _checked(page, "method form")
    page.get_by_role("button", name="Lagre").click()  # empty: every required part is named
    assert "Skjemaet har feil" in page.locator("main").inner_text()
    _checked(page, "method form with errors")
    page.get_by_label("Metoden eller tiltaket").fill("Mestringskurs i grupper")
    for label, text in (
        ("Populasjon (P)", "Voksne med lettere depresjon"),
        ("Tiltak (I)", "Åtte kurskvelder"),
        ("Sammenligning (C)", "Venteliste"),
        ("Utfall (O)", "Symptomer og funksjon"),
        ("Effekt", "Moderat effekt"),
        ("Sikkerhet", "Lav risiko"),
        ("Organisatoriske konsekvenser", "To kursledere"),
        ("Økonomiske konsekvenser", "150 000 kr per år"),
        ("Konklusjon", "Prøve ut i ett år"),
    ):
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Anbefaling").select_option("utprove")
    page.get_by_label("Sikkerhet i konklusjonen").select_option("lav")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/kunnskap/metodevurdering/"))
    _checked(page, "method page")
    assert MethodAssessment.objects.filter(case=case, title="Mestringskurs i grupper").exists()

    page.goto(f"{base}/prioritering/{case.external_id}/")
    page.get_by_role("link", name="Ny etisk refleksjon (seks trinn)").click()
    _checked(page, "reflection form")
    page.get_by_label("Deltakere").fill("Leder, to ansatte")
    for label, text in (
        ("1. Situasjonen", "Budsjettet rekker ikke til alle åtte tiltakene."),
        ("2. Det etiske spørsmålet", "Bør de sykeste gå foran de mange?"),
        ("3. Partene og deres interesser", "Brukere, pårørende, ansatte"),
        ("4. Lover, retningslinjer og verdier", "Forsvarlighet, likebehandling"),
        ("5. Handlingsalternativene", "Tre pakker"),
        ("6. Valget og begrunnelsen", "Pakke to, fordi den verner de sykeste."),
    ):
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/kunnskap/etikk/"))
    _checked(page, "reflection page")
    assert EthicsReflection.objects.filter(case=case).count() == 1

    page.goto(f"{base}/kunnskap/eksempelbank/")
    _checked(page, "bank")
    day = PrioritizationCase.objects.get(title="Redusert dagtilbud for eldre")
    page.goto(f"{base}/kunnskap/sak/{day.external_id}/eksempelbank/")
    _checked(page, "offer form")
    page.get_by_label("Tjenesteområde").select_option("dagtilbud")
    page.get_by_label("Hva det førte til").fill("Belegget er godt etter sammenslåingen.")
    page.get_by_role("button", name="Legg i eksempelbanken").click()
    page.wait_for_url(re.compile(r"/apent/eksempelbank/"))
    _checked(page, "public example")
    assert Example.objects.filter(case=day, unpublished_at__isnull=True).count() == 1

    # The decision basis of the case shows both, in tables axe reads too.
    basis = services.create_basis(actor=case.created_by, case=case, detail="full")
    page.goto(f"{base}/prioritering/grunnlag/{basis.external_id}/")
    main = page.locator("main").inner_text()
    assert "Mestringskurs i grupper" in main and "Bør de sykeste gå foran de mange?" in main
    _checked(page, "decision basis")

    # A case that is not decided says what is missing.
    page.goto(f"{base}/kunnskap/sak/{case.external_id}/eksempelbank/")
    assert "Saken kan ikke tilbys ennå" in page.locator("main").inner_text()
    _checked(page, "offer refused")


def test_the_public_bank_is_searched_without_login(demo_live, page):
    base = demo_live.url
    page.goto(f"{base}/apent/eksempelbank/")
    _checked(page, "public list")
    page.get_by_label("Tjenesteområde").select_option("psykisk-helse-rus")
    page.get_by_role("button", name="Søk").click()
    main = page.locator("main")
    assert "Ambulant rusteam" in main.inner_text()
    assert "Redusert dagtilbud" not in main.inner_text()
    _checked(page, "public list filtered")
    page.get_by_role("link", name=re.compile("Ambulant rusteam")).click()
    _checked(page, "public imported example")
    assert "Elvedal kommune" in page.locator("main").inner_text()


def test_the_caseworker_writes_a_reflection_on_a_decision(demo_live, page):
    base = demo_live.url
    decision = (
        ServiceDecision.objects.filter(person__care_relations__user__username="saksbehandler")
        .distinct()
        .first()
    )
    login(page, base, "saksbehandler")
    page.goto(f"{base}/vedtak/{decision.external_id}/")
    page.get_by_role("link", name="Se eller skriv en etisk refleksjon om vedtaket").click()
    _checked(page, "decision reflections")
    page.get_by_label("1. Situasjonen").fill("Søkeren ønsker mer hjelp enn kriteriene gir.")
    page.get_by_label("2. Det etiske spørsmålet").fill("Bør vi gå ut over kriteriene?")
    page.get_by_label("3. Partene og deres interesser").fill("Søkeren, pårørende, kommunen")
    page.get_by_label("4. Lover, retningslinjer og verdier").fill("Nødvendig hjelp")
    page.get_by_label("5. Handlingsalternativene").fill("Innvilge, avslå, delvis")
    page.get_by_label("6. Valget og begrunnelsen").fill("Delvis, med ny vurdering om tre måneder")
    page.get_by_role("button", name="Lagre refleksjonen").click()
    page.wait_for_load_state()
    assert "Bør vi gå ut over kriteriene?" in page.locator("main").inner_text()
    _checked(page, "decision reflections after")
    assert EthicsReflection.objects.filter(decision=decision).count() == 1
