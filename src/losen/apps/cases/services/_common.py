"""What every write of the cases app shares: collected errors, the audit entry, the settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CaseworkSettings, StatusChange

Errors = dict[str, list[str]]


def add(errors: Errors, field: str, message: str) -> None:
    """Add *message* to the messages of *field* (a form field name or ``__all__``)."""
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    """Raise one :class:`ValidationError` with every message, when there are any."""
    if errors:
        raise ValidationError(errors)


def text(value: str | None) -> str:
    """*value* stripped; None as empty."""
    return (value or "").strip()


def today() -> dt.date:
    return timezone.localdate()


def audit(**kwargs: Any):
    """One audit entry through ``losen.apps.cases.services.record`` (a test may replace it)."""
    from losen.apps.cases import services

    return services.record(**kwargs)


def settings_for(municipality) -> CaseworkSettings:
    """The municipality's casework settings; the defaults (not saved) when it has none."""
    found = CaseworkSettings.objects.filter(municipality=municipality).first()
    return found or CaseworkSettings(municipality=municipality)


def check_date(
    errors: Errors, field: str, value, *, required: bool = True, not_after: dt.date | None = None
) -> bool:
    """Whether *value* is a date; adds a message when it is missing or after *not_after*."""
    if value is None:
        if required:
            add(errors, field, _("Skriv en dato."))
        return False
    if not isinstance(value, dt.date):
        add(errors, field, _("Skriv en gyldig dato."))
        return False
    if not_after is not None and value > not_after:
        add(errors, field, _("Datoen kan ikke være etter i dag."))
        return False
    return True


def history(*, decision, event: str, note: str, actor, from_status: str | None = None):
    """One row in *decision*'s history: *event*, from *from_status* (default: no change) to the
    status the decision has now."""
    return StatusChange.objects.create(
        decision=decision,
        from_status=from_status or decision.status,
        to_status=decision.status,
        event=event,
        note=note,
        changed_by=actor,
    )
