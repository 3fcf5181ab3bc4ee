"""Pages: the decision draft, «Fatt vedtak» with every missing part at once, the letter as
DOCX and as a printable page, the like cases beside the draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.cases.models import DecisionStatus, ServiceDecision

from .pages import application, assess, client_for, draft, errors_shown, issued, today

pytestmark = pytest.mark.django_db


def _assessed(world):
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    return app, applied


def test_draft_new_prefills_facts_and_reasons_from_the_assessment(world):
    app, applied = _assessed(world)
    client = client_for(world, "saksbehandler")
    url = reverse("cases:draft_new", kwargs={"external_id": app.external_id})
    assert client.get(url, {"tjeneste": "praktisk-bistand"}).status_code == 200
    response = client.post(
        url,
        {
            "tjeneste": "praktisk-bistand",
            "outcome": "innvilget",
            "unit": world.care.pk,
            "scope": "3 timer per uke",
            "valid_from": today().isoformat(),
        },
    )
    decision = ServiceDecision.objects.get(applied_service=applied)
    assert response["Location"] == reverse(
        "cases:draft", kwargs={"external_id": decision.external_id}
    )
    assert decision.status == DecisionStatus.UTKAST
    assert decision.facts.strip() and decision.reasons.strip()
    # A second visit goes to the draft that exists.
    again = client.get(url, {"tjeneste": "praktisk-bistand"})
    assert again["Location"] == reverse("cases:draft", kwargs={"external_id": decision.external_id})


def test_an_invalid_new_draft_writes_nothing(world):
    app, _applied = _assessed(world)
    url = reverse("cases:draft_new", kwargs={"external_id": app.external_id})
    response = client_for(world, "saksbehandler").post(
        url, {"tjeneste": "praktisk-bistand", "unit": world.other_unit.pk, "hours_per_week": "200"}
    )
    assert errors_shown(response)
    text = response.content.decode()
    assert "Velg om søknaden innvilges, delvis innvilges eller avslås." in text
    assert "Velg en enhet i kommunen." in text
    assert "Timer per uke må være mellom 0 og 168." in text
    assert not ServiceDecision.objects.exists()


def test_the_draft_page_edits_the_draft_and_lists_what_is_missing(world):
    _app, applied = _assessed(world)
    decision = draft(world, applied)
    client = client_for(world, "saksbehandler")
    url = reverse("cases:draft", kwargs={"external_id": decision.external_id})
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert decision.facts.splitlines()[0] in text  # pre-filled, editable
    assert "Like saker" in text and "Fatt vedtak" in text
    data = {
        "outcome": "innvilget",
        "unit": world.care.pk,
        "scope": "4 timer per uke",
        "valid_from": today().isoformat(),
        "legal_basis": decision.legal_basis,
        "facts": "Nye faktiske forhold.",
        "reasons": decision.reasons,
        "contact_person": "Kari Kontakt",
        "lock_version": decision.lock_version,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.scope == "4 timer per uke" and decision.facts == "Nye faktiske forhold."


def test_the_draft_shows_and_takes_hours_as_norwegian_users_write_them(world):
    """«2», not «2.00»; «2,5» is read as two and a half hours (losen.apps.common.forms)."""
    from decimal import Decimal

    _app, applied = _assessed(world)
    decision = draft(world, applied, hours_per_week=Decimal("2.00"))
    client = client_for(world, "saksbehandler")
    url = reverse("cases:draft", kwargs={"external_id": decision.external_id})
    text = client.get(url).content.decode()
    field = text.split('id="id_hours_per_week"')[0].rsplit("<input", 1)[1]
    assert 'value="2"' in field and 'inputmode="decimal"' in field
    data = {
        "outcome": "innvilget",
        "unit": world.care.pk,
        "scope": "2,5 timer per uke",
        "hours_per_week": "2,5",
        "valid_from": today().isoformat(),
        "legal_basis": decision.legal_basis,
        "facts": decision.facts,
        "reasons": decision.reasons,
        "lock_version": decision.lock_version,
    }
    assert client.post(url, data).status_code == 302
    decision.refresh_from_db()
    assert decision.hours_per_week == Decimal("2.5")
    assert 'value="2,5"' in client.get(url).content.decode()


def test_the_like_cases_come_before_the_draft_form(world):
    """Beside the form on a wide screen, above it on a narrow one: first in the page, so a
    screen reader meets them before the form too."""
    _app, applied = _assessed(world)
    decision = draft(world, applied)
    text = (
        client_for(world, "saksbehandler")
        .get(reverse("cases:draft", kwargs={"external_id": decision.external_id}))
        .content.decode()
    )
    aside = text.index('<aside class="cases-drafting__aside"')
    assert aside < text.index('id="like-saker"') < text.index("<form", aside)
    assert "cases/casework.css" in text


def test_fatt_vedtak_sums_up_what_is_issued_before_the_button(world):
    from decimal import Decimal

    from losen.domain.casework import deadlines

    _app, applied = _assessed(world)
    decision = draft(world, applied, hours_per_week=Decimal("3.50"))
    text = (
        client_for(world, "saksbehandler")
        .get(reverse("cases:issue", kwargs={"external_id": decision.external_id}))
        .content.decode()
    )
    summary = text.split('id="oppsummering"')[1].split("</section>")[0]
    assert text.index('id="oppsummering"') < text.index('submit">Fatt vedtak</button>')
    deadline = deadlines.complaint_deadline(today(), 4)
    for part in (
        "Innvilget",
        "Praktisk bistand",
        "3 timer per uke (3,5 timer per uke)",
        f"Fra {today():%-d.%-m.%Y}, ikke tidsbegrenset",
        decision.legal_basis,
        "4 uker fra parten mottok vedtaket",
        f"sendes det i dag, er fristen {deadline:%-d.%-m.%Y}",
        "Tildelingskontoret, Postboks 1",
    ):
        assert part in summary, part


def test_a_draft_saved_from_a_stale_page_is_refused_and_shows_the_conflict(world):
    _app, applied = _assessed(world)
    decision = draft(world, applied)
    client = client_for(world, "saksbehandler")
    url = reverse("cases:draft", kwargs={"external_id": decision.external_id})
    loaded = decision.lock_version
    ServiceDecision.objects.filter(pk=decision.pk).update(scope="5 timer", lock_version=loaded + 1)
    data = {
        "outcome": "innvilget",
        "unit": world.care.pk,
        "scope": "4 timer per uke",
        "valid_from": today().isoformat(),
        "legal_basis": decision.legal_basis,
        "facts": decision.facts,
        "reasons": decision.reasons,
        "lock_version": loaded,
    }
    response = client.post(url, data)
    assert errors_shown(response)
    decision.refresh_from_db()
    assert decision.scope == "5 timer"


def test_fatt_vedtak_lists_every_missing_part_at_once_and_issues_nothing(world):
    _app, applied = _assessed(world)
    decision = draft(world, applied)
    ServiceDecision.objects.filter(pk=decision.pk).update(
        legal_basis="", facts="", reasons="", scope=""
    )
    client = client_for(world, "saksbehandler")
    url = reverse("cases:issue", kwargs={"external_id": decision.external_id})
    page = client.get(url).content.decode()
    response = client.post(url, {})
    assert errors_shown(response)
    summary = response.content.decode().split('id="feiloppsummering"')[1].split("</div>")[0]
    assert summary.count("<li>") >= 4  # hjemmel, faktiske forhold, hovedhensyn, omfang
    assert page.count("<li>") >= 4
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.UTKAST and decision.decided_at is None


def test_fatt_vedtak_issues_a_complete_draft(world):
    app, applied = _assessed(world)
    decision = draft(world, applied)
    client = client_for(world, "saksbehandler")
    response = client.post(reverse("cases:issue", kwargs={"external_id": decision.external_id}), {})
    assert response["Location"] == reverse(
        "cases:decision", kwargs={"external_id": decision.external_id}
    )
    decision.refresh_from_db()
    app.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET and decision.decided_at == today()
    assert app.status == "avgjort"
    # The issued decision's page, then the draft page sends there.
    page = client.get(response["Location"]).content.decode()
    assert "Fattet" in page and "Klage" in page
    draft_url = reverse("cases:draft", kwargs={"external_id": decision.external_id})
    assert client.get(draft_url)["Location"] == response["Location"]


def test_the_letter_as_docx_and_printable_page(world):
    decision = issued(world)
    client = client_for(world, "saksbehandler")
    docx = client.get(reverse("cases:decision_docx", kwargs={"external_id": decision.external_id}))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "vedtak-" in docx["Content-Disposition"]
    printed = client.get(
        reverse("cases:decision_print", kwargs={"external_id": decision.external_id})
    )
    text = printed.content.decode()
    assert printed.status_code == 200
    assert decision.reference in text and "Klage" in text
    purposes = set(
        AuditEntry.objects.filter(object_id=str(decision.external_id)).values_list(
            "details__purpose", flat=True
        )
    )
    assert {"cases:decision-docx", "cases:decision-print"} <= purposes


def test_a_letter_missing_parts_redirects_with_a_message(world):
    _app, applied = _assessed(world)
    decision = draft(world, applied)
    ServiceDecision.objects.filter(pk=decision.pk).update(facts="")
    client = client_for(world, "saksbehandler")
    response = client.get(
        reverse("cases:decision_docx", kwargs={"external_id": decision.external_id})
    )
    assert response["Location"] == reverse(
        "cases:draft", kwargs={"external_id": decision.external_id}
    )


def test_the_like_cases_are_shown_without_names(world):
    from losen.apps.cases import services

    earlier = issued(world)
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(
        world,
        applied,
        outcome="avslag",
        scope="",
        valid_from=None,
        review_on=None,
        refused_part="Alt.",
    )
    decision.refresh_from_db()
    client = client_for(world, "saksbehandler")
    text = client.get(
        reverse("cases:draft", kwargs={"external_id": decision.external_id})
    ).content.decode()
    like = text.split('id="like-saker"')[1].split("</section>")[0]
    if decision.like_cases:
        assert earlier.reference in like
    assert world.person.family_name not in like
    assert services is not None


@pytest.mark.parametrize(
    "name",
    [
        "cases:draft",
        "cases:issue",
        "cases:decision_docx",
        "cases:decision_print",
        "cases:complaint",
    ],
)
def test_decision_pages_give_404_to_another_municipality_and_to_other_roles(world, name):
    decision = issued(world)
    url = reverse(name, kwargs={"external_id": decision.external_id})
    version = decision.lock_version
    assert client_for(world, "nabo").get(url).status_code == 404
    assert client_for(world, "nabo").post(url, {"steg": "klage"}).status_code == 404
    for role in ("kliniker", "leder", "admin", "analytiker"):
        assert client_for(world, role).get(url).status_code == 404
        assert client_for(world, role).post(url).status_code == 404
    decision.refresh_from_db()
    assert decision.lock_version == version and not decision.complaints.exists()


def test_a_departure_names_the_like_cases_by_their_reference(world):
    """The stored departure names the like cases by external id; the draft page shows the
    saksnummer (and never the id)."""
    from .pages import application, assess, draft

    earlier = [issued(world, hours_per_week=3) for _ in range(3)]
    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied, hours_per_week=12)
    assert decision.like_case_departure, "12 hours against three grants of 3 departs"
    page = client_for(world, "saksbehandler").get(
        reverse("cases:draft", kwargs={"external_id": decision.external_id})
    )
    text = page.content.decode()
    assert "Utkastet gir 12 timer per uke" in text
    for other in earlier:
        assert other.reference in text
        assert str(other.external_id) not in text
