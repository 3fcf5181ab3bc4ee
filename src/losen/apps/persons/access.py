"""Permission-checked access to persons. The only way a request may get a person's data.

A design goal, as for every ``access_*`` function in Losen: the answer is the same 404 for a
person who does not exist, one in another municipality, and one the user has no care
relation to, so nobody can learn that an id exists.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from losen.apps.accounts.models import Role
from losen.apps.audit.models import Action
from losen.apps.audit.services import record

from .models import CareRelation, CareRelationKind, Person

ROLES_WITH_PERSON_ACCESS = frozenset({Role.KLINIKER, Role.SAKSBEHANDLER})


def user_may_see_persons(request) -> bool:
    """Whether the user's roles in the current municipality allow person data at all."""
    return bool(ROLES_WITH_PERSON_ACCESS & set(request.roles))


def care_relation_for(request, person: Person) -> CareRelation | None:
    """The active care relation between the request's user and *person*, if any."""
    return (
        CareRelation.objects.active()
        .filter(user=request.user, person=person)
        .order_by("kind")
        .first()
    )


def access_person_for_user(request, external_id, *, purpose: str = "view") -> Person:
    """Return the person if the user may see them now, and audit the read; else 404."""
    municipality = request.municipality
    if municipality is None:
        raise Http404(_("Fant ikke siden."))
    if not user_may_see_persons(request):
        raise Http404(_("Fant ikke siden."))
    person = Person.objects.filter(municipality=municipality, external_id=external_id).first()
    if person is None:
        raise Http404(_("Fant ikke siden."))
    relation = care_relation_for(request, person)
    if relation is None:
        raise Http404(_("Fant ikke siden."))
    record(
        actor=request.user,
        action=Action.READ,
        target=person,
        municipality=municipality,
        details={"purpose": purpose, "basis": relation.kind},
        is_flagged=relation.kind == CareRelationKind.EMERGENCY,
    )
    return person


def find_person_for_emergency(request, external_id) -> Person:
    """Fetch a person for the emergency-access form: same 404 rules, minus the relation."""
    if request.municipality is None or not user_may_see_persons(request):
        raise Http404(_("Fant ikke siden."))
    person = Person.objects.filter(
        municipality=request.municipality, external_id=external_id
    ).first()
    if person is None:
        raise Http404(_("Fant ikke siden."))
    return person
