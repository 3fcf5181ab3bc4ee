"""Verifying the JWT an EHR sends with a CDS Hooks call (CDS Hooks 2.0, «Trusting CDS Clients»).

The EHR signs a JWT with its own private key and sends it as ``Authorization: Bearer <jwt>``.
Losen accepts it only when all of this holds:

* the issuer (``iss``) is in ``settings.LOSEN_CDS_ISSUERS``, which holds its public keys (JWK
  objects or PEM text); a ``kid`` in the header must name one of them;
* the algorithm is an asymmetric one the allow-list names (RS384 and ES384 by default, the two
  the specification requires; never ``none`` or an HMAC, whose key would be the public one);
* the audience (``aud``) is the URL of the service that is called (``LOSEN_CDS_BASE_URL`` +
  path when set, else the URL of the request as Django sees it);
* ``exp`` is in the future and ``iat`` not in the future (a small leeway for clock skew), and
  the token lives at most :data:`MAX_LIFETIME_SECONDS`;
* the ``jti`` has not been seen before from that issuer: it is stored until ``exp`` has passed,
  under a unique constraint, so two calls racing with one token cannot both pass.

Each refusal raises :class:`TokenRefused` with a short reason in English (the caller is a
system; the reason is also what the log says). The check is in a function of its own, so that
the FHIR endpoint can take the same tokens later.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import UsedToken

DEFAULT_ALGORITHMS = ("RS384", "ES384")
ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS384"})
LEEWAY_SECONDS = 30
MAX_LIFETIME_SECONDS = 10 * 60


class TokenRefused(Exception):
    """The call's JWT is missing or does not hold; ``reason`` says which check failed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Issuer:
    """One EHR Losen trusts, from ``settings.LOSEN_CDS_ISSUERS[iss]``."""

    iss: str
    keys: tuple[object, ...]
    municipality_number: str
    users: dict[str, str]
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class VerifiedCall:
    """A call whose JWT held."""

    issuer: Issuer
    claims: dict


def issuers() -> dict[str, Issuer]:
    """The allow-list, read from settings each call (tests override it)."""
    configured = getattr(settings, "LOSEN_CDS_ISSUERS", {}) or {}
    result = {}
    for iss, entry in configured.items():
        algorithms = tuple(entry.get("algorithms", DEFAULT_ALGORITHMS))
        if not set(algorithms) <= ALLOWED_ALGORITHMS:
            raise ValueError(f"LOSEN_CDS_ISSUERS[{iss!r}]: only asymmetric algorithms")
        result[iss] = Issuer(
            iss=iss,
            keys=tuple(entry.get("keys", ())),
            municipality_number=str(entry["municipality"]),
            users=dict(entry.get("users", {})),
            algorithms=algorithms,
        )
    return result


def _key_objects(issuer: Issuer, kid: str | None, algorithm: str) -> list:
    keys = []
    for key in issuer.keys:
        if isinstance(key, dict):
            if kid is not None and key.get("kid") != kid:
                continue
            keys.append(jwt.PyJWK(key, algorithm=algorithm).key)
        elif kid is None:
            keys.append(key)  # PEM text; a kid cannot name it
    return keys


def bearer_token(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("missing bearer token")
    return token.strip()


def verify_call(request, *, audience: str) -> VerifiedCall:
    """Check the request's JWT as the module says, and remember its ``jti``.

    Raises:
        TokenRefused: When any check fails; nothing is stored then.
    """
    token = bearer_token(request)
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise TokenRefused(f"malformed token ({type(error).__name__})") from None
    iss = unverified.get("iss")
    issuer = issuers().get(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise TokenRefused("issuer not trusted")
    algorithm = header.get("alg")
    if algorithm not in issuer.algorithms:
        raise TokenRefused("algorithm not allowed")
    keys = _key_objects(issuer, header.get("kid"), algorithm)
    if not keys:
        raise TokenRefused("no key of the issuer matches the token")
    claims = None
    for key in keys:
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=audience,
                issuer=issuer.iss,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            raise TokenRefused("token expired") from None
        except jwt.InvalidAudienceError:
            raise TokenRefused("wrong audience") from None
        except jwt.ImmatureSignatureError:
            raise TokenRefused("token issued in the future") from None
        except jwt.PyJWTError as error:
            raise TokenRefused(f"token refused ({type(error).__name__})") from None
    if claims is None:
        raise TokenRefused("signature does not verify")
    if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
        raise TokenRefused("token lives too long")
    _remember(issuer.iss, str(claims["jti"]), claims["exp"])
    return VerifiedCall(issuer, claims)


def _remember(iss: str, jti: str, exp: int) -> None:
    if len(jti) > 255 or not jti:
        raise TokenRefused("jti missing or too long")
    now = timezone.now()
    expires_at = dt.datetime.fromtimestamp(exp, tz=dt.UTC) + dt.timedelta(seconds=LEEWAY_SECONDS)
    UsedToken.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedToken.objects.create(issuer=iss, jti=jti, expires_at=expires_at)
    except IntegrityError:
        raise TokenRefused("token already used (jti replayed)") from None


def service_url(request, path: str) -> str:
    """The URL an EHR calls for *path*, which is the audience its JWT must name."""
    base = getattr(settings, "LOSEN_CDS_BASE_URL", "") or ""
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


def describe(claims: dict) -> str:
    """The claims without the signature, for a debug log line."""
    return json.dumps({k: claims.get(k) for k in ("iss", "sub", "aud", "jti")})
