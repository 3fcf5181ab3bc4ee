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
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


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
