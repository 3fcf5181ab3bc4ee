"""The clinician's work in a real browser: an assessment with a positive PHQ-9 item 9 puts an
unmissable notice on the person's page; axe-core finds no serious or critical violation on any
clinical page (forms empty and with errors, the person page with notices, the assessment, the
care plan, the trajectory chart, the notice, the catalogue and the leader's outcomes)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from losen.apps.accounts.models import Municipality, User
from losen.apps.audit.models import AuditEntry
from losen.apps.clinical.models import Assessment, ClinicalPolicy, Measurement, SafetyNotice
from losen.apps.persons.models import CareRelation, Person
from losen.domain.instruments import load_registry

from .conftest import axe_violations, login

pytestmark = pytest.mark.browser


def _new_person() -> Person:
    """A Fjordvik person with a care relation to the demo clinician and no clinical record."""
    kliniker = User.objects.get(username="kliniker")
    person = Person.objects.create(
        municipality=Municipality.objects.get(number="4699"),
        given_name="Nora",
        family_name="Nettlesertest",
        birth_year=1988,
        is_synthetic=True,
    )
    CareRelation.objects.create(person=person, user=kliniker)
    return person


def _check(page, group: str, choice: str) -> None:
    page.get_by_role("group", name=group, exact=True).get_by_role(
        "radio", name=choice, exact=True
    ).check()


def _assert_accessible(page, where: str) -> None:
    assert axe_violations(page) == [], where


def test_assessment_with_phq9_item_9_puts_a_notice_on_the_person_page(demo_live, page):
    base = demo_live.url
    person = _new_person()
    phq9 = load_registry()["phq-9"]
    login(page, base, "kliniker")

    page.goto(f"{base}/personer/{person.external_id}/")
    assert page.get_by_role("heading", name="Sikkerhetsvarsler").count() == 0
    _assert_accessible(page, "person page without a record")
    page.get_by_role("link", name="Ny kartlegging").click()
    page.wait_for_url(re.compile(r"/kartlegging/ny/$"))
    _assert_accessible(page, "empty assessment form")

    # Risk screening cannot be skipped: saving without it shows a linked error summary.
    page.get_by_label("Årsak til kontakt").fill("Oppdiktet: nedstemthet og dårlig søvn.")
    page.get_by_label("Personens mål").fill("Sove bedre.")
    page.get_by_role("button", name="Lagre kartleggingen").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name=re.compile("^Selvmordsrisiko: Risikovurderingen"))
    assert link.get_attribute("href") == "#id_risk_suicide_0"
    assert page.locator("#id_risk_suicide_0").count() == 1
    _assert_accessible(page, "assessment form with errors")
    assert not Assessment.objects.filter(person=person).exists()

    # Now the whole assessment: no suicide risk found in the talk, elevated violence risk,
    # PHQ-9 with every item 0 except item 9.
    _check(page, "Selvmordsrisiko", "Vurdert, ingen kjent risiko")
    _check(page, "Voldsrisiko", "Forhøyet")
    _check(page, "Overdoserisiko", "Vurdert, ingen kjent risiko")
    page.get_by_label("Bolig", exact=True).select_option(label="Ingen hjelpebehov")
    page.get_by_label("Funksjon på en skala fra 0 til 10").fill("6")
    for item in phq9.items:
        _check(page, f"{item.number}. {item.label}", "1" if item.number == 9 else "0")
    _check(page, "Hvor alvorlige er problemene?", "Milde")
    _check(page, "Forventet varighet", "Kortvarige")
    _check(page, "Funksjonsfall", "Intet funksjonsfall")
    _check(page, "Utvikling", "Uendret")
    _check(page, "Er problemene nyoppståtte?", "Ja")
    _check(page, "Er dette første kontakt med tjenesten?", "Ja")
    # PHQ-9 item 9 above 0 beside a suicide risk rated «ingen kjent»: the rating is confirmed
    # with a reason, or the assessment is not saved.
    page.get_by_role("button", name="Lagre kartleggingen").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_contain_text("PHQ-9 spørsmål 9")
    _assert_accessible(page, "assessment form asking for a confirmation")
    assert not Assessment.objects.filter(person=person).exists()
    page.get_by_label("Begrunnelse når kartleggingsverktøyene peker mot høyere risiko").fill(
        "Spurt direkte om selvmordstanker: ingen planer, god støtte hjemme."
    )
    page.get_by_role("button", name="Lagre kartleggingen").click()
    page.wait_for_url(re.compile(r"/klinisk/kartlegging/[0-9a-f-]+/$"))
    expect(page.get_by_role("status").filter(has_text="Kartleggingen er lagret.")).to_be_visible()
    assessment = Assessment.objects.get(person=person)
    measurement = Measurement.objects.get(assessment=assessment)
    assert (measurement.instrument_id, measurement.total) == ("phq-9", 1)
    assert [flag["code"] for flag in measurement.flags] == ["suicidal-ideation"]
    _assert_accessible(page, "assessment detail")

    # The person's page shows the notices first, as alerts, with what to do next.
    page.goto(f"{base}/personer/{person.external_id}/")
    notices = page.get_by_role("region", name="Sikkerhetsvarsler")
    expect(notices).to_be_visible()
    suicide = notices.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Selvmordsrisiko (spørsmål 9)")
    )
    expect(suicide).to_be_visible()
    expect(suicide).to_contain_text("selvmordsrisikovurdering samme dag")
    violence = notices.locator(".losen-notice--snarlig").filter(
        has=page.get_by_role("heading", name="Voldsrisiko")
    )
    expect(violence).to_contain_text("spesialisthelsetjenesten")
    expect(violence).to_contain_text("R9")
    _assert_accessible(page, "person page with notices")
    reads = AuditEntry.objects.filter(action="read", object_id=str(person.external_id))
    assert reads.filter(details__purpose="clinical:assessment").exists()

    # A different pathway needs a deviation note.
    page.get_by_role("link", name=re.compile(r"^\d+\.\d+\.\d{4}$")).click()
    page.wait_for_url(re.compile(r"/klinisk/kartlegging/"))
    _check(page, "Valgt hovedforløp", "Hovedforløp 2")
    page.get_by_role("button", name="Lagre valget").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_contain_text("journalforskriften")
    _assert_accessible(page, "pathway choice with errors")
    page.get_by_label("Anbefalingen valget avviker fra").select_option(index=1)
    page.get_by_label("Begrunnelse for avviket").fill(
        "Tidligere forløp viser at personen trenger tettere oppfølging."
    )
    page.get_by_role("button", name="Lagre valget").click()
    page.wait_for_load_state()
    assessment.refresh_from_db()
    choice = assessment.latest_choice
    assert choice.pathway == 2 and choice.deviation_reason.startswith("Tidligere")
    history = page.get_by_role("table", name=re.compile("^Alle valg for denne kartleggingen"))
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history).to_contain_text("Tidligere forløp viser")
    _assert_accessible(page, "assessment with its choice history")

    # The notice form: empty reason is refused, then the notice is acknowledged.
    page.goto(f"{base}/personer/{person.external_id}/")
    page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Selvmordsrisiko (spørsmål 9)")
    ).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/klinisk/varsel/"))
    _assert_accessible(page, "notice form")
    page.get_by_role("button", name="Kvitter ut").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    _assert_accessible(page, "notice form with errors")
    page.get_by_label("Hva er gjort?").fill("Selvmordsrisikovurdering gjort samme dag.")
    page.get_by_role("button", name="Kvitter ut").click()
    page.wait_for_url(re.compile(r"/personer/"))
    notice = SafetyNotice.objects.get(person=person, code="suicidal-ideation")
    assert notice.acknowledged_at is not None
    assert SafetyNotice.objects.filter(person=person, acknowledged_at__isnull=True).exists()

    # Care plan: two offers at once, with an empty form first.
    page.get_by_role("link", name="Se og endre tiltaksplanen").click()
    page.wait_for_url(re.compile(r"/plan/$"))
    _assert_accessible(page, "empty care plan")
    page.get_by_role("button", name="Legg til", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    _assert_accessible(page, "care plan form with errors")
    for name in (
        "Rask psykisk helsehjelp (Lavterskeltilbud)",
        "Veiledet digital selvhjelp (Digital selvhjelp)",
    ):
        page.get_by_label("Tiltak fra kommunens katalog").select_option(label=name)
        page.get_by_label("Startdato").fill(assessment.assessed_on.isoformat())
        page.get_by_role("button", name="Legg til", exact=True).click()
        page.wait_for_load_state()
    active = page.get_by_role("table", name="Aktive tiltak")
    expect(active.locator("tbody tr")).to_have_count(2)
    _assert_accessible(page, "care plan with two offers")

    # A follow-up measurement, then the trajectory chart with its table.
    page.goto(f"{base}/klinisk/person/{person.external_id}/maling/ny/")
    _assert_accessible(page, "measurement form")
    page.get_by_role("button", name="Lagre målingen").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    _assert_accessible(page, "measurement form with errors")
    for item in phq9.items:
        _check(page, f"{item.number}. {item.label}", "0")
    page.get_by_role("button", name="Lagre målingen").click()
    page.wait_for_url(re.compile(r"/utfall/$"))
    expect(page.get_by_role("img", name=re.compile("PHQ-9"))).to_be_visible()
    expect(page.get_by_role("table", name="Målinger med PHQ-9").locator("tbody tr")).to_have_count(
        2
    )
    _assert_accessible(page, "trajectory chart")

    page.goto(f"{base}/klinisk/tiltak/")
    _assert_accessible(page, "catalogue")


def test_demo_trajectory_and_leader_outcomes_pass_axe(demo_live, page):
    base = demo_live.url
    login(page, base, "kliniker")
    person = (
        Person.objects.filter(care_relations__user__username="kliniker", measurements__isnull=False)
        .distinct()
        .first()
    )
    page.goto(f"{base}/personer/{person.external_id}/")
    _assert_accessible(page, "demo person page")
    page.get_by_role("link", name="Se forløpet over tid").click()
    page.wait_for_url(re.compile(r"/utfall/$"))
    assert page.get_by_role("img", name=re.compile("GAD-7|PHQ-9")).count() >= 2
    _assert_accessible(page, "demo trajectory")
    page.goto(f"{base}/klinisk/person/{person.external_id}/plan/")
    _assert_accessible(page, "demo care plan")

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/logg-inn/"))
    login(page, base, "leder")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Resultater per tiltak"
    ).click()
    page.wait_for_url(re.compile(r"/klinisk/resultater/$"))
    table = page.get_by_role("table", name=re.compile("^Andel forløp"))
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Likepersonstilbud"))).to_contain_text(
        "Skjult: for få forløp"
    )
    expect(table).not_to_contain_text(person.family_name)
    _assert_accessible(page, "leader outcomes")

    # The leader sets what counts as reliable change; a bad value gets a linked error.
    page.get_by_role("link", name="Endre hva som regnes som pålitelig endring").click()
    page.wait_for_url(re.compile(r"/klinisk/innstillinger/$"))
    _assert_accessible(page, "stepped care settings")
    page.get_by_label("Pålitelig endring for PHQ-9 (poeng)").fill("0")
    page.get_by_role("button", name="Lagre innstillingene").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    expect(
        summary.get_by_role("link", name=re.compile("^Pålitelig endring for PHQ-9"))
    ).to_be_visible()
    _assert_accessible(page, "stepped care settings with errors")
    page.get_by_label("Pålitelig endring for PHQ-9 (poeng)").fill("5")
    page.get_by_role("button", name="Lagre innstillingene").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("er lagret")
    rules = page.get_by_role("table", name="Gjeldende regler")
    expect(rules.get_by_role("row", name=re.compile("^PHQ-9"))).to_contain_text("5")
    assert ClinicalPolicy.objects.get().reliable_change_points == {"phq-9": 5.0}


DUDIT_ANSWERS = (4, 4, 4, 4, 4, 4, 0, 0, 2, 0, 0)  # 26: probable dependence (Berman et al. 2005)


def test_assessment_where_dudit_finds_probable_dependence(demo_live, page):
    """DUDIT 26 beside the clinician's «milde»: the suggestion is HF2 with referral (the
    finding lifts severity), the assessment's own page shows the «snarlig» notice in the
    warning colour, the work list lists it, choosing HF1 asks for a deviation note; axe finds
    no serious or critical violation on these pages."""
    base = demo_live.url
    person = _new_person()
    dudit = load_registry()["dudit"]
    phq9 = load_registry()["phq-9"]
    assert sum(DUDIT_ANSWERS) == 26
    login(page, base, "kliniker")
    page.goto(
        f"{base}/klinisk/person/{person.external_id}/kartlegging/ny/?instrumenter=phq-9,dudit"
    )
    page.get_by_label("Årsak til kontakt").fill("Oppdiktet: bruk av sentralstimulerende.")
    page.get_by_label("Personens mål").fill("Få kontroll over bruken.")
    for name in ("Selvmordsrisiko", "Voldsrisiko", "Overdoserisiko"):
        _check(page, name, "Vurdert, ingen kjent risiko")
    for item in phq9.items:
        _check(page, f"{item.number}. {item.label}", "0")
    for item, value in zip(dudit.items, DUDIT_ANSWERS, strict=True):
        _check(page, f"{item.number}. {item.label}", str(value))
    page.get_by_label("Kjønn (for kjønnsspesifikke grenseverdier)").select_option(label="Mann")
    _check(page, "Hvor alvorlige er problemene?", "Milde")
    _check(page, "Forventet varighet", "Kortvarige")
    _check(page, "Funksjonsfall", "Noe funksjonsfall")
    _check(page, "Utvikling", "Uendret")
    _check(page, "Er problemene nyoppståtte?", "Ja")
    _check(page, "Er dette første kontakt med tjenesten?", "Ja")
    page.get_by_role("button", name="Lagre kartleggingen").click()
    page.wait_for_url(re.compile(r"/klinisk/kartlegging/[0-9a-f-]+/$"))

    assessment = Assessment.objects.get(person=person)
    assert (assessment.suggested_pathway, assessment.suggested_specialist) == (2, "refer")
    suggestion = page.get_by_role("region", name="Forslag til hovedforløp")
    expect(suggestion).to_contain_text("Hovedforløp 2")
    expect(suggestion).to_contain_text("Henvis til spesialisthelsetjenesten")
    expect(suggestion).to_contain_text("løftet av funn til alvorlige")
    reasons = page.get_by_role("table", name="Begrunnelser og anbefalingene de bygger på")
    expect(
        reasons.get_by_role("row", name=re.compile("FINDING-DEPENDENCE-SEVERITY"))
    ).to_contain_text("sannsynlig avhengighet")
    own = page.get_by_role("region", name="Sikkerhetsvarsler fra denne kartleggingen")
    notice = own.locator(".losen-notice--snarlig")
    expect(notice).to_have_count(1)
    expect(notice).to_have_attribute("data-color", "warning")
    expect(notice).to_contain_text("Snarlig: følg opp i løpet av få dager")
    expect(notice).to_contain_text("DUDIT 25 eller mer")
    _assert_accessible(page, "assessment with a DUDIT dependence finding")

    page.get_by_role("group", name="Valgt hovedforløp").get_by_role(
        "radio", name="Hovedforløp 1", exact=True
    ).check()
    page.get_by_role("group", name="Kontakt med spesialisthelsetjenesten").get_by_role(
        "radio", name="Ingen", exact=True
    ).check()
    page.get_by_role("button", name="Lagre valget").click()
    page.wait_for_load_state()
    expect(page.locator(".ds-error-summary")).to_contain_text("avviksnotat")
    _assert_accessible(page, "less intensive choice without a note")
    assert assessment.choices.count() == 0

    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Kliniske varsler"
    ).click()
    page.wait_for_url(re.compile(r"/klinisk/arbeidsliste/$"))
    listed = (
        page.get_by_role("region", name=re.compile("^Snarlig"))
        .locator(".losen-notice")
        .filter(has_text=person.full_name)
    )
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Mulig avhengighet")
    _assert_accessible(page, "clinician's work list")
