"""The caseworker's decisions in a real browser: the «Vedtak» section of the person page, the
decision page, registering a decision (empty, with errors and saved) and changing its status,
each checked with axe-core for serious or critical violations and used with the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.cases.models import DecisionStatus, ServiceDecision
from losen.apps.persons.models import Person

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def _assert_accessible(page, where: str) -> None:
    assert axe_violations(page) == [], where


def test_caseworker_reads_registers_and_ends_a_decision(demo_live, page):
    base = demo_live.url
    person = (
        Person.objects.filter(
            care_relations__user__username="saksbehandler", service_decisions__isnull=False
        )
        .distinct()
        .first()
    )
    login(page, base, "saksbehandler")

    page.goto(f"{base}/personer/{person.external_id}/")
    section = page.get_by_role("region", name="Vedtak", exact=True)
    expect(section).to_be_visible()
    expect(section.get_by_role("table")).to_be_visible()
    _assert_accessible(page, "person page with decisions")

    existing = ServiceDecision.objects.filter(person=person).order_by("-valid_from").first()
    section.get_by_role("link", name=existing.reference).click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vedtak {existing.reference}")
    _assert_accessible(page, "decision page")

    page.goto(f"{base}/personer/{person.external_id}/")
    page.get_by_role("link", name="Registrer vedtak").click()
    page.wait_for_url(re.compile(r"/vedtak/person/[0-9a-f-]+/ny/$"))
    _assert_accessible(page, "empty decision form")

    # Saving without scope and with an end before the start: a linked error summary.
    page.get_by_label("Saksnummer").fill("2026/7777")
    page.get_by_label("Tjeneste", exact=True).select_option("praktisk-bistand")
    page.get_by_label("Enhet som gir tjenesten").select_option(label="Hjemmetjenesten")
    page.get_by_label("Gjelder fra").fill("2026-03-01")
    page.get_by_label("Gjelder til").fill("2026-02-01")
    page.get_by_role("button", name="Lagre vedtaket").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name=re.compile("^Omfang: "))
    assert link.get_attribute("href") == "#id_scope"
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_scope")).to_be_focused()
    _assert_accessible(page, "decision form with errors")
    assert not ServiceDecision.objects.filter(reference="2026/7777").exists()

    page.get_by_label("Omfang", exact=True).fill("2 timer per uke")
    page.get_by_label("Gjelder til").fill("2026-12-31")
    page.get_by_label("Faktiske forhold").fill("Kartlegging i hjemmet.")
    page.get_by_label("Hovedhensyn").fill("Trenger hjelp til rengjøring.")
    page.get_by_role("group", name="Status").get_by_role("radio", name="Fattet").check()
    page.get_by_role("button", name="Lagre vedtaket").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    expect(page.get_by_role("status").filter(has_text="Vedtaket er registrert.")).to_be_visible()
    decision = ServiceDecision.objects.get(reference="2026/7777")
    assert decision.status == DecisionStatus.FATTET

    page.get_by_role("link", name=re.compile("^Endre status")).click()
    page.wait_for_url(re.compile(r"/status/$"))
    _assert_accessible(page, "status form")
    page.get_by_role("group", name="Ny status").get_by_role("radio", name="Avsluttet").check()
    page.get_by_role("button", name="Endre status").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    _assert_accessible(page, "status form with errors")
    page.get_by_label("Begrunnelse").fill("Personen har flyttet.")
    page.get_by_role("group", name="Ny status").get_by_role("radio", name="Avsluttet").check()
    page.get_by_role("button", name="Endre status").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AVSLUTTET
    expect(page.get_by_text("Personen har flyttet.")).to_be_visible()
    _assert_accessible(page, "decision page after ending")
