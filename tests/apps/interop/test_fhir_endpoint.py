"""The read-only FHIR endpoint: every resource validates with the fhir.resources R4B models,
person data only for a clinician with a care relation (audited), errors as OperationOutcome."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.plandefinition import PlanDefinition
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import services
from losen.apps.clinical.services import InstrumentAnswers
from losen.apps.persons.services import normalise_national_id
from losen.domain.fhir import DNR_SYSTEM, FNR_SYSTEM, LOINC

from .conftest import make_person, valid_number

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json; charset=utf-8"


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == FHIR_JSON
    return json.loads(response.content)


def _measure(demo, person, instrument="phq-9", answers=None, day=dt.date(2026, 11, 2)):
    definition = services.registry()[instrument]
    answers = answers or tuple(item.scores[1] for item in definition.items)
    sex = "female" if definition.requires_sex else ""
    return services.record_measurement(
        actor=demo["users"]["kliniker"],
        person=person,
        answers=InstrumentAnswers(instrument, answers, sex),
        taken_on=day,
    )


def test_the_capability_statement_is_public_and_valid(client):
    resource = _get(client, reverse("fhir:metadata"))
    model = CapabilityStatement.model_validate(resource)
    assert model.fhirVersion == "4.0.1"
    types = {r.type for r in model.rest[0].resource}
    assert types == {"Questionnaire", "QuestionnaireResponse", "Observation", "PlanDefinition"}


def test_questionnaires_carry_loinc_codes_and_a_calculated_total(demo, client_for):
    client = client_for("kliniker")
    bundle = _get(client, reverse("fhir:questionnaire_search"))
    Bundle.model_validate(bundle)
    ids = {entry["resource"]["id"] for entry in bundle["entry"]}
    assert {"phq-9", "gad-7", "audit", "audit-c", "dudit"} <= ids
    for instrument_id in sorted(ids):
        resource = _get(client, reverse(f"fhir:questionnaire_{instrument_id}"))
        model = Questionnaire.model_validate(resource)
        total = next(item for item in model.item if item.linkId == "total")
        assert total.extension[0].valueExpression.language == "text/fhirpath"
        if instrument_id in LOINC:
            assert model.code[0].system == "http://loinc.org"
            assert model.code[0].code == LOINC[instrument_id].panel
            assert total.code[0].code == LOINC[instrument_id].total
        else:
            assert model.code is None and total.code is None  # DUDIT: no LOINC code known
    phq = _get(client, reverse("fhir:questionnaire_phq-9"))
    assert (phq["code"][0]["code"], phq["item"][-2]["code"][0]["code"]) == ("44249-1", "44261-6")
    gad = _get(client, reverse("fhir:questionnaire_gad-7"))
    assert (gad["code"][0]["code"], gad["item"][-2]["code"][0]["code"]) == ("69737-5", "70274-6")
    found = _get(client, reverse("fhir:questionnaire_search") + "?code=http://loinc.org|69737-5")
    assert [entry["resource"]["id"] for entry in found["entry"]] == ["gad-7"]


def test_the_pathway_table_is_a_plan_definition(demo, client_for):
    client = client_for("leder")
    resource = _get(client, reverse("fhir:plandefinition"))
    model = PlanDefinition.model_validate(resource)
    assert model.type.coding[0].code == "eca-rule"
    pathways, rules = model.action
    assert [a.id for a in pathways.action] == ["HF1", "HF2", "HF3"]
    assert rules.action and all(a.condition for a in rules.action)
    assert any(a.documentation for a in rules.action)
    Bundle.model_validate(_get(client, reverse("fhir:plandefinition_search")))


def test_a_clinician_reads_a_persons_measurements_by_fodselsnummer(demo, client_for, person):
    first = _measure(demo, person, "phq-9", day=dt.date(2026, 10, 1))
    _measure(demo, person, "gad-7")
    client = client_for("kliniker")
    token = f"{FNR_SYSTEM}|{person.national_id}"
    before = AuditEntry.objects.count()
    responses = _get(
        client, reverse("fhir:questionnaireresponse_search") + f"?patient.identifier={token}"
    )
    Bundle.model_validate(responses)
    assert responses["total"] == 2
    for entry in responses["entry"]:
        model = QuestionnaireResponse.model_validate(entry["resource"])
        assert model.subject.identifier.system == FNR_SYSTEM
        assert model.subject.identifier.value == person.national_id
    observations = _get(client, reverse("fhir:observation_search") + f"?subject:identifier={token}")
    Bundle.model_validate(observations)
    phq = Observation.model_validate(observations["entry"][0]["resource"])
    assert phq.code.coding[0].system == "http://loinc.org"
    assert phq.code.coding[0].code == "44261-6"
    assert phq.valueInteger == first.total
    assert phq.interpretation[0].coding[0].code == first.band
    assert phq.derivedFrom[0].reference == f"QuestionnaireResponse/{first.external_id}"
    body = json.dumps(responses) + json.dumps(observations)
    assert person.given_name not in body and person.family_name not in body
    reads = AuditEntry.objects.filter(pk__gt=0).order_by("sequence")[before:]
    purposes = [entry.details.get("purpose") for entry in reads]
    assert "fhir:questionnaireresponse-search" in purposes
    assert "fhir:observation-search" in purposes
    assert all(entry.object_id == str(person.external_id) for entry in reads)
    # One resource read by id, audited too.
    count = AuditEntry.objects.count()
    one = _get(client, reverse("fhir:observation", kwargs={"external_id": first.external_id}))
    Observation.model_validate(one)
    one = _get(
        client, reverse("fhir:questionnaireresponse", kwargs={"external_id": first.external_id})
    )
    QuestionnaireResponse.model_validate(one)
    assert AuditEntry.objects.count() == count + 2


def test_a_d_number_is_named_with_its_own_system(demo, client_for):
    person = make_person(demo, national=valid_number(d_number=True))
    assert normalise_national_id(person.national_id) == person.national_id
    _measure(demo, person, "audit-c")
    client = client_for("kliniker")
    bundle = _get(
        client,
        reverse("fhir:observation_search")
        + f"?patient.identifier={DNR_SYSTEM}|{person.national_id}",
    )
    resource = bundle["entry"][0]["resource"]
    Observation.model_validate(resource)
    assert resource["subject"]["identifier"]["system"] == DNR_SYSTEM


def test_no_care_relation_gives_an_empty_bundle_and_no_read(demo, client_for, person):
    _measure(demo, person)
    other = demo["users"]["kliniker"]
    assert other  # the person is in this clinician's care only
    client = client_for("nabo-kliniker")
    count = AuditEntry.objects.count()
    token = f"{FNR_SYSTEM}|{person.national_id}"
    bundle = _get(client, reverse("fhir:observation_search") + f"?patient.identifier={token}")
    assert bundle["total"] == 0
    unknown = _get(
        client_for("kliniker"),
        reverse("fhir:observation_search")
        + f"?patient.identifier={FNR_SYSTEM}|{valid_number(start=600)}",
    )
    assert unknown["total"] == 0
    assert AuditEntry.objects.count() == count


def test_errors_are_operation_outcomes(demo, client, client_for, person):
    measurement = _measure(demo, person)
    url = reverse("fhir:observation", kwargs={"external_id": measurement.external_id})
    for who, status in (
        (client, 401),
        (client_for("leder"), 403),
        (client_for("nabo-kliniker"), 404),
    ):
        outcome = _get(who, url, status)
        OperationOutcome.model_validate(outcome)
    response = client_for("kliniker").post(url)
    assert response.status_code == 405
    OperationOutcome.model_validate(json.loads(response.content))
    search = reverse("fhir:observation_search")
    missing = _get(client_for("kliniker"), search, 400)
    assert "patient.identifier" in missing["issue"][0]["diagnostics"]
    wrong = _get(client_for("kliniker"), search + "?patient.identifier=urn:other|123", 400)
    assert FNR_SYSTEM in wrong["issue"][0]["diagnostics"]
    assert _get(client, reverse("fhir:questionnaire_search"), 401)["resourceType"] == (
        "OperationOutcome"
    )


def test_the_persons_access_log_names_the_reads_by_the_ehr(demo, client_for, person):
    from losen.apps.persons.innsyn import innsyn_rows

    _measure(demo, person)
    token = f"{FNR_SYSTEM}|{person.national_id}"
    _get(
        client_for("kliniker"), reverse("fhir:observation_search") + f"?patient.identifier={token}"
    )
    whats = [row.what for row in innsyn_rows(person)]
    assert any("skårene lest av et journalsystem (FHIR)" in what for what in whats), whats
