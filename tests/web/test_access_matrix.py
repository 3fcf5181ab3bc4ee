"""The access matrix: every URL pattern × every role × own or foreign municipality × with or
without a care relation, by GET and by POST, checked against ``losen.web.access_rules``.

The table in ``losen.web.access_rules`` is the rule; this walk keeps every page in step with
it. A URL pattern without a row fails here, and so does a row whose URL no longer exists.

How one cell is checked: the identity asks for the URL, filled with an object of the kind the
row names (from its own municipality, from the other one, with and without a care relation,
an id of another kind and a random id), and the answer is sorted into *ok* (any answer that
does the work: 200, a redirect other than to the login page, a form error), *login* (302 to the
login page with ``next``), 403, 404 or 405. The row says which of these it must be. Every
request runs in a transaction that is rolled back, so an allowed POST (sent without data, or
with none that matters) changes nothing the next cell sees.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from losen.apps.accounts.models import Membership, Municipality, Role, User
from losen.apps.persons.models import CareRelation, Person
from losen.web.access_rules import ACCESS_RULES, AccessRule, Denial, Scope, Who, may
from losen.web.navigation import NAVIGATION

OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "ok", "login", "403", "404", "405"
DENIALS = frozenset({LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED})


# --- The URL patterns of the site ------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None  # "namespace:name", None for an unnamed pattern
    route: str
    kwargs: tuple[str, ...]


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the site, walked from the root resolver."""

    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else None
                yield Pattern(name, route, tuple(pattern.pattern.converters))

    return list(walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_row_in_the_access_table():
    """A page without a row is a page whose access nobody has decided: add the row."""
    patterns = url_patterns()
    unnamed = [p.route for p in patterns if p.name is None]
    assert not unnamed, (
        f"URL-mønstre uten navn: {unnamed}. Gi dem et navn (name=...) og en rad i "
        "losen/web/access_rules.py."
    )
    missing = sorted(p.name for p in patterns if p.name not in ACCESS_RULES)
    assert not missing, (
        f"Disse URL-ene har ingen rad i tilgangstabellen: {missing}. Legg til en rad i "
        "ACCESS_RULES i src/losen/web/access_rules.py som sier hvem som kan bruke GET og "
        "POST, og hvilke objekter siden kan vise (scope og model)."
    )


def test_every_row_names_a_url_that_exists():
    """A row for a page that is gone would hide a typo in a new row's name."""
    names = {p.name for p in url_patterns()}
    stale = sorted(
        name
        for name, rule in ACCESS_RULES.items()
        if name not in names
        and not (rule.only_with_setting and not getattr(settings, rule.only_with_setting, False))
    )
    assert not stale, f"Rader uten URL: {stale}. Fjern dem fra ACCESS_RULES."


def test_rows_with_an_id_name_the_kind_of_object():
    """A URL that takes an id or a token must say what kind of object it is and who sees it."""
    for pattern in url_patterns():
        rule = ACCESS_RULES.get(pattern.name)
        if rule is None:
            continue  # reported by the test above
        if pattern.kwargs:
            assert rule.model and rule.scope is not Scope.NONE, pattern.name
            apps.get_model(rule.model)  # the model exists
        else:
            assert rule.model is None and rule.scope is Scope.NONE, pattern.name
        if rule.scope is Scope.PUBLIC:
            assert rule.is_public, pattern.name


def test_the_navigation_shows_each_page_to_the_roles_the_table_allows():
    """The menu offers a page to exactly the roles that may open it, so no link ends in 403."""
    for item in NAVIGATION:
        allowed = ACCESS_RULES[item.url_name].get
        if allowed is Who.MEMBERS:
            assert item.roles == frozenset(), item.url_name
        else:
            assert item.roles == allowed, item.url_name


def test_the_views_deny_a_wrong_role_as_the_table_says():
    """A row's ``wrong_role`` (403, or 404 on the caseworker's pages) is what the view's
    role check answers: the decorator says so on the view, and the walk below asks it."""
    checked = 0
    for pattern in url_patterns():
        rule = ACCESS_RULES.get(pattern.name)
        if rule is None:
            continue
        view = resolve_view(pattern)
        status = getattr(view, "wrong_role_status", None)
        if status is None:
            assert rule.wrong_role is Denial.FORBIDDEN, (
                f"{pattern.name}: the row says {rule.wrong_role} for a wrong role, but the view "
                "has no role check that says so (member_required(..., not_found=True))"
            )
            continue
        checked += 1
        assert str(status) == str(rule.wrong_role), (pattern.name, status, rule.wrong_role)
    hidden = [name for name, rule in ACCESS_RULES.items() if rule.wrong_role is Denial.NOT_FOUND]
    assert checked and hidden


def resolve_view(pattern: Pattern):
    """The view function of *pattern* (by reversing and resolving one of its URLs)."""
    from django.urls import NoReverseMatch, resolve

    kwargs = {name: _SAMPLE_VALUES.get(name, "1") for name in pattern.kwargs}
    try:
        url = reverse(pattern.name, kwargs=kwargs)
    except NoReverseMatch:  # a converter that wants another sample
        kwargs = {name: str(uuid.uuid4()) for name in pattern.kwargs}
        url = reverse(pattern.name, kwargs=kwargs)
    return resolve(url).func


_SAMPLE_VALUES = {"external_id": "00000000-0000-0000-0000-000000000000", "number": "4699"}


def test_may_follows_the_table():
    """``may`` reads a row as the module says: NO_FORM posts like the GET, None never."""
    rule = AccessRule(frozenset({Role.LEDER}), Who.NO_FORM)
    assert may(rule, "POST", frozenset({Role.LEDER}), authenticated=True)
    assert not may(rule, "POST", frozenset({Role.LESER}), authenticated=True)
    assert not may(AccessRule(None, Who.ANYONE), "GET", frozenset(), authenticated=False)
    assert may(AccessRule(None, Who.ANYONE), "POST", frozenset(), authenticated=False)
    assert not may(AccessRule(Who.MEMBERS, None), "GET", frozenset(), authenticated=True)
    assert not may(
        AccessRule(Who.MEMBERS, None), "DELETE", frozenset({"leder"}), authenticated=True
    )


# --- Identities and objects ------------------------------------------------------------------


@dataclass
class Identity:
    name: str
    user: User | None  # None: anonymous
    municipality: Municipality | None  # where the user works now
    roles: frozenset[str]
    client: Client = field(repr=False, default=None)


@dataclass(frozen=True)
class Target:
    """What fills a URL's id: an object (or none) and the facts the rule looks at."""

    label: str
    value: str
    exists: bool = True  # an object of the row's kind with this id or token
    municipality_id: int | None = None  # None for shared and public objects
    person_id: int | None = None  # the person the object is about (care-relation pages)
    live: bool = True  # for public objects: not taken down


def _identities(demo) -> list[Identity]:
    """The demo's users, and the ones the demo lacks, each with a logged-in client."""
    fjordvik, nabovik = demo["fjordvik"], demo["nabovik"]
    users = dict(demo["users"])
    now = timezone.now()

    # A clinician of Fjordvik with no care relation now: one ended, one not yet begun.
    lone = User.objects.create_user("kliniker-uten-relasjon", is_synthetic=True)
    Membership.objects.create(user=lone, municipality=fjordvik, role=Role.KLINIKER)
    persons = list(Person.objects.filter(municipality=fjordvik).order_by("pk")[:2])
    CareRelation.objects.create(
        person=persons[0], user=lone, valid_from=now - dt.timedelta(days=30), valid_to=now
    )
    CareRelation.objects.create(person=persons[1], user=lone, valid_from=now + dt.timedelta(days=1))
    users[lone.username] = lone

    # Logged in, but no role anywhere.
    users["uten-rolle"] = User.objects.create_user("uten-rolle", is_synthetic=True)

    # A Nabovik user with every role, so no role check hides a leak across municipalities;
    # even a care relation recorded to a Fjordvik person must not open it.
    every = User.objects.create_user("nabo-alle-roller", is_synthetic=True)
    for role in Role.values:
        Membership.objects.create(user=every, municipality=nabovik, role=role)
    CareRelation.objects.create(person=persons[0], user=every)
    users[every.username] = every

    identities = [Identity("anonym", None, None, frozenset(), Client())]
    for name in sorted(users):
        user = users[name]
        memberships = list(Membership.objects.filter(user=user).select_related("municipality"))
        municipality = min(
            (m.municipality for m in memberships), key=lambda m: m.name, default=None
        )
        roles = frozenset(m.role for m in memberships if m.municipality == municipality)
        client = Client()
        client.force_login(user)
        identities.append(Identity(name, user, municipality, roles, client))
    # Every role of the demo is held by someone in Fjordvik, alone.
    single = {
        next(iter(i.roles)) for i in identities if len(i.roles) == 1 and i.municipality == fjordvik
    }
    assert single == set(Role.values)
    return identities


def _person_of(obj) -> int | None:
    if isinstance(obj, Person):
        return obj.pk
    return getattr(obj, "person_id", None)


def _samples(model, municipality, relations, only: Q, limit: int = 3) -> list:
    """Up to *limit* objects of *model* in *municipality*: the first and last, and, for
    objects about a person, one for each different set of users with a care relation."""
    rows = model.objects.filter(only, municipality=municipality).order_by("pk")
    first, last = rows.first(), rows.last()
    chosen = {o.pk: o for o in (first, last) if o is not None}
    if "person" in {f.name for f in model._meta.get_fields()} or model is Person:
        seen = {frozenset(relations.get(_person_of(o), ())) for o in chosen.values()}
        for obj in rows.iterator():
            if len(chosen) >= limit:
                break
            signature = frozenset(relations.get(_person_of(obj), ()))
            if signature not in seen:
                seen.add(signature)
                chosen[obj.pk] = obj
    return list(chosen.values())


class World:
    """The objects the walk fills URLs with, built once from the demo."""

    def __init__(self, demo):
        self.fjordvik, self.nabovik = demo["fjordvik"], demo["nabovik"]
        self.identities = _identities(demo)
        self._request_emergency_access()
        self.relations: dict[int, set[int]] = defaultdict(set)  # person -> users, active now
        for user_id, person_id in CareRelation.objects.active().values_list("user", "person"):
            self.relations[person_id].add(user_id)
        self._add_missing_kinds()
        self.targets: dict[str, list[Target]] = {}

    def _request_emergency_access(self):
        """One emergency access in each municipality, asked for on the page itself, so that
        there is a review to open and a care relation of the emergency kind."""
        by_name = {who.name: who for who in self.identities}
        for name, municipality in (
            ("kliniker-uten-relasjon", self.fjordvik),
            ("nabo-kliniker", self.nabovik),
        ):
            person = Person.objects.filter(municipality=municipality).order_by("pk").last()
            response = by_name[name].client.post(
                reverse("persons:emergency", kwargs={"external_id": person.external_id}),
                POST_DATA["persons:emergency"],
            )
            assert response.status_code == 302, (name, response.status_code)

    def _add_missing_kinds(self):
        """Objects the demo lacks: a shared (national) import and a withdrawn publication."""
        from losen.apps.insight.models import ImportBatch, ImportMethod
        from losen.apps.priorities.models import Publication

        ImportBatch.objects.create(
            municipality=None,
            actor_label="SSB",
            imported_at=timezone.now(),
            method=ImportMethod.FETCH,
            file_name="nasjonale-tall.json",
            sha256="0" * 64,
            format="json-stat2",
            tables=[],
            observations_in_file=0,
            created_count=0,
            revised_count=0,
            unchanged_count=0,
        )
        # Background jobs (a web import of each municipality, a national fetch), finished, so
        # that a retry sent to them changes nothing.
        from losen.apps.jobs.models import Job, JobState

        for municipality, kind in (
            (self.fjordvik, "insight.import"),
            (self.nabovik, "insight.import"),
            (None, "insight.fetch"),
        ):
            Job.objects.create(
                kind=kind,
                task_path="losen.apps.insight.tasks.import_upload",
                label="tilgangstest.csv",
                municipality=municipality,
                state=JobState.DONE,
                outcome={
                    "format": "template",
                    "in_file": 0,
                    "created": 0,
                    "revised": 0,
                    "unchanged": 0,
                    "problems": [],
                    "batch": None,
                },
            )
        live = Publication.objects.filter(unpublished_at__isnull=True).first()
        assert live is not None, "the demo has a published case"
        Publication.objects.create(
            case=live.case, content=live.content, unpublished_at=timezone.now()
        )

    def targets_for(self, name: str, rule: AccessRule, kwarg: str) -> list[Target]:
        if name not in self.targets:
            self.targets[name] = self._build_targets(name, rule, kwarg)
        return self.targets[name]

    def _build_targets(self, name, rule, kwarg) -> list[Target]:
        model = apps.get_model(rule.model)
        if rule.scope is Scope.PUBLIC:
            return self._public_targets(model, kwarg)
        targets = []
        for municipality in (self.fjordvik, self.nabovik):
            if model is User:
                objects = [
                    u
                    for u in (
                        User.objects.filter(memberships__municipality=municipality)
                        .distinct()
                        .order_by("pk")
                    )
                ]
                objects = objects[:1] + objects[-1:]
            else:
                objects = _samples(
                    model, municipality, self.relations, OBJECT_FILTERS.get(name, Q())
                )
            for obj in objects:
                targets.append(
                    Target(
                        f"{municipality.number}/{obj.pk}",
                        str(obj.external_id),
                        municipality_id=municipality.pk,
                        person_id=_person_of(obj),
                    )
                )
        if rule.scope is Scope.MUNICIPALITY_OR_SHARED:
            for obj in model.objects.filter(municipality__isnull=True).order_by("pk")[:1]:
                targets.append(Target(f"shared/{obj.pk}", str(obj.external_id)))
        other = Person if model is not Person else apps.get_model("clinical.Assessment")
        decoy = other.objects.filter(municipality=self.fjordvik).order_by("pk").first()
        targets.append(Target("another-kind", str(decoy.external_id), exists=False))
        targets.append(Target("random", str(uuid.uuid4()), exists=False))
        return targets

    def _public_targets(self, model, kwarg) -> list[Target]:
        targets = []
        if model is Municipality:
            for municipality in (self.fjordvik, self.nabovik):
                targets.append(Target(municipality.number, municipality.number))
            targets.append(Target("unknown", "0000", exists=False))
            return targets
        for obj in model.objects.order_by("pk"):
            live = getattr(obj, "unpublished_at", None) is None
            targets.append(Target(f"token/{obj.pk}", getattr(obj, kwarg), live=live))
        targets.append(Target("random", uuid.uuid4().hex, exists=False))
        return targets


#: Objects a page can only show when they have some property: a portfolio needs a budget.
OBJECT_FILTERS = {
    "priorities:portfolio": Q(budget_nok__isnull=False),
    # The case pages of a reflection; one on a service decision is reached through the decision.
    "knowledge:reflection": Q(case__isnull=False),
    "knowledge:reflection_edit": Q(case__isnull=False),
}


# --- The rule, applied to one cell -----------------------------------------------------------


def expected(rule: AccessRule, method: str, who: Identity, target: Target | None, world) -> set:
    """The answers the row allows for *who* asking *method* with *target* in the URL."""
    allowed = rule.roles_for(method)
    if allowed is None:
        return set(DENIALS)  # not served: 405, or the access check's denial first
    tolerate = {NOT_ALLOWED} if method == "POST" and rule.post is Who.NO_FORM else set()
    if allowed is Who.SYSTEM:
        return {LOGIN}  # no identity of the walk carries the system's token: 401 for all
    if not may(rule, method, who.roles, authenticated=who.user is not None):
        if who.user is None:
            return {LOGIN} | tolerate
        return {str(rule.wrong_role)} | tolerate
    return {_object_outcome(rule.scope_for(method), who, target, world)} | tolerate


def _object_outcome(scope: Scope, who: Identity, target: Target | None, world) -> str:
    if scope in (Scope.NONE, Scope.ANY_ID):
        return OK
    if not target.exists:
        return NOT_FOUND
    if scope is Scope.PUBLIC:
        return OK if target.live else NOT_FOUND
    own = who.municipality is not None and target.municipality_id == who.municipality.pk
    if scope is Scope.MUNICIPALITY:
        return OK if own else NOT_FOUND
    if scope is Scope.MUNICIPALITY_OR_SHARED:
        return OK if own or target.municipality_id is None else NOT_FOUND
    if scope is Scope.CARE_RELATION:
        related = who.user.pk in world.relations.get(target.person_id, ())
        return OK if own and related else NOT_FOUND
    raise AssertionError(f"unknown scope {scope}")


def classify(response) -> str:
    status = response.status_code
    if status == 302:
        location = urlsplit(response["Location"])
        if location.path == resolve_url(settings.LOGIN_URL) and "next" in parse_qs(location.query):
            return LOGIN
        return OK
    # 401: the machine interfaces' «log in first» (FHIR, CDS Hooks), in place of the redirect.
    return {401: LOGIN, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(status, OK)


def _ask(client: Client, method: str, url: str, data: dict | None = None):
    """One request, rolled back afterwards; the client keeps its cookies (a logout too)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def _worth_asking(
    rule, method, who: Identity, target: Target | None, world, seen: set, shared: set
) -> bool:
    """Whether the cell adds to the walk. A user the row denies is asked with one object of
    their own municipality per kind of care relation, and with a random id: a denial that
    depended on the object would show there, and only an object the user could otherwise
    reach can leak. Allowed users are asked with every object, but a POST to a page without
    a form (answered as the GET) only once per part of the matrix."""
    if target is None:
        return True
    if may(rule, method, who.roles, authenticated=who.user is not None):
        if method == "POST" and rule.post is Who.NO_FORM:
            key = ("allowed", _cell_kind(rule, method, who, target, world))
            if key in seen:
                return False
            seen.add(key)
        return True
    if not target.exists:
        if target.label != "random":
            return False
        # Whether a denial comes before the lookup is seen with one user of each kind.
        seen = shared
        key = ("random", who.user is None, bool(who.roles))
    elif target.municipality_id is not None and who.municipality is not None:
        if target.municipality_id != who.municipality.pk:
            return False
        key = ("own", who.user.pk in world.relations.get(target.person_id, ()))
    else:
        key = ("exists",)
    if key in seen:
        return False
    seen.add(key)
    return True


def _cell_kind(rule, method, who, target, world) -> str:
    """Which part of the matrix a cell covers, for the check that none is left untried."""
    if who.user is None:
        return "anonym"
    if not may(rule, method, who.roles, authenticated=True):
        return "rolle-mangler"
    scope = rule.scope_for(method)
    if target is None or scope is Scope.PUBLIC:
        return "tillatt"
    if not target.exists:
        return "ukjent-id"
    if target.municipality_id is None:
        return "felles"
    own = who.municipality is not None and target.municipality_id == who.municipality.pk
    if not own:
        return "annen-kommune"
    if scope is Scope.CARE_RELATION:
        related = who.user.pk in world.relations.get(target.person_id, ())
        return "egen-med-relasjon" if related else "egen-uten-relasjon"
    return "egen-kommune"


@pytest.mark.slow
def test_every_page_answers_every_identity_as_the_table_says(demo):
    """The matrix itself: every URL × identity × object × method against the rule."""
    started = time.perf_counter()
    world = World(demo)
    queries = {"insight:export": _export_query(world)}
    mismatches: list[str] = []
    errors: list[str] = []
    covered: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: Counter = Counter()
    asked: dict[tuple, set] = defaultdict(set)
    for pattern in url_patterns():
        rule = ACCESS_RULES.get(pattern.name)
        if rule is None:
            continue  # reported by test_every_url_pattern_has_a_row_in_the_access_table
        assert len(pattern.kwargs) <= 1, pattern
        if pattern.kwargs:
            kwarg = pattern.kwargs[0]
            targets = world.targets_for(pattern.name, rule, kwarg)
        else:
            kwarg, targets = None, [None]
        for target in targets:
            kwargs = {kwarg: target.value} if target else {}
            url = reverse(pattern.name, kwargs=kwargs) + queries.get(pattern.name, "")
            for method in ("GET", "POST"):
                for who in world.identities:
                    if not _worth_asking(
                        rule,
                        method,
                        who,
                        target,
                        world,
                        asked[(pattern.name, method, who.name)],
                        asked[(pattern.name, method)],
                    ):
                        continue
                    response = _ask(who.client, method, url, POST_DATA.get(pattern.name))
                    counts[method] += 1
                    if response.status_code >= 500:
                        errors.append(f"{method} {url} som {who.name}: {response.status_code}")
                        continue
                    got = classify(response)
                    want = expected(rule, method, who, target, world)
                    if pattern.name in ALLOWED_BUT_EMPTY and OK in want:
                        want = (want - {OK}) | {ALLOWED_BUT_EMPTY[pattern.name](who, world)}
                    if got not in want:
                        mismatches.append(
                            f"{method} {pattern.name} [{target.label if target else '-'}] som "
                            f"{who.name} ({', '.join(sorted(who.roles)) or 'ingen rolle'}): "
                            f"fikk {got} ({response.status_code}), regelen sier "
                            f"{' eller '.join(sorted(want))}"
                        )
                    if rule.roles_for(method) is not None:
                        covered[(pattern.name, method)].add(
                            _cell_kind(rule, method, who, target, world)
                        )
    elapsed = time.perf_counter() - started
    print(
        f"\ntilgangsmatrisen: {sum(counts.values())} forespørsler {dict(counts)}, {elapsed:.1f} s"
    )
    assert not errors, "Feil på serveren:\n" + "\n".join(errors)
    assert not mismatches, (
        f"{len(mismatches)} svar stemmer ikke med tilgangstabellen "
        "(src/losen/web/access_rules.py):\n" + "\n".join(mismatches)
    )
    _assert_matrix_is_complete(covered)


#: What a POST sends where an empty one would stop before the access check it must pass.
POST_DATA = {
    # A valid reason: the page is the same for every id until one is sent.
    "persons:emergency": {"reason": "Akutt forverring på vakt, må se tiltaksplanen nå"},
}

#: Pages that answer 404 to an allowed user when there is nothing to show them.
ALLOWED_BUT_EMPTY = {
    # The exported table holds Fjordvik's own figures only: Nabovik's export of it is empty.
    "insight:export": lambda who, world: OK if who.municipality == world.fjordvik else NOT_FOUND,
}


def _export_query(world) -> str:
    from losen.apps.insight.models import ImportBatch

    batch = ImportBatch.objects.filter(municipality=world.fjordvik).exclude(tables=[]).first()
    assert batch is not None, "the demo imports figures for Fjordvik"
    return f"?tabell={batch.tables[0]}&format=csv"


def _assert_matrix_is_complete(covered):
    """Every page was tried in every part of the matrix that applies to it."""
    gaps = []
    for name, rule in ACCESS_RULES.items():
        for method in ("GET", "POST"):
            allowed = rule.roles_for(method)
            if allowed is None or (rule.only_with_setting and (name, method) not in covered):
                continue
            scope = rule.scope_for(method)
            need = {"tillatt"} if scope in (Scope.NONE, Scope.PUBLIC) else set()
            if scope not in (Scope.NONE, Scope.PUBLIC):
                need |= {"egen-kommune", "annen-kommune", "ukjent-id"}
            if scope is Scope.CARE_RELATION:
                need = (need - {"egen-kommune"}) | {"egen-med-relasjon", "egen-uten-relasjon"}
            if scope is Scope.MUNICIPALITY_OR_SHARED:
                need.add("felles")
            if allowed is not Who.ANYONE:
                need.add("anonym")
                need.add("rolle-mangler")  # a user without a role at least
            if allowed is Who.SYSTEM:
                need = {"anonym", "rolle-mangler"}  # nobody in the walk has the token
            missing = need - covered[(name, method)]
            if missing:
                gaps.append(f"{method} {name}: ikke prøvd {sorted(missing)}")
    assert not gaps, "Matrisen har hull:\n" + "\n".join(gaps)
