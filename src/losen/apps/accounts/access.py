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


def member_required(*roles: str) -> Callable:
    """Require a logged-in member of a municipality, holding one of *roles* if given."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.municipality is None:
                raise PermissionDenied(_("Du har ingen rolle i noen kommune ennå."))
            if roles and not (set(roles) & set(request.roles)):
                raise PermissionDenied(_("Rollen din gir ikke tilgang til denne siden."))
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # read by the navigation and by tests
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
