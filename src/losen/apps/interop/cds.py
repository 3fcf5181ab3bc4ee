"""The CDS Hooks service (CDS Hooks 2.0, https://cds-hooks.hl7.org/): discovery, the
``patient-view`` service and its feedback endpoint (docs/reference/cds-hooks.md).

Who calls: an EHR in ``settings.LOSEN_CDS_ISSUERS``, proven by its JWT (:mod:`.cdsauth`).
Who reads: the Losen user the issuer's ``users`` table maps the hook's ``context.userId`` to,
in the issuer's municipality, with that user's roles there; the person is then read through
``access_clinical_person`` as on the pages (a clinician with a care relation, audited). A call
for a person Losen does not know, or one the user may not see, gets no cards.

Which person: the fødselsnummer or D-nummer in the prefetched Patient's ``identifier``
(prefetch key ``patient``), else ``context.patientId`` when it is the id Losen gives the person
in its FHIR resources (``Patient/<external_id>``). Losen does not call the EHR's FHIR server.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from losen.apps.accounts.models import Membership, Municipality, User
from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.clinical.access import access_clinical_person
from losen.apps.persons.models import Person
from losen.domain import fhir
from losen.domain.errors import InputError
from losen.domain.safeinput import load_json

from . import cdsauth
from .cards import cards_for
from .models import CardFeedback, FeedbackOutcome, IssuedCard

logger = logging.getLogger(__name__)

SERVICE_ID = "losen-patient-view"
#: A hook call or feedback is small; anything larger is refused before it is parsed.
MAX_BODY_BYTES = 512 * 1024
MAX_JSON_ITEMS = 20_000


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="losen-cds"'
    return response


def discovery(request):
    if request.method not in ("GET", "HEAD"):
        return _error(405, "GET only")
    return JsonResponse(
        {
            "services": [
                {
                    "hook": "patient-view",
                    "id": SERVICE_ID,
                    "title": "Losen",
                    "description": (
                        "Siste kartlegging, foreslått hovedforløp med begrunnelse, åpne "
                        "sikkerhetsvarsler, målinger og revurdering som forfaller."
                    ),
                    "prefetch": {"patient": "Patient/{{context.patientId}}"},
                    "usageRequirements": (
                        "The EHR's issuer, keys and user mapping must be configured in Losen "
                        "(LOSEN_CDS_ISSUERS); see docs/reference/cds-hooks.md."
                    ),
                }
            ]
        }
    )


def _verified(request, path: str) -> cdsauth.VerifiedCall | JsonResponse:
    if request.method != "POST":
        return _error(405, "POST only")
    try:
        return cdsauth.verify_call(request, audience=cdsauth.service_url(request, path))
    except cdsauth.TokenRefused as refused:
        logger.info("CDS Hooks call refused: %s", refused.reason)
        return _error(401, f"JWT refused: {refused.reason}")


def _body(request) -> dict | JsonResponse:
    try:
        body = load_json(
            request.body, source="request", max_bytes=MAX_BODY_BYTES, max_items=MAX_JSON_ITEMS
        )
    except InputError as error:
        return _error(400, "; ".join(error.lines()))
    if not isinstance(body, dict):
        return _error(400, "the body must be a JSON object")
    return body


def _act_as(request, call: cdsauth.VerifiedCall, user_ref: object):
    """Put the mapped user, the issuer's municipality and the user's roles on *request*."""
    username = call.issuer.users.get(user_ref) if isinstance(user_ref, str) else None
    municipality = Municipality.objects.filter(number=call.issuer.municipality_number).first()
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if user is None or municipality is None:
        return False
    request.user = user
    request.municipality = municipality
    request.roles = frozenset(
        Membership.objects.filter(user=user, municipality=municipality).values_list(
            "role", flat=True
        )
    )
    return True


def _person_in_context(request, body: dict) -> Person | None:
    prefetch = body.get("prefetch") if isinstance(body.get("prefetch"), dict) else {}
    patient = prefetch.get("patient") if isinstance(prefetch, dict) else None
    candidate = None
    if isinstance(patient, dict) and isinstance(patient.get("identifier"), list):
        for identifier in patient["identifier"]:
            if not isinstance(identifier, dict):
                continue
            if identifier.get("system") in fhir.PERSON_ID_SYSTEMS and isinstance(
                identifier.get("value"), str
            ):
                candidate = Person.objects.filter(
                    municipality=request.municipality, national_id=identifier["value"]
                ).first()
                break
    context = body.get("context") if isinstance(body.get("context"), dict) else {}
    patient_id = context.get("patientId")
    if candidate is None and isinstance(patient_id, str):
        try:
            external_id = uuid.UUID(patient_id)
        except ValueError:
            external_id = None
        if external_id is not None:
            candidate = Person.objects.filter(
                municipality=request.municipality, external_id=external_id
            ).first()
    if candidate is None:
        return None
    try:
        return access_clinical_person(request, candidate.external_id, purpose="cds:patient-view")
    except Http404:
        return None


@csrf_exempt
def patient_view(request):
    call = _verified(request, reverse("cds:patient_view"))
    if isinstance(call, JsonResponse):
        return call
    body = _body(request)
    if isinstance(body, JsonResponse):
        return body
    if body.get("hook") != "patient-view" or not isinstance(body.get("hookInstance"), str):
        return _error(400, "a patient-view request needs hook and hookInstance")
    context = body.get("context")
    if not isinstance(context, dict):
        return _error(400, "context is missing")
    if not _act_as(request, call, context.get("userId")):
        return JsonResponse({"cards": []})
    person = _person_in_context(request, body)
    if person is None:
        return JsonResponse({"cards": []})
    today = timezone.localdate()
    source = {"label": "Losen", "url": request.build_absolute_uri("/")}
    link = {
        "label": "Åpne personen i Losen",
        "url": request.build_absolute_uri(
            reverse("persons:detail", kwargs={"external_id": person.external_id})
        ),
        "type": "absolute",
    }
    cards = []
    with transaction.atomic():
        for card in cards_for(person, today):
            issued = IssuedCard.objects.create(
                service=SERVICE_ID,
                kind=card.kind,
                municipality=request.municipality,
                person=person,
                user=request.user,
                issuer=call.issuer.iss,
                hook_instance=body["hookInstance"][:64],
            )
            cards.append(card.shape(str(issued.uuid), source=source, link=link))
    return JsonResponse({"cards": cards})


@csrf_exempt
def feedback(request):
    call = _verified(request, reverse("cds:feedback"))
    if isinstance(call, JsonResponse):
        return call
    body = _body(request)
    if isinstance(body, JsonResponse):
        return body
    entries = body.get("feedback")
    if not isinstance(entries, list) or not entries:
        return _error(400, "feedback must be a non-empty list")
    problems, parsed = [], []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"feedback[{index}]: not an object")
            continue
        outcome = entry.get("outcome")
        if outcome not in FeedbackOutcome.values:
            problems.append(f"feedback[{index}].outcome: accepted or overridden")
            continue
        at = entry.get("outcomeTimestamp")
        when = parse_datetime(at) if isinstance(at, str) else None
        if when is None or when.tzinfo is None:
            problems.append(f"feedback[{index}].outcomeTimestamp: an instant with time zone")
            continue
        try:
            card_uuid = uuid.UUID(str(entry.get("card")))
        except ValueError:
            problems.append(f"feedback[{index}].card: a card uuid this service gave")
            continue
        card = IssuedCard.objects.filter(
            uuid=card_uuid, issuer=call.issuer.iss, service=SERVICE_ID
        ).first()
        if card is None:
            problems.append(f"feedback[{index}].card: a card uuid this service gave")
            continue
        accepted = entry.get("acceptedSuggestions", [])
        reason = entry.get("overrideReason", {})
        parsed.append((card, outcome, when, accepted, reason))
    if problems:
        return _error(400, "; ".join(problems))
    with transaction.atomic():
        for card, outcome, when, accepted, reason in parsed:
            CardFeedback.objects.create(
                card=card,
                outcome=outcome,
                outcome_at=when.astimezone(dt.UTC),
                accepted_suggestions=accepted if isinstance(accepted, list) else [],
                override_reason=reason if isinstance(reason, dict) else {},
            )
            record(
                actor=card.user,
                action=Action.UPDATE,
                object_type="interop.issuedcard",
                object_id=str(card.uuid),
                municipality=card.municipality,
                details={"purpose": "cds:feedback", "outcome": outcome, "kind": card.kind},
            )
    return JsonResponse({}, status=200)
