"""Shared fixtures: the demo municipality and clients logged in as its users."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls our fixtures make
# there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "demo-passord-for-tester"


@pytest.fixture(autouse=True)
def _bokmal_by_default():
    """Every test starts in the site's language (bokmål).

    A request through the test client activates its language for the thread and leaves it
    active, so a test that switched to English made later tests in the same worker read
    English strings.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db):
    """Load the demo (Fjordvik and Nabovik) and return its context-like summary."""
    from losen.apps.accounts.models import Municipality, User
    from losen.apps.demo.services import load_demo

    load_demo(password=DEMO_PASSWORD)
    return {
        "fjordvik": Municipality.objects.get(number="4699"),
        "nabovik": Municipality.objects.get(number="4698"),
        "users": {u.username: u for u in User.objects.filter(is_synthetic=True)},
        "password": DEMO_PASSWORD,
    }


@pytest.fixture
def client_for(client, demo):
    """Return a function giving a test client logged in as a demo user."""
    from django.test import Client

    def make(username: str) -> Client:
        new_client = Client()
        new_client.force_login(demo["users"][username])
        return new_client

    return make
