"""Rate limits: login throttling (with django-axes) and an atomic counter for other limits.

Login (OWASP ASVS 4.0.3 V2.2.1, Normen's requirement to resist attempts at unauthorised
access):

- five failed logins for one user name **from one client address** lock that pair for the
  cool-off time (``AXES_FAILURE_LIMIT``, ``AXES_COOLOFF_TIME``), so a client that guesses
  another person's password does not lock that person out everywhere else;
- ``LOSEN_LOGIN_FAILURES_PER_ADDRESS`` failed logins from one address, whatever the user
  names, lock that address for the same time: password spraying across many user names is
  throttled too;
- the client address comes from :func:`losen.apps.accounts.client.client_address` (the trusted
  proxy's header when one is configured).

Django-axes keeps its attempt records with the user name as typed. Someone may type a
password into the user-name field, so :func:`username_key` gives axes a keyed hash of it
instead: the records still count attempts per name, but hold no typed text.

:func:`hit` counts requests for any other limit (the public consultation) in one row per key,
under a row lock, so that two requests at once cannot both pass a limit they share.
"""

from __future__ import annotations

from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateWindow

#: Failed logins from one address, over all user names, within the cool-off time.
DEFAULT_FAILURES_PER_ADDRESS = 40


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of *value* with a key derived from ``SECRET_KEY`` for *purpose* (hex, 64)."""
    return salted_hmac(f"losen.throttle.{purpose}", value, algorithm="sha256").hexdigest()


def username_key(request, credentials: dict | None = None) -> str | None:
    """The user name axes records: a keyed hash of what was typed, never the text itself."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "POST", {}).get(field) if request is not None else None
    if typed is None:
        return None
    return keyed_hash("username", str(typed))


def failures_per_address() -> int:
    return int(getattr(settings, "LOSEN_LOGIN_FAILURES_PER_ADDRESS", DEFAULT_FAILURES_PER_ADDRESS))


class LoginThrottle(AxesDatabaseHandler):
    """Axes's database handler with a second, higher limit per client address.

    Axes locks when :meth:`get_failures` reaches the failure limit. Here the count is the one
    for this user name and address; when the address as a whole has reached
    ``LOSEN_LOGIN_FAILURES_PER_ADDRESS`` failures within the cool-off time, the count given is
    the limit itself, so the address is locked for every user name.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and self.address_failures(request) >= failures_per_address():
            return limit
        return failures

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def hit(purpose: str, value: str, *, limit: int, seconds: int) -> bool:
    """Count one request of *value* against a limit; ``False`` if the limit is already reached.

    The window is fixed: it starts with the first request and lasts *seconds*. The counter
    row is read and written under a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; on
    SQLite the immediate transaction locks the database), so the check and the count are one
    step. *value* is stored only as a keyed hash.
    """
    key = keyed_hash(purpose, value)
    now = timezone.now()
    with transaction.atomic():
        window, created = RateWindow.objects.select_for_update().get_or_create(
            key=key, defaults={"count": 0, "expires_at": now + timedelta(seconds=seconds)}
        )
        if not created and window.expires_at <= now:
            RateWindow.objects.filter(expires_at__lte=now).exclude(pk=window.pk).delete()
            window.count = 0
            window.expires_at = now + timedelta(seconds=seconds)
        elif created:
            RateWindow.objects.filter(expires_at__lte=now).delete()
        if window.count >= limit:
            return False
        window.count += 1
        window.save(update_fields=["count", "expires_at"])
    return True
