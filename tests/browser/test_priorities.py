"""The prioritisation workspace in a real browser: an open consultation and axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.priorities.models import (
    DecisionBasis,
    FollowUp,
    PrioritizationCase,
    Publication,
)
from losen.domain.criteria import default_catalogue

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def _value(kind: str, label: str) -> int:
    """The value of a level label on the catalogue's scale for the criterion *kind*."""
    catalogue = default_catalogue()
    return catalogue.scale(catalogue.criterion(kind).scale).level(label).value


def _answer(page, url, group, points, theme="", comment=""):
    """Answer the public consultation as a participant who is not logged in."""
    page.goto(url)
    page.get_by_role("radio", name=group, exact=True).check()
    page.get_by_label(re.compile("^Nytte:")).fill(str(points[0]))
    page.get_by_label(re.compile("^Alvorlighet:")).fill(str(points[1]))
    page.get_by_label(re.compile("^Ressurser:")).fill(str(points[2]))
    if theme:
        page.get_by_label("Kommentaren gjelder").select_option(label=theme)
    if comment:
        page.get_by_label("Kommentar (valgfritt)").fill(comment)
    page.get_by_role("button", name="Send svaret").click()
    page.wait_for_url(re.compile(r"/takk/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Takk for svaret"


def _ranking(page, group: str) -> list[str]:
    row = page.locator(f'#grupperangeringer tr[data-group="{group}"]')
    return [li.inner_text().strip() for li in row.locator("ol li").all()]


def test_consultation_with_three_participants_from_two_groups(demo_live, browser, page):
    base = demo_live.url
    case = PrioritizationCase.objects.get(title__startswith="Budsjett 2027")
    assert not hasattr(case, "consultation") or case.consultation is None
    levels = {
        a.name: (_value("nytte", a.nytte_level), _value("alvorlighet", a.alvorlighet_level))
        for a in case.alternatives.all()
    }

    # The leader opens the consultation and gets a public link.
    login(page, base, "leder")
    page.goto(f"{base}/prioritering/{case.external_id}/")
    page.get_by_label("Innledning til deltakerne").fill(
        "Kommunen må velge tiltak innenfor budsjettet. Hva er viktigst for deg?"
    )
    page.get_by_role("button", name="Åpne medvirkning").click()
    expect(page.locator("#medvirkningslenke")).to_be_visible()
    link = page.locator("#medvirkningslenke").get_attribute("href")
    assert link and "/apent/medvirkning/" in link

    # Three participants from two groups, in a browser context that is not logged in.
    public = browser.new_context(bypass_csp=True, locale="nb-NO")
    participant = public.new_page()
    participant.set_default_timeout(15_000)
    participant.goto(link)
    assert "/logg-inn/" not in participant.url
    assert axe_violations(participant) == [], "public consultation"
    # A wrong answer first: the form says what to fix, and nothing is stored.
    participant.get_by_role("button", name="Send svaret").click()
    summary = participant.locator("#feiloppsummering")
    expect(summary).to_be_visible()
    assert summary.get_by_role("link", name=re.compile("Jeg svarer som")).count() == 1
    assert axe_violations(participant) == [], "public consultation with errors"
    _answer(participant, link, "Ansatt", (10, 100, 0), "Alvorlighet", "De sykeste først.")
    assert axe_violations(participant) == [], "thanks page"
    _answer(participant, link, "Ansatt", (0, 100, 10))
    _answer(participant, link, "Pårørende", (100, 0, 0), "Nytte", "Det som virker best.")
    public.close()

    # The case shows the ranking under each group's weights and under the pooled weights.
    page.goto(f"{base}/prioritering/{case.external_id}/medvirkning/")
    assert "3 innspill" in page.get_by_role("main").inner_text()
    rows = page.locator("#grupperangeringer tbody tr")
    assert [r.get_attribute("data-group") for r in rows.all()] == [
        "samlet",
        "parorende",
        "ansatt",
    ]
    counts = {r.get_attribute("data-group"): r.locator("td").first.inner_text() for r in rows.all()}
    assert counts == {"samlet": "3", "parorende": "1", "ansatt": "2"}

    relatives = _ranking(page, "parorende")
    employees = _ranking(page, "ansatt")
    pooled = _ranking(page, "samlet")
    for ranking in (relatives, employees, pooled):
        assert sorted(ranking) == sorted(levels)
    # Relatives weighed only nytte: their list follows the nytte levels.
    benefits = [levels[name][0] for name in relatives]
    assert benefits == sorted(benefits, reverse=True)
    # Employees gave alvorlighet 100 and the rest almost nothing: the most severe comes first.
    assert levels[employees[0]][1] == max(s for _b, s in levels.values())
    if relatives[0] != employees[0]:
        assert (
            "Gruppene er uenige om hva som bør komme først"
            in page.locator("#uenighet").locator("xpath=..").inner_text()
        )
    # Each theme with comments asks for a note on how the input was handled.
    expect(page.locator("#tema-alvorlighet")).to_be_visible()
    expect(page.locator("#tema-nytte")).to_be_visible()
    assert axe_violations(page) == [], "participation page"


def _priority_pages(base: str) -> list[str]:
    """Every page of the workspace and its public side, for every demo case."""
    urls = [f"{base}/prioritering/", f"{base}/prioritering/ny/"]
    for case in PrioritizationCase.objects.filter(municipality__number="4699"):
        root = f"{base}/prioritering/{case.external_id}/"
        urls += [
            root,
            f"{root}endre/",
            f"{root}vekter/",
            f"{root}lovkrav/",
            f"{root}alternativ/ny/",
            f"{root}styringsinformasjon/",
            f"{root}matrise/",
            f"{root}medvirkning/",
            f"{root}vedtak/",
            f"{root}oppfolging/ny/",
        ]
        if case.budget_nok is not None:
            urls.append(f"{root}portefolje/")
        first = case.alternatives.first()
        if first:
            urls.append(f"{base}/prioritering/alternativ/{first.external_id}/")
        consultation = getattr(case, "consultation", None)
        if consultation:
            urls += [
                f"{base}/apent/medvirkning/{consultation.token}/",
                f"{base}/apent/medvirkning/{consultation.token}/takk/",
            ]
    for basis in DecisionBasis.objects.all():
        urls.append(f"{base}/prioritering/grunnlag/{basis.external_id}/")
    for follow_up in FollowUp.objects.all():
        urls.append(f"{base}/prioritering/oppfolging/{follow_up.external_id}/")
        urls.append(f"{base}/prioritering/oppfolging/{follow_up.external_id}/styringsinformasjon/")
    urls.append(f"{base}/apent/kommune/4699/")
    for publication in Publication.objects.filter(unpublished_at__isnull=True):
        urls.append(f"{base}/apent/sak/{publication.token}/")
    return urls


def test_every_priorities_page_has_no_serious_accessibility_violations(demo_live, page):
    base = demo_live.url
    login(page, base, "leder")
    urls = _priority_pages(base)
    assert any("/apent/sak/" in u for u in urls) and any("/portefolje/" in u for u in urls)
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert axe_violations(page) == [], url
    # A form with errors: the summary is announced and links to the fields.
    page.goto(f"{base}/prioritering/ny/")
    page.get_by_role("button", name="Lagre").click()
    summary = page.locator("#feiloppsummering")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name=re.compile("^tittel", re.IGNORECASE)).click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert axe_violations(page) == [], "case form with errors"


def test_attaching_a_figure_by_keyboard_with_an_error_first(demo_live, page):
    """The attach form: choose a figure with the keyboard, a period without figures is refused
    with a linked summary, then the figure is attached and shown on the case page."""
    base = demo_live.url
    login(page, base, "leder")
    case = PrioritizationCase.objects.get(
        municipality__number="4699", title__startswith="Hverdagsrehabilitering"
    )
    page.goto(f"{base}/prioritering/{case.external_id}/styringsinformasjon/")
    choice = page.get_by_role("radio", name=re.compile("^Mottakere av hjemmetjenester 80"))
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    page.get_by_label("Periode").fill("1999")
    page.get_by_role("button", name="Legg ved").click()
    summary = page.locator("#feiloppsummering")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Det finnes ikke noe tall for perioden 1999")
    assert axe_violations(page) == [], "attach form with errors"
    page.get_by_label("Periode").fill("2020")
    page.get_by_role("button", name="Legg ved").click()
    expect(page.locator("#insight-attached-heading")).to_be_visible()
    row = page.locator(".insight-attached tr", has_text="Mottakere av hjemmetjenester 80")
    expect(row).to_contain_text("2020")
    assert axe_violations(page) == [], "case page with an attached figure"
