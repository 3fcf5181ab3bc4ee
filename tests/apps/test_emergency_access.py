"""Emergency access (nødtilgang): a real reason, no identity numbers stored, a throttle, the
person named in the log, the same answer for every id until a valid reason is given, and the
administrator's review."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from losen.apps.accounts.models import Membership, Municipality, Unit, UnitKind, User
from losen.apps.audit.models import Action, AuditEntry
from losen.apps.persons import personal_data
from losen.apps.persons.forms import MIN_REASON_LETTERS, reason_problem
from losen.apps.persons.models import (
    CareRelation,
    CareRelationKind,
    EmergencyAccessReview,
    EmergencyOutcome,
    Person,
)
from losen.apps.persons.services import EMERGENCY_LIMIT

GOOD_REASON = "Akutt forverring meldt fra legevakt i natt"
FNR = "01017000027"
assert fodselsnummer.is_valid(FNR)


@pytest.fixture
def world(db):
    home = Municipality.objects.create(number="4699", name="Testvik kommune")
    other = Municipality.objects.create(number="4698", name="Andrevik kommune")
    unit = Unit.objects.create(municipality=home, name="Hjemmetjenesten", kind=UnitKind.BOLIG)
    persons = [
        Person.objects.create(
            municipality=home, given_name=f"Test{n}", family_name="Testesen", birth_year=1950
        )
        for n in range(6)
    ]
    foreign = Person.objects.create(
        municipality=other, given_name="Nabo", family_name="Person", birth_year=1960
    )
    users = {}
    for username, municipality, role in (
        ("kliniker", home, "kliniker"),
        ("saksbehandler", home, "saksbehandler"),
        ("leder", home, "leder"),
        ("admin", home, "admin"),
        ("nabo-admin", other, "admin"),
    ):
        user = User.objects.create_user(username, password="x")
        Membership.objects.create(user=user, municipality=municipality, role=role)
        users[username] = user

    def client(username):
        c = Client()
        c.force_login(users[username])
        return c

    return SimpleNamespace(
        home=home, other=other, unit=unit, persons=persons, foreign=foreign, users=users,
        client=client,
    )  # fmt: skip


def _url(external_id) -> str:
    return reverse("persons:emergency", kwargs={"external_id": external_id})


def _normalised(response, external_id) -> bytes:
    body = response.content.replace(str(external_id).encode(), b"ID")
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def _stored_anywhere(text: str) -> list[str]:
    """Every table and column (text columns) in which *text* occurs."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                quoted_t = connection.ops.quote_name(table)
                quoted_c = connection.ops.quote_name(column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted_t} WHERE CAST({quoted_c} AS TEXT) LIKE %s",
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column}")
    return hits


# --- The reason -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "\u200b" * 40,  # zero-width spaces
        "\u00ad\u2060\ufeff" * 20,  # soft hyphen, word joiner, byte order mark
        " \u3000\u00a0\u2009 " * 10,  # ideographic, no-break and thin spaces
        "...!!!???---" * 5,
        "1234567890 1234567890",
        "ok ok ok \u200bok",  # eight letters
        "a\u200bb\u200bc\u200bd\u200be\u200bf\u200bg\u200bh\u200bi",  # nine letters
    ],
)
def test_a_reason_without_enough_letters_is_refused(world, reason):
    person = world.persons[0]
    response = world.client("kliniker").post(_url(person.external_id), {"reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    # White space alone is taken off by the form and the field is empty.
    assert (
        f"minst {MIN_REASON_LETTERS} tegn som er bokstaver" in page
        or "Du må skrive en begrunnelse" in page
    )
    assert not CareRelation.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.EMERGENCY_ACCESS).exists()
    assert not EmergencyAccessReview.objects.exists()


@pytest.mark.parametrize(
    "number",
    [
        FNR,
        "010170 00027",
        "010170-00027",
        "01.01.70 00027",
        "01 01 70 000 27",
        "0101\u200b7000027",  # a zero-width space inside
        "".join(chr(0xFF10 + int(d)) for d in FNR),  # full-width digits
        "41017000010",  # a D-number
        "12345678901",  # eleven digits that are no valid number are refused too
    ],
)
def test_a_reason_with_an_identity_number_is_refused_and_the_number_stored_nowhere(world, number):
    person = world.persons[0]
    reason = f"Pasient {number} meldt akutt dårlig av legevakten i natt"
    response = world.client("kliniker").post(_url(person.external_id), {"reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    assert "fødselsnummer eller D-nummer" in page
    assert "Ta det ut" in page
    digits = re.sub(r"\D", "", number.translate({0xFF10 + i: str(i) for i in range(10)}))
    assert digits not in re.sub(r"\D", "", page.replace("\u200b", ""))  # not sent back
    assert "meldt akutt dårlig av legevakten" in page  # the rest of the text is kept
    assert not CareRelation.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.EMERGENCY_ACCESS).exists()
    assert _stored_anywhere(digits) == []


def test_the_reason_is_stored_without_invisible_characters(world):
    person = world.persons[0]
    reason = "Akutt\u200b forverring\u00ad meldt   fra legevakt"
    response = world.client("kliniker").post(_url(person.external_id), {"reason": reason})
    assert response.status_code == 302
    relation = CareRelation.objects.get(person=person, kind=CareRelationKind.EMERGENCY)
    assert relation.reason == "Akutt forverring meldt fra legevakt"
    entry = AuditEntry.objects.get(action=Action.EMERGENCY_ACCESS)
    assert entry.reason == relation.reason


_invisible = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", " "])


@settings(max_examples=150, deadline=None)
@given(
    letters=st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll")),
        max_size=MIN_REASON_LETTERS - 1,
    ).filter(lambda t: personal_data.letter_count(t) < MIN_REASON_LETTERS),  # NFKC: «ŉ» is two
    filler=st.lists(
        st.one_of(_invisible, st.sampled_from(list("0123456789.,;:!?-–()/ "))), max_size=60
    ),
    data=st.randoms(use_true_random=False),
)
def test_property_too_few_letters_never_pass_whatever_is_around_them(letters, filler, data):
    text = list(letters) + filler
    data.shuffle(text)
    assert reason_problem("".join(text)) is not None


@settings(max_examples=150, deadline=None)
@given(
    digits=st.from_regex(r"\A\d{11}\Z", fullmatch=True).filter(str.isascii),
    cuts=st.lists(st.integers(1, 10), unique=True, max_size=4),
    separator=st.sampled_from([" ", ".", "-", " - ", "\u00a0", "\u2013", "/", ". "]),
    invisible=st.lists(_invisible, max_size=3),
)
def test_property_an_eleven_digit_number_is_found_however_it_is_split(
    digits, cuts, separator, invisible
):
    written = ""
    for i, digit in enumerate(digits):
        if i in cuts:
            written += separator
        written += digit
    for mark in invisible:
        written = written[:3] + mark + written[3:]
    reason = f"Hastesak for {written}, meldt fra legevakten"
    assert "identitetsnumre" in reason_problem(reason)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=MIN_REASON_LETTERS, max_size=80).filter(lambda t: "\x00" not in t))
def test_property_a_reason_that_passes_has_enough_letters_and_no_eleven_digits(text):
    if reason_problem(text) is None:
        assert personal_data.letter_count(text) >= MIN_REASON_LETTERS
        assert personal_data.eleven_digit_numbers(text) == []


# --- No existence oracle ------------------------------------------------------------------------


def test_real_foreign_and_random_ids_get_the_same_page_until_a_valid_reason(world):
    client = world.client("kliniker")
    real = world.persons[0].external_id
    foreign = world.foreign.external_id
    random_id = uuid.uuid4()
    for data in (None, {"reason": ""}, {"reason": "\u200b" * 30}, {"reason": f"{FNR} akutt"}):
        answers = []
        for external_id in (real, foreign, random_id):
            if data is None:
                response = client.get(_url(external_id))
            else:
                response = client.post(_url(external_id), data)
            answers.append((response.status_code, _normalised(response, external_id)))
        assert answers[0][0] == 200, data
        assert answers[0] == answers[1] == answers[2], data
    assert not CareRelation.objects.exists()
    assert not EmergencyAccessReview.objects.exists()


def test_a_valid_reason_for_an_unknown_id_is_logged_flagged_and_counted(world):
    client = world.client("kliniker")
    random_id = uuid.uuid4()
    response = client.post(_url(random_id), {"reason": GOOD_REASON})
    assert response.status_code == 404
    entry = AuditEntry.objects.get(action=Action.EMERGENCY_ACCESS)
    assert entry.is_flagged and entry.object_id == str(random_id)
    assert entry.details["outcome"] == EmergencyOutcome.NOT_FOUND
    review = EmergencyAccessReview.objects.get()
    assert review.outcome == EmergencyOutcome.NOT_FOUND and review.person is None
    # A person of another municipality is no person of this one.
    response = client.post(_url(world.foreign.external_id), {"reason": GOOD_REASON})
    assert response.status_code == 404
    assert not CareRelation.objects.exists()


def test_roles_without_person_access_get_403_for_every_id(world):
    for username in ("leder", "admin"):
        client = world.client(username)
        for external_id in (world.persons[0].external_id, uuid.uuid4()):
            assert client.get(_url(external_id)).status_code == 403
            assert client.post(_url(external_id), {"reason": GOOD_REASON}).status_code == 403
    assert not CareRelation.objects.exists()


# --- The log names the person, and the throttle ------------------------------------------------


def test_the_log_names_the_person_opened_by_id(world):
    person = world.persons[1]
    client = world.client("saksbehandler")
    response = client.post(_url(person.external_id), {"reason": GOOD_REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "persons:detail", kwargs={"external_id": person.external_id}
    )
    entry = AuditEntry.objects.get(action=Action.EMERGENCY_ACCESS)
    assert entry.object_type == "persons.person"
    assert entry.object_id == str(person.external_id)
    assert entry.is_flagged and entry.reason == GOOD_REASON
    assert entry.details["outcome"] == "granted" and entry.details["roles"] == ["saksbehandler"]
    assert person.family_name not in str(entry.details)
    relation = CareRelation.objects.get(person=person)
    assert relation.valid_to - relation.valid_from == dt.timedelta(hours=2)
    assert client.get(response["Location"]).status_code == 200
    read = AuditEntry.objects.filter(action=Action.READ).latest("sequence")
    assert read.is_flagged and read.details["basis"] == "emergency"


def test_at_most_three_emergency_accesses_an_hour_then_a_logged_refusal(world):
    client = world.client("kliniker")
    persons = world.persons
    for person in persons[:EMERGENCY_LIMIT]:
        assert client.post(_url(person.external_id), {"reason": GOOD_REASON}).status_code == 302
    # The fourth, whether for a real person or an unknown id, is refused the same way.
    answers = []
    for external_id in (persons[EMERGENCY_LIMIT].external_id, uuid.uuid4()):
        response = client.post(_url(external_id), {"reason": GOOD_REASON})
        answers.append((response.status_code, _normalised(response, external_id)))
        assert response.status_code == 429
        assert "nødtilgang 3 ganger den siste timen" in response.content.decode()
    assert answers[0] == answers[1]
    assert not CareRelation.objects.filter(person=persons[EMERGENCY_LIMIT]).exists()
    refusals = AuditEntry.objects.filter(
        action=Action.EMERGENCY_ACCESS, details__outcome="throttled"
    )
    assert refusals.count() == 2 and all(e.is_flagged for e in refusals)
    assert EmergencyAccessReview.objects.filter(outcome=EmergencyOutcome.THROTTLED).count() == 2
    # Another user is not held back by this one's requests.
    other = world.client("saksbehandler")
    assert other.post(_url(persons[5].external_id), {"reason": GOOD_REASON}).status_code == 302
    # An hour later the user may ask again.
    EmergencyAccessReview.objects.filter(user=world.users["kliniker"]).update(
        requested_at=timezone.now() - dt.timedelta(minutes=61)
    )
    response = client.post(_url(persons[EMERGENCY_LIMIT].external_id), {"reason": GOOD_REASON})
    assert response.status_code == 302


# --- The administrator's review -----------------------------------------------------------------


def _grant(world, person, username="kliniker"):
    response = world.client(username).post(_url(person.external_id), {"reason": GOOD_REASON})
    assert response.status_code == 302
    return EmergencyAccessReview.objects.latest("requested_at")


def test_the_administrator_lists_emergency_accesses_and_marks_one_reviewed(world):
    person = world.persons[2]
    review = _grant(world, person)
    world.client("kliniker").get(
        reverse("persons:detail", kwargs={"external_id": person.external_id})
    )
    admin = world.client("admin")
    page = admin.get(reverse("audit:emergency_reviews")).content.decode()
    assert str(person.external_id) in page and "kliniker" in page and GOOD_REASON in page
    assert "1 nødtilgang venter på gjennomgang" in page
    assert person.family_name not in page  # the person by id only
    url = reverse("audit:emergency_review", kwargs={"external_id": review.external_id})
    detail = admin.get(url).content.decode()
    assert "Lest i løpet av nødtilgangen" in detail and "persons.person" in detail
    response = admin.post(url, {"comment": "\u200b "})
    assert response.status_code == 200
    review.refresh_from_db()
    assert not review.is_reviewed
    response = admin.post(url, {"comment": "Kontrollert med legevakten: begrunnet."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_reviewed and review.reviewed_by == world.users["admin"]
    assert review.comment == "Kontrollert med legevakten: begrunnet."
    logged = AuditEntry.objects.filter(
        action=Action.UPDATE, object_type="persons.emergencyaccessreview"
    ).get()
    assert logged.object_id == str(review.external_id)
    assert logged.details["person"] == str(person.external_id)
    assert "Kontrollert" not in logged.reason + str(logged.details)
    # Reviewed: no longer waiting, shown with everything, and not reviewed a second time.
    page = admin.get(reverse("audit:emergency_reviews")).content.decode()
    assert str(person.external_id) not in page
    page = admin.get(reverse("audit:emergency_reviews"), {"vis": "alle"}).content.decode()
    assert str(person.external_id) in page and "Ja, av admin" in page
    admin.post(url, {"comment": "Endret"})
    review.refresh_from_db()
    assert review.comment == "Kontrollert med legevakten: begrunnet."


def test_only_the_municipalitys_administrators_see_the_reviews(world):
    review = _grant(world, world.persons[3])
    url = reverse("audit:emergency_review", kwargs={"external_id": review.external_id})
    for username in ("kliniker", "leder"):
        client = world.client(username)
        assert client.get(reverse("audit:emergency_reviews")).status_code == 403
        assert client.post(url, {"comment": "Ser greit ut"}).status_code == 403
    nabo = world.client("nabo-admin")
    assert (
        str(review.requested_id)
        not in nabo.get(reverse("audit:emergency_reviews")).content.decode()
    )
    assert nabo.get(url).status_code == 404
    assert nabo.post(url, {"comment": "Ser greit ut"}).status_code == 404
    review.refresh_from_db()
    assert not review.is_reviewed


def test_earlier_emergency_entries_get_a_pending_review_from_the_migration(world):
    """The migration's backfill: entries logged before reviews existed wait for one."""
    import importlib

    from django.apps import apps as django_apps

    from losen.apps.audit.services import record

    person = world.persons[4]
    entry = record(
        actor=world.users["kliniker"],
        action=Action.EMERGENCY_ACCESS,
        target=person,
        municipality=world.home,
        reason=GOOD_REASON,
        details={"hours": 2},
        is_flagged=True,
    )
    migration = importlib.import_module(
        "losen.apps.persons.migrations.0002_emergency_access_review"
    )
    migration.pending_reviews_for_earlier_emergency_access(django_apps, None)
    review = EmergencyAccessReview.objects.get(audit_entry=entry)
    assert review.requested_id == person.external_id and review.person == person
    assert not review.is_reviewed and review.municipality == world.home
