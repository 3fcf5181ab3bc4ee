"""Login, passwords, rate limits, sessions and role-aware pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from losen.apps.accounts.models import Role
from losen.apps.accounts.services import create_user
from losen.apps.audit.models import Action, AuditEntry

from ..conftest import DEMO_PASSWORD


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_passwords_are_hashed_with_argon2():
    """The production hasher list puts Argon2 first, so new hashes are Argon2id."""
    assert make_password("et langt passord").startswith("argon2$argon2id$")


def test_base_settings_choose_argon2():
    """The shipped settings (not the test override) hash with Argon2."""
    from losen.web.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_with_demo_user_lands_on_the_overview(demo):
    """A demo user logs in with the demo password and sees their municipality."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "leder", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fjordvik kommune" in page and "Leder" in page
    assert AuditEntry.objects.filter(action=Action.LOGIN, actor_label="leder").exists()


def test_wrong_password_says_what_to_check(demo):
    """A failed login explains itself and logs nobody in."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "leder", "password": "feil"})
    assert response.status_code == 200
    assert "Feil brukernavn eller passord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited(demo):
    """After five failures the right password is refused too, for a while."""
    client = Client()
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "leder", "password": "feil-passord"})
    response = client.post(url, {"username": "leder", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "For mange mislykkede innlogginger" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_users_are_not_locked_by_someone_elses_failures(demo):
    """The lock is per username and address: a colleague can still log in."""
    client = Client()
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "leder", "password": "feil-passord"})
    response = client.post(url, {"username": "kliniker", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_sessions_expire_when_idle_and_at_browser_close():
    """Sessions end after 30 idle minutes and never outlive the browser."""
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_expired_session_sends_user_to_login(demo, client_for):
    """Once a session has expired, pages ask for login again."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = client_for("leder")
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("username", "url_name", "status"),
    [
        ("leser", "accounts:users", 403),
        ("leser", "audit:log", 403),
        ("leser", "persons:list", 403),
        ("admin", "accounts:users", 200),
        ("admin", "audit:log", 200),
        ("kliniker", "persons:list", 200),
        ("saksbehandler", "persons:list", 200),
        ("analytiker", "accounts:units", 200),
    ],
)
def test_pages_follow_roles(client_for, username, url_name, status):
    """Each page admits the roles it is for and explains the refusal to others."""
    response = client_for(username).get(reverse(url_name))
    assert response.status_code == status
    if status == 403:
        assert "Rollen din gir ikke tilgang" in response.content.decode()


def test_navigation_shows_only_what_the_role_may_open(client_for):
    """The leser sees no admin or person links; the admin sees the audit log."""
    leser = client_for("leser").get(reverse("home")).content.decode()
    admin = client_for("admin").get(reverse("home")).content.decode()
    assert reverse("audit:log") not in leser and reverse("persons:list") not in leser
    assert reverse("audit:log") in admin


def test_anonymous_users_are_sent_to_login(db):
    response = Client().get(reverse("accounts:units"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_create_user_rejects_unknown_roles_and_weak_passwords(demo):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValueError, match="unknown role"):
        create_user(
            actor=None,
            username="x",
            password="et godt langt passord 42",
            municipality=demo["fjordvik"],
            roles=["sjef"],
        )
    with pytest.raises(ValidationError):
        create_user(
            actor=None,
            username="y",
            password="123",
            municipality=demo["fjordvik"],
            roles=[Role.LESER],
        )


def test_logout_is_a_post_and_is_audited(client_for):
    client = client_for("leder")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=Action.LOGOUT, actor_label="leder").exists()
    assert client.get(reverse("home")).status_code == 302


# --- Throttling per user and address, the same answer for everyone, failed logins audited ---

A = "203.0.113.10"
B = "203.0.113.20"


WRONG_PASSWORD = "feil-passord"


@pytest.fixture
def users(db):
    """A municipality with three users (quicker than the whole demo), plus the municipality."""
    from losen.apps.accounts.services import create_municipality

    fjordvik = create_municipality(actor=None, number="4699", name="Fjordvik kommune")
    made = {"fjordvik": fjordvik}
    for username, role in (
        ("leder", Role.LEDER),
        ("kliniker", Role.KLINIKER),
        ("leser", Role.LESER),
    ):
        made[username] = create_user(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            municipality=fjordvik,
            roles=[role],
            check_password_strength=False,
        )
    return made


def _fail(client, username="leder", password=None, **extra):
    password = password or WRONG_PASSWORD
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_five_wrong_passwords_from_one_address_do_not_lock_the_user_elsewhere(users):
    """ASVS V2.2.1: the lock is for the user name from that address; from B leder logs in."""
    attacker = Client(REMOTE_ADDR=A)
    for _ in range(5):
        _fail(attacker)
    assert _fail(attacker, password=DEMO_PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR=B)
    response = _fail(colleague, password=DEMO_PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in colleague.session


@override_settings(LOSEN_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_proxy_each_client_has_its_own_lock(users):
    """All requests come from the proxy (10.0.0.1); its X-Forwarded-For names the client."""
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=A)
    for _ in range(5):
        _fail(attacker)
    assert _fail(attacker, password=DEMO_PASSWORD).status_code == 429
    # The attacker cannot escape the lock by writing another address in front.
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{B}, {A}")
    assert _fail(forged, password=DEMO_PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=B)
    assert _fail(colleague, password=DEMO_PASSWORD).status_code == 302


@override_settings(LOSEN_LOGIN_FAILURES_PER_ADDRESS=40)
def test_password_spraying_across_40_user_names_is_throttled(users):
    """One try each for 40 user names from one address locks that address for every name."""
    sprayer = Client(REMOTE_ADDR=A)
    statuses = [_fail(sprayer, username=f"bruker{n}").status_code for n in range(40)]
    assert statuses[:39] == [200] * 39
    assert statuses[39] == 429
    # Even the right password for a real user is refused from that address now ...
    assert _fail(sprayer, username="kliniker", password=DEMO_PASSWORD).status_code == 429
    # ... but not from another address.
    assert (
        _fail(Client(REMOTE_ADDR=B), username="kliniker", password=DEMO_PASSWORD).status_code == 302
    )


def test_a_successful_login_does_not_reset_the_address_count(users):
    """A sprayer holding one real account cannot clear the count by logging in with it."""
    from losen.apps.accounts.throttle import LoginThrottle

    sprayer = Client(REMOTE_ADDR=A)
    for n in range(6):
        _fail(sprayer, username=f"bruker{n}")
    assert _fail(sprayer, username="kliniker", password=DEMO_PASSWORD).status_code == 302
    probe = type("Probe", (), {"axes_ip_address": A, "axes_attempt_time": None})()
    assert LoginThrottle.address_failures(probe) == 6


def _page(response, username):
    """The page without what differs by design: the CSRF token and the echoed user name."""
    import re

    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", text)
    return text.replace(f'value="{username}"', 'value="NAME"')


def test_unknown_user_and_wrong_password_get_the_same_answer(users):
    """No user enumeration (ASVS V2.2.x / V3.2): same status, same page, same message."""
    wrong = _fail(Client(REMOTE_ADDR=A), username="leder")
    unknown = _fail(Client(REMOTE_ADDR=A), username="finnes-ikke")
    assert wrong.status_code == unknown.status_code == 200
    assert _page(wrong, "leder") == _page(unknown, "finnes-ikke")
    assert "Feil brukernavn eller passord" in wrong.content.decode()


def test_locked_unknown_user_and_locked_real_user_get_the_same_answer(users):
    answers = []
    for username in ("leder", "finnes-ikke"):
        client = Client(REMOTE_ADDR=A)
        for _ in range(5):
            _fail(client, username=username)
        answers.append(_fail(client, username=username))
    assert answers[0].status_code == answers[1].status_code == 429
    assert _page(answers[0], "leder") == _page(answers[1], "finnes-ikke")


def test_an_inactive_account_gets_the_same_answer_as_a_wrong_password(users):
    users["leser"].is_active = False
    users["leser"].save(update_fields=["is_active"])
    inactive = _fail(Client(REMOTE_ADDR=A), username="leser", password=DEMO_PASSWORD)
    wrong = _fail(Client(REMOTE_ADDR=A), username="leser")
    assert _page(inactive, "leser") == _page(wrong, "leser")


def test_axes_keeps_no_typed_user_name(users):
    """Someone may type a password as user name: axes's records hold a keyed hash instead."""
    from axes.models import AccessAttempt, AccessLog

    typed = "Mitt-Passord-2026!"
    _fail(Client(REMOTE_ADDR=A), username=typed)
    _fail(Client(REMOTE_ADDR=A), username="leder", password=DEMO_PASSWORD)
    rows = list(AccessAttempt.objects.values()) + list(AccessLog.objects.values())
    assert rows and typed not in str(rows)
    assert not AccessLog.objects.exists()  # successful logins are in the audit log only


def test_each_failed_login_writes_one_audit_entry_without_the_typed_name(users):
    """Normen: attempts at unauthorised access are logged; the typed text is not kept."""
    from losen.apps.accounts.throttle import keyed_hash

    before = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count()
    client = Client(REMOTE_ADDR=A)
    _fail(client, username="leder")
    _fail(client, username="Mitt-Passord-2026!")
    entries = list(AuditEntry.objects.filter(action=Action.LOGIN_FAILED).order_by("sequence"))
    assert len(entries) == before + 2
    known, unknown = entries[-2:]
    leder = users["leder"]
    assert (known.object_type, known.object_id) == ("accounts.user", str(leder.external_id))
    assert known.municipality == users["fjordvik"]
    assert known.details == {
        "address": A,
        "locked": False,
        "username_key": keyed_hash("username", "leder"),
    }
    assert known.actor_id is None and known.actor_label == "anonym"
    assert unknown.object_id == "" and unknown.municipality is None
    assert unknown.details["username_key"] == keyed_hash("username", "Mitt-Passord-2026!")
    stored = str(AuditEntry.objects.filter(pk=unknown.pk).values().get())
    assert "Mitt-Passord-2026!" not in stored


def test_attempts_that_meet_a_lock_are_audited_too(users):
    client = Client(REMOTE_ADDR=A)
    before = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count()
    for _ in range(7):
        _fail(client)
    entries = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).order_by("sequence")
    assert entries.count() == before + 7
    assert [e.details["locked"] for e in entries][-3:] == [True, True, True]


@override_settings(LOSEN_TRUSTED_PROXIES=["10.0.0.1"])
def test_the_audit_entry_names_the_client_behind_the_proxy(users):
    _fail(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {B}"))
    entry = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).latest("sequence")
    assert entry.details["address"] == B


def test_a_successful_login_writes_no_failure_entry(users):
    before = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count()
    _fail(Client(REMOTE_ADDR=A), password=DEMO_PASSWORD)
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count() == before


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/logg-inn/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "https:evil.example",
        "//evil.example@testserver",
        " //evil.example",
    ],
)
def test_the_next_parameter_cannot_send_a_user_off_the_site(users, target):
    """ASVS V5.1.5: after login only a path on this site is followed."""
    client = Client(REMOTE_ADDR=A)
    page = client.get(reverse("accounts:login"), {"next": target}).content.decode()
    assert '<input type="hidden" name="next" value="">' in page
    response = client.post(
        reverse("accounts:login"),
        {"username": "leder", "password": DEMO_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_next_path_on_the_site_is_followed(users):
    response = Client(REMOTE_ADDR=A).post(
        reverse("accounts:login"),
        {"username": "leder", "password": DEMO_PASSWORD, "next": "/prioritering/"},
    )
    assert response["Location"] == "/prioritering/"
