"""Login, navigation and language switch in a real browser, and axe on every demo page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.accounts.models import Unit, User
from losen.apps.persons.models import Person

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def test_login_navigation_and_logout(demo_live, page):
    base = demo_live.url
    page.goto(f"{base}/")
    assert "/logg-inn/" in page.url
    page.get_by_label("Brukernavn").fill("leder")
    page.get_by_label("Passord").fill("feil passord")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("alert")).to_be_visible()
    login(page, base, "leder")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Fjordvik kommune")
    navigation = page.get_by_role("navigation", name="Hovedmeny")
    navigation.get_by_role("link", name="Enheter").click()
    page.wait_for_url(re.compile(r"/enheter/$"))
    assert navigation.get_by_role("link", name="Enheter").get_attribute("aria-current") == "page"
    page.get_by_role("link", name="Hjemmetjenesten").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hjemmetjenesten"
    assert navigation.get_by_role("link", name="Revisjonslogg").count() == 0
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/logg-inn/"))


def test_skip_link_is_first_and_moves_focus_to_main(demo_live, page):
    login(page, demo_live.url, "kliniker")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "hovedinnhold"


def test_language_switch(demo_live, page):
    login(page, demo_live.url, "leder")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Bytt språk").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Units")
    ).to_be_visible()
    page.get_by_label("Language").select_option("nn")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nn"
    page.get_by_label("Språk").select_option("nb")
    page.get_by_role("button", name="Byt språk").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nb"


def _pages_for(username: str) -> list[str]:
    """Every page of the demo a user of this role can open."""
    user = User.objects.get(username=username)
    urls = ["/", "/enheter/", "/om/", "/tilgjengelighet/", "/finnes-ikke/", "/kriterier/"]
    urls += [
        f"/enheter/{u.external_id}/" for u in Unit.objects.filter(municipality__number="4699")[:2]
    ]
    if username == "admin":
        urls += ["/brukere/", f"/brukere/{user.external_id}/", "/revisjon/", "/kriterier/nivaer/"]
    if username == "kliniker":
        person = Person.objects.filter(care_relations__user=user).first()
        urls += [
            "/personer/",
            f"/personer/{person.external_id}/",
            f"/personer/{person.external_id}/nodtilgang/",
        ]
    if username == "leder":
        urls += ["/styringsinformasjon/", "/prioritering/"]
    if username == "leser":
        urls += ["/brukere/"]  # the 403 page
    return urls


@pytest.mark.parametrize("username", ["admin", "kliniker", "leder", "leser"])
def test_every_demo_page_has_no_serious_accessibility_violations(demo_live, page, username):
    base = demo_live.url
    page.goto(f"{base}/logg-inn/")
    assert axe_violations(page) == []
    login(page, base, username)
    for path in _pages_for(username):
        page.goto(f"{base}{path}")
        assert axe_violations(page) == [], path
    if username == "kliniker":
        person = Person.objects.filter(care_relations__user__username="kliniker").first()
        page.goto(f"{base}/personer/{person.external_id}/nodtilgang/")
        page.get_by_role("button", name=re.compile("nødtilgang")).click()
        expect(page.locator(".ds-validation-message")).to_be_visible()
        assert axe_violations(page) == [], "emergency form with errors"
