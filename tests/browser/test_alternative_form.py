"""A leader assesses an alternative part by part in a real browser: the level follows the
parts, another level needs a reason, the errors are announced and linked, and axe finds
nothing serious on the form with its errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.priorities.models import Alternative, PrioritizationCase

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def _uncertainty(group, level: str) -> None:
    uncertainty = group.get_by_role("group", name="Usikkerhet i vurderingen")
    uncertainty.get_by_role("radio", name=re.compile(f"^{level}:")).check()


def test_a_new_alternative_is_assessed_by_its_parts(demo_live, page):
    base = demo_live.url
    case = PrioritizationCase.objects.get(title__startswith="Budsjett 2027")
    login(page, base, "leder")
    page.goto(f"{base}/prioritering/{case.external_id}/alternativ/ny/")
    expect(page.get_by_role("heading", name="Ord i vurderingen")).to_be_visible()
    assert "Mestring" in page.locator("aside").inner_text()

    page.get_by_label("Navn", exact=True).fill("Ambulant akutteam")
    page.get_by_role("textbox", name="Målgruppe").fill("Voksne i akutt psykisk krise")
    page.get_by_label("Kostnad per år (kr)").fill("1800000")
    # Nytte from two parts; the criterion follows them (the highest: «stor»).
    page.get_by_label("Effekt på overlevelse", exact=True).select_option("stor")
    page.get_by_label("Begrunnelse: effekt på overlevelse").fill("Færre selvmordsforsøk.")
    page.get_by_label("Effekt på smerte og ubehag", exact=True).select_option("moderat")
    page.get_by_label("Begrunnelse: effekt på smerte og ubehag").fill("Mindre uro.")
    nytte = page.locator("#gruppe-nytte")
    nytte.get_by_label("Begrunnelse for nytte").fill("Rask hjelp i krise.")
    _uncertainty(nytte, "Lav")
    # Ressurs: one part, the same level.
    page.get_by_label("Ressursbruk i forhold til forventet nytte", exact=True).select_option(
        "moderat"
    )
    page.get_by_label("Begrunnelse: ressursbruk i forhold til forventet nytte").fill("To årsverk.")
    ressurs = page.locator("#gruppe-ressurs")
    ressurs.get_by_label("Begrunnelse for ressurs").fill("Innenfor rammen.")
    _uncertainty(ressurs, "Lav")
    # Alvorlighet: the parts give «svært stor», the leader chooses «stor» but writes no reason.
    page.get_by_label("Hastegrad", exact=True).select_option("akutt")
    page.get_by_label("Begrunnelse: hastegrad").fill("Krisen må møtes samme dag.")
    alvorlighet = page.locator("#gruppe-alvorlighet")
    alvorlighet.get_by_role("group", name="Nivå for alvorlighet").get_by_role(
        "radio", name=re.compile("^Stor:")
    ).check()
    alvorlighet.get_by_label("Begrunnelse for alvorlighet").fill("Akutt krise.")
    _uncertainty(alvorlighet, "Moderat")
    page.get_by_label("Personer tiltaket når per år").fill("60")
    page.get_by_role("radio", name="Et anslag", exact=True).check()
    page.get_by_label("Hvordan antallet er funnet").fill("Akutte henvendelser i 2025.")
    page.get_by_role("button", name="Lagre").click()

    summary = page.locator("#feiloppsummering")
    expect(summary).to_be_visible()
    assert "Delene gir «svært stor», men du har valgt «stor»" in summary.inner_text()
    assert axe_violations(page) == [], "alternative form with errors"
    assert not Alternative.objects.filter(name="Ambulant akutteam").exists()

    # The link in the summary takes the keyboard to the field; the reason is written there.
    summary.get_by_role("link", name=re.compile("annet nivå")).click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_alvorlighet_level_reason"
    page.keyboard.type("Krisene varer kort; samlet er alvorligheten stor.")
    page.get_by_role("button", name="Lagre").click()
    # (the browser keeps the field's #fragment across the redirect)
    page.wait_for_url(re.compile(rf"/prioritering/{case.external_id}/(#.*)?$"))

    saved = Alternative.objects.get(name="Ambulant akutteam")
    assert (saved.nytte_level, saved.ressurs_level, saved.alvorlighet_level) == (
        "stor",
        "moderat",
        "stor",
    )
    assert saved.alvorlighet_level_reason.startswith("Krisene varer kort")
    assert {(p["criterion"], p["part"]) for p in saved.parts} == {
        ("nytte", "overlevelse"),
        ("nytte", "smerte_ubehag"),
        ("ressurs", "ressurs_nytte"),
        ("alvorlighet", "hastegrad"),
    }
    row = page.locator("#alternativtabell tr", has_text="Ambulant akutteam")
    expect(row).to_contain_text("60 (anslag)")
