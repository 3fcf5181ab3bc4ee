"""Writes of the interop app: a QuestionnaireResponse from an EHR into a person's measurements.

The document is read as every import in Losen is (``losen.domain.safeinput.load_json``: size,
depth, text and number limits), validated as a FHIR R4 QuestionnaireResponse with the
fhir.resources R4B model, matched to an instrument by its ``questionnaire`` canonical, and its
answers checked item by item against the instrument
(``losen.domain.fhir.read_questionnaire_response``).
What passes is stored through the clinical app's own ``record_measurement``, so it is scored,
raises its safety notices and is audited as a measurement entered on the page.
"""

from __future__ import annotations

from django.utils import timezone
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from losen.apps.clinical import services as clinical
from losen.apps.clinical.models import Measurement
from losen.domain import fhir
from losen.domain.errors import InputError
from losen.domain.instruments import AnswerError
from losen.domain.safeinput import load_json

#: A QuestionnaireResponse of one instrument is a few kilobytes; this is generous.
MAX_BYTES = 1024 * 1024
MAX_ITEMS = 5_000


def _validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for detail in error.errors()[:10]:
        place = ".".join(str(part) for part in detail.get("loc", ())) or "QuestionnaireResponse"
        problems.append((place, f"ikke gyldig FHIR R4: {detail.get('msg', '')}"[:200]))
    return problems


def parse_questionnaire_response(data: bytes | str, *, source: str):
    """The instrument and answers of a QuestionnaireResponse document.

    Raises:
        InputError: The document is not JSON within the limits, not a valid R4
            QuestionnaireResponse, names no instrument Losen has, or does not answer it.
    """
    document = load_json(data, source=source, max_bytes=MAX_BYTES, max_items=MAX_ITEMS)
    if not isinstance(document, dict) or document.get("resourceType") != "QuestionnaireResponse":
        raise InputError([(source, "dokumentet er ikke en FHIR QuestionnaireResponse")])
    try:
        QuestionnaireResponse.model_validate(document)
    except ValidationError as error:
        raise InputError(_validation_problems(error)) from None
    questionnaire = document.get("questionnaire", "")
    for definition in clinical.registry().definitions:
        if isinstance(questionnaire, str) and fhir.questionnaire_matches(definition, questionnaire):
            return definition, fhir.read_questionnaire_response(definition, document)
    raise InputError(
        [
            (
                "questionnaire",
                f"Losen kjenner ikke skjemaet {str(questionnaire)[:80]!r}; bruk adressen fra "
                "Losens Questionnaire eller LOINC-panelets (http://loinc.org/q/...)",
            )
        ]
    )


def import_questionnaire_response(
    *, actor, person, data: bytes | str, source: str, sex: str = ""
) -> Measurement:
    """Store the QuestionnaireResponse in *data* as a measurement of *person*.

    *sex* is needed for an instrument whose bands depend on it (AUDIT-C, DUDIT) when the person
    has no earlier measurement that says it.

    Raises:
        InputError: As :func:`parse_questionnaire_response`; also when the response names
            another person (its subject's fødselsnummer or D-nummer is not the person's), or
            the date is refused by the clinical app (in the future, before first contact).
    """
    definition, imported = parse_questionnaire_response(data, source=source)
    if imported.identifier is not None:
        system, value = imported.identifier
        if system in fhir.PERSON_ID_SYSTEMS and value != person.national_id:
            raise InputError(
                [("subject.identifier", "svaret gjelder en annen person enn den du har åpnet")]
            )
    if not sex:
        earlier = (
            Measurement.objects.filter(person=person).exclude(sex="").order_by("-taken_on").first()
        )
        sex = earlier.sex if earlier else ""
    answers = clinical.InstrumentAnswers(definition.id, imported.answers, sex)
    try:
        clinical.score(definition.id, imported.answers, sex)
    except AnswerError as error:
        raise InputError([("item", str(error))]) from None
    taken_on = imported.taken_on or timezone.localdate()
    try:
        return clinical.record_measurement(
            actor=actor, person=person, answers=answers, taken_on=taken_on
        )
    except clinical.ClinicalError as error:
        raise InputError([("authored", problem) for problem in error.problems]) from None
