"""The FHIR resources an EHR reads (LOINC codes, calculated total, Observation, PlanDefinition,
searchset, OperationOutcome, CapabilityStatement) and the reading of a QuestionnaireResponse
back, validated with the fhir.resources R4B models. No database, no Django."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.domain import fhir
from losen.domain.errors import InputError
from losen.domain.instruments import Sex, builtin_definitions, score_answers
from losen.domain.pathways import default_table

R4B = pytest.importorskip("fhir.resources.R4B")
from fhir.resources.R4B.bundle import Bundle  # noqa: E402
from fhir.resources.R4B.capabilitystatement import CapabilityStatement  # noqa: E402
from fhir.resources.R4B.observation import Observation  # noqa: E402
from fhir.resources.R4B.operationoutcome import OperationOutcome  # noqa: E402
from fhir.resources.R4B.plandefinition import PlanDefinition  # noqa: E402
from fhir.resources.R4B.questionnaire import Questionnaire  # noqa: E402
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse  # noqa: E402

DEFINITIONS = {definition.id: definition for definition in builtin_definitions()}
WHEN = datetime(2026, 11, 2, 12, tzinfo=UTC)
FNR = "12038540031"  # not checked here; the domain only sorts fødselsnummer from D-nummer


def test_the_loinc_table_covers_the_instruments_that_have_codes():
    assert set(fhir.LOINC) == {"phq-9", "gad-7", "audit", "audit-c"}
    assert "dudit" not in fhir.LOINC  # none known
    assert (fhir.LOINC["phq-9"].panel, fhir.LOINC["phq-9"].total) == ("44249-1", "44261-6")
    assert (fhir.LOINC["gad-7"].panel, fhir.LOINC["gad-7"].total) == ("69737-5", "70274-6")
    assert {k for k, v in fhir.LOINC.items() if v.checked} == {"phq-9", "gad-7"}


def test_the_total_is_a_calculated_item_whose_expression_names_every_scored_item():
    for definition in DEFINITIONS.values():
        resource = fhir.build_questionnaire(definition)
        Questionnaire.model_validate(resource)
        total = next(item for item in resource["item"] if item["linkId"] == fhir.TOTAL_LINK_ID)
        (extension,) = total["extension"]
        assert extension["url"] == fhir.CALCULATED_EXPRESSION_URL
        expression = extension["valueExpression"]["expression"]
        assert all(f"'{item.number}'" in expression for item in definition.items)
        assert expression.endswith(".aggregate($this + $total, 0)")


def test_fodselsnummer_and_d_nummer_get_their_systems():
    assert fhir.patient_identifier(FNR) == {"system": fhir.FNR_SYSTEM, "value": FNR}
    d_number = "52038540031"
    assert fhir.patient_identifier(d_number)["system"] == fhir.DNR_SYSTEM
    with pytest.raises(ValueError):
        fhir.patient_identifier("1203854003")
    assert fhir.parse_identifier_token(f"{fhir.FNR_SYSTEM}|{FNR}") == (fhir.FNR_SYSTEM, FNR)
    for bad in (FNR, f"urn:oid:1.2.3|{FNR}", f"{fhir.FNR_SYSTEM}|"):
        with pytest.raises(ValueError, match="system\\|verdi"):
            fhir.parse_identifier_token(bad)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_result_is_a_valid_observation_and_reads_back(data):
    definition = data.draw(st.sampled_from(list(DEFINITIONS.values())))
    answers = data.draw(st.tuples(*(st.sampled_from(item.scores) for item in definition.items)))
    result = score_answers(definition, answers, Sex.MALE)
    identifier = fhir.patient_identifier(FNR)
    observation = fhir.build_observation(
        definition, result, effective=WHEN, subject_identifier=identifier, observation_id="m-1"
    )
    model = Observation.model_validate(observation)
    assert model.valueInteger == result.total
    assert model.subject.identifier.value == FNR
    assert model.interpretation[0].coding[0].code == result.band.code
    codes = [coding.code for coding in model.code.coding]
    if definition.id in fhir.LOINC:
        assert codes[0] == fhir.LOINC[definition.id].total
    response = fhir.build_questionnaire_response(
        definition, result, authored=WHEN, subject_identifier=identifier
    )
    QuestionnaireResponse.model_validate(response)
    imported = fhir.read_questionnaire_response(definition, response)
    assert imported.answers == tuple(answers)
    assert imported.identifier == (fhir.FNR_SYSTEM, FNR)
    assert imported.taken_on == WHEN.date()


def test_the_pathway_table_is_a_valid_plan_definition():
    table = default_table()
    resource = fhir.build_plan_definition(table)
    model = PlanDefinition.model_validate(resource)
    assert model.id == fhir.plan_definition_id(table) == "losen-hovedforlop"
    assert model.version == table.version
    pathways, rules = resource["action"]
    assert len(rules["action"]) == len(table.rules)
    assert [a["id"] for a in pathways["action"]] == [p.code for p in table.pathways]


def test_bundle_outcome_and_capability_statement_are_valid():
    questionnaire = fhir.build_questionnaire(DEFINITIONS["phq-9"])
    Bundle.model_validate(fhir.searchset([questionnaire], self_url="/fhir/Questionnaire"))
    OperationOutcome.model_validate(fhir.operation_outcome("not-found", "Fant ikke ressursen."))
    CapabilityStatement.model_validate(
        fhir.capability_statement(
            base_url="https://x.example/fhir/", software_version="1", date_iso="2026-12-04"
        )
    )


def test_a_response_that_does_not_fit_lists_every_problem():
    definition = DEFINITIONS["gad-7"]
    response = fhir.build_questionnaire_response(
        definition, score_answers(definition, [1] * 7), authored=WHEN
    )
    response["item"][0]["answer"] = [{"valueString": "ofte"}]
    response["item"][1]["answer"] = []
    response["item"].append({"linkId": "8", "answer": [{"valueInteger": 1}]})
    with pytest.raises(InputError) as caught:
        fhir.read_questionnaire_response(definition, response)
    lines = caught.value.lines()
    assert "item[linkId=1]: svaret må være ett av 0, 1, 2, 3 poeng" in lines
    assert "item[linkId=2]: må ha nøyaktig ett svar" in lines
    assert "item[linkId=8]: GAD-7 har ikke dette spørsmålet" in lines
    assert not any("mangler" in line for line in lines)  # items 1 and 2 are named already
    with pytest.raises(InputError, match="resourceType"):
        fhir.read_questionnaire_response(definition, {"resourceType": "Observation"})


def _loinc_check_digit(number: str) -> int:
    """LOINC's mod-10 check digit (LOINC Users' Guide, «Calculating Mod 10 check digits»)."""
    reversed_digits = number[::-1]
    odd = reversed_digits[0::2][::-1]  # 1st, 3rd, ... from the right
    even = reversed_digits[1::2][::-1]
    total = sum(int(c) for c in even + str(int(odd) * 2))
    return (10 - total % 10) % 10


@pytest.mark.parametrize("code", ["44249-1", "44261-6", "69737-5", "70274-6", "72109-2"])
def test_the_check_digit_rule_accepts_known_loinc_codes(code):
    number, digit = code.split("-")
    assert _loinc_check_digit(number) == int(digit)


def test_the_check_digit_rule_catches_a_mistyped_code():
    assert _loinc_check_digit("72110") != 5


def test_every_loinc_code_has_a_valid_check_digit():
    from losen.domain.fhir import LOINC

    for instrument, codes in LOINC.items():
        for code in (codes.panel, codes.total):
            number, digit = code.split("-")
            assert _loinc_check_digit(number) == int(digit), (instrument, code)
