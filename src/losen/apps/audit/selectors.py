"""Reading the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_for_municipality(municipality) -> QuerySet[AuditEntry]:
    """Entries about one municipality, newest first."""
    return AuditEntry.objects.filter(municipality=municipality).order_by("-sequence")
