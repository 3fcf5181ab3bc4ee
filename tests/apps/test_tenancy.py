"""Isolation between municipalities: a foreign id gives the same 404 as a missing one."""

from __future__ import annotations

import re
import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from losen.apps.accounts.models import Membership, Role, Unit, User
from losen.apps.persons.models import CareRelation, Person


def _object_url_patterns():
    """Every URL pattern that takes an ``external_id``: the object pages of Losen."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from walk(pattern.url_patterns, namespace)
            elif isinstance(pattern, URLPattern) and "external_id" in pattern.pattern.converters:
                yield f"{prefix}{pattern.name}"

    return sorted(set(walk(get_resolver().url_patterns)))


def _fjordvik_external_ids(fjordvik):
    """External ids of Fjordvik objects: the first and last of every Losen model.

    Every kind of object is tried on every object page; trying every object of a kind adds
    nothing, since the pages look objects up by kind, and made the walk quadratic.
    """
    ids = {str(fjordvik.external_id)}
    kinds = 0
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if "external_id" in fields and "municipality" in fields:
            rows = model.objects.filter(municipality=fjordvik).order_by("pk")
            sample = [rows.first(), rows.last()]
            found = {str(row.external_id) for row in sample if row is not None}
            kinds += bool(found)
            ids |= found
    users = User.objects.filter(memberships__municipality=fjordvik).order_by("pk")
    ids |= {str(users.first().external_id), str(users.last().external_id)}
    return sorted(ids), kinds


@pytest.fixture
def nabo_with_every_role(demo):
    """A Nabovik user holding every role there, so no role check hides a leak."""
    user = User.objects.create_user("nabo-alt", password="x", is_synthetic=True)
    for role in Role.values:
        Membership.objects.create(user=user, municipality=demo["nabovik"], role=role)
    client = Client()
    client.force_login(user)
    return client


def test_there_are_object_urls_to_check():
    """The walk finds the object pages, so the isolation test below is not vacuous."""
    names = _object_url_patterns()
    assert {"accounts:unit", "accounts:user", "persons:detail", "persons:emergency"} <= set(names)
    # The caseworker's pages: applications, assessments, drafts, letters, complaints, criteria.
    assert {
        "cases:application",
        "cases:application_new_for_person",
        "cases:preliminary_reply",
        "cases:preliminary_reply_docx",
        "cases:assessment",
        "cases:draft_new",
        "cases:draft",
        "cases:issue",
        "cases:decision_docx",
        "cases:decision_print",
        "cases:complaint",
        "cases:criteria_version",
    } <= set(names)


def test_nabovik_user_gets_404_on_every_fjordvik_object_url(demo, nabo_with_every_role):
    """Every object URL, filled with every Fjordvik id, answers 404 to a Nabovik user.

    The emergency-access form is the exception by design: it answers the same for every id
    (so it tells nothing), and a valid reason for an id of another municipality gives 404;
    tests/apps/test_emergency_access.py checks both.
    """
    names = [name for name in _object_url_patterns() if name != "persons:emergency"]
    ids, kinds = _fjordvik_external_ids(demo["fjordvik"])
    # Units, persons and the objects of clinical work, insight and prioritisation all exist.
    assert kinds >= 10 and len(ids) > 20
    checked = 0
    for name in names:
        for external_id in ids:
            url = reverse(name, kwargs={"external_id": external_id})
            for method in ("get", "post"):
                response = getattr(nabo_with_every_role, method)(url)
                if response.status_code == 405:
                    # A method the page never takes (the read-only FHIR endpoint) is refused
                    # before any lookup: the same answer for an id that exists nowhere.
                    nowhere = reverse(name, kwargs={"external_id": uuid.uuid4()})
                    assert getattr(nabo_with_every_role, method)(nowhere).status_code == 405
                else:
                    assert response.status_code == 404, (method, url, response.status_code)
                checked += 1
    assert checked == len(names) * len(ids) * 2


def test_foreign_and_missing_ids_look_the_same(demo, client_for):
    """nabo-kliniker cannot tell a Fjordvik person from an id that does not exist."""
    client = client_for("nabo-kliniker")
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    random_id = uuid.uuid4()
    foreign = client.get(reverse("persons:detail", kwargs={"external_id": person.external_id}))
    missing = client.get(reverse("persons:detail", kwargs={"external_id": random_id}))
    assert foreign.status_code == missing.status_code == 404

    def normalised(response, external_id):
        # The page repeats its own address (as the language form's return path) and a
        # per-request CSRF token; everything else must be byte for byte the same.
        body = response.content.replace(str(external_id).encode(), b"ID")
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)

    assert normalised(foreign, person.external_id) == normalised(missing, random_id)


def test_post_to_foreign_person_changes_nothing(demo, nabo_with_every_role):
    """Asking for emergency access to a Fjordvik person from Nabovik creates nothing."""
    person = Person.objects.filter(municipality=demo["fjordvik"]).first()
    before = CareRelation.objects.count()
    response = nabo_with_every_role.post(
        reverse("persons:emergency", kwargs={"external_id": person.external_id}),
        {"reason": "Akutt situasjon, må se planen nå"},
    )
    assert response.status_code == 404
    assert CareRelation.objects.count() == before


def test_lists_show_only_own_municipality(demo, nabo_with_every_role):
    """Unit and user lists of a Nabovik user name nothing from Fjordvik."""
    fjordvik_units = Unit.objects.filter(municipality=demo["fjordvik"]).values_list(
        "name", flat=True
    )
    page = nabo_with_every_role.get(reverse("accounts:units")).content.decode()
    assert "Hjemmetjenesten" in fjordvik_units and "Hjemmetjenesten" not in page
    users_page = nabo_with_every_role.get(reverse("accounts:users")).content.decode()
    assert "Saksvik" not in users_page and "nabo-kliniker" in users_page


def test_switching_to_a_foreign_municipality_is_ignored(demo, client_for):
    """Posting another municipality's id to the switcher keeps the user where they are."""
    client = client_for("nabo-kliniker")
    client.post(
        reverse("accounts:choose_municipality"),
        {"municipality": str(demo["fjordvik"].external_id)},
    )
    page = client.get(reverse("home")).content.decode()
    assert "Nabovik kommune" in page and "Fjordvik kommune" not in page


def test_member_of_two_municipalities_can_switch(demo):
    """A user in both municipalities works in one at a time and can switch."""
    user = demo["users"]["leder"]
    Membership.objects.create(user=user, municipality=demo["nabovik"], role=Role.LEDER)
    client = Client()
    client.force_login(user)
    assert "Fjordvik kommune" in client.get(reverse("home")).content.decode()
    client.post(
        reverse("accounts:choose_municipality"),
        {"municipality": str(demo["nabovik"].external_id), "next": "https://evil.example/"},
    )
    page = client.get(reverse("home")).content.decode()
    assert "Velkommen til Losen i Nabovik kommune" in page


def test_the_caseworkers_pages_of_a_fjordvik_case_answer_404_with_every_service(
    demo, nabo_with_every_role
):
    """The pages that choose a service by ``?tjeneste=`` answer 404 to a Nabovik user for
    every service of a Fjordvik application, by GET and POST, and write nothing; a new
    version of the criteria posted from Nabovik never becomes one of Fjordvik's."""
    from losen.apps.cases.models import AllocationCriteria, Application, ServiceAssessment

    applications = list(Application.objects.filter(municipality=demo["fjordvik"]))
    assert applications, "the demo has applications in Fjordvik"
    before = (ServiceAssessment.objects.count(),)
    checked = 0
    for application in applications:
        for applied in application.services.all():
            for name in ("cases:assessment", "cases:draft_new"):
                url = reverse(name, kwargs={"external_id": application.external_id})
                url += f"?tjeneste={applied.service}"
                for method in ("get", "post"):
                    response = getattr(nabo_with_every_role, method)(url)
                    assert response.status_code == 404, (method, url)
                    checked += 1
    criteria = AllocationCriteria.objects.filter(municipality=demo["fjordvik"]).first()
    new_version = reverse("cases:criteria_new") + f"?tjeneste={criteria.service}"
    nabo_with_every_role.post(new_version, {"title": "x", "valid_from": "2026-01-01", "items": "x"})
    assert not AllocationCriteria.objects.filter(
        municipality=demo["fjordvik"], version__gt=criteria.version, service=criteria.service
    ).exists()
    assert checked >= 8
    assert ServiceAssessment.objects.count() == before[0]


def test_the_caseworkers_lists_show_only_own_municipality(demo, nabo_with_every_role):
    """The applications list, the person search and the criteria of a Nabovik user name
    nothing from Fjordvik; Nabovik's public criteria page shows none of Fjordvik's."""
    from losen.apps.cases.models import AllocationCriteria, Application

    fjordvik = demo["fjordvik"]
    references = list(
        Application.objects.filter(municipality=fjordvik).values_list("reference", flat=True)
    )
    person = Person.objects.filter(municipality=fjordvik).first()
    page = nabo_with_every_role.get(
        reverse("cases:applications"), {"q": person.family_name}
    ).content.decode()
    assert references and not any(ref in page for ref in references)
    assert person.full_name not in page
    title = AllocationCriteria.objects.filter(municipality=fjordvik).first().title
    assert title not in nabo_with_every_role.get(reverse("cases:criteria")).content.decode()
    public = Client().get(
        reverse("public_cases:criteria", kwargs={"number": demo["nabovik"].number})
    )
    assert public.status_code == 200 and title not in public.content.decode()
    own = Client().get(reverse("public_cases:criteria", kwargs={"number": fjordvik.number}))
    assert title in own.content.decode()
