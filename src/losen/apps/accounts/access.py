"""Permission-checked access for views: roles in the current municipality and tenant-scoped
fetches. A foreign or wrong id gives the same 404 as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _


def member_required(*roles: str, not_found: bool = False) -> Callable:
    """Require a logged-in member of a municipality, holding one of *roles* if given.

    A logged-in user without such a role gets 403; with ``not_found`` the same 404 as for an
    object of another municipality, so the page does not tell them it exists (the caseworker's
    pages: «a user of another municipality, or without the role, gets 404»).
    """

    def deny(message: str):
        if not_found:
            raise Http404(_("Fant ikke siden."))
        raise PermissionDenied(message)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.municipality is None:
                deny(_("Du har ingen rolle i noen kommune ennå."))
            if roles and not (set(roles) & set(request.roles)):
                deny(_("Rollen din gir ikke tilgang til denne siden."))
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # read by the navigation and by tests
        wrapper.wrong_role_status = 404 if not_found else 403  # read by the access matrix test
        return wrapper

    return decorator


M = TypeVar("M", bound=Model)


def get_for_municipality(request, model: type[M], external_id, **filters) -> M:
    """Fetch one object of *model* in the request's municipality by ``external_id``, or 404."""
    if request.municipality is None:
        raise Http404(_("Fant ikke siden."))
    obj = model.objects.filter(
        municipality=request.municipality, external_id=external_id, **filters
    ).first()
    if obj is None:
        raise Http404(_("Fant ikke siden."))
    return obj
