"""Failed logins go to the audit log (Normen: logging of attempts at unauthorised access).

One entry per failed attempt, written when Django reports it (``user_login_failed``: a wrong
password, an unknown user name, a locked user name or address). The entry holds:

- the client address (:func:`losen.apps.accounts.client.client_address`);
- a keyed hash of the user name as typed (``username_key``), never the text: people type
  their password into the user-name field, and the audit log is kept for years;
- the account, by its external id, when the typed name is an existing user name, so that an
  administrator can see attempts on an account; and whether the attempt met a lock.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from losen.apps.audit.models import Action
from losen.apps.audit.services import record

from .client import client_address
from .models import Municipality, User
from .throttle import keyed_hash

#: How failed logins are named as actor: nobody is logged in.
ANONYMOUS = "anonym"


@receiver(user_login_failed, dispatch_uid="losen.accounts.audit_failed_login")
def audit_failed_login(sender, credentials=None, request=None, **kwargs) -> None:
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    details: dict[str, object] = {"locked": bool(getattr(request, "axes_locked_out", False))}
    if request is not None:
        details["address"] = client_address(request)
    target = None
    municipality = None
    if typed:
        details["username_key"] = keyed_hash("username", str(typed))
        target = User.objects.filter(username=str(typed)).first()
        if target is not None:
            # Shown in the municipality's audit log when the account belongs to one only.
            municipalities = list(Municipality.objects.filter(memberships__user=target).distinct())
            if len(municipalities) == 1:
                municipality = municipalities[0]
    record(
        actor=ANONYMOUS,
        action=Action.LOGIN_FAILED,
        target=target,
        municipality=municipality,
        details=details,
    )
