"""A leader completes a self-assessment in a real browser: one point is not met, the close is
refused until a forsvarlig alternative is documented, then it closes and the deviation shows
in the register; axe-core finds no serious or critical violation on any guidance page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.accounts.models import Municipality, User
from losen.apps.guidance import services
from losen.apps.guidance.models import ImprovementAction, SelfAssessment

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser

LOCAL = {
    "format": "losen-guidance/1",
    "id": "lokal-nettleser",
    "kind": "guideline",
    "title": "Fjordviks mål for tilgjengelighet",
    "publisher": "Fjordvik kommune",
    "url": "https://fjordvik.kommune.no/plan",
    "version": "2026-01-15",
    "recommendations": [
        {
            "id": "NT-1",
            "title": "Rask første samtale",
            "strength": "bør",
            "audience": "Psykisk helse og rus",
            "chapter": "Tilgjengelighet",
            "url": "https://fjordvik.kommune.no/plan",
            "version_date": "2026-01-15",
            "check_points": [
                {"id": "NT-1-1", "text": "Første samtale innen en uke."},
                {"id": "NT-1-2", "text": "Kveldsåpent en dag i uka."},
            ],
        }
    ],
}


def _ok(page, where: str) -> None:
    assert axe_violations(page) == [], where


def _assess(page, point_id: str, status: str, alternative: str = "") -> None:
    page.get_by_role("link", name=re.compile(rf"^(Vurder|Endre) {point_id}$")).click()
    page.wait_for_url(re.compile(r"/veiledere/punkt/"))
    page.get_by_role("group", name="Status").get_by_role("radio", name=status, exact=True).check()
    page.get_by_label("Dokumentasjon").fill(f"Oppdiktet dokumentasjon for {point_id}.")
    if alternative:
        page.get_by_label("Forsvarlig alternativ").fill(alternative)
        page.get_by_label("Hovedgrunn til avviket").select_option("kapasitet")
    page.get_by_role("button", name="Lagre vurderingen").click()
    page.wait_for_url(re.compile(r"/veiledere/[0-9a-f-]+/"))


def test_a_self_assessment_with_one_documented_deviation(demo_live, page):
    base = demo_live.url
    fjordvik = Municipality.objects.get(number="4699")
    leader = User.objects.get(username="leder")
    services.import_local_guideline(
        actor=leader, municipality=fjordvik, data=LOCAL, source="lokal-nettleser.json"
    )
    login(page, base, "leder")
    expect(page.get_by_role("heading", name="Forbedringstiltak over fristen")).to_be_visible()
    _ok(page, "start page with overdue actions")

    page.goto(f"{base}/veiledere/")
    _ok(page, "guidance index")
    page.get_by_role("link", name="Ny egenvurdering").click()
    page.wait_for_url(re.compile(r"/veiledere/ny/$"))
    page.get_by_role("button", name="Start vurderingen").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    _ok(page, "start form with errors")
    page.get_by_role("radio", name=re.compile("^Fjordviks mål for tilgjengelighet")).check()
    page.get_by_label("Hva vurderes").select_option(label="Psykisk helse og rus")
    page.get_by_label("Tittel").fill("Tilgjengelighet høsten 2026")
    page.get_by_role("button", name="Start vurderingen").click()
    page.wait_for_url(re.compile(r"/veiledere/[0-9a-f-]+/$"))
    _ok(page, "new assessment")

    _assess(page, "NT-1-1", "Oppfylt")
    page.get_by_role("link", name="Vurder NT-1-2").click()
    page.wait_for_url(re.compile(r"/veiledere/punkt/"))
    _ok(page, "point form")
    page.get_by_role("link", name="Tilbake til vurderingen").click()
    _assess(page, "NT-1-2", "Ikke oppfylt")
    expect(page.get_by_text("Bør-anbefaling fraveket uten dokumentert alternativ.")).to_be_visible()

    page.get_by_role("button", name="Avslutt vurderingen").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_contain_text("Vurderingen kan ikke avsluttes: 1 punkt mangler")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#punkt-NT-1-2")
    _ok(page, "refused close")
    assessment = SelfAssessment.objects.get(title="Tilgjengelighet høsten 2026")
    assert not assessment.is_closed

    page.goto(f"{base}/veiledere/{assessment.external_id}/")
    _assess(page, "NT-1-2", "Ikke oppfylt", "Drop-in på Fontenehuset til kveldsåpent er på plass.")
    page.get_by_role("link", name="Nytt tiltak for NT-1-2").click()
    page.wait_for_url(re.compile(r"/tiltak/$"))
    _ok(page, "action form")
    page.get_by_label("Tiltak", exact=True).fill("Kveldsåpent på onsdager")
    page.get_by_label("Ansvarlig").fill("Enhetsleder")
    page.get_by_label("Frist").fill("2027-03-01")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/veiledere/tiltak/[0-9a-f-]+/$"))
    _ok(page, "action page")
    action = ImprovementAction.objects.get(title="Kveldsåpent på onsdager")
    assert action.recommendation_id == "NT-1" and action.status == "plan"

    page.goto(f"{base}/veiledere/{assessment.external_id}/")
    page.get_by_role("button", name="Avslutt vurderingen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Vurderingen er avsluttet.")).to_be_visible()
    _ok(page, "closed assessment")
    assessment.refresh_from_db()
    assert assessment.is_closed

    page.goto(f"{base}/veiledere/avviksregister/")
    expect(page.get_by_role("heading", name="Avvik fra bør-anbefalinger")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^NT-1 Rask første samtale"))).to_be_visible()
    _ok(page, "register")
    for path, where in (
        ("/veiledere/resultater/", "results"),
        ("/veiledere/resultater/?veileder=lokal-nettleser", "results of the local guideline"),
        ("/veiledere/tiltak/", "actions"),
    ):
        page.goto(f"{base}{path}")
        _ok(page, where)
    demo_autumn = SelfAssessment.objects.get(title="Egenvurdering psykisk helse og rus høsten 2026")
    page.goto(f"{base}/veiledere/{demo_autumn.external_id}/")
    expect(page.get_by_role("heading", name="Endret siden forrige vurdering")).to_be_visible()
    _ok(page, "demo assessment with changes")
    point = demo_autumn.points.get(point_id="R9-2")
    page.goto(f"{base}/veiledere/punkt/{point.external_id}/tall/")
    _ok(page, "attach figure")
    page.goto(f"{base}/veiledere/punkt/{point.external_id}/")
    _ok(page, "closed point")
