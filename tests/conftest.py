"""Shared fixtures: the demo municipality and clients logged in as its users."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls our fixtures make
# there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "demo-passord-for-tester"


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
