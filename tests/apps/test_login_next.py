"""The ``next`` parameter of the login and of the municipality switcher stays on the site.

OWASP ASVS 4.0.3 V5.1.5 (redirects only to allow-listed destinations). Each target is what an
attacker could put in a link (``/logg-inn/?next=…``). The redirect the server answers with is
resolved the way a browser does (WHATWG URL standard, https://url.spec.whatwg.org/: leading
and trailing control characters and spaces dropped, tabs and line breaks removed, a backslash
read as a slash), and the result must be on this site: a path, or this host over HTTP(S).
Percent-encoded targets (``%2F%2Fevil.example``) are followed as the relative paths they are;
the rest are replaced by the start page.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from losen.apps.accounts.models import Role
from losen.apps.accounts.services import create_municipality, create_user

from ..conftest import DEMO_PASSWORD

HOST = "testserver"

# Plain, then encoded and obfuscated variants of the same few tricks.
OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "https://evil.example",
    "http://evil.example/logg-inn/",
    "HTTPS://evil.example",
    "https:evil.example",
    "http:/evil.example",
    "http:///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\x01//evil.example",
    "\x00//evil.example",
    "//evil.example@testserver",
    "//testserver@evil.example",
    "https://testserver.evil.example",
    "https://evil.example#@testserver",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "%2F%5Cevil.example",
    "https%3A%2F%2Fevil.example",
    "javascript%3Aalert(1)",
    "%252F%252Fevil.example",
    "/%09/evil.example",
    "/.//evil.example",
    "/./\\evil.example",
    "\uff0f\uff0fevil.example",
    "//evil\u3002example",
    "http://[::1]:80@evil.example",
]
"""42 targets."""

_CONTROL_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def _where_a_browser_goes(location: str, base: str) -> tuple[str, str]:
    """The scheme and host a browser would go to for a ``Location`` header, per WHATWG."""
    cleaned = _TAB_NEWLINE.sub("", _CONTROL_EDGES.sub("", location)).replace("\\", "/")
    target = urlsplit(urljoin(base, cleaned))
    return target.scheme.lower(), (target.hostname or "")


def _assert_on_site(response, base: str) -> None:
    assert response.status_code == 302
    scheme, host = _where_a_browser_goes(response["Location"], base)
    assert (scheme, host) in {("http", HOST), ("https", HOST)}, response["Location"]


@pytest.fixture
def leder(db):
    fjordvik = create_municipality(actor=None, number="4699", name="Fjordvik kommune")
    return create_user(
        actor=None,
        username="leder",
        password=DEMO_PASSWORD,
        municipality=fjordvik,
        roles=[Role.LEDER],
        check_password_strength=False,
    )


def test_the_resolver_sees_the_tricks():
    """The check itself: a browser would leave the site for these if they were followed."""
    base = f"http://{HOST}/logg-inn/"
    for target in ("//evil.example", "/\\evil.example", "/\t/evil.example", " //evil.example"):
        assert _where_a_browser_goes(target, base)[1] == "evil.example"
    assert _where_a_browser_goes("javascript:alert(1)", base)[0] == "javascript"
    assert _where_a_browser_goes("%2F%2Fevil.example", base) == ("http", HOST)


@pytest.mark.parametrize("target", OFF_SITE, ids=[repr(t) for t in OFF_SITE])
def test_login_next_stays_on_the_site(leder, target):
    client = Client()
    url = reverse("accounts:login")
    page = client.get(url, {"next": target}).content.decode()
    hidden = re.search(r'<input type="hidden" name="next" value="([^"]*)">', page)
    assert hidden is not None
    kept = html.unescape(hidden.group(1))
    assert not kept or _where_a_browser_goes(kept, f"http://{HOST}{url}")[1] == HOST, kept
    response = client.post(url, {"username": "leder", "password": DEMO_PASSWORD, "next": target})
    _assert_on_site(response, f"http://{HOST}{url}")


@pytest.mark.parametrize("target", OFF_SITE, ids=[repr(t) for t in OFF_SITE])
def test_the_language_switch_next_stays_on_the_site(db, target):
    url = reverse("set_language")
    response = Client().post(url, {"language": "nn", "next": target})
    _assert_on_site(response, f"http://{HOST}{url}")


@pytest.mark.parametrize("target", OFF_SITE, ids=[repr(t) for t in OFF_SITE])
def test_the_municipality_switch_next_stays_on_the_site(leder, target):
    client = Client()
    client.force_login(leder)
    url = reverse("accounts:choose_municipality")
    response = client.post(url, {"municipality": "", "next": target})
    _assert_on_site(response, f"http://{HOST}{url}")


def test_a_path_on_the_site_is_still_followed(leder):
    response = Client().post(
        reverse("accounts:login"),
        {"username": "leder", "password": DEMO_PASSWORD, "next": "/prioritering/?side=2"},
    )
    assert response["Location"] == "/prioritering/?side=2"
