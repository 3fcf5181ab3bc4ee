"""A cut in services people receive today lists the individual decisions it would change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.apps.accounts.models import Unit
from losen.apps.audit.models import AuditEntry
from losen.apps.cases.selectors import running_decisions
from losen.apps.cases.services import record_decision
from losen.apps.persons.models import Person
from losen.apps.priorities.overview import CaseOverview

pytestmark = pytest.mark.django_db

CENTRE = "Fjordvik helse- og omsorgssenter"


def centre(case):
    return Unit.objects.get(municipality=case.municipality, name=CENTRE)


def kw(obj):
    return {"external_id": obj.external_id}


@pytest.fixture
def short_stays(demo):
    """Decisions at the care centre: two running short stays, and three that a cut of the
    short-stay places must not list (ended, a draft, and a long-term stay)."""
    fjordvik = demo["fjordvik"]
    centre = Unit.objects.get(municipality=fjordvik, name=CENTRE)
    person = Person.objects.filter(municipality=fjordvik).first()
    today = timezone.localdate()
    issued = {
        "status": "fattet",
        "facts": "Kartlegging etter utskrivning.",
        "reasons": "Trenger døgnopphold for opptrening.",
    }
    rows = [
        ("2026/9001", "korttidsopphold", today - dt.timedelta(days=10), None, issued),
        ("2026/9002", "korttidsopphold", today - dt.timedelta(days=3), today, issued),
        (
            "2026/9003",
            "korttidsopphold",
            today - dt.timedelta(days=90),
            today - dt.timedelta(days=1),
            issued,
        ),
        ("2026/9004", "korttidsopphold", today, None, {"status": "utkast"}),
        ("2026/9005", "langtidsopphold", today - dt.timedelta(days=400), None, issued),
    ]
    for reference, service, start, end, extra in rows:
        record_decision(
            actor=demo["users"]["saksbehandler"],
            municipality=fjordvik,
            person=person,
            reference=reference,
            service=service,
            unit=centre,
            scope="Døgnopphold",
            valid_from=start,
            valid_to=end,
            **extra,
        )
    return ["2026/9001", "2026/9002"]


def test_the_portfolio_lists_the_running_decisions_a_cut_would_change(
    cases, client_for, short_stays
):
    case = cases["budsjett"]
    cut = [a.name for a in CaseOverview(case).cuts]
    assert "Korttidsopphold i eksisterende bygg (dagens åtte plasser)" in cut
    before = AuditEntry.objects.filter(object_type="cases.servicedecision").count()
    page = client_for("leder").get(reverse("priorities:portfolio", kwargs=kw(case)))
    text = page.content.decode()
    for reference in short_stays:
        assert reference in text
    for reference in ("2026/9003", "2026/9004", "2026/9005"):
        assert reference not in text, reference
    running = running_decisions(case.municipality, unit=centre(case), service="korttidsopphold")
    assert {"2026/9001", "2026/9002"} <= {d.reference for d in running}
    assert f"{running.count()} løpende vedtak ved Fjordvik helse- og omsorgssenter" in text
    for decision in running:
        assert decision.reference in text
    # No names on the list, and the read is in the audit log with the decisions it showed.
    person = Person.objects.filter(municipality=case.municipality).first()
    assert person.family_name not in text
    entries = AuditEntry.objects.filter(object_type="cases.servicedecision").order_by("id")
    assert entries.count() == before + 1
    assert entries.last().details["count"] == running.count()


def test_a_reader_sees_how_many_but_not_which(cases, client_for, short_stays):
    case = cases["budsjett"]
    before = AuditEntry.objects.filter(object_type="cases.servicedecision").count()
    text = client_for("leser").get(reverse("priorities:portfolio", kwargs=kw(case))).content
    text = text.decode()
    count = running_decisions(
        case.municipality, unit=centre(case), service="korttidsopphold"
    ).count()
    assert f"{count} løpende vedtak ved Fjordvik helse- og omsorgssenter" in text
    assert "2026/9001" not in text
    assert "Listen over vedtakene vises for leder" in text
    assert AuditEntry.objects.filter(object_type="cases.servicedecision").count() == before


def test_the_decision_basis_counts_the_decisions_but_names_none(cases, client_for, short_stays):
    client = client_for("leder")
    case = cases["budsjett"]
    client.post(reverse("priorities:basis_create", kwargs=kw(case)), {"detail": "full"})
    basis = case.bases.order_by("-version").first()
    rows = {row["service"]: row for row in basis.snapshot["affected"]}
    row = rows["Korttidsopphold i eksisterende bygg (dagens åtte plasser)"]
    count = running_decisions(
        case.municipality, unit=centre(case), service="korttidsopphold"
    ).count()
    assert row["decisions"] == count >= 2 and row["unit"] == CENTRE
    assert "2026/9001" not in str(basis.snapshot)


def test_a_mandatory_service_is_never_listed_as_cut(cases):
    for case in cases.values():
        assert not any(a.mandatory for a in CaseOverview(case).cuts)
