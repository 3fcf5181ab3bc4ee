"""The client address behind a trusted proxy, and the atomic counter behind the rate limits."""

from __future__ import annotations

import ipaddress
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import RequestFactory, override_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from losen.apps.accounts import throttle
from losen.apps.accounts.client import client_address, parse_networks
from losen.apps.accounts.models import RateWindow

PROXIES = ["10.0.0.1", "10.0.1.0/24", "fd00::/8"]


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy in front: the header is whatever the client wrote, and is ignored.
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
        ("198.51.100.7", None, "198.51.100.7"),
        # The proxy appends the address it saw: that one, not what the client claimed.
        ("10.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.1", "1.1.1.1, 203.0.113.9", "203.0.113.9"),
        # Two proxies of ours in a row: skip both.
        ("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.1.20", "203.0.113.9"),
        # A proxy with no header: the proxy is the client (a probe from the load balancer).
        ("10.0.0.1", None, "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        # Only proxies in the chain: the left-most of them.
        ("10.0.0.1", "10.0.1.5", "10.0.1.5"),
        # Garbage from the client to the left of a good entry does not matter.
        ("10.0.0.1", "<script>, 203.0.113.9", "203.0.113.9"),
        # Garbage as the nearest entry: nothing to its left is believed.
        ("10.0.0.1", "203.0.113.9, unknown", "10.0.0.1"),
        # Ports and IPv6 forms that proxies write.
        ("10.0.0.1", "203.0.113.9:51234", "203.0.113.9"),
        ("10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
        ("::ffff:10.0.0.1", "203.0.113.9", "203.0.113.9"),
    ],
)
@override_settings(LOSEN_TRUSTED_PROXIES=PROXIES)
def test_client_address_believes_only_trusted_proxies(remote, forwarded, expected):
    assert client_address(request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_never_read():
    assert client_address(request("10.0.0.1", "203.0.113.9")) == "10.0.0.1"


@given(
    client=st.ip_addresses(v=4).filter(lambda a: not a.is_private),
    forged=st.lists(st.ip_addresses(v=4).map(str), max_size=5),
)
@settings(max_examples=200, deadline=None)
@override_settings(LOSEN_TRUSTED_PROXIES=PROXIES)
def test_whatever_a_client_writes_in_front_it_gets_its_own_address(client, forged):
    """Property: entries the client forged to the left never replace the proxy's entry."""
    header = ", ".join([*forged, str(client)])
    assert client_address(request("10.0.0.1", header)) == str(client)


@given(header=st.text(max_size=200))
@settings(max_examples=200, deadline=None)
@override_settings(LOSEN_TRUSTED_PROXIES=PROXIES)
def test_any_header_gives_a_valid_address_and_never_fails(header):
    ipaddress.ip_address(client_address(request("10.0.0.1", header)))


def test_a_wrong_proxy_entry_is_named():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=r"«proxy\.example»"):
        parse_networks(["10.0.0.1", "proxy.example"])


@pytest.mark.django_db
def test_hit_counts_to_the_limit_then_refuses_until_the_window_ends():
    results = [throttle.hit("test", "198.51.100.7", limit=3, seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert throttle.hit("test", "198.51.100.8", limit=3, seconds=60)  # another client
    assert throttle.hit("other-limit", "198.51.100.7", limit=3, seconds=60)  # another limit
    RateWindow.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert throttle.hit("test", "198.51.100.7", limit=3, seconds=60)
    assert not any("198.51.100" in key for key in RateWindow.objects.values_list("key", flat=True))


@pytest.mark.django_db
def test_expired_windows_are_removed():
    throttle.hit("test", "a", limit=3, seconds=60)
    RateWindow.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    throttle.hit("test", "b", limit=3, seconds=60)
    assert RateWindow.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_requests_at_once_cannot_pass_a_shared_limit_together():
    """Eight threads, three requests each, limit five: exactly five pass (no get-then-set race).

    On PostgreSQL the row lock decides. The test database on SQLite lives in shared memory,
    where a lock is an error instead of a wait, so the test runs on PostgreSQL only; on a
    SQLite file the immediate transactions let one writer in at a time.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL); SQLite serialises writers by design")
    barrier = threading.Barrier(8)
    passed: list[bool] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            for _ in range(3):
                allowed = throttle.hit("race", "198.51.100.7", limit=5, seconds=60)
                with lock:
                    passed.append(allowed)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(passed) == 24
    assert passed.count(True) == 5
    assert RateWindow.objects.get().count == 5
