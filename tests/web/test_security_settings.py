"""Production settings as a browser meets them: headers, cookies, redirects, the secret key.

The pages are requested in a separate process started with ``losen.web.settings.prod`` (the
test suite's own settings are not production's), on an in-memory SQLite database.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import subprocess
import sys
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured

HOST = "losen.fjordvik.kommune.no"
GOOD_KEY = "Q9x!vT#2mW$8rZ&1bN@5yL%3pK^7hJ*4gF(6dS)0aE-uR+3iO=7eW~1qA"  # 57 characters
AUDIT_KEY = "b3N0ZXJuZXMtZXItZ29kZS1tZW4tZGVubmUtbsO4a2tlbGVuLWVyLWJlZHJl"

PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings

    # The manifest of collected static files is made at deploy time; plain static storage
    # here changes nothing about headers or cookies.
    plain = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
             "staticfiles": {"BACKEND":
                             "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):
        for app in ("contenttypes", "auth", "accounts", "sessions", "axes", "audit"):
            call_command("migrate", app, verbosity=0)
        from losen.apps.accounts.services import create_user
        create_user(actor=None, username="kari", password="et langt og godt passord 7")
        host = {"HTTP_HOST": %(host)r}
        client = Client(**host)
        out = {}
        page = client.get("/logg-inn/", secure=True)
        out["page"] = {"status": page.status_code, "headers": dict(page.headers)}
        out["cookies"] = {}
        login = client.post("/logg-inn/", {"username": "kari",
                                           "password": "et langt og godt passord 7"},
                            secure=True)
        out["login_status"] = login.status_code
        for response in (page, login):
            for name, morsel in response.cookies.items():
                out["cookies"][name] = {"secure": bool(morsel["secure"]),
                                        "httponly": bool(morsel["httponly"]),
                                        "samesite": morsel["samesite"],
                                        "path": morsel["path"], "domain": morsel["domain"]}
        health = Client(**host).get("/healthz")
        out["healthz_http"] = {"status": health.status_code, "body": health.json()}
        plain_page = Client(**host).get("/logg-inn/")
        out["page_http"] = {"status": plain_page.status_code,
                            "location": plain_page.headers.get("Location", "")}
    print(json.dumps(out))
    """
) % {"host": HOST}


def _environment(tmp_path, **extra):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "losen.web.settings.prod",
        "LOSEN_SECRET_KEY": GOOD_KEY,
        "LOSEN_AUDIT_KEY": AUDIT_KEY,
        "LOSEN_ALLOWED_HOSTS": HOST,
        "LOSEN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "sqlite://:memory:",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environment.update(extra)
    return {key: value for key, value in environment.items() if value is not None}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What the production settings send, measured once for the tests below."""
    tmp_path = tmp_path_factory.mktemp("prod")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_security_header_is_sent_on_a_page(production):
    """OWASP ASVS V14.4.1-V14.4.7: CSP, HSTS, framing, sniffing, referrer, permissions, COOP."""
    assert production["page"]["status"] == 200
    headers = {name.lower(): value for name, value in production["page"]["headers"].items()}
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains; preload"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    policy = headers["permissions-policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy
    assert "no-cache" in headers.get("cache-control", "") or "private" in headers.get(
        "cache-control", ""
    )


def test_session_and_csrf_cookies_are_secure_httponly_samesite_and_host_only(production):
    """ASVS V3.4.1 Secure, V3.4.2 HttpOnly, V3.4.3 SameSite, V3.4.4 the __Host- prefix."""
    assert production["login_status"] == 302
    cookies = production["cookies"]
    assert set(cookies) >= {"__Host-losen-session", "__Host-losen-csrf"}
    for name in ("__Host-losen-session", "__Host-losen-csrf"):
        cookie = cookies[name]
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
        assert cookie["path"] == "/" and cookie["domain"] == "", name


def test_healthz_answers_over_plain_http_and_pages_redirect_to_https(production):
    """A load balancer probes /healthz over HTTP; every other page goes to HTTPS."""
    assert production["healthz_http"] == {
        "status": 200,
        "body": {"status": "ok", "database": "ok"},
    }
    assert production["page_http"]["status"] == 301
    assert production["page_http"]["location"] == f"https://{HOST}/logg-inn/"


def _check(tmp_path, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "losen.cli", "manage", "check", *args],
        capture_output=True,
        text=True,
        env=_environment(tmp_path, **env),
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing(tmp_path):
    result = _check(tmp_path, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "LOSEN_SECRET_KEY mangler"), ("kort-men-hemmelig", "er for kort (17 tegn)")],
)
def test_a_missing_or_short_secret_key_stops_the_command_with_a_message(tmp_path, key, message):
    """Exit 2 with what to do, no traceback (it was a KeyError), nothing on standard output."""
    result = _check(tmp_path, LOSEN_SECRET_KEY=key)
    assert result.returncode == 2
    assert message in result.stderr and "secrets.token_urlsafe(64)" in result.stderr
    assert "Traceback" not in result.stderr and "KeyError" not in result.stderr
    assert result.stdout == ""


@pytest.fixture
def prod_settings(monkeypatch):
    """The production settings module, imported here with a good key in the environment."""
    monkeypatch.setenv("LOSEN_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("LOSEN_AUDIT_KEY", AUDIT_KEY)
    sys.modules.pop("losen.web.settings.prod", None)
    yield importlib.import_module("losen.web.settings.prod")
    sys.modules.pop("losen.web.settings.prod", None)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "LOSEN_SECRET_KEY mangler"),
        ("   ", "LOSEN_SECRET_KEY mangler"),
        ("x" * 49, r"LOSEN_SECRET_KEY er for kort \(49 tegn\)"),
        ("ab" * 40, "LOSEN_SECRET_KEY er ikke tilfeldig nok"),
        ("abcd" * 20, "LOSEN_SECRET_KEY er ikke tilfeldig nok"),
        ("django-insecure-" + GOOD_KEY, "LOSEN_SECRET_KEY er ikke tilfeldig nok"),
    ],
)
def test_weak_secret_keys_are_refused(prod_settings, monkeypatch, key, message):
    monkeypatch.setenv("LOSEN_SECRET_KEY", key)
    with pytest.raises(ImproperlyConfigured, match=message):
        prod_settings.production_secret_key()


def test_a_key_of_50_random_characters_is_accepted(prod_settings, monkeypatch):
    key = secrets.token_urlsafe(64)[:50]
    monkeypatch.setenv("LOSEN_SECRET_KEY", key)
    assert prod_settings.production_secret_key() == key
    assert prod_settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]


def test_a_wrong_trusted_proxy_setting_stops_with_a_message(tmp_path):
    result = _check(tmp_path, LOSEN_TRUSTED_PROXIES="10.0.0.1, proxy.example")
    assert result.returncode == 2
    assert "LOSEN_TRUSTED_PROXIES: «proxy.example» er ikke en IP-adresse" in result.stderr
    assert "Traceback" not in result.stderr
