"""The demo: Fjordvik kommune (fictional, about 25 000 inhabitants) and its neighbour Nabovik.

Everything here is invented and marked so (``is_synthetic``). ``load_demo`` deletes the demo
municipalities and users and builds them again; the audit log keeps its history and gets an
entry saying the demo was reset. Modules add their own demo data by a ``demo.py`` module in
their app with ``build_demo(context: DemoContext) -> None``; it is called after the
foundation's data, in app order.
"""

from __future__ import annotations

import importlib
import random
import secrets
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from losen.apps.accounts.models import Municipality, Role, UnitKind, User
from losen.apps.accounts.services import create_municipality, create_unit, create_user
from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.persons.models import CareRelation, Person

FJORDVIK = {"number": "4699", "name": "Fjordvik kommune", "inhabitants": 25_140}
NABOVIK = {"number": "4698", "name": "Nabovik kommune", "inhabitants": 8_310}

FJORDVIK_UNITS = [
    (
        "Psykisk helse og rus",
        UnitKind.PSYKISK_HELSE_RUS,
        "Samtaletilbud, oppfølging i hjemmet, rusoppfølging og lavterskeltilbud for voksne.",
    ),
    (
        "Hjemmetjenesten",
        UnitKind.HJEMMETJENESTER,
        "Hjemmesykepleie og praktisk bistand i fire soner.",
    ),
    (
        "Tildelingskontoret",
        UnitKind.TILDELING,
        "Tar imot søknader og fatter vedtak om helse- og omsorgstjenester.",
    ),
    (
        "Fjordvik helse- og omsorgssenter",
        UnitKind.INSTITUSJON,
        "Korttids- og langtidsplasser, rehabilitering og lindrende enhet.",
    ),
    (
        "Bo- og aktivitetstilbud",
        UnitKind.BOLIG,
        "Bolig med oppfølging, dagaktivitet og arbeidsrettet aktivitet.",
    ),
    (
        "Fontenehuset og lavterskeltilbud",
        UnitKind.LAVTERSKEL,
        "Drop-in uten henvisning, aktivitetsgrupper og likepersoner.",
    ),
    (
        "Legevakt og legetjeneste",
        UnitKind.LEGETJENESTE,
        "Interkommunal legevakt og kommunale legeoppgaver.",
    ),
    (
        "Helse- og omsorgsstaben",
        UnitKind.ADMINISTRASJON,
        "Kommunalsjefens stab: planlegging, økonomi og styringsinformasjon.",
    ),
]

# username, first name, last name, role, unit name (or None)
FJORDVIK_USERS = [
    ("leder", "Lena", "Lederstad", Role.LEDER, None),
    ("saksbehandler", "Sander", "Saksvik", Role.SAKSBEHANDLER, "Tildelingskontoret"),
    ("kliniker", "Kari", "Klinikersen", Role.KLINIKER, "Psykisk helse og rus"),
    ("analytiker", "Anders", "Analysen", Role.ANALYTIKER, "Helse- og omsorgsstaben"),
    ("admin", "Ada", "Adminsen", Role.ADMIN, None),
    ("leser", "Lise", "Leservik", Role.LESER, None),
]

# Invented names: combinations chosen to read as obviously made up in a demo.
GIVEN_NAMES = ["Testa", "Demo", "Fiktiv", "Prøve", "Eksempel", "Oppdikt", "Modell", "Øvings"]
FAMILY_NAMES = ["Fjordvikdemo", "Syntetisen", "Prøvestad", "Testberg", "Demodal", "Fiktivsen"]


@dataclass
class DemoContext:
    """What demo builders of other modules get: the municipalities, users and a seeded RNG."""

    fjordvik: Municipality
    nabovik: Municipality
    users: dict[str, User]
    password: str
    rng: random.Random
    summary: list[str] = field(default_factory=list)


def generate_password() -> str:
    """A random password long enough for the password validators."""
    return secrets.token_urlsafe(12)


def _remove_previous_demo() -> None:
    Municipality.objects.filter(
        number__in=[FJORDVIK["number"], NABOVIK["number"]], is_synthetic=True
    ).delete()
    User.objects.filter(is_synthetic=True).delete()


def _create_persons(context: DemoContext) -> None:
    rng = context.rng
    unit = context.fjordvik.units.get(name="Psykisk helse og rus")
    for index in range(12):
        person = Person.objects.create(
            municipality=context.fjordvik,
            given_name=GIVEN_NAMES[index % len(GIVEN_NAMES)],
            family_name=FAMILY_NAMES[index % len(FAMILY_NAMES)],
            birth_year=rng.randint(1950, 2005),
            unit=unit,
            is_synthetic=True,
        )
        CareRelation.objects.create(person=person, user=context.users["kliniker"])
        if index < 4:
            CareRelation.objects.create(person=person, user=context.users["saksbehandler"])
    for index in range(2):
        person = Person.objects.create(
            municipality=context.nabovik,
            given_name=GIVEN_NAMES[-1 - index],
            family_name="Nabodemo",
            birth_year=rng.randint(1950, 2005),
            is_synthetic=True,
        )
        CareRelation.objects.create(person=person, user=context.users["nabo-kliniker"])


def _module_builders():
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("losen.apps."):
            continue
        try:
            module = importlib.import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
            continue
        builder = getattr(module, "build_demo", None)
        if builder is not None:
            yield builder


def check_demo_password(password: str) -> None:
    """Refuse a chosen demo password the accounts' validators refuse (at least 12 characters).

    Raises :class:`django.core.exceptions.ValidationError` with the validators' messages.
    """
    validate_password(password)


def load_demo(*, password: str | None = None, seed: int = 2026) -> tuple[str, list[str]]:
    """Create or reset the demo; return the password every demo user got and a summary.

    A chosen *password* must pass the same validators as every other account; nothing is
    changed when it does not.
    """
    if password is None:
        password = generate_password()
    else:
        check_demo_password(password)
    with transaction.atomic():
        _remove_previous_demo()
        fjordvik = create_municipality(actor=None, is_synthetic=True, **FJORDVIK)
        nabovik = create_municipality(actor=None, is_synthetic=True, **NABOVIK)
        for name, kind, description in FJORDVIK_UNITS:
            create_unit(
                actor=None, municipality=fjordvik, name=name, kind=kind, description=description
            )
        create_unit(
            actor=None,
            municipality=nabovik,
            name="Psykisk helse og rus",
            kind=UnitKind.PSYKISK_HELSE_RUS,
        )
        users: dict[str, User] = {}
        for username, first, last, role, _unit in FJORDVIK_USERS:
            users[username] = create_user(
                actor=None,
                username=username,
                password=password,
                municipality=fjordvik,
                roles=[role],
                first_name=first,
                last_name=last,
                is_synthetic=True,
                check_password_strength=False,
            )
        users["nabo-kliniker"] = create_user(
            actor=None,
            username="nabo-kliniker",
            password=password,
            municipality=nabovik,
            roles=[Role.KLINIKER],
            first_name="Nils",
            last_name="Nabosen",
            is_synthetic=True,
            check_password_strength=False,
        )
        context = DemoContext(fjordvik, nabovik, users, password, random.Random(seed))  # noqa: S311 - invented demo data, not security
        _create_persons(context)
        for builder in _module_builders():
            builder(context)
        record(actor=None, action=Action.DEMO_RESET, municipality=fjordvik)
    summary = [
        f"{FJORDVIK['name']} ({FJORDVIK['number']}): {len(FJORDVIK_UNITS)} enheter, "
        f"{len(FJORDVIK_USERS)} brukere, 12 fiktive personer",
        f"{NABOVIK['name']} ({NABOVIK['number']}): brukeren nabo-kliniker, 2 fiktive personer",
        *context.summary,
    ]
    return password, summary


DEMO_USERNAMES = [u[0] for u in FJORDVIK_USERS] + ["nabo-kliniker"]
