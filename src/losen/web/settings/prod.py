"""Production behind TLS. ``losen manage check --deploy`` passes with no warnings.

Requires ``LOSEN_SECRET_KEY`` (at least 50 random characters) and ``LOSEN_ALLOWED_HOSTS``.
"""

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ["LOSEN_SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
