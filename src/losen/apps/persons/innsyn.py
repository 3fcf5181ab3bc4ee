"""A person's access log (innsyn): who read or changed their data, when, in which role and why.

A person has the right to know who has had access to their health record
(pasientjournalloven § 18, helsepersonelloven § 21 a) and to a copy of the personal data
held about them (personopplysningsloven / GDPR art. 15). This module collects every audit
entry that concerns one person: entries naming the person (reads, emergency access and its
review), entries naming an object of theirs (assessments, measurements, plans, notices,
service decisions) and list reads whose details name them or their objects by id (the person
list, the decisions a planned cut touches). Producing the report is itself audited, by the
view that shows it.

Entries written before roles were recorded with each read show the actor's roles now, marked
as such.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from losen.apps.accounts.models import Membership, Role
from losen.apps.audit.models import Action, AuditEntry

from .models import CareRelationKind, Person


@dataclass(frozen=True)
class InnsynRow:
    """One line of the report, in words a person can read."""

    sequence: int
    occurred_at: datetime
    actor: str
    roles: str
    action: str
    what: str
    basis: str
    reason: str


def _purpose_label(purpose: str) -> str:
    labels = {
        "view": _("personsiden"),
        "persons:list": _("personlisten (navn, fødselsår og enhet)"),
        "cases:decision": _("et vedtak"),
        "cases:decision-new": _("registrering av et nytt vedtak"),
        "cases:decision-status": _("endring av status på et vedtak"),
        "clinical:assessment": _("en kartlegging"),
        "clinical:assessment-new": _("registrering av en ny kartlegging"),
        "clinical:measurement-new": _("registrering av en ny måling"),
        "clinical:fhir-export": _("eksport av en måling (FHIR)"),
        "clinical:notice": _("et varsel"),
        "clinical:plan": _("tiltaksplanen"),
        "clinical:outcomes": _("resultatene av tiltak"),
        "fhir:questionnaireresponse": _("en måling lest av et journalsystem (FHIR)"),
        "fhir:questionnaireresponse-search": _("målingene lest av et journalsystem (FHIR)"),
        "fhir:observation": _("en skår lest av et journalsystem (FHIR)"),
        "fhir:observation-search": _("skårene lest av et journalsystem (FHIR)"),
        "cds:patient-view": _("oppsummering vist i journalsystemet (CDS Hooks)"),
        "interop:fhir-import": _("innlesing av en måling fra journalsystemet (FHIR)"),
        "innsyn": _("denne innsynsrapporten"),
    }
    if purpose in labels:
        return str(labels[purpose])
    if purpose.startswith("prioriteringssak "):
        return _("vedtak som berøres av et kutt i en prioriteringssak")
    return purpose


def _object_label(object_type: str) -> str:
    labels = {
        "persons.person": _("personen"),
        "persons.emergencyaccessreview": _("gjennomgang av en nødtilgang"),
        "cases.servicedecision": _("et vedtak"),
        "clinical.assessment": _("en kartlegging"),
        "clinical.measurement": _("en måling"),
        "clinical.safetynotice": _("et varsel"),
        "clinical.planitem": _("et tiltak i planen"),
    }
    return str(labels.get(object_type, object_type))


def person_object_ids(person: Person) -> dict[str, set[str]]:
    """External ids of everything that belongs to *person*, by model label (lower case).

    Every model with a foreign key ``person`` to :class:`Person` and an ``external_id``
    counts, so a new kind of record is included without a change here.
    """
    ids: dict[str, set[str]] = {"persons.person": {str(person.external_id)}}
    for model in apps.get_models():
        fields = {f.name: f for f in model._meta.get_fields()}
        relation = fields.get("person")
        if (
            "external_id" not in fields
            or relation is None
            or getattr(relation, "related_model", None) is not Person
        ):
            continue
        found = model._default_manager.filter(person=person).values_list("external_id", flat=True)
        if found:
            ids[model._meta.label_lower] = {str(i) for i in found}
    return ids


def entries_concerning(person: Person) -> list[AuditEntry]:
    """Every audit entry of the person's municipality about *person* or their records, oldest
    first."""
    ids = person_object_ids(person)
    by_object = Q()
    for object_type, values in ids.items():
        by_object |= Q(object_type=object_type, object_id__in=values)
    # List reads and reviews name the person or their objects by id inside ``details``; the
    # text of the JSON is searched the same way on SQLite and PostgreSQL.
    in_details = Q()
    for value in sorted(set().union(*ids.values())):
        in_details |= Q(details_text__contains=value)
    entries = (
        AuditEntry.objects.filter(municipality=person.municipality)
        .annotate(details_text=Cast("details", TextField()))
        .filter(by_object | in_details)
        .order_by("sequence")
    )
    return list(entries)


def _roles_now(entries: Iterable[AuditEntry], municipality) -> dict[int, list[str]]:
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    roles: dict[int, list[str]] = {}
    for user_id, role in Membership.objects.filter(
        municipality=municipality, user_id__in=actor_ids
    ).values_list("user_id", "role"):
        roles.setdefault(user_id, []).append(role)
    return roles


def _role_names(codes: Iterable[str]) -> str:
    names = []
    for code in sorted(codes):
        try:
            names.append(str(Role(code).label))
        except ValueError:
            names.append(code)
    return ", ".join(names)


def innsyn_rows(person: Person) -> list[InnsynRow]:
    """The report's lines, oldest first."""
    entries = entries_concerning(person)
    roles_now = _roles_now(entries, person.municipality)
    actions = dict(Action.choices)
    bases = dict(CareRelationKind.choices)
    rows = []
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        if isinstance(details.get("roles"), list):
            roles = _role_names(details["roles"])
        elif entry.actor_id in roles_now:
            roles = _("%(roles)s (rollen nå)") % {"roles": _role_names(roles_now[entry.actor_id])}
        else:
            roles = ""
        purpose = details.get("purpose")
        what = _purpose_label(purpose) if isinstance(purpose, str) else ""
        what = what or _object_label(entry.object_type)
        basis = details.get("basis")
        rows.append(
            InnsynRow(
                sequence=entry.sequence,
                occurred_at=entry.occurred_at,
                actor=entry.actor_label,
                roles=roles,
                action=str(actions.get(entry.action, entry.action)),
                what=what,
                basis=str(bases.get(basis, "")) if isinstance(basis, str) else "",
                reason=entry.reason,
            )
        )
    return rows


def parse_person_id(text: str) -> uuid.UUID | None:
    """A person id typed or pasted by an administrator, or ``None`` if it is no id."""
    try:
        return uuid.UUID(text.strip())
    except (ValueError, AttributeError):
        return None
