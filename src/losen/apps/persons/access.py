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
from .selectors import persons_in_care_of

ROLES_WITH_PERSON_ACCESS = frozenset({Role.KLINIKER, Role.SAKSBEHANDLER})
PERSON_OBJECT_TYPE = "persons.person"


def roles_in_request(request) -> list[str]:
    """The user's role codes in the current municipality, sorted: written with each read, so
    a person's access log (innsyn) can say in which role someone read their data."""
    return sorted(str(role) for role in (getattr(request, "roles", None) or ()))


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
        details={"purpose": purpose, "basis": relation.kind, "roles": roles_in_request(request)},
        is_flagged=relation.kind == CareRelationKind.EMERGENCY,
    )
    return person


def list_persons_for_user(request, *, purpose: str = "persons:list") -> list[Person]:
    """The persons the user has an active care relation to, and one audit READ entry for the
    list: how many, and which by external id (never names), whether the list is empty or not.

    For a user without a role that works with persons: an empty list and no entry.
    """
    if request.municipality is None or not user_may_see_persons(request):
        return []
    persons = list(persons_in_care_of(request).select_related("unit"))
    record(
        actor=request.user,
        action=Action.READ,
        object_type=PERSON_OBJECT_TYPE,
        municipality=request.municipality,
        details={
            "purpose": purpose,
            "count": len(persons),
            "filter": "care-relation",
            "persons": [str(p.external_id) for p in persons],
            "roles": roles_in_request(request),
        },
    )
    return persons
