"""A QuestionnaireResponse from an EHR into a person's measurements: validated with the R4B
model, matched to the instrument, refused with a clear message when it does not fit, and
hostile input stopped by losen.domain.safeinput as in every other import."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.urls import reverse

from losen.apps.clinical import services as clinical
from losen.apps.clinical.models import Measurement
from losen.apps.interop.services import import_questionnaire_response
from losen.domain.errors import InputError, InputTooLarge
from losen.domain.fhir import FNR_SYSTEM, build_questionnaire_response, patient_identifier
from losen.domain.instruments import Sex, score_answers

from .conftest import valid_number

pytestmark = pytest.mark.django_db
AUTHORED = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def ehr_response(instrument="phq-9", answers=None, person=None, sex=Sex.FEMALE) -> dict:
    definition = clinical.registry()[instrument]
    answers = answers or [item.scores[1] for item in definition.items]
    result = score_answers(definition, answers, sex)
    identifier = patient_identifier(person.national_id) if person is not None else None
    return build_questionnaire_response(
        definition, result, authored=AUTHORED, subject_identifier=identifier
    )


def _import(demo, person, resource, **kwargs):
    return import_questionnaire_response(
        actor=demo["users"]["kliniker"],
        person=person,
        data=json.dumps(resource),
        source="svar.json",
        **kwargs,
    )


@pytest.mark.parametrize("instrument", ["phq-9", "gad-7", "audit", "audit-c", "dudit"])
def test_each_instrument_round_trips(demo, person, instrument):
    resource = ehr_response(instrument, person=person)
    measurement = _import(demo, person, resource, sex="female")
    definition = clinical.registry()[instrument]
    assert measurement.answers == [item.scores[1] for item in definition.items]
    assert measurement.taken_on == dt.date(2026, 11, 2)
    assert measurement.person == person


def test_a_response_to_the_loinc_questionnaire_without_total_or_band(demo, person):
    resource = ehr_response("gad-7")
    resource["questionnaire"] = "http://loinc.org/q/69737-5"
    resource["item"] = [i for i in resource["item"] if i["linkId"] not in {"total", "band"}]
    for item in resource["item"]:
        item["answer"] = [{"valueInteger": int(item["answer"][0]["valueCoding"]["code"])}]
    measurement = _import(demo, person, resource)
    assert measurement.instrument_id == "gad-7"


def _refusal(demo, person, resource) -> str:
    with pytest.raises(InputError) as caught:
        _import(demo, person, resource)
    assert not Measurement.objects.filter(person=person).exists()
    return "\n".join(caught.value.lines())


def test_mismatches_are_refused_with_a_clear_message(demo, person):
    base = ehr_response("phq-9")
    wrong_instrument = dict(base, questionnaire="urn:losen:instrument:gad-7|1.0.0")
    assert "item[linkId=8]: GAD-7 har ikke dette spørsmålet" in _refusal(
        demo, person, wrong_instrument
    )

    bad_score = copy.deepcopy(base)
    bad_score["item"][0]["answer"] = [{"valueInteger": 7}]
    assert "item[linkId=1]: svaret må være ett av 0, 1, 2, 3 poeng" in _refusal(
        demo, person, bad_score
    )

    missing = copy.deepcopy(base)
    del missing["item"][3]
    assert "mangler svar på spørsmål 4" in _refusal(demo, person, missing)

    wrong_total = copy.deepcopy(base)
    wrong_total["item"][-2]["answer"] = [{"valueInteger": 27}]
    assert "summen 27 stemmer ikke" in _refusal(demo, person, wrong_total)

    unknown = dict(base, questionnaire="http://example.org/Questionnaire/sdq")
    assert "Losen kjenner ikke skjemaet" in _refusal(demo, person, unknown)

    draft = dict(base, status="in-progress")
    assert "status" in _refusal(demo, person, draft)


def test_a_response_about_someone_else_is_refused(demo, person):
    resource = ehr_response("phq-9")
    resource["subject"] = {"identifier": {"system": FNR_SYSTEM, "value": valid_number(start=700)}}
    assert "annen person" in _refusal(demo, person, resource)


def test_invalid_fhir_is_refused_by_the_r4b_model(demo, person):
    resource = ehr_response("phq-9")
    resource["authored"] = "i går"
    assert "ikke gyldig FHIR R4" in _refusal(demo, person, resource)
    resource = ehr_response("phq-9")
    del resource["item"][0]["linkId"]
    assert "ikke gyldig FHIR R4" in _refusal(demo, person, resource)


def test_hostile_input_is_stopped_before_parsing(demo, person):
    for data in ("[" * 100 + "]" * 100, "x" * (2 * 1024 * 1024), '{"a": "\\u0000"}', "{"):
        with pytest.raises(InputError) as caught:
            import_questionnaire_response(
                actor=demo["users"]["kliniker"], person=person, data=data, source="svar.json"
            )
        assert caught.value.lines()
    with pytest.raises(InputTooLarge):
        import_questionnaire_response(
            actor=demo["users"]["kliniker"],
            person=person,
            data="x" * (2 * 1024 * 1024),
            source="svar.json",
        )


def test_the_import_page(demo, client_for, person):
    url = reverse("interop:fhir_import", kwargs={"external_id": person.external_id})
    client = client_for("kliniker")
    assert client.get(url).status_code == 200
    page = client.post(url, {"text": json.dumps(dict(ehr_response("phq-9"), status="amended"))})
    assert page.status_code == 200
    assert "Skjemaet ble ikke lest inn" in page.content.decode()
    done = client.post(url, {"text": json.dumps(ehr_response("phq-9", person=person))})
    assert done.status_code == 302
    assert Measurement.objects.filter(person=person, instrument_id="phq-9").count() == 1
    assert client_for("nabo-kliniker").get(url).status_code == 404
