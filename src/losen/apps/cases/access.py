"""Permission-checked reads of service decisions, for views and for other apps.

As everywhere in Losen, a decision that does not exist, one in another municipality and one
whose person the user has no care relation to all give the same 404, and every read is written
to the audit log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from losen.apps.accounts.models import Role
from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.persons.access import care_relation_for, user_may_see_persons
from losen.apps.persons.models import CareRelationKind

from .models import ServiceDecision

#: Roles that may see which decisions a planned cut touches (without names).
ROLES_FOR_CUTS = frozenset({Role.LEDER, Role.SAKSBEHANDLER, Role.ADMIN})

OBJECT_TYPE = "cases.servicedecision"


def may_see_cuts(request) -> bool:
    return request.municipality is not None and bool(ROLES_FOR_CUTS & set(request.roles))


def decisions_touched_by_cut(request, *, unit, service=None, purpose: str) -> list[ServiceDecision]:
    """The running decisions a cut at *unit* (of *service*, if given) would change.

    For a leader, caseworker or administrator in the request's municipality: the list, and one
    audit READ entry naming the decisions by external id. For anyone else, or a unit of another
    municipality: an empty list and no entry. Show the list without names: reference, service,
    scope, dates and status.
    """
    return decisions_touched_by_cuts(request, cuts=[(unit, service)], purpose=purpose)[0]


def decisions_touched_by_cuts(
    request, *, cuts: list[tuple[object, str | None]], purpose: str
) -> list[list[ServiceDecision]]:
    """:func:`decisions_touched_by_cut` for several cuts at once: one list per ``(unit,
    service)`` pair, read in one query and written to the audit log as one READ entry.

    For users who may not see them, or units of another municipality, the lists are empty.
    """
    if not cuts:
        return []
    if not may_see_cuts(request):
        return [[] for _cut in cuts]
    own = [unit is not None and unit.municipality_id == request.municipality.pk for unit, _ in cuts]
    if not any(own):  # nothing of the municipality's is read, so nothing is audited
        return [[] for _cut in cuts]
    units = {unit.pk for (unit, _s), ok in zip(cuts, own, strict=True) if ok}
    decisions = list(
        ServiceDecision.objects.filter(municipality=request.municipality, unit__in=units)
        .running()
        .order_by("reference")
    )
    lists = []
    seen: dict[int, ServiceDecision] = {}
    for (unit, service), ok in zip(cuts, own, strict=True):
        if not ok:
            lists.append([])
            continue
        rows = [
            d for d in decisions if d.unit_id == unit.pk and (not service or d.service == service)
        ]
        for d in rows:
            seen[d.pk] = d
        lists.append(rows)
    record(
        actor=request.user,
        action=Action.READ,
        object_type=OBJECT_TYPE,
        municipality=request.municipality,
        details={
            "purpose": purpose,
            "count": len(seen),
            "references": [str(d.external_id) for d in seen.values()],
        },
    )
    return lists


def access_decision_for_user(request, external_id, *, purpose: str = "view") -> ServiceDecision:
    """The decision, if the user may see its person now; the read is audited. Else 404."""
    municipality = request.municipality
    if municipality is None or not user_may_see_persons(request):
        raise Http404(_("Fant ikke siden."))
    decision = (
        ServiceDecision.objects.filter(municipality=municipality, external_id=external_id)
        .select_related("person", "unit", "decided_by")
        .first()
    )
    if decision is None:
        raise Http404(_("Fant ikke siden."))
    relation = care_relation_for(request, decision.person)
    if relation is None:
        raise Http404(_("Fant ikke siden."))
    record(
        actor=request.user,
        action=Action.READ,
        target=decision,
        municipality=municipality,
        details={
            "purpose": purpose,
            "basis": relation.kind,
            "person": str(decision.person.external_id),
        },
        is_flagged=relation.kind == CareRelationKind.EMERGENCY,
    )
    return decision


# --- The caseworker's work: applications, drafts, complaints ----------------------------------

#: Roles that work with a person's application and decision (with a care relation).
CASEWORK_ROLES = frozenset({Role.SAKSBEHANDLER})
#: Roles that see the allocation office's lists and reports, and edit the allocation criteria.
CASEWORK_LEADER_ROLES = frozenset({Role.LEDER})
APPLICATION_OBJECT_TYPE = "cases.application"


def is_caseworker(request) -> bool:
    return request.municipality is not None and bool(CASEWORK_ROLES & set(request.roles))


def is_casework_leader(request) -> bool:
    return request.municipality is not None and bool(CASEWORK_LEADER_ROLES & set(request.roles))


def _audit_read(request, target, *, purpose: str, relation, person) -> None:
    record(
        actor=request.user,
        action=Action.READ,
        target=target,
        municipality=request.municipality,
        details={
            "purpose": purpose,
            "basis": relation.kind,
            "person": str(person.external_id),
        },
        is_flagged=relation.kind == CareRelationKind.EMERGENCY,
    )


def access_application_for_user(request, external_id, *, purpose: str = "view"):
    """The application, for a caseworker (saksbehandler) of its municipality with an active
    care relation to its person; the read is audited. Anyone else, another municipality, a
    person without a care relation and an id that does not exist: the same 404.
    """
    from .models import Application

    if not is_caseworker(request):
        raise Http404(_("Fant ikke siden."))
    application = (
        Application.objects.filter(municipality=request.municipality, external_id=external_id)
        .select_related("person", "caseworker")
        .first()
    )
    if application is None:
        raise Http404(_("Fant ikke siden."))
    relation = care_relation_for(request, application.person)
    if relation is None:
        raise Http404(_("Fant ikke siden."))
    _audit_read(request, application, purpose=purpose, relation=relation, person=application.person)
    return application


def access_casework_decision_for_user(request, external_id, *, purpose: str = "view"):
    """A decision for the caseworker's pages (draft, issue, letter, complaint): as
    :func:`access_decision_for_user`, but for the saksbehandler role only."""
    if not is_caseworker(request):
        raise Http404(_("Fant ikke siden."))
    return access_decision_for_user(request, external_id, purpose=purpose)


def applications_for_user(request, *, purpose: str = "cases:applications", limit: int = 200):
    """The applications of persons the caseworker has an active care relation to, newest
    first, and one audit READ entry naming them by external id. Empty (and no entry) for
    anyone but a caseworker."""
    from losen.apps.persons.selectors import persons_in_care_of

    from .models import Application

    if not is_caseworker(request):
        return []
    rows = list(
        Application.objects.filter(
            municipality=request.municipality, person__in=persons_in_care_of(request)
        )
        .select_related("person")
        .prefetch_related("services")
        .order_by("-received_on", "-pk")[:limit]
    )
    record(
        actor=request.user,
        action=Action.READ,
        object_type=APPLICATION_OBJECT_TYPE,
        municipality=request.municipality,
        details={
            "purpose": purpose,
            "count": len(rows),
            "references": [str(a.external_id) for a in rows],
            # The list shows each applicant's name: the entry names them too.
            "persons": sorted({str(a.person.external_id) for a in rows}),
        },
    )
    return rows


def search_persons_for_user(request, query: str, *, purpose: str = "cases:person-search"):
    """Persons the caseworker has an active care relation to whose name or national id
    matches *query*; one audit READ entry for the search (never the query itself: it may be
    a national id). Empty for anyone but a caseworker and for a blank query.
    """
    from django.db.models import Q

    from losen.apps.persons.selectors import persons_in_care_of
    from losen.apps.persons.services import normalise_national_id

    query = (query or "").strip()
    if not is_caseworker(request) or not query:
        return []
    digits = "".join(ch for ch in query if ch.isdigit())
    found = Q()
    if digits and len(digits) == len(query.replace(" ", "")):
        try:
            found |= Q(national_id=normalise_national_id(query))
        except ValidationError:  # not a valid number: nothing is found by it
            return []
    else:
        for word in query.split():
            found &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    rows = list(
        persons_in_care_of(request).filter(found).order_by("family_name", "given_name")[:50]
    )
    record(
        actor=request.user,
        action=Action.READ,
        object_type="persons.person",
        municipality=request.municipality,
        details={
            "purpose": purpose,
            "count": len(rows),
            "references": [str(p.external_id) for p in rows],
        },
    )
    return rows


def like_cases_for_user(request, decision) -> list[dict]:
    """The like cases a draft was compared with (``decision.like_cases``), without names:
    reference, outcome, scope, decision date and similarity; one audit READ entry naming them
    by external id. Only decisions of the request's municipality are read."""
    stored = [row for row in (decision.like_cases or []) if isinstance(row, dict)]
    ids = [str(row.get("decision")) for row in stored if row.get("decision")]
    if not ids or not is_caseworker(request):
        return []
    found = {
        str(d.external_id): d
        for d in ServiceDecision.objects.filter(
            municipality=request.municipality, external_id__in=ids
        )
    }
    rows = []
    for row in stored:
        other = found.get(str(row.get("decision")))
        if other is None:
            continue
        distance = float(row.get("distance") or 0)
        rows.append(
            {
                "reference": other.reference,
                "outcome_label": other.get_outcome_display(),
                "scope": other.scope,
                "hours_per_week": other.hours_per_week,
                "decided_at": other.decided_at,
                "similarity": f"{round((1 - distance) * 100)} %",
            }
        )
    record(
        actor=request.user,
        action=Action.READ,
        object_type=OBJECT_TYPE,
        municipality=request.municipality,
        details={"purpose": "cases:like-cases", "count": len(rows), "references": ids},
    )
    return rows


def _person_of_item(target):
    from .models import Complaint

    if isinstance(target, Complaint):
        return target.decision.person_id
    return getattr(target, "person_id", None)


def work_list_for_user(request):
    """The caseworker's work list (``selectors.work_list``), keeping only what concerns persons
    the caseworker has an active care relation to, and one audit READ entry naming the
    applications, decisions and complaints by external id. None for anyone but a caseworker."""
    from django.utils import timezone

    from losen.apps.persons.models import CareRelation

    from . import selectors

    if not is_caseworker(request):
        return None
    full = selectors.work_list(request.municipality, request.user, timezone.localdate())
    allowed = set(
        CareRelation.objects.active().filter(user=request.user).values_list("person_id", flat=True)
    )
    sections = []
    references = []
    for name, items in full.sections():
        kept = [item for item in items if _person_of_item(item.target) in allowed]
        references += [str(item.target.external_id) for item in kept]
        sections.append((name, kept))
    record(
        actor=request.user,
        action=Action.READ,
        object_type=APPLICATION_OBJECT_TYPE,
        municipality=request.municipality,
        details={
            "purpose": "cases:work-list",
            "count": len(references),
            "references": references,
        },
    )
    return sections


def waiting_list_for_user(request, service: str):
    """The waiting list of *service* (``selectors.waiting_list``) for a caseworker or leader
    of the municipality, to be shown without names; one audit READ entry naming the decisions
    by external id. Empty (and no entry) for anyone else."""
    from . import selectors

    if not (is_caseworker(request) or is_casework_leader(request)):
        return []
    places = selectors.waiting_list(request.municipality, service)
    record(
        actor=request.user,
        action=Action.READ,
        object_type=OBJECT_TYPE,
        municipality=request.municipality,
        details={
            "purpose": "cases:waiting-list",
            "count": len(places),
            "references": [str(p.decision.external_id) for p in places],
        },
    )
    return places
