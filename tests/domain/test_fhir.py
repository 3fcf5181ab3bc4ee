"""FHIR R4 Questionnaire and QuestionnaireResponse, validated with the fhir.resources R4B models.

fhir.resources is a test-only dependency; the domain builds plain dicts.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain.fhir import (
    BAND_LINK_ID,
    TOTAL_LINK_ID,
    ExportNotAllowed,
    build_questionnaire,
    build_questionnaire_response,
    canonical_url,
)
from losen.domain.instruments import LicenceCode, Sex, builtin_definitions, score_answers

questionnaire_module = pytest.importorskip("fhir.resources.R4B.questionnaire")
response_module = pytest.importorskip("fhir.resources.R4B.questionnaireresponse")
Questionnaire = questionnaire_module.Questionnaire
QuestionnaireResponse = response_module.QuestionnaireResponse

DEFINITIONS = {definition.id: definition for definition in builtin_definitions()}
AUTHORED = datetime(2025, 3, 3, 9, 30, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize("instrument", sorted(DEFINITIONS))
def test_questionnaire_is_valid_r4b(instrument):
    """Every built-in instrument gives a Questionnaire the R4B model accepts, with one item per
    scored item (our own labels), then the total and the band."""
    definition = DEFINITIONS[instrument]
    resource = build_questionnaire(definition)
    model = Questionnaire.model_validate(resource)
    assert model.status == "active"
    assert model.url == canonical_url(definition) == f"urn:losen:instrument:{instrument}"
    link_ids = [item.linkId for item in model.item]
    assert link_ids == [str(i.number) for i in definition.items] + [TOTAL_LINK_ID, BAND_LINK_ID]
    for item, fhir_item in zip(definition.items, model.item, strict=False):
        assert fhir_item.text == item.label
        assert [int(option.valueCoding.code) for option in fhir_item.answerOption] == list(
            item.scores
        )


def test_audit_items_9_and_10_offer_0_2_4():
    resource = build_questionnaire(DEFINITIONS["audit"])
    options = [
        [o["valueCoding"]["code"] for o in item["answerOption"]] for item in resource["item"][:10]
    ]
    assert options[8] == options[9] == ["0", "2", "4"]


def test_band_item_of_a_sex_specific_instrument_lists_each_band_once():
    resource = build_questionnaire(DEFINITIONS["dudit"])
    band_item = resource["item"][-1]
    codes = [o["valueCoding"]["code"] for o in band_item["answerOption"]]
    assert codes == ["no-indication", "probable-problems", "probable-dependence"]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_questionnaire_response_is_valid_r4b_and_carries_the_answers(data):
    """For any valid form of any instrument the response validates, and its answers, total and
    band are those of the scored result."""
    definition = data.draw(st.sampled_from(list(DEFINITIONS.values())))
    answers = data.draw(st.tuples(*(st.sampled_from(item.scores) for item in definition.items)))
    result = score_answers(definition, answers, Sex.FEMALE)
    resource = build_questionnaire_response(
        definition,
        result,
        authored=AUTHORED,
        subject_reference="Patient/7f9c",
        author_reference="Practitioner/42",
        response_id="m-1",
    )
    model = QuestionnaireResponse.model_validate(resource)
    assert model.status == "completed"
    assert model.questionnaire == f"urn:losen:instrument:{definition.id}|{definition.version}"
    assert model.subject.reference == "Patient/7f9c"
    scored = [int(item.answer[0].valueCoding.code) for item in model.item[:-2]]
    assert scored == list(answers)
    assert model.item[-2].answer[0].valueInteger == result.total
    assert model.item[-1].answer[0].valueCoding.code == result.band.code


def test_response_keeps_the_time_zone_and_needs_one():
    result = score_answers(DEFINITIONS["phq-9"], [0] * 9)
    resource = build_questionnaire_response(DEFINITIONS["phq-9"], result, authored=AUTHORED)
    assert resource["authored"] == "2025-03-03T09:30:00+01:00"
    assert "subject" not in resource
    with pytest.raises(ValueError, match="tidssone"):
        build_questionnaire_response(
            DEFINITIONS["phq-9"],
            result,
            authored=datetime(2025, 3, 3, 9, 30),  # noqa: DTZ001
        )


def test_response_refuses_a_result_from_another_instrument():
    result = score_answers(DEFINITIONS["gad-7"], [0] * 7)
    with pytest.raises(ValueError, match="gjelder gad-7"):
        build_questionnaire_response(DEFINITIONS["phq-9"], result, authored=AUTHORED)


def test_restricted_instruments_are_not_exported():
    """FHIR export only where the instrument's licence permits it: a restricted licence stops it."""
    definition = DEFINITIONS["phq-9"]
    restricted = dataclasses.replace(
        definition, licence=dataclasses.replace(definition.licence, code=LicenceCode.RESTRICTED)
    )
    with pytest.raises(ExportNotAllowed, match="begrenset lisens"):
        build_questionnaire(restricted)
    result = score_answers(definition, [0] * 9)
    with pytest.raises(ExportNotAllowed):
        build_questionnaire_response(restricted, result, authored=datetime.now(UTC))


def test_the_validator_would_catch_a_broken_resource():
    """The R4B model is a real check: it refuses a Questionnaire without a status and a response
    whose item lacks its linkId or whose time is not a FHIR dateTime."""
    resource = build_questionnaire(DEFINITIONS["gad-7"])
    del resource["status"]
    with pytest.raises(ValueError):
        Questionnaire.model_validate(resource)
    response = build_questionnaire_response(
        DEFINITIONS["gad-7"], score_answers(DEFINITIONS["gad-7"], [0] * 7), authored=AUTHORED
    )
    broken_time = dict(response, authored="i går")
    with pytest.raises(ValueError):
        QuestionnaireResponse.model_validate(broken_time)
    del response["item"][0]["linkId"]
    with pytest.raises(ValueError):
        QuestionnaireResponse.model_validate(response)


def test_http_base_url_gives_a_questionnaire_path():
    definition = DEFINITIONS["phq-9"]
    assert canonical_url(definition, "https://fhir.example.org") == (
        "https://fhir.example.org/Questionnaire/phq-9"
    )
    Questionnaire.model_validate(build_questionnaire(definition, "https://fhir.example.org"))
