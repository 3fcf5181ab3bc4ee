"""Puts the current municipality and the user's roles there on every request.

``request.municipality`` is the municipality the user works in now (chosen in the header
when they belong to several), ``request.roles`` the role codes they hold there, and
``request.municipalities`` every municipality they belong to. Anonymous requests get
``None`` and empty sets.
"""

from __future__ import annotations

from .models import Membership

SESSION_KEY = "losen_municipality"


class MunicipalityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality = None
        request.roles = frozenset()
        request.municipalities = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(Membership.objects.filter(user=user).select_related("municipality"))
            by_municipality: dict[int, tuple] = {}
            for membership in memberships:
                municipality = membership.municipality
                roles = by_municipality.setdefault(municipality.pk, (municipality, set()))[1]
                roles.add(membership.role)
            ordered = sorted(by_municipality.values(), key=lambda pair: pair[0].name)
            request.municipalities = [municipality for municipality, _roles in ordered]
            chosen = request.session.get(SESSION_KEY)
            current = next(
                (pair for pair in ordered if str(pair[0].external_id) == chosen),
                ordered[0] if ordered else None,
            )
            if current is not None:
                request.municipality = current[0]
                request.roles = frozenset(current[1])
        return self.get_response(request)
