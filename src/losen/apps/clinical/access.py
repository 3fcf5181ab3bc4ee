"""Permission-checked fetches for the clinical app.

Only clinicians (role ``kliniker``) see the clinical record, and only for persons they have a
care relation to. Every fetch ends in :func:`access_person_for_user`, which checks the relation
and audits the read; a missing, foreign or forbidden id gives the same 404.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from losen.apps.accounts.models import Role
from losen.apps.persons.access import access_person_for_user

M = TypeVar("M", bound=Model)


def is_clinician(request) -> bool:
    return Role.KLINIKER in set(getattr(request, "roles", ()) or ())


def access_clinical_person(request, external_id, *, purpose: str):
    """The person, for a clinician with a care relation; the read is audited."""
    if not is_clinician(request):
        raise Http404(_("Fant ikke siden."))
    return access_person_for_user(request, external_id, purpose=purpose)


def access_clinical_object(request, model: type[M], external_id, *, purpose: str) -> M:
    """An object of the clinical record, after the person it belongs to has been accessed."""
    if not is_clinician(request) or request.municipality is None:
        raise Http404(_("Fant ikke siden."))
    obj = (
        model.objects.filter(municipality=request.municipality, external_id=external_id)
        .select_related("person")
        .first()
    )
    if obj is None:
        raise Http404(_("Fant ikke siden."))
    access_person_for_user(request, obj.person.external_id, purpose=purpose)
    return obj
