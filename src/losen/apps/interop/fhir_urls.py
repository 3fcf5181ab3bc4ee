"""``/fhir/``: the read-only FHIR R4 endpoint. Each instrument's Questionnaire has a URL of its
own (``fhir:questionnaire_<id>``), so every URL here is either fixed or names a measurement."""

from django.urls import path

from losen.domain.fhir import plan_definition_id
from losen.domain.instruments import builtin_definitions
from losen.domain.pathways import default_table

from . import fhir

app_name = "fhir"

urlpatterns = [
    path("metadata", fhir.metadata, name="metadata"),
    path("Questionnaire", fhir.questionnaire_search, name="questionnaire_search"),
    *(
        path(
            f"Questionnaire/{definition.id}",
            fhir.questionnaire_read(definition.id),
            name=f"questionnaire_{definition.id}",
        )
        for definition in builtin_definitions()
    ),
    path("PlanDefinition", fhir.plan_definition_search, name="plandefinition_search"),
    path(
        f"PlanDefinition/{plan_definition_id(default_table())}",
        fhir.plan_definition_read,
        name="plandefinition",
    ),
    path(
        "QuestionnaireResponse",
        fhir.questionnaire_response_search,
        name="questionnaireresponse_search",
    ),
    path(
        "QuestionnaireResponse/<uuid:external_id>",
        fhir.questionnaire_response_read,
        name="questionnaireresponse",
    ),
    path("Observation", fhir.observation_search, name="observation_search"),
    path("Observation/<uuid:external_id>", fhir.observation_read, name="observation"),
]
