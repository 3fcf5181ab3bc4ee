"""The caseworker's work in a real browser, on the demo municipality.

(a) One application from registration through the assessment (function variables, the shared
combined assessment, the legal tests and the allocation criteria) and the draft to an issued
decision, whose DOCX letter is downloaded and read back. (b) One complaint through the
municipality's review, the forwarding to Statsforvalteren and its outcome. (c) axe-core finds no
serious or critical violation on any page of the caseworker's work, at 1366 and 390 px wide;
the decision form is filled in and submitted with the keyboard alone.

With ``LOSEN_SCREENSHOTS`` set to a directory, each page checked is also saved there as
``<name>-1366.png`` and ``<name>-390.png`` (full page), to look at.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from losen.apps.cases.demo import synthetic_national_id
from losen.apps.cases.models import (
    Application,
    ApplicationStatus,
    AuthorityOutcome,
    Complaint,
    ComplaintStatus,
    DecisionStatus,
    Outcome,
    ReviewOutcome,
    ServiceDecision,
    ServiceKind,
)
from tests.docx_reading import read_docx

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
SHOTS = os.environ.get("LOSEN_SCREENSHOTS")


def _check(page, name: str) -> None:
    """No serious or critical axe violation and no sideways scrolling at each width; a
    screenshot when asked for."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_violations(page)
        assert violations == [], f"{name} at {width} px: {violations}"
        # Nothing wider than the screen (no sideways scrolling of the whole page).
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, f"{name} at {width} px is {wide} px wide"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def _tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching *selector* has the focus."""
    target = page.locator(selector).first
    for _press in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _saved(page) -> None:
    expect(page.locator(".ds-error-summary")).to_have_count(0)


def test_an_application_from_registration_to_an_issued_decision_and_its_letter(demo_live, page):
    base = demo_live.url
    login(page, base, "saksbehandler")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{base}/vedtak/soknader/")
    _check(page, "soknader")
    page.goto(f"{base}/vedtak/soknader/ny/")
    _check(page, "soknad-ny")
    number = synthetic_national_id(random.Random(2027))
    page.get_by_label("Fornavn").fill("Nettleser")
    page.get_by_label("Etternavn").fill("Søkersen")
    page.get_by_label("Fødselsnummer eller D-nummer").fill(number)
    page.get_by_role("checkbox", name="Praktisk bistand").check()
    page.get_by_label("Omfang det søkes om: Praktisk bistand").fill("3 timer per uke")
    page.get_by_role("group", name="Kom inn som").get_by_role(
        "radio", name="Digitalt skjema"
    ).check()
    page.get_by_label("Hva det søkes om, med søkerens egne ord").fill(
        "Oppdiktet: jeg klarer ikke å vaske og handle etter operasjonen."
    )
    page.get_by_label("Postadresse for brev").fill("Oppdiktet vei 2\n4699 Fjordvik")
    page.get_by_role("button", name="Registrer søknaden").click()
    page.wait_for_url(re.compile(r"/vedtak/soknad/[0-9a-f-]+/$"))
    application = Application.objects.get(person__national_id=number)
    assert application.status == ApplicationStatus.MOTTATT
    _check(page, "soknad")

    page.get_by_role("link", name=re.compile("^Vurder")).click()
    page.wait_for_url(re.compile(r"/vurdering/\?tjeneste=praktisk-bistand$"))
    _check(page, "vurdering")
    # The function variables (KPR/IPLOS, 1–5 or 9).
    for variable, score in (
        ("Gjøre husarbeid", "4"),
        ("Handle og skaffe det en trenger", "4"),
        ("Lage mat", "3"),
    ):
        page.get_by_role("radio", name=f"{variable} {score}", exact=True).check()
    page.get_by_role("textbox", name="Hva er viktig for deg?").fill(
        "Oppdiktet: å klare seg hjemme."
    )
    # The shared combined assessment of nytte, ressurs and alvorlighet.
    for group, level in (("nytte", "Stor"), ("ressurs", "Lav"), ("alvorlighet", "Moderat")):
        fieldset = page.locator(f"#samlet-gruppe-{group}")
        fieldset.get_by_role("radio", name=re.compile(f"^{level}:")).first.check()
        fieldset.get_by_role("textbox", name=f"Begrunnelse for {group}").fill(
            f"Oppdiktet: {group}."
        )
        fieldset.get_by_role("group", name="Usikkerhet i vurderingen").get_by_role(
            "radio", name=re.compile("^Lav:")
        ).check()
    page.get_by_role("textbox", name="Samlet begrunnelse").fill(
        "Oppdiktet: stor nytte for lite ressurs."
    )
    # The legal tests.
    page.get_by_role("group", name="Hastegrad", exact=True).get_by_role(
        "radio", name="Innen uker"
    ).check()
    page.get_by_role("group", name="Behov for nødvendige helse- og omsorgstjenester").get_by_role(
        "radio", name=re.compile("^Ja")
    ).check()
    page.get_by_role("textbox", name="Begrunnelse for behovet").fill(
        "Oppdiktet: klarer ikke husarbeidet."
    )
    page.get_by_role("textbox", name="Forsvarlighet", exact=True).fill(
        "Oppdiktet: tre timer dekker behovet."
    )
    page.get_by_role("textbox", name="Alternativer som er vurdert").fill(
        "Oppdiktet: varelevering er vurdert."
    )
    # Each of the municipality's allocation criteria.
    criteria = page.locator("fieldset[id^='kriterium-']")
    assert criteria.count() == 3
    for k in range(criteria.count()):
        criterion = criteria.nth(k)
        criterion.get_by_role("radio", name="Oppfylt", exact=True).check()
        criterion.get_by_role("textbox", name="Hvorfor").fill(
            "Oppdiktet: kartlagt ved hjemmebesøk."
        )
    page.get_by_role("button", name="Lagre vurderingen").click()
    page.wait_for_load_state()
    _saved(page)
    applied = application.services.get()
    assessment = applied.current_assessment
    assert assessment is not None and assessment.version == 1
    assert assessment.function == {"husarbeid": 4, "innkjop": 4, "matlaging": 3}
    assert assessment.combined["nytte"]["level"] == "stor"
    assert assessment.criterion_checks.count() == 3

    page.goto(f"{base}/vedtak/soknad/{application.external_id}/")
    page.get_by_role("link", name=re.compile("^Skriv utkast til vedtak")).click()
    page.wait_for_url(re.compile(r"/vedtak/soknad/[0-9a-f-]+/vedtak/"))
    _check(page, "utkast-nytt")
    page.get_by_role("group", name="Utfall").get_by_role(
        "radio", name="Innvilget", exact=True
    ).check()
    page.get_by_label("Enhet som gir tjenesten").select_option(label="Hjemmetjenesten")
    page.get_by_label("Omfang", exact=True).fill("2 timer per uke")
    page.get_by_label("Timer per uke").fill("2")
    page.get_by_label("Gjelder fra").fill(_iso_in_days(7))
    page.get_by_label("Dato for ny vurdering").fill(_iso_in_days(180))
    page.get_by_label("Kontaktperson").fill("Oppdiktet saksbehandler, tlf. 00 00 00 00")
    page.get_by_role("button", name="Lag utkastet").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/utkast/$"))
    draft = ServiceDecision.objects.get(applied_service=applied)
    assert draft.status == DecisionStatus.UTKAST and draft.facts and draft.reasons
    _check(page, "utkast")

    # The decision form with the keyboard alone: the draft's scope and contact person changed
    # and saved, on to «Fatt vedtak», the reason if the draft departs from like cases, the
    # waiting-list choice left off, and the decision issued by Enter.
    _tab_to(page, "#id_scope")
    page.keyboard.press("Control+A")
    page.keyboard.type("2 timer per uke, mandag og torsdag")
    _tab_to(page, "#id_contact_person")
    page.keyboard.press("Control+A")
    page.keyboard.type("Oppdiktet saksbehandler, tlf. 11 11 11 11")
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    _saved(page)
    draft.refresh_from_db()
    assert draft.scope == "2 timer per uke, mandag og torsdag"
    assert draft.contact_person == "Oppdiktet saksbehandler, tlf. 11 11 11 11"
    _tab_to(page, "main a[href$='/fatt/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fatt/$"))
    _check(page, "fatt-vedtak")

    reason = page.get_by_label("Begrunnelse for avvik fra like saker")
    if reason.count():
        _tab_to(page, "#id_like_case_reason")
        page.keyboard.type("Oppdiktet: begrunnelse for avviket.")
    _tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    decision = ServiceDecision.objects.get(pk=draft.pk)
    assert decision.status == DecisionStatus.FATTET and decision.outcome == Outcome.INNVILGET
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AVGJORT
    _check(page, "vedtak")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned vedtaksbrevet (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    doc = read_docx(Path(download.path()).read_bytes())
    assert doc.page_mm == (210, 297)
    assert doc.footer_fields == ["PAGE", "NUMPAGES"]
    assert "Fjordvik kommune" in doc.header_text
    headings = doc.headings(1)
    for part in (
        "Det du har søkt om",
        "Vedtak",
        "Hva du får, og hvor lenge",
        "Lovgrunnlag",
        "Opplysningene vi har bygget på",
        "Begrunnelse",
        "Du kan klage",
        "Du kan se dokumentene i saken",
        "Kontakt",
    ):
        assert part in headings, part
    assert "2 timer per uke, mandag og torsdag" in doc.text
    assert number not in doc.text  # the letter never prints the whole number


def _iso_in_days(days: int) -> str:
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_a_complaint_through_review_forwarding_and_statsforvalteren(demo_live, page):
    base = demo_live.url
    decision = (
        ServiceDecision.objects.filter(
            municipality__number="4699",
            service=ServiceKind.PRAKTISK_BISTAND,
            outcome=Outcome.INNVILGET,
            status=DecisionStatus.FATTET,
            application__isnull=False,
            complaints__isnull=True,
        )
        # The demo's decisions are spread over months: the latest is still inside the
        # complaint deadline, so the complaint needs no reason for being late.
        .order_by("-decided_at", "reference")
        .first()
    )
    login(page, base, "saksbehandler")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/vedtak/{decision.external_id}/")
    page.get_by_role("link", name="Klage", exact=True).click()
    page.wait_for_url(re.compile(r"/klage/$"))
    _check(page, "klage-ny")
    page.get_by_label("Klager").fill("Parten selv")
    page.get_by_label("Hva klagen gjelder").fill("Oppdiktet: ønsker flere timer.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    complaint = Complaint.objects.get(decision=decision)
    assert complaint.status == ComplaintStatus.MOTTATT
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PAKLAGET

    page.goto(f"{base}/vedtak/{decision.external_id}/klage/")
    _check(page, "klage-vurdering")
    page.get_by_role("group", name="Kommunens vurdering").get_by_role(
        "radio", name="Vedtaket opprettholdes"
    ).check()
    page.get_by_label("Begrunnelse for vurderingen").fill("Oppdiktet: ingen nye opplysninger.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    complaint.refresh_from_db()
    assert complaint.review_outcome == ReviewOutcome.OPPRETTHOLDT

    page.goto(f"{base}/vedtak/{decision.external_id}/klage/")
    _check(page, "klage-oversending")
    expect(page.get_by_role("heading", name="Send klagen til Statsforvalteren")).to_be_visible()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OVERSENDT and complaint.forwarded_on

    page.goto(f"{base}/vedtak/{decision.external_id}/klage/")
    _check(page, "klage-statsforvalteren")
    page.get_by_role("group", name="Statsforvalterens avgjørelse").get_by_role(
        "radio", name="Stadfestet"
    ).check()
    page.get_by_label("Merknad om avgjørelsen").fill("Oppdiktet: kommunens vurdering står.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/vedtak/[0-9a-f-]+/$"))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.AVGJORT
    assert complaint.authority_outcome == AuthorityOutcome.STADFESTET
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET
    _check(page, "vedtak-etter-klage")


def test_every_casework_page_has_no_serious_axe_violation_at_both_widths(demo_live, page):
    base = demo_live.url
    fjordvik = "4699"
    decisions = ServiceDecision.objects.filter(
        municipality__number=fjordvik, application__isnull=False
    )
    refused = decisions.get(outcome=Outcome.AVSLAG)
    partial = decisions.get(outcome=Outcome.DELVIS_INNVILGET)
    flagged = decisions.exclude(like_case_departure=[]).get()
    draft = decisions.get(status=DecisionStatus.UTKAST)
    owed = Application.objects.filter(
        municipality__number=fjordvik,
        status=ApplicationStatus.MOTTATT,
        received_on__lt=_days_ago(31),
    ).get()
    replied = Application.objects.exclude(preliminary_reply_on=None).get(
        status=ApplicationStatus.UNDER_BEHANDLING
    )
    login(page, base, "saksbehandler")
    for name, path in (
        ("arbeidsliste", "/vedtak/arbeidsliste/"),
        ("venteliste", "/vedtak/venteliste/?tjeneste=langtidsopphold"),
        ("soknad-foreloepig-svar-skyldes", f"/vedtak/soknad/{owed.external_id}/"),
        ("foreloepig-svar", f"/vedtak/soknad/{owed.external_id}/forelopig-svar/"),
        ("soknad-med-foreloepig-svar", f"/vedtak/soknad/{replied.external_id}/"),
        ("utkast-i-demo", f"/vedtak/{draft.external_id}/utkast/"),
        ("fatt-vedtak-i-demo", f"/vedtak/{draft.external_id}/fatt/"),
        ("vurdering-i-demo", f"/vedtak/soknad/{draft.application.external_id}/vurdering/"),
        ("personer", "/personer/"),
        ("vedtak-avslag", f"/vedtak/{refused.external_id}/"),
        ("klage-avgjort", f"/vedtak/{refused.external_id}/klage/"),
        ("vedtak-delvis", f"/vedtak/{partial.external_id}/"),
        ("klage-til-vurdering", f"/vedtak/{partial.external_id}/klage/"),
        ("vedtak-avvik", f"/vedtak/{flagged.external_id}/"),
        ("vedtaksbrev-utskrift", f"/vedtak/{partial.external_id}/utskrift/"),
    ):
        response = page.goto(f"{base}{path}")
        assert response.status == 200, (name, response.status)
        _check(page, name)
    page.context.clear_cookies()
    login(page, base, "leder")
    page.goto(f"{base}/vedtak/tildelingskriterier/")
    _check(page, "tildelingskriterier")
    page.get_by_role("row", name=re.compile("^Langtidsopphold")).get_by_role(
        "link", name=re.compile("^Versjon 1")
    ).click()
    page.wait_for_load_state()
    _check(page, "tildelingskriterier-versjon")
    page.goto(f"{base}/vedtak/tildelingskriterier/ny/?tjeneste=langtidsopphold")
    _check(page, "tildelingskriterier-ny")
    page.goto(f"{base}/vedtak/rapport/")
    _check(page, "rapport")
    page.context.clear_cookies()
    page.goto(f"{base}/apent/kommune/{fjordvik}/tildelingskriterier/")
    expect(page.get_by_text("Forskrift om tildeling av langtidsopphold")).to_be_visible()
    _check(page, "tildelingskriterier-offentlig")


def _days_ago(days: int):
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() - dt.timedelta(days=days)
