"""Production behind TLS. ``losen manage check --deploy`` passes with no warnings.

Requires ``LOSEN_SECRET_KEY`` (at least 50 characters, at least 5 different ones; make one
with ``python -c "import secrets; print(secrets.token_urlsafe(64))"``) and
``LOSEN_ALLOWED_HOSTS``. A missing or weak key stops the start with a message that says so.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

#: The same rule as Django's deploy check (security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5

_KEY_HELP = (
    'Lag en med: python -c "import secrets; print(secrets.token_urlsafe(64))", og sett den i '
    "miljøet til Losen (se docs/operations.md)."
)


def production_secret_key() -> str:
    """``LOSEN_SECRET_KEY``, or :class:`ImproperlyConfigured` saying what is wrong with it."""
    key = os.environ.get("LOSEN_SECRET_KEY", "").strip()
    if not key:
        raise ImproperlyConfigured(
            f"LOSEN_SECRET_KEY mangler: produksjonsinnstillingene krever en hemmelig nøkkel på "
            f"minst {SECRET_KEY_MIN_LENGTH} tilfeldige tegn. {_KEY_HELP}"
        )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"LOSEN_SECRET_KEY er for kort ({len(key)} tegn): den må ha minst "
            f"{SECRET_KEY_MIN_LENGTH} tilfeldige tegn. {_KEY_HELP}"
        )
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"LOSEN_SECRET_KEY er ikke tilfeldig nok (for få ulike tegn, eller Djangos "
            f"eksempelnøkkel). {_KEY_HELP}"
        )
    return key


SECRET_KEY = production_secret_key()
DEBUG = False
SECURE_SSL_REDIRECT = True
# The load balancer probes /healthz over plain HTTP inside the network; everything else is
# redirected to HTTPS. (Patterns are matched against the path without its leading slash.)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies: only over HTTPS, not readable by scripts, not sent on cross-site requests
# (OWASP ASVS 4.0.3 V3.4.1-V3.4.4). The __Host- prefix makes the browser refuse a cookie of
# that name set without Secure, from another (sub)domain or for another path.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-losen-session"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-losen-csrf"
LANGUAGE_COOKIE_SECURE = True

# --- Audit key: required in production (see base.py, "Audit key and anchor") ---
from .base import audit_key_from_environment  # noqa: E402

AUDIT_KEY = audit_key_from_environment(required=True)
# --- end audit key ---
