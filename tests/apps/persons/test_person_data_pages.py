"""Every page that shows person data writes an audit entry naming each person it shows.

The test does not keep a list of such pages: it opens every page of the site (every URL
pattern, filled with ids of every kind of object of the demo) as a user who holds every role
and has a care relation to every person, finds the persons each page shows (by name, or by a
service decision's reference), and checks that the request wrote an audit entry naming each of
them by id (pasientjournalloven § 16 and § 18, Normen «Logging»). A new page that shows a
person without auditing the read fails here.
"""

from __future__ import annotations

import re
import time

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from losen.apps.accounts.models import Membership, Role, User
from losen.apps.audit.models import Action, AuditEntry
from losen.apps.cases.models import ServiceDecision
from losen.apps.persons.innsyn import person_object_ids
from losen.apps.persons.models import CareRelation, Person
from losen.apps.priorities.models import Consultation, Publication

#: Pages that show person data in the demo; the walk must find each of them (so it is not
#: vacuous), and may find more.
KNOWN_PERSON_PAGES = {
    "persons:list",
    "persons:detail",
    "cases:decision",
    "cases:decision_new",
    "cases:decision_status",
    "clinical:assessment",
    "clinical:assessment_new",
    "clinical:measurement_new",
    "clinical:plan",
    "clinical:outcomes",
    "clinical:notice",
}
SKIPPED = {"accounts:logout", "set_language", "healthz"}


def _patterns():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from walk(pattern.url_patterns, namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{prefix}{pattern.name}", tuple(sorted(pattern.pattern.converters))

    return sorted(set(walk(get_resolver().url_patterns)))


def _external_ids(municipality) -> list[str]:
    ids = {str(municipality.external_id)}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if "external_id" in fields and "municipality" in fields:
            rows = model.objects.filter(municipality=municipality).order_by("pk")
            first = rows.first()
            if first is not None:
                ids.add(str(first.external_id))
    # One object of each kind that belongs to a person, of the persons that have the most.
    kinds_seen: set[str] = set()
    for person in Person.objects.filter(municipality=municipality):
        for kind, values in person_object_ids(person).items():
            if kind not in kinds_seen:
                kinds_seen.add(kind)
                ids.add(min(values))
    return sorted(ids)


@pytest.fixture
def everyone(demo):
    """A Fjordvik user with every role and a care relation to every Fjordvik person."""
    user = User.objects.create_user("alle-roller", password="x", is_synthetic=True)
    for role in Role.values:
        Membership.objects.create(user=user, municipality=demo["fjordvik"], role=role)
    for person in Person.objects.filter(municipality=demo["fjordvik"]):
        CareRelation.objects.create(person=person, user=user)
    client = Client()
    client.force_login(user)
    return client


def _shows(body: str, text: str) -> bool:
    """*text* as a whole word or reference in *body* («2025/10» is not in «2025/101»)."""
    return re.search(rf"(?<![\w/]){re.escape(text)}(?![\w/])", body) is not None


def _names_one_of(entries, persons, decisions) -> bool:
    wanted = {str(p.external_id) for p in persons} | {str(d.external_id) for d in decisions}
    for entry in entries:
        if entry.object_id in wanted or any(w in str(entry.details) for w in wanted):
            return True
    return False


def test_every_page_that_shows_a_person_audits_the_read(demo, everyone):
    started = time.perf_counter()
    fjordvik = demo["fjordvik"]
    by_name: dict[str, list[Person]] = {}
    for person in Person.objects.filter(municipality=fjordvik):
        by_name.setdefault(person.full_name, []).append(person)
    decisions = list(ServiceDecision.objects.filter(municipality=fjordvik))
    ids = _external_ids(fjordvik)
    tokens = [str(p.token) for p in Publication.objects.all()] + [
        str(c.token) for c in Consultation.objects.all()
    ]
    fill = {"external_id": ids, "token": tokens, "number": [fjordvik.number]}
    shown_on: dict[str, int] = {}
    unaudited: list[str] = []
    requests = 0
    for name, converters in _patterns():
        if name in SKIPPED:
            continue
        assert len(converters) <= 1, name
        values = fill[converters[0]] if converters else [None]
        for value in values:
            url = reverse(name, kwargs={converters[0]: value} if converters else {})
            last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True)
            before = last.first() or 0
            response = everyone.get(url)
            requests += 1
            assert response.status_code < 500, url
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            entries = list(AuditEntry.objects.filter(sequence__gt=before, action=Action.READ))
            for full_name, group in by_name.items():
                own = [d for d in decisions if d.person_id in {p.pk for p in group}]
                if _shows(body, full_name) or any(_shows(body, d.reference) for d in own):
                    shown_on[name] = shown_on.get(name, 0) + 1
                    # Demo persons can share a name: an entry naming one of them will do.
                    if not _names_one_of(entries, group, own):
                        unaudited.append(
                            f"{url} ({name}) shows {len(group)} person(s) named as "
                            f"{group[0].external_id} without an audit entry naming them"
                        )
    assert unaudited == [], "\n".join(unaudited)
    missing = KNOWN_PERSON_PAGES - set(shown_on)
    assert missing == set(), f"the walk found no person on {sorted(missing)}"
    print(  # the figures of the walk, for the notes
        f"{requests} pages opened, {len(shown_on)} kinds show persons "
        f"({sorted(shown_on)}), {time.perf_counter() - started:.1f} s"
    )


def test_the_person_list_writes_one_entry_with_the_count_and_ids_not_names(demo, client_for):
    client = client_for("kliniker")
    user = demo["users"]["kliniker"]
    shown = list(
        Person.objects.filter(municipality=demo["fjordvik"], care_relations__user=user).distinct()
    )
    assert shown
    before = AuditEntry.objects.count()
    response = client.get(reverse("persons:list"))
    assert response.status_code == 200
    new = list(AuditEntry.objects.order_by("sequence")[before:])
    assert len(new) == 1
    entry = new[0]
    assert entry.action == Action.READ and entry.actor_label == "kliniker"
    assert entry.object_type == "persons.person" and entry.object_id == ""
    assert entry.details["purpose"] == "persons:list"
    assert entry.details["count"] == len(shown)
    assert sorted(entry.details["persons"]) == sorted(str(p.external_id) for p in shown)
    assert entry.details["roles"] == ["kliniker"]
    for person in shown:
        assert person.family_name not in str(entry.details) + entry.reason
    # An empty list is a read too.
    CareRelation.objects.filter(user=user).delete()
    client.get(reverse("persons:list"))
    last = AuditEntry.objects.latest("sequence")
    assert last.details["purpose"] == "persons:list" and last.details["count"] == 0
