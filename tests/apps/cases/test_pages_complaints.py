"""Page: a complaint on a decision, step by step (registered, the municipality's review under
fvl § 33, sent to Statsforvalteren, Statsforvalteren's outcome); the decision page shows it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from losen.apps.cases.models import Complaint, ComplaintStatus, DecisionStatus, ServiceDecision

from .pages import client_for, errors_shown, issued, today

pytestmark = pytest.mark.django_db


def _url(decision):
    return reverse("cases:complaint", kwargs={"external_id": decision.external_id})


def test_the_whole_complaint_through_the_page(world):
    decision = issued(world)
    client = client_for(world, "saksbehandler")
    page = client.get(_url(decision)).content.decode()
    assert 'name="steg" value="klage"' in page
    response = client.post(
        _url(decision),
        {
            "steg": "klage",
            "klage-received_on": today().isoformat(),
            "klage-from_whom": "Parten selv",
            "klage-summary": "Mener omfanget er for lite.",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(decision=decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PAKLAGET
    assert 'value="vurdering"' in client.get(_url(decision)).content.decode()
    client.post(
        _url(decision),
        {
            "steg": "vurdering",
            "vurdering-outcome": "opprettholdt",
            "vurdering-reasons": "Omfanget dekker behovet.",
            "vurdering-reviewed_on": today().isoformat(),
        },
    )
    complaint.refresh_from_db()
    assert complaint.review_outcome == "opprettholdt"
    client.post(
        _url(decision),
        {"steg": "oversending", "oversending-forwarded_on": today().isoformat()},
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OVERSENDT
    client.post(
        _url(decision),
        {
            "steg": "statsforvalteren",
            "statsforvalteren-outcome": "stadfestet",
            "statsforvalteren-decided_on": today().isoformat(),
            "statsforvalteren-note": "",
        },
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.AVGJORT
    history = client.get(
        reverse("cases:decision", kwargs={"external_id": decision.external_id})
    ).content.decode()
    for text in (
        "Mener omfanget er for lite.",
        "Vedtaket opprettholdes",
        "Sendt til Statsforvalteren",
        "Stadfestet",
        "Klage mottatt",
    ):
        assert text in history


def test_an_invalid_complaint_shows_the_errors_and_writes_nothing(world):
    decision = issued(world)
    response = client_for(world, "saksbehandler").post(
        _url(decision), {"steg": "klage", "klage-received_on": "i morgen"}
    )
    assert errors_shown(response)
    text = response.content.decode()
    assert "Skriv hvem som klager." in text and "Skriv en gyldig dato." in text
    assert 'href="#id_klage-from_whom"' in text
    assert not Complaint.objects.exists()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FATTET


def test_a_late_complaint_asks_for_the_reason_at_its_field(world):
    decision = issued(world)
    ServiceDecision.objects.filter(pk=decision.pk).update(
        decided_at=today() - dt.timedelta(days=90), notified_on=today() - dt.timedelta(days=90)
    )
    response = client_for(world, "saksbehandler").post(
        _url(decision),
        {
            "steg": "klage",
            "klage-received_on": today().isoformat(),
            "klage-from_whom": "Parten selv",
            "klage-summary": "For lite.",
        },
    )
    assert errors_shown(response)
    assert 'href="#id_klage-late_reason"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_post_for_another_step_changes_nothing(world):
    decision = issued(world)
    response = client_for(world, "saksbehandler").post(
        _url(decision), {"steg": "oversending", "oversending-forwarded_on": today().isoformat()}
    )
    assert response.status_code == 302 and response["Location"] == _url(decision)
    assert not Complaint.objects.exists()


def test_a_draft_cannot_be_complained_about(world):
    from .pages import application, assess, draft

    app = application(world)
    applied = app.services.get()
    assess(world, applied)
    decision = draft(world, applied)
    text = client_for(world, "saksbehandler").get(_url(decision)).content.decode()
    assert "Et utkast kan ikke påklages" in text


def test_the_complaint_page_says_the_decision_date_and_the_deadline(world):
    from losen.apps.cases import services

    decision = issued(world)
    page = client_for(world, "saksbehandler").get(_url(decision)).content.decode()
    deadline = services.complaint_deadline(decision)
    assert (
        f"Vedtaket ble fattet {decision.decided_at:%-d.%-m.%Y}. "
        f"Klagefristen er {deadline:%-d.%-m.%Y}." in page
    )
