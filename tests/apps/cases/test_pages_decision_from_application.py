"""The decision page of a decision made from an application: the scope once, the departure from
like cases with its reason, and complaints only through the complaint's steps."""

from __future__ import annotations

from django.urls import reverse

from losen.apps.cases.models import DecisionStatus, ServiceDecision

from .pages import client_for, issued


def test_scope_is_shown_once(world):
    decision = issued(world, scope="2 timer per uke", hours_per_week=2)
    page = client_for(world, "saksbehandler").get(
        reverse("cases:decision", kwargs={"external_id": decision.external_id})
    )
    assert page.status_code == 200
    assert page.content.decode().count("2 timer per uke") == 1


def test_a_departure_from_like_cases_and_its_reason_are_shown(world):
    decision = issued(world)
    ServiceDecision.objects.filter(pk=decision.pk).update(
        like_case_departure=[{"code": "similarity.hours_above", "params": {}}],
        like_case_reason="Personen bor alene og har ingen pårørende i nærheten.",
    )
    page = client_for(world, "saksbehandler").get(
        reverse("cases:decision", kwargs={"external_id": decision.external_id})
    )
    text = page.content.decode()
    assert "Avvik fra like saker" in text
    assert "Personen bor alene og har ingen pårørende i nærheten." in text


def test_the_old_status_form_cannot_bypass_the_complaint_steps(world):
    decision = issued(world)
    client = client_for(world, "saksbehandler")
    url = reverse("cases:decision_status", kwargs={"external_id": decision.external_id})
    page = client.get(reverse("cases:decision", kwargs={"external_id": decision.external_id}))
    assert url not in page.content.decode()
    for status in (DecisionStatus.PAKLAGET, DecisionStatus.OMGJORT):
        answer = client.post(
            url,
            {
                "status": status,
                "note": "Forsøk utenom klagen.",
                "lock_version": decision.lock_version,
            },
        )
        assert answer.status_code == 200
        assert "klagesiden" in answer.content.decode()
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.FATTET
