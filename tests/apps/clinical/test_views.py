"""Pages of the clinical app: access, audit, forms, notices, export."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical.models import (
    Assessment,
    Intervention,
    Measurement,
    PlanItem,
    SafetyNotice,
)
from losen.apps.persons.models import CareRelation, Person

from .conftest import assessment_post

pytestmark = pytest.mark.django_db


def _person_urls(person):
    return [
        reverse(name, kwargs={"external_id": person.external_id})
        for name in (
            "clinical:assessment_new",
            "clinical:measurement_new",
            "clinical:plan",
            "clinical:outcomes",
        )
    ]


def _object_urls(person):
    assessment = Assessment.objects.filter(person=person).first()
    measurement = Measurement.objects.filter(person=person).first()
    item = PlanItem.objects.filter(person=person).first()
    urls = [
        reverse("clinical:assessment", kwargs={"external_id": assessment.external_id}),
        reverse("clinical:measurement_fhir", kwargs={"external_id": measurement.external_id}),
        reverse("clinical:plan_item_end", kwargs={"external_id": item.external_id}),
    ]
    notice = SafetyNotice.objects.filter(person=person).first()
    if notice:
        urls.append(reverse("clinical:notice", kwargs={"external_id": notice.external_id}))
    return urls


def _demo_person_with_notice():
    return SafetyNotice.objects.select_related("person").first().person


def test_clinician_sees_every_page_and_each_read_is_audited(demo, client_for):
    client = client_for("kliniker")
    person = _demo_person_with_notice()
    for url in _person_urls(person) + _object_urls(person):
        before = AuditEntry.objects.filter(action="read", object_id=str(person.external_id))
        count = before.count()
        response = client.get(url)
        assert response.status_code in (200, 302), url
        after = AuditEntry.objects.filter(action="read", object_id=str(person.external_id))
        assert after.count() == count + 1, url
        assert after.order_by("-sequence").first().details["purpose"].startswith("clinical:")


def test_person_page_shows_an_unmissable_notice(demo, client_for):
    person = _demo_person_with_notice()
    page = client_for("kliniker").get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    )
    html = page.content.decode()
    notice = SafetyNotice.objects.filter(person=person).first()
    colour = {"akutt": "danger", "snarlig": "warning", "rutine": "info"}[notice.level]
    assert f'losen-notice--{notice.level}" data-color="{colour}"' in html
    assert notice.message in html


def test_caseworker_with_care_relation_sees_no_clinical_record(demo, client_for):
    """saksbehandler may see the person but never the assessment (only clinicians)."""
    person = _demo_person_with_notice()
    CareRelation.objects.create(person=person, user=demo["users"]["saksbehandler"])
    client = client_for("saksbehandler")
    page = client.get(reverse("persons:detail", kwargs={"external_id": person.external_id}))
    assert page.status_code == 200
    assert "Sikkerhetsvarsler" not in page.content.decode()
    for url in _person_urls(person) + _object_urls(person):
        assert client.get(url).status_code in (403, 404), url


def test_clinician_without_care_relation_gets_404_like_a_missing_id(demo, client_for):
    person = _demo_person_with_notice()
    CareRelation.objects.filter(person=person).delete()
    client = client_for("kliniker")
    for url in _person_urls(person) + _object_urls(person):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    missing = reverse("clinical:assessment", kwargs={"external_id": uuid.uuid4()})
    assert client.get(missing).status_code == 404


def test_recording_an_assessment_with_item_9_shows_the_notice(demo, client_for, person):
    client = client_for("kliniker")
    url = reverse("clinical:assessment_new", kwargs={"external_id": person.external_id})
    response = client.post(
        url,
        assessment_post(
            **{"phq-9__9": "2"},
            confirmation_reason="Spurt direkte: ingen planer, god støtte fra familien.",
        ),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(person=person)
    assert response["Location"].endswith(f"/kartlegging/{assessment.external_id}/")
    html = client.get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    ).content.decode()
    assert 'role="alert"' in html and "selvmordsrisikovurdering" in html


def test_skipping_risk_screening_shows_the_error_summary_and_saves_nothing(
    demo, client_for, person
):
    client = client_for("kliniker")
    url = reverse("clinical:assessment_new", kwargs={"external_id": person.external_id})
    data = assessment_post(risk_violence="not-assessed")
    del data["risk_overdose"]
    html = client.post(url, data).content.decode()
    assert "ds-error-summary" in html
    assert 'href="#id_risk_overdose_0"' in html
    assert 'href="#id_risk_violence_reason"' in html
    assert not Assessment.objects.filter(person=person).exists()


def test_partly_answered_instrument_is_refused(demo, client_for, person):
    client = client_for("kliniker")
    url = reverse("clinical:assessment_new", kwargs={"external_id": person.external_id})
    data = assessment_post()
    del data["phq-9__4"]
    html = client.post(url, data).content.decode()
    assert 'href="#id_phq-9__4_0"' in html
    assert not Assessment.objects.filter(person=person).exists()


def test_deviation_through_the_page(demo, client_for, person):
    client = client_for("kliniker")
    client.post(
        reverse("clinical:assessment_new", kwargs={"external_id": person.external_id}),
        assessment_post(),
    )
    assessment = Assessment.objects.get(person=person)
    url = reverse("clinical:assessment", kwargs={"external_id": assessment.external_id})
    html = client.post(url, {"pathway": "1", "specialist": "refer"}).content.decode()
    assert "ds-error-summary" not in html  # more intensive: the note is optional
    assessment.refresh_from_db()
    assert assessment.latest_choice.pathway == 1
    client.post(
        url,
        {
            "pathway": "3",
            "specialist": "none",
            "deviation_recommendation": "R5",
            "deviation_reason": "Tidligere forløp viser at personen trenger mer.",
        },
    )
    assessment.refresh_from_db()
    choice = assessment.latest_choice
    assert (choice.pathway, choice.deviation_recommendation) == (3, "R5")
    html = client.get(url).content.decode()
    assert "Valgt: hovedforløp 3. Avviker fra anbefaling R5:" in html
    assert "Tidligere forløp" in html


def test_fhir_export_is_a_valid_questionnaire_response_and_audited(demo, client_for):
    module = pytest.importorskip("fhir.resources.R4B.questionnaireresponse")
    measurement = Measurement.objects.first()
    response = client_for("kliniker").get(
        reverse("clinical:measurement_fhir", kwargs={"external_id": measurement.external_id})
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    resource = json.loads(response.content)
    model = module.QuestionnaireResponse.model_validate(resource)
    assert model.id == str(measurement.external_id)
    total = next(i for i in resource["item"] if i["linkId"] == "total")
    assert total["answer"][0]["valueInteger"] == measurement.total
    assert AuditEntry.objects.filter(action="export", object_id=str(measurement.external_id))


def test_plan_add_and_end_through_the_page(demo, client_for, person):
    client = client_for("kliniker")
    url = reverse("clinical:plan", kwargs={"external_id": person.external_id})
    for code in ("rph", "digital"):
        intervention = Intervention.objects.get(municipality=person.municipality, code=code)
        response = client.post(
            url, {"intervention": str(intervention.external_id), "started_on": "2026-10-01"}
        )
        assert response.status_code == 302
    items = PlanItem.objects.filter(person=person)
    assert items.count() == 2
    client.post(
        reverse("clinical:plan_item_end", kwargs={"external_id": items[0].external_id}),
        {"ended_on": "2026-11-01"},
    )
    assert PlanItem.objects.filter(person=person, ended_on__isnull=True).count() == 1


def test_foreign_intervention_cannot_be_planned(demo, client_for, person):
    foreign = Intervention.objects.create(
        municipality=demo["nabovik"], code="x", name="Nabotiltak", kind="group"
    )
    response = client_for("kliniker").post(
        reverse("clinical:plan", kwargs={"external_id": person.external_id}),
        {"intervention": str(foreign.external_id), "started_on": "2026-10-01"},
    )
    assert response.status_code == 200
    assert not PlanItem.objects.filter(person=person).exists()


def test_measurement_page_records_and_charts(demo, client_for, person):
    client = client_for("kliniker")
    url = reverse("clinical:measurement_new", kwargs={"external_id": person.external_id})
    data = {"taken_on": "2026-11-01", **{f"gad-7__{n}": "2" for n in range(1, 8)}}
    response = client.post(f"{url}?instrumenter=gad-7", data)
    assert response.status_code == 302
    assert Measurement.objects.get(person=person).total == 14
    html = client.get(response["Location"]).content.decode()
    assert '<svg class="losen-chart"' in html and 'role="img"' in html
    assert "<table" in html and "style=" not in html


def test_leader_sees_anonymous_outcomes_only(demo, client_for):
    page = client_for("leder").get(reverse("clinical:leader_outcomes"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Skjult: for få forløp" in html
    assert "Fjordvikdemo" not in html and "Syntetisen" not in html
    assert client_for("kliniker").get(reverse("clinical:leader_outcomes")).status_code == 403


def test_nabovik_person_is_invisible_to_the_fjordvik_clinician(demo, client_for):
    person = Person.objects.filter(municipality=demo["nabovik"]).first()
    for url in _person_urls(person):
        assert client_for("kliniker").get(url).status_code == 404


def test_risk_not_assessed_stays_visible_on_the_person_page_with_its_reason(
    demo, client_for, person
):
    client = client_for("kliniker")
    url = reverse("clinical:assessment_new", kwargs={"external_id": person.external_id})
    reason = "Personen ville ikke snakke om rus i dag; tas opp neste samtale."
    response = client.post(
        url, assessment_post(risk_overdose="not-assessed", risk_overdose_reason=reason)
    )
    assert response.status_code == 302
    html = client.get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    ).content.decode()
    assert "Risikovurdering som ikke er gjort" in html
    assert f"Overdoserisiko: {reason}" in html
    assert AuditEntry.objects.filter(
        action="create", details__risks_not_assessed=["overdose"]
    ).exists()
