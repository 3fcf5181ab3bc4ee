"""What every page's layout needs: the navigation for the user's roles and the current page."""

from __future__ import annotations

from django.conf import settings

from losen.apps.accounts.models import Role

from .navigation import navigation_for


def losen(request) -> dict:
    roles = getattr(request, "roles", frozenset())
    user = getattr(request, "user", None)
    items = navigation_for(roles) if user is not None and user.is_authenticated else []
    return {
        "nav_items": items,
        "current_municipality": getattr(request, "municipality", None),
        "user_municipalities": getattr(request, "municipalities", []),
        "current_roles": [Role(role).label for role in sorted(roles)],
        "oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
    }
