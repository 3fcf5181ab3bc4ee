"""The CDS Hooks service, with requests and responses in the shapes of CDS Hooks 2.0
(https://cds-hooks.hl7.org/2.0/): discovery, patient-view with the EHR's JWT, feedback."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.urls import reverse

from losen.apps.audit.models import AuditEntry
from losen.apps.clinical import services
from losen.apps.clinical.models import SafetyNotice
from losen.apps.clinical.services import InstrumentAnswers
from losen.apps.interop.models import CardFeedback, IssuedCard
from losen.domain.fhir import FNR_SYSTEM

from .conftest import make_person, valid_number

pytestmark = pytest.mark.django_db

EHR = "https://ehr.fjordvik.example/cds-client"
SERVER = "http://testserver"


@pytest.fixture(scope="module")
def keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP384R1())
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk["kid"] = "ehr-1"
    ec_pem = (
        ec_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return {"private": private, "other": other, "ec": ec_key, "jwk": jwk, "ec_pem": ec_pem}


@pytest.fixture
def trusted(settings, keys):
    settings.LOSEN_CDS_ISSUERS = {
        EHR: {
            "keys": [keys["jwk"]],
            "municipality": "4699",
            "users": {"Practitioner/example-kliniker": "kliniker"},
        },
        "https://ehr2.example": {
            "keys": [keys["ec_pem"]],
            "municipality": "4699",
            "users": {"Practitioner/p2": "kliniker"},
        },
    }
    return settings


def token(keys, *, aud, iss=EHR, key="private", kid="ehr-1", alg="RS384", **claims):
    now = int(time.time())
    body = {"iss": iss, "sub": "client-1", "aud": aud, "iat": now, "exp": now + 300}
    body["jti"] = str(uuid.uuid4())
    body.update(claims)
    headers = {"kid": kid, "typ": "JWT"} if kid else {"typ": "JWT"}
    return jwt.encode(body, keys[key], algorithm=alg, headers=headers)


def service_url():
    return SERVER + reverse("cds:patient_view")


def hook_request(person, *, user="Practitioner/example-kliniker", prefetch=True):
    """A patient-view request as an EHR sends it (CDS Hooks 2.0, «HTTP Request»)."""
    body = {
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.fjordvik.example/fhir",
        "hook": "patient-view",
        "context": {"userId": user, "patientId": "ehr-patient-1288992"},
    }
    if prefetch:
        body["prefetch"] = {
            "patient": {
                "resourceType": "Patient",
                "id": "ehr-patient-1288992",
                "identifier": [{"system": FNR_SYSTEM, "value": person.national_id}],
            }
        }
    return body


def call(client, body, jwt_token, url=None):
    return client.post(
        url or reverse("cds:patient_view"),
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {jwt_token}",
    )


def test_discovery_lists_the_patient_view_service(client):
    response = client.get(reverse("cds:discovery"))
    assert response.status_code == 200
    (service,) = response.json()["services"]
    assert service["hook"] == "patient-view"
    assert service["id"] == "losen-patient-view"
    assert service["prefetch"] == {"patient": "Patient/{{context.patientId}}"}
    assert {"title", "description"} <= service.keys()


def _record_flagged_phq9(demo, person):
    # Item 9 above zero raises a safety notice.
    return services.record_measurement(
        actor=demo["users"]["kliniker"],
        person=person,
        answers=InstrumentAnswers("phq-9", (2, 2, 2, 2, 2, 2, 2, 2, 2)),
        taken_on=dt.date(2026, 11, 2),
    )


def test_patient_view_returns_cards_for_the_person_in_context(demo, client, trusted, keys, person):
    _record_flagged_phq9(demo, person)
    assert SafetyNotice.objects.filter(person=person, acknowledged_at__isnull=True).exists()
    before = AuditEntry.objects.count()
    response = call(client, hook_request(person), token(keys, aud=service_url()))
    assert response.status_code == 200, response.content
    cards = response.json()["cards"]
    assert cards
    link = SERVER + reverse("persons:detail", kwargs={"external_id": person.external_id})
    for card in cards:
        uuid.UUID(card["uuid"])
        assert len(card["summary"]) < 140
        assert card["indicator"] in {"info", "warning", "critical"}
        assert card["source"]["label"] == "Losen"
        assert card["links"] == [
            {"label": "Åpne personen i Losen", "url": link, "type": "absolute"}
        ]
    summaries = [card["summary"] for card in cards]
    assert summaries[0] == "Ingen kartlegging i Losen ennå."
    notices = [c for c in cards if c["summary"].startswith("Åpent sikkerhetsvarsel")]
    assert notices and notices[0]["indicator"] in {"warning", "critical"}
    assert any(s.startswith("Siste måling") for s in summaries)
    assert IssuedCard.objects.filter(person=person).count() == len(cards)
    read = AuditEntry.objects.order_by("sequence").last()
    assert AuditEntry.objects.count() > before
    assert read.details["purpose"] == "cds:patient-view"
    assert read.object_id == str(person.external_id)
    assert read.actor_label == "kliniker"


def test_a_demo_person_with_an_assessment_gets_its_pathway_and_age(demo, client, trusted, keys):
    from losen.apps.clinical.models import Assessment

    assessment = (
        Assessment.objects.filter(
            municipality=demo["fjordvik"], person__care_relations__user=demo["users"]["kliniker"]
        )
        .order_by("-assessed_on")
        .first()
    )
    assert assessment is not None, "the demo has an assessment of the clinician's person"
    person = assessment.person
    body = hook_request(person, prefetch=False)
    body["context"]["patientId"] = str(person.external_id)  # Losen's own Patient id
    response = call(client, body, token(keys, aud=service_url()))
    cards = response.json()["cards"]
    summaries = [card["summary"] for card in cards]
    assert any(s.startswith("Siste kartlegging") for s in summaries), summaries
    pathway = next(c for c in cards if c["summary"].startswith("Foreslått:"))
    assert pathway["detail"].startswith(("- ", "Valgt"))


def test_an_ec_key_in_pem_is_accepted_too(client, trusted, keys, person):
    jwt_token = token(
        keys, aud=service_url(), iss="https://ehr2.example", key="ec", kid=None, alg="ES384"
    )
    response = call(client, hook_request(person, user="Practitioner/p2"), jwt_token)
    assert response.status_code == 200
    assert response.json()["cards"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hmac_token(secret: bytes, aud: str) -> str:
    """An HS256 token signed with *secret*, built by hand (PyJWT refuses to make one)."""
    now = int(time.time())
    header = _b64(json.dumps({"alg": "HS256", "kid": "ehr-1", "typ": "JWT"}).encode())
    claims = {"iss": EHR, "aud": aud, "iat": now, "exp": now + 60, "jti": "x"}
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


@pytest.mark.parametrize(
    "case",
    ["wrong-issuer", "expired", "wrong-audience", "other-key", "hmac", "none", "no-token", "long"],
)
def test_refused_jwts(client, trusted, keys, person, case):
    aud = service_url()
    if case == "wrong-issuer":
        jwt_token = token(keys, aud=aud, iss="https://evil.example")
    elif case == "expired":
        jwt_token = token(keys, aud=aud, iat=int(time.time()) - 900, exp=int(time.time()) - 600)
    elif case == "wrong-audience":
        jwt_token = token(keys, aud="https://other.example/cds-services/losen-patient-view")
    elif case == "other-key":
        jwt_token = token(keys, aud=aud, key="other")
    elif case == "hmac":  # the public key used as an HMAC secret: the classic confusion
        jwt_token = _hmac_token(json.dumps(keys["jwk"]).encode(), aud)
    elif case == "none":
        jwt_token = jwt.encode(
            {
                "iss": EHR,
                "aud": aud,
                "iat": int(time.time()),
                "exp": int(time.time()) + 60,
                "jti": "y",
            },
            None,
            algorithm="none",
        )
    elif case == "long":
        jwt_token = token(keys, aud=aud, exp=int(time.time()) + 86400)
    else:
        jwt_token = ""
    count = AuditEntry.objects.count()
    response = call(client, hook_request(person), jwt_token)
    assert response.status_code == 401, (case, response.content)
    assert "JWT refused" in response.json()["error"]
    assert AuditEntry.objects.count() == count
    assert not IssuedCard.objects.exists()


def test_a_replayed_jti_is_refused(client, trusted, keys, person):
    jwt_token = token(keys, aud=service_url())
    assert call(client, hook_request(person), jwt_token).status_code == 200
    again = call(client, hook_request(person), jwt_token)
    assert again.status_code == 401
    assert "replayed" in again.json()["error"]


def test_an_unmapped_user_or_a_person_out_of_care_gets_no_cards(
    demo, client, trusted, keys, person
):
    users = trusted.LOSEN_CDS_ISSUERS[EHR]["users"]
    users["Practitioner/leder"] = "leder"  # a role without person data
    users["Practitioner/nabo"] = "nabo-kliniker"  # a clinician of another municipality
    count = AuditEntry.objects.count()
    for user in ("Practitioner/unknown", "Practitioner/leder", "Practitioner/nabo"):
        body = hook_request(person, user=user)
        response = call(client, body, token(keys, aud=service_url()))
        assert response.json() == {"cards": []}, user
    other = make_person(demo, national=valid_number(start=500), clinician="nabo-kliniker")
    response = call(client, hook_request(other), token(keys, aud=service_url()))
    assert response.json() == {"cards": []}  # a Fjordvik person, but not in kliniker's care
    assert not IssuedCard.objects.exists()
    assert AuditEntry.objects.count() == count


def test_feedback_records_what_the_clinician_did(client, trusted, keys, person):
    cards = call(client, hook_request(person), token(keys, aud=service_url())).json()["cards"]
    feedback_url = reverse("cds:feedback")
    aud = SERVER + feedback_url
    body = {
        "feedback": [
            {
                "card": cards[0]["uuid"],
                "outcome": "accepted",
                "acceptedSuggestions": [],
                "outcomeTimestamp": "2026-11-03T10:15:00+01:00",
            },
            {
                "card": cards[-1]["uuid"],
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {
                        "code": "already-known",
                        "system": "urn:ehr:reasons",
                        "display": "Kjent fra før",
                    },
                    "userComment": "Drøftet i dag",
                },
                "outcomeTimestamp": "2026-11-03T10:16:00+01:00",
            },
        ]
    }
    response = call(client, body, token(keys, aud=aud), url=feedback_url)
    assert response.status_code == 200, response.content
    stored = list(CardFeedback.objects.order_by("outcome_at"))
    assert [f.outcome for f in stored] == ["accepted", "overridden"]
    assert stored[1].override_reason["userComment"] == "Drøftet i dag"
    assert stored[0].outcome_at == dt.datetime(2026, 11, 3, 9, 15, tzinfo=dt.UTC)
    unknown = {"feedback": [dict(body["feedback"][0], card=str(uuid.uuid4()))]}
    refused = call(client, unknown, token(keys, aud=aud), url=feedback_url)
    assert refused.status_code == 400
    wrong_aud = call(client, body, token(keys, aud=service_url()), url=feedback_url)
    assert wrong_aud.status_code == 401


def test_a_hostile_body_is_refused_before_it_is_used(client, trusted, keys, person):
    deep = "[" * 200 + "]" * 200
    response = client.post(
        reverse("cds:patient_view"),
        data=deep,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token(keys, aud=service_url())}",
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"] or "dyp" in response.json()["error"]
