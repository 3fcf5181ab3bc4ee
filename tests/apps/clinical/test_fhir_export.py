"""Every measurement, of every built-in instrument, exports as a valid FHIR R4B
QuestionnaireResponse that answers the Questionnaire ``losen fhir questionnaire`` prints."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import services
from losen.apps.clinical.models import Measurement
from losen.apps.clinical.services import InstrumentAnswers
from losen.domain.fhir import build_questionnaire
from losen.domain.instruments import load_registry

response_module = pytest.importorskip("fhir.resources.R4B.questionnaireresponse")
questionnaire_module = pytest.importorskip("fhir.resources.R4B.questionnaire")

pytestmark = pytest.mark.django_db

REGISTRY = load_registry()


def _answers(definition, pattern: int) -> tuple[int, ...]:
    """A valid answer set that uses different allowed scores per item."""
    return tuple(
        item.scores[(item.number + pattern) % len(item.scores)] for item in definition.items
    )


def _export(client, measurement) -> dict:
    response = client.get(
        reverse("clinical:measurement_fhir", kwargs={"external_id": measurement.external_id})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


@pytest.mark.parametrize("instrument_id", sorted(REGISTRY.ids()))
def test_each_instruments_measurement_is_a_valid_response(demo, client_for, person, instrument_id):
    definition = REGISTRY[instrument_id]
    sex = "female" if definition.requires_sex else ""
    answers = _answers(definition, pattern=len(instrument_id))
    measurement = services.record_measurement(
        actor=demo["users"]["kliniker"],
        person=person,
        answers=InstrumentAnswers(instrument_id, answers, sex),
        taken_on=dt.date(2026, 11, 2),
    )
    resource = _export(client_for("kliniker"), measurement)

    model = response_module.QuestionnaireResponse.model_validate(resource)
    assert model.status == "completed"
    assert model.subject.reference == f"Patient/{person.external_id}"
    assert resource["questionnaire"].endswith(f"|{measurement.instrument_version}")
    by_link = {item["linkId"]: item for item in resource["item"]}
    for item, score in zip(definition.items, answers, strict=True):
        assert by_link[str(item.number)]["answer"][0]["valueCoding"]["code"] == str(score)
    assert by_link["total"]["answer"][0]["valueInteger"] == measurement.total == sum(answers)
    assert by_link["band"]["answer"][0]["valueCoding"]["code"] == measurement.band

    questionnaire = build_questionnaire(definition)
    questionnaire_module.Questionnaire.model_validate(questionnaire)
    assert resource["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    assert set(by_link) == {item["linkId"] for item in questionnaire["item"]}

    entry = AuditEntry.objects.get(action="export", object_id=str(measurement.external_id))
    assert entry.details == {
        "format": "fhir-r4-questionnaireresponse",
        "instrument": instrument_id,
    }


def test_every_measurement_of_a_demo_person_exports(demo, client_for):
    """The demo's histories (several instruments, several dates) all export and validate."""
    client = client_for("kliniker")
    person = (
        Measurement.objects.filter(person__care_relations__user__username="kliniker")
        .values_list("person", flat=True)
        .first()
    )
    measurements = list(Measurement.objects.filter(person=person))
    assert len(measurements) >= 5
    ids = set()
    for measurement in measurements:
        resource = _export(client, measurement)
        response_module.QuestionnaireResponse.model_validate(resource)
        assert resource["authored"].startswith(measurement.taken_on.isoformat())
        ids.add(resource["id"])
    assert ids == {str(m.external_id) for m in measurements}
