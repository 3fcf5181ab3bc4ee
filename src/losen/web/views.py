"""Pages that belong to no single module: the overview, health check, about, errors."""

from __future__ import annotations

import sys

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from losen.apps.accounts.access import member_required
from losen.apps.accounts.models import Role


@require_GET
@never_cache
def healthz(request):
    """200 ``{"status": "ok", "database": "ok"}`` when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@member_required()
def home(request):
    municipality = request.municipality
    context = {
        "units": municipality.units.all(),
        "role_labels": [Role(role).label for role in sorted(request.roles)],
        "overdue_actions": [],
    }
    if Role.LEDER in request.roles:
        from losen.apps.guidance.selectors import overdue_actions

        context["overdue_actions"] = overdue_actions(municipality)
    return render(request, "losen/home.html", context)


def about(request):
    return render(request, "losen/about.html")


def accessibility(request):
    return render(request, "losen/accessibility.html")


def error_404(request, exception=None):
    return render(request, "losen/404.html", status=404)


def error_403(request, exception=None):
    return render(request, "losen/403.html", {"message": str(exception or "")}, status=403)


def error_500(request):
    # Called while the exception is handled: one from the database answers 503 (faults).
    from .middleware import is_database_outage, outage_response

    error = sys.exc_info()[1]
    if is_database_outage(error):
        return outage_response(request, error)
    return render(request, "losen/500.html", status=500)
