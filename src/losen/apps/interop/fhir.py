"""The read-only FHIR R4 endpoint under ``/fhir/`` (docs/reference/fhir.md).

Every view goes through :func:`fhir_api`, which answers as a FHIR server does: JSON as
``application/fhir+json``, every error an OperationOutcome (401 without login, 403 for a role
that gives no access, 404 for what does not exist or is not the user's to see, 405 for a method
other than GET). Who the caller is comes from :func:`authenticate`, today the session; an API
token is one more branch there, and the views do not change.

Person data (QuestionnaireResponse, Observation) follows the rule of the pages: a clinician
(``kliniker``) in the municipality with an active care relation to the person, through
``access_clinical_person`` / ``access_clinical_object``, which write each read to the audit log.
A search by a patient the user may not see gives an empty Bundle, the same as for a number
nobody has, so the endpoint tells nobody whether a person is known.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts.models import Role
from losen.apps.clinical import services as clinical
from losen.apps.clinical.access import access_clinical_object, access_clinical_person
from losen.apps.clinical.models import Measurement
from losen.apps.persons.models import Person
from losen.domain import fhir
from losen.domain.pathways import default_table

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
PERSON_SYSTEM = "urn:losen:person"


class FhirError(Exception):
    """An error answered as an OperationOutcome with *status*."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message
        super().__init__(message)


def fhir_response(resource: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


def outcome(status: int, code: str, message: str) -> HttpResponse:
    response = fhir_response(fhir.operation_outcome(code, message), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="losen-fhir"'
    return response


def authenticate(request):
    """The caller, or ``None``: the session's user today (an API token later)."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def fhir_api(roles: frozenset[str] | None = None, *, members: bool = False, public=False):
    """Wrap a FHIR view: GET only, the caller checked, every error an OperationOutcome.

    *roles*: the roles one of which the caller must hold in the current municipality;
    *members*: any role there; *public*: no login needed.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return outcome(405, "not-supported", _("FHIR-tjenesten i Losen kan bare leses."))
            if not public:
                if authenticate(request) is None:
                    return outcome(401, "login", _("Logg inn for å lese fra FHIR-tjenesten."))
                held = set(getattr(request, "roles", ()) or ())
                if getattr(request, "municipality", None) is None or not held:
                    return outcome(403, "forbidden", _("Du har ingen rolle i en kommune."))
                if roles is not None and not (held & roles):
                    return outcome(403, "forbidden", _("Rollen din gir ikke tilgang til dette."))
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return outcome(404, "not-found", _("Fant ikke ressursen."))
            except FhirError as error:
                return outcome(error.status, error.code, error.message)

        return wrapper

    return decorate


CLINICIAN = frozenset({str(Role.KLINIKER)})


# --- Definitions: CapabilityStatement, Questionnaire, PlanDefinition ------------------------


@fhir_api(public=True)
def metadata(request):
    from importlib.metadata import PackageNotFoundError, version

    try:
        software = version("losen")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without install
        software = "0"
    return fhir_response(
        fhir.capability_statement(
            base_url=request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata"),
            software_version=software,
            date_iso=timezone.now().date().isoformat(),
        )
    )


def exportable_questionnaires() -> list[dict]:
    """The Questionnaire of every instrument whose licence allows export."""
    result = []
    for definition in clinical.registry().definitions:
        try:
            result.append(fhir.build_questionnaire(definition))
        except fhir.ExportNotAllowed:
            continue
    return result


def _token_matches(token: str, codings: list[dict]) -> bool:
    system, bar, code = token.rpartition("|")
    for coding in codings:
        if coding.get("code") == code and (not bar or coding.get("system") == system):
            return True
    return False


@fhir_api(members=True)
def questionnaire_search(request):
    resources = exportable_questionnaires()
    if "_id" in request.GET:
        resources = [r for r in resources if r["id"] == request.GET["_id"]]
    if "url" in request.GET:
        wanted = request.GET["url"].split("|", 1)[0]
        resources = [r for r in resources if r["url"] == wanted]
    if "code" in request.GET:
        token = request.GET["code"]
        resources = [r for r in resources if _token_matches(token, r.get("code", []))]
    return fhir_response(fhir.searchset(resources, self_url=request.get_full_path()))


def questionnaire_read(instrument_id: str):
    """The read view of one instrument's Questionnaire (one URL per instrument)."""

    @fhir_api(members=True)
    def read(request):
        definition = clinical.registry()[instrument_id]
        try:
            return fhir_response(fhir.build_questionnaire(definition))
        except fhir.ExportNotAllowed as error:
            raise FhirError(403, "forbidden", str(error)) from None

    read.__name__ = f"questionnaire_{instrument_id.replace('-', '_')}"
    return read


def plan_definition() -> dict:
    return fhir.build_plan_definition(default_table())


@fhir_api(members=True)
def plan_definition_search(request):
    return fhir_response(fhir.searchset([plan_definition()], self_url=request.get_full_path()))


@fhir_api(members=True)
def plan_definition_read(request):
    return fhir_response(plan_definition())


# --- Person data: QuestionnaireResponse and Observation ------------------------------------


def subject_identifier(person: Person) -> dict[str, str]:
    """The person as an Identifier: fødselsnummer or D-nummer, else Losen's own id."""
    if person.national_id:
        return fhir.patient_identifier(person.national_id)
    return {"system": PERSON_SYSTEM, "value": str(person.external_id)}


def _authored(measurement: Measurement) -> dt.datetime:
    # The measurement holds a day; noon UTC keeps the day the same in Norway and is what the
    # measurement page's FHIR download has always written.
    return dt.datetime.combine(measurement.taken_on, dt.time(12), tzinfo=dt.UTC)


def measurement_resources(measurement: Measurement, kind: str) -> dict | None:
    """The QuestionnaireResponse or Observation of *measurement*, or ``None`` when its
    instrument is unknown or its licence forbids export."""
    instruments = clinical.registry()
    if measurement.instrument_id not in instruments:
        return None
    definition = instruments[measurement.instrument_id]
    result = clinical.score(measurement.instrument_id, measurement.answers, measurement.sex)
    identifier = subject_identifier(measurement.person)
    reference = f"Patient/{measurement.person.external_id}"
    try:
        if kind == "QuestionnaireResponse":
            return fhir.build_questionnaire_response(
                definition,
                result,
                authored=_authored(measurement),
                subject_reference=reference,
                subject_identifier=identifier,
                response_id=str(measurement.external_id),
            )
        return fhir.build_observation(
            definition,
            result,
            effective=_authored(measurement),
            subject_identifier=identifier,
            subject_reference=reference,
            observation_id=str(measurement.external_id),
            derived_from=f"QuestionnaireResponse/{measurement.external_id}",
        )
    except fhir.ExportNotAllowed:
        return None


PATIENT_PARAMETERS = ("patient.identifier", "patient:identifier", "subject:identifier")


def _patient_token(request) -> str:
    for name in PATIENT_PARAMETERS:
        if name in request.GET:
            return request.GET[name]
    raise FhirError(
        400,
        "required",
        _("Søk etter personopplysninger krever pasientens identifikator (patient.identifier)."),
    )


def _person_by_identifier(request, token: str, *, purpose: str) -> Person | None:
    try:
        _system, value = fhir.parse_identifier_token(token)
    except ValueError as error:
        raise FhirError(400, "invalid", str(error)) from None
    person = Person.objects.filter(municipality=request.municipality, national_id=value).first()
    if person is None:
        return None
    try:
        return access_clinical_person(request, person.external_id, purpose=purpose)
    except Http404:
        return None


def _search(request, kind: str, purpose: str):
    person = _person_by_identifier(request, _patient_token(request), purpose=purpose)
    resources = []
    if person is not None:
        measurements = Measurement.objects.filter(person=person).select_related("person")
        for measurement in measurements.order_by("taken_on", "pk"):
            resource = measurement_resources(measurement, kind)
            if resource is not None:
                resources.append(resource)
    return fhir_response(fhir.searchset(resources, self_url=request.get_full_path()))


def _read(request, external_id, kind: str, purpose: str):
    measurement = access_clinical_object(request, Measurement, external_id, purpose=purpose)
    resource = measurement_resources(measurement, kind)
    if resource is None:
        raise Http404
    return fhir_response(resource)


@fhir_api(CLINICIAN)
def questionnaire_response_search(request):
    return _search(request, "QuestionnaireResponse", "fhir:questionnaireresponse-search")


@fhir_api(CLINICIAN)
def questionnaire_response_read(request, external_id):
    return _read(request, external_id, "QuestionnaireResponse", "fhir:questionnaireresponse")


@fhir_api(CLINICIAN)
def observation_search(request):
    return _search(request, "Observation", "fhir:observation-search")


@fhir_api(CLINICIAN)
def observation_read(request, external_id):
    return _read(request, external_id, "Observation", "fhir:observation")
